import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { refuse } from '../snapshot/refusal';

/**
 * The blocks a snapshot database keeps of its lines, for a later delta to be applied to
 * (home/apply-delta.ts): consecutive lines of one file, each as its number, its length and its
 * text, deflated. The ingest worker packs the publisher's mapped records into blocks itself, off
 * the database thread; the database thread packs the rest.
 */

export const RECORD_END = '\u0001';
export const FIELD = '\u0000';
/** Lines of the base compressed together: small enough to read a few for a short run, large enough to compress well. */
export const BLOCK_LINES = 256;
export const BLOCK_CHARS = 256 * 1024;

/** One block of a file: the numbers of its first and last line, and the deflated lines. */
export interface BaseBlock {
  file: string;
  first: number;
  last: number;
  data: Uint8Array;
}

/** The line number of a packed record (the second field of every record kind). */
export const lineOf = (record: string): number => {
  const a = record.indexOf(FIELD);
  const b = record.indexOf(FIELD, a + 1);
  const n = Number(record.slice(a + 1, b));
  return a >= 0 && b > a && Number.isSafeInteger(n) && n > 0 ? n : refuse('CORRUPT', 'a mapped record without its line number');
};

/** Each record of a packed batch, with its end mark. */
export function* splitRecords(packed: string): Generator<string> {
  let start = 0;
  for (let end = packed.indexOf(RECORD_END); end >= 0; end = packed.indexOf(RECORD_END, start)) {
    yield packed.slice(start, end + 1);
    start = end + 1;
  }
}

/** A block: each line as its number, its length, then its text (a record or a JSON line may hold anything). */
export function packBlock(lines: ReadonlyArray<readonly [number, string]>): Buffer {
  return deflateRawSync(Buffer.from(lines.map(([n, text]) => `${n}${FIELD}${text.length}${FIELD}${text}`).join(''), 'utf8'), { level: 1 });
}

export function* unpackBlock(data: Buffer): Generator<[number, string]> {
  const text = inflateRawSync(data).toString('utf8');
  for (let at = 0; at < text.length; ) {
    const a = text.indexOf(FIELD, at);
    const b = a < 0 ? -1 : text.indexOf(FIELD, a + 1);
    const line = Number(text.slice(at, a));
    const length = Number(text.slice(a + 1, b));
    if (b < 0 || !Number.isSafeInteger(line) || !Number.isSafeInteger(length) || b + 1 + length > text.length) return refuse('DELTA_BASE', 'the base of the snapshot in use does not read back');
    yield [line, text.slice(b + 1, b + 1 + length)];
    at = b + 1 + length;
  }
}

/**
 * Cuts the lines of a snapshot, as they come, into blocks: BLOCK_LINES lines or BLOCK_CHARS
 * characters of one file, the rest of each file at the end. The database thread and the ingest
 * worker cut with this one rule, so a database's base is the same whichever thread packed it.
 */
export class BlockCutter {
  private readonly held = new Map<string, { lines: Array<[number, string]>; chars: number }>();
  constructor(private readonly done: (block: BaseBlock) => void) {}

  put(file: string, line: number, text: string): void {
    let block = this.held.get(file);
    if (!block) this.held.set(file, (block = { lines: [], chars: 0 }));
    block.lines.push([line, text]);
    block.chars += text.length;
    if (block.lines.length >= BLOCK_LINES || block.chars >= BLOCK_CHARS) this.cut(file);
  }

  /** Each record of a packed batch, by its line number. */
  putRecords(file: string, packed: string): void {
    for (const record of splitRecords(packed)) this.put(file, lineOf(record), record);
  }

  cut(file: string): void {
    const block = this.held.get(file);
    if (!block?.lines.length) return;
    this.held.delete(file);
    this.done({ file, first: block.lines[0]![0], last: block.lines.at(-1)![0], data: packBlock(block.lines) });
  }

  /** The lines still held, every file's, as blocks. */
  cutAll(): void {
    for (const file of [...this.held.keys()]) this.cut(file);
  }
}
