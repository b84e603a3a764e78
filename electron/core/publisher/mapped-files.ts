import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * Mapped records beside an export's NDJSON. The publisher's own folders (the merged export its
 * state writes, each unit's scoped folder) carry beside each NDJSON file the content mapper's
 * record of each of its lines: packed (store/packing.ts), each ended by U+0001, in line order,
 * each naming its line first. A snapshot's mapped entry is then that file as it is, and the
 * scope reads whose each resource is from it: a resource is mapped once, when it changes, not
 * again for every snapshot and every cycle. The folder's manifest.json names these files
 * (`lanternMapped`), with the mapper and the size of the NDJSON each was made from; another
 * mapper, another size or a record naming another line, and the lines are mapped afresh.
 */

/** The manifest.json member that names them. */
export const MAPPED_KEY = 'lanternMapped';

export interface MappedFiles {
  /** mapperId() of the mapper that made them. */
  mapper: string;
  /** Per NDJSON file (its manifest url): the records' file, and the NDJSON's size in bytes. */
  files: Array<{ url: string; file: string; bytes: number }>;
}

/** The mapped file beside TYPE.ndjson (or any NAME.ndjson). */
export const mappedFileName = (ndjsonName: string): string => `${ndjsonName.replace(/\.ndjson$/i, '')}.mapped`;

const SEP = 0;
const END = 1;

/**
 * A packed record moved to another line: every record names its line first (after its kind),
 * so the record of a line is the same wherever the line is but for that number.
 */
export function relinePacked(packed: string, line: number): string {
  const a = packed.indexOf('\u0000');
  const b = packed.indexOf('\u0000', a + 1);
  return `${packed.slice(0, a + 1)}${line}${packed.slice(b)}`;
}

/** Bytes to a file in blocks of about 1 MB (one write per line is too many system calls); the file is made on the first write. */
export class FileSink {
  private buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private fd: number | null = null;
  /** Bytes written (or waiting to be). */
  size = 0;
  /** What the caller counts (lines, records). */
  count = 0;
  constructor(readonly file: string) {}

  text(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.used + bytes > this.buf.length) this.flush();
    if (bytes > this.buf.length) this.write(Buffer.from(text));
    else this.used += this.buf.write(text, this.used);
    this.size += bytes;
  }

  bytes(buf: Buffer, start: number, end: number): void {
    const n = end - start;
    if (this.used + n > this.buf.length) this.flush();
    if (n > this.buf.length) this.write(buf.subarray(start, end));
    else this.used += buf.copy(this.buf, this.used, start, end);
    this.size += n;
  }

  /** A record (buf[start, end), its end mark included) as the record of `line`. */
  relined(buf: Buffer, start: number, end: number, line: number): void {
    const a = buf.indexOf(SEP, start);
    const b = buf.indexOf(SEP, a + 1);
    this.bytes(buf, start, a + 1);
    this.text(String(line));
    this.bytes(buf, b, end);
  }

  private write(data: Buffer): void {
    this.fd ??= openSync(this.file, 'w', 0o600);
    writeSync(this.fd, data);
  }

  private flush(): void {
    if (this.used) this.write(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  /** Flushed, closed and (`sync`) on disk; false when nothing was ever written (no file). */
  close(sync = true): boolean {
    this.flush();
    if (this.fd === null) return false;
    if (sync) fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
    return true;
  }
}

/** A mapped file's records one at a time, read in blocks: buf[start, end) with its end mark. */
export class RecordReader {
  private buf = Buffer.allocUnsafe(1 << 20);
  private start = 0;
  private filled = 0;
  private done = false;
  private readonly fd: number;
  constructor(file: string) {
    this.fd = openSync(file, 'r');
  }

  next(): { buf: Buffer; start: number; end: number } | null {
    for (;;) {
      const end = this.buf.indexOf(END, this.start);
      if (end >= 0 && end < this.filled) {
        const start = this.start;
        this.start = end + 1;
        return { buf: this.buf, start, end: end + 1 };
      }
      if (this.done) return null;
      // Keep the unfinished record at the front, growing the block for a record longer than it.
      const rest = this.filled - this.start;
      if (rest === this.buf.length) {
        const grown = Buffer.allocUnsafe(this.buf.length * 2);
        this.buf.copy(grown, 0, this.start, this.filled);
        this.buf = grown;
      } else this.buf.copy(this.buf, 0, this.start, this.filled);
      this.start = 0;
      this.filled = rest;
      const n = readSync(this.fd, this.buf, this.filled, this.buf.length - this.filled, null);
      if (n === 0) this.done = true;
      this.filled += n;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Field i of a record (0 is its kind) as bytes [start, end), or null when the record has fewer. */
export function recordField(buf: Buffer, start: number, end: number, i: number): [number, number] | null {
  let at = start;
  for (let k = 0; k < i; k++) {
    const sep = buf.indexOf(SEP, at);
    if (sep < 0 || sep >= end) return null;
    at = sep + 1;
  }
  const sep = buf.indexOf(SEP, at);
  return [at, sep < 0 || sep >= end ? end - 1 : sep];
}

/** A text field as packing.ts writes it: as it is, or U+0002 then JSON (U+0002 alone: null). */
export function recordText(buf: Buffer, [start, end]: [number, number]): string | null {
  if (buf[start] !== 2) return buf.toString('utf8', start, end);
  if (end - start === 1) return null;
  const value: unknown = JSON.parse(buf.toString('utf8', start + 1, end));
  return typeof value === 'string' ? value : null;
}
