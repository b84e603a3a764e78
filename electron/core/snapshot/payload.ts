import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { TAG_BYTES, decryptChunk } from './format';
import { MAX_LINE_BYTES, NdjsonLines } from './lines';
import type { Entry, Manifest, MappedEntry, NdjsonEntry, ProtocolEntry } from './manifest';
import { SnapshotRefusal, refuse } from './refusal';

/**
 * Streams a snapshot's payload: file -> ciphertext size + hash check -> per-chunk
 * AES-256-GCM (index and final flag authenticated) -> gunzip -> entries by their declared
 * sizes -> lines. Nothing reaches the consumer before its chunk's tag has verified; the
 * caller must still not commit anything until the whole stream has finished.
 */
export interface PayloadConsumer {
  /** One non-blank NDJSON line (without its line end). Called synchronously, in order. */
  line(entry: NdjsonEntry, json: string, lineNumber: number): void;
  protocol(entry: ProtocolEntry, bytes: Buffer): void;
  /**
   * The content mapper (name/revision) whose mapped entries this consumer takes in place of
   * the lines they stand for; mapped entries of any other mapper are only checked.
   */
  mapper?: string;
  /** Records of a mapped entry standing for `entry`'s lines: a whole number of them, each ended by U+0001. */
  records?(entry: NdjsonEntry, packed: string): void;
  /** After each decompressed chunk; may return a promise to apply back-pressure. */
  progress?(plainBytes: number): void | Promise<void>;
}

const MAX_PROTOCOL_BYTES = 256 * 1024 * 1024;
/** A mapped record holds at most a line and what was mapped from it. */
const MAX_RECORD_BYTES = 3 * MAX_LINE_BYTES;
const RECORD_END = 1;

class ChunkDecryptor extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;
  private seen = 0;
  private readonly hash = createHash('sha256');
  private readonly record: number;
  constructor(
    private readonly key: Buffer,
    private readonly manifest: Manifest,
  ) {
    super();
    this.record = manifest.payload.chunkSize + TAG_BYTES;
  }
  private open(record: Buffer, final: boolean): Buffer {
    try {
      return decryptChunk(this.key, this.index++, final, record);
    } catch {
      return refuse('CORRUPT', `encrypted chunk ${this.index - 1} does not authenticate`);
    }
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.seen += chunk.length;
      if (this.seen > this.manifest.payload.ciphertextBytes) refuse('TOO_LARGE', 'the encrypted payload is longer than the manifest says');
      this.hash.update(chunk);
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes > this.record) {
        let buf = Buffer.concat(this.pending, this.pendingBytes);
        while (buf.length > this.record) {
          this.push(this.open(buf.subarray(0, this.record), false));
          buf = buf.subarray(this.record);
        }
        this.pending = [buf];
        this.pendingBytes = buf.length;
      }
      done();
    } catch (error) {
      done(error as Error);
    }
  }
  override _flush(done: TransformCallback): void {
    try {
      if (this.seen < this.manifest.payload.ciphertextBytes) refuse('TRUNCATED', `${this.seen} of ${this.manifest.payload.ciphertextBytes} payload bytes`);
      if (this.hash.digest('hex') !== this.manifest.payload.ciphertextSha256) refuse('CORRUPT', 'payload hash differs from the manifest');
      const last = Buffer.concat(this.pending, this.pendingBytes);
      if (last.length < TAG_BYTES) refuse('TRUNCATED', 'last chunk');
      this.push(this.open(last, true));
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}

/** Splits the plaintext into the manifest's entries, checks each one's size and hash. */
class EntrySplitter extends Writable {
  private entryIndex = 0;
  private remaining = 0;
  private hash: Hash = createHash('sha256');
  /** The current NDJSON entry's lines, unless its mapped entry was taken instead. */
  private lines: NdjsonLines | null = null;
  /** The current entry is a mapped one this consumer takes. */
  private takingRecords = false;
  /** The mapped entry just taken stands for the next entry: only check that one. */
  private skipLines = false;
  private records = 0;
  private recordCarry: Buffer | null = null;
  private docParts: Buffer[] = [];
  private total = 0;
  constructor(
    private readonly manifest: Manifest,
    private readonly consumer: PayloadConsumer,
  ) {
    super({ highWaterMark: 4 * 1024 * 1024 });
    this.begin();
    this.skipEmpty();
  }

  private get entry(): Entry | undefined {
    return this.manifest.entries[this.entryIndex];
  }

  private begin(): void {
    const entry = this.entry;
    this.remaining = entry?.bytes ?? 0;
    this.hash = createHash('sha256');
    this.lines = null;
    this.takingRecords = false;
    if (entry?.kind === 'ndjson') {
      if (this.skipLines) this.skipLines = false;
      else {
        this.lines = new NdjsonLines(
          (buf, start, end, n) => this.consumer.line(entry, buf.toString('utf8', start, end), n),
          (n) => refuse('TOO_LARGE', `${entry.path} line ${n} is longer than 64 MB`),
        );
      }
    } else if (entry?.kind === 'mapped') {
      this.takingRecords = this.skipLines = !!this.consumer.records && this.consumer.mapper === entry.mapper;
      this.records = 0;
      this.recordCarry = null;
    }
  }

  /** Zero-byte entries complete at once. */
  private skipEmpty(): void {
    while (this.entry && this.remaining === 0) this.finishEntry();
  }

  private finishEntry(): void {
    const entry = this.entry!;
    if (entry.kind === 'ndjson') {
      const lines = this.lines?.end();
      if (lines !== undefined && lines !== entry.lines) refuse('CORRUPT', `${entry.path}: ${lines} lines, manifest says ${entry.lines}`);
    } else if (entry.kind === 'protocol') {
      this.consumer.protocol(entry, Buffer.concat(this.docParts));
      this.docParts = [];
    } else if (this.takingRecords) {
      if (this.recordCarry) refuse('CORRUPT', `the mapped records of ${entry.path} end inside a record`);
      if (this.records !== entry.records) refuse('CORRUPT', `${entry.path}: ${this.records} mapped records, manifest says ${entry.records}`);
    }
    if (this.hash.digest('hex') !== entry.sha256) refuse('CORRUPT', `${entry.kind === 'mapped' ? `mapped ${entry.path}` : entry.path} does not match its hash`);
    this.entryIndex++;
    this.begin();
  }

  /** Hand on the whole records in `part` (each ends with U+0001); keep the partial last one. */
  private mappedRecords(entry: MappedEntry, part: Buffer): void {
    const last = part.lastIndexOf(RECORD_END);
    if (last < 0) {
      const carried = (this.recordCarry?.length ?? 0) + part.length;
      if (carried > MAX_RECORD_BYTES) refuse('TOO_LARGE', `${entry.path} has a mapped record larger than ${MAX_RECORD_BYTES / 1024 / 1024} MB`);
      this.recordCarry = this.recordCarry ? Buffer.concat([this.recordCarry, part]) : Buffer.from(part);
      return;
    }
    for (let at = part.indexOf(RECORD_END); at >= 0 && at <= last; at = part.indexOf(RECORD_END, at + 1)) this.records++;
    const whole = part.subarray(0, last + 1);
    const text = this.recordCarry ? Buffer.concat([this.recordCarry, whole]).toString('utf8') : whole.toString('utf8');
    this.recordCarry = last + 1 < part.length ? Buffer.from(part.subarray(last + 1)) : null;
    this.consumer.records!(this.manifest.entries[this.entryIndex + 1] as NdjsonEntry, text);
  }

  private consume(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.total > this.manifest.payload.plainBytes) refuse('TOO_LARGE', 'the payload expands beyond the size the manifest gives');
    let offset = 0;
    while (offset < chunk.length) {
      const entry = this.entry;
      if (!entry) return refuse('TOO_LARGE', 'data after the last entry');
      const take = Math.min(this.remaining, chunk.length - offset);
      const part = chunk.subarray(offset, offset + take);
      this.hash.update(part);
      if (this.lines) this.lines.push(part);
      else if (this.takingRecords) this.mappedRecords(entry as MappedEntry, part);
      else if (entry.kind === 'protocol') {
        if (entry.bytes > MAX_PROTOCOL_BYTES) refuse('TOO_LARGE', `${entry.path} is larger than 256 MB`);
        this.docParts.push(Buffer.from(part));
      }
      this.remaining -= take;
      offset += take;
      if (this.remaining === 0) {
        this.finishEntry();
        this.skipEmpty();
      }
    }
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    try {
      this.consume(chunk);
      const wait = this.consumer.progress?.(this.total);
      if (wait) wait.then(() => done(), done);
      else done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _final(done: (error?: Error | null) => void): void {
    try {
      if (this.entry) refuse('CORRUPT', `the payload ends inside ${this.entry.path}`);
      if (this.total !== this.manifest.payload.plainBytes) refuse('CORRUPT', 'payload size differs from the manifest');
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}

/** Verify, decrypt and split the payload of `file` into `consumer`. */
export async function readPayload(
  file: string,
  payloadOffset: number,
  manifest: Manifest,
  contentKey: Buffer,
  consumer: PayloadConsumer,
): Promise<void> {
  try {
    await pipeline(
      createReadStream(file, { start: payloadOffset, highWaterMark: 1024 * 1024 }),
      new ChunkDecryptor(contentKey, manifest),
      createGunzip({ chunkSize: 256 * 1024 }),
      new EntrySplitter(manifest, consumer),
    );
  } catch (error) {
    if (error instanceof SnapshotRefusal) throw error;
    if ((error as NodeJS.ErrnoException).code?.startsWith('Z_')) refuse('CORRUPT', 'the payload does not decompress');
    throw error;
  }
}

/** Hash the encrypted payload without decrypting it (inspect): catches any altered byte. */
export async function checkCiphertext(file: string, payloadOffset: number, manifest: Manifest): Promise<void> {
  const hash = createHash('sha256');
  let seen = 0;
  for await (const chunk of createReadStream(file, { start: payloadOffset, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    seen += chunk.length;
    if (seen > manifest.payload.ciphertextBytes) refuse('TOO_LARGE', 'the encrypted payload is longer than the manifest says');
    hash.update(chunk);
  }
  if (seen < manifest.payload.ciphertextBytes) refuse('TRUNCATED', `${seen} of ${manifest.payload.ciphertextBytes} payload bytes`);
  if (hash.digest('hex') !== manifest.payload.ciphertextSha256) refuse('CORRUPT', 'payload hash differs from the manifest');
}
