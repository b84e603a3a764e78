import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { TAG_BYTES, decryptChunk } from './format';
import type { Entry, Manifest, NdjsonEntry, ProtocolEntry } from './manifest';
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
  /** After each decompressed chunk; may return a promise to apply back-pressure. */
  progress?(plainBytes: number): void | Promise<void>;
}

export const MAX_LINE_BYTES = 64 * 1024 * 1024;
const MAX_PROTOCOL_BYTES = 256 * 1024 * 1024;

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

const isBlank = (buf: Buffer, start: number, end: number): boolean => {
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b !== 13 && b !== 32 && b !== 9) return false;
  }
  return true;
};

/** Splits the plaintext into the manifest's entries, checks each one's size and hash. */
class EntrySplitter extends Writable {
  private entryIndex = 0;
  private remaining: number;
  private hash: Hash = createHash('sha256');
  private lineNumber = 0;
  private lines = 0;
  private carry: Buffer | null = null;
  private docParts: Buffer[] = [];
  private total = 0;
  constructor(
    private readonly manifest: Manifest,
    private readonly consumer: PayloadConsumer,
  ) {
    super({ highWaterMark: 4 * 1024 * 1024 });
    this.remaining = manifest.entries[0]?.bytes ?? 0;
    this.skipEmpty();
  }

  private get entry(): Entry | undefined {
    return this.manifest.entries[this.entryIndex];
  }

  /** Zero-byte entries complete at once. */
  private skipEmpty(): void {
    while (this.entry && this.remaining === 0) this.finishEntry();
  }

  private finishEntry(): void {
    const entry = this.entry!;
    if (entry.kind === 'ndjson') {
      if (this.carry) this.emit_line(entry, this.carry, 0, this.carry.length);
      this.carry = null;
      if (this.lines !== entry.lines) refuse('CORRUPT', `${entry.path}: ${this.lines} lines, manifest says ${entry.lines}`);
    } else {
      this.consumer.protocol(entry, Buffer.concat(this.docParts));
      this.docParts = [];
    }
    if (this.hash.digest('hex') !== entry.sha256) refuse('CORRUPT', `${entry.path} does not match its hash`);
    this.entryIndex++;
    this.remaining = this.entry?.bytes ?? 0;
    this.hash = createHash('sha256');
    this.lineNumber = 0;
    this.lines = 0;
  }

  private emit_line(entry: NdjsonEntry, buf: Buffer, start: number, end: number): void {
    this.lineNumber++;
    if (end - start > MAX_LINE_BYTES) refuse('TOO_LARGE', `${entry.path} line ${this.lineNumber} is longer than 64 MB`);
    if (isBlank(buf, start, end)) return;
    this.lines++;
    const stop = buf[end - 1] === 13 ? end - 1 : end;
    this.consumer.line(entry, buf.toString('utf8', start, stop), this.lineNumber);
  }

  private ndjson(entry: NdjsonEntry, buf: Buffer): void {
    let start = 0;
    if (this.carry) {
      const nl = buf.indexOf(10);
      if (nl < 0) {
        if (this.carry.length + buf.length > MAX_LINE_BYTES) refuse('TOO_LARGE', `${entry.path} has a line longer than 64 MB`);
        this.carry = Buffer.concat([this.carry, buf]);
        return;
      }
      const joined = Buffer.concat([this.carry, buf.subarray(0, nl)]);
      this.carry = null;
      this.emit_line(entry, joined, 0, joined.length);
      start = nl + 1;
    }
    let nl: number;
    while ((nl = buf.indexOf(10, start)) >= 0) {
      this.emit_line(entry, buf, start, nl);
      start = nl + 1;
    }
    if (start < buf.length) this.carry = Buffer.from(buf.subarray(start));
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
      if (entry.kind === 'ndjson') this.ndjson(entry, part);
      else {
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
