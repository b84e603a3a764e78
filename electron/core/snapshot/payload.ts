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
 * AES-256-GCM (index and final flag authenticated) -> gunzip (one stream in format 1, one
 * member per entry in format 2) -> entries by their declared sizes -> lines or records. Nothing reaches the consumer before its chunk's tag has verified; the
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

/**
 * One entry at a time: its plaintext in, checked against its declared size, line or record
 * count and hash, handed to the consumer. Decides which entries are read at all (wants()).
 */
class EntryReader {
  private entry: Entry | null = null;
  private index = -1;
  private got = 0;
  /** Plaintext bytes read, and declared bytes of entries skipped: the progress. */
  done = 0;
  private hash: Hash = createHash('sha256');
  private lines: NdjsonLines | null = null;
  private records = 0;
  private recordCarry: Buffer[] = [];
  private recordCarried = 0;
  private docParts: Buffer[] = [];
  constructor(
    private readonly manifest: Manifest,
    private readonly consumer: PayloadConsumer,
  ) {}

  /**
   * Is entry i read? A mapped entry only by a consumer of its mapper; an NDJSON entry unless
   * its mapped entry (right before it) is read instead; a protocol always.
   */
  wants(i: number): boolean {
    const entry = this.manifest.entries[i];
    if (entry?.kind === 'mapped') return !!this.consumer.records && this.consumer.mapper === entry.mapper;
    if (entry?.kind === 'ndjson') return !(this.manifest.entries[i - 1]?.kind === 'mapped' && this.wants(i - 1));
    return !!entry;
  }

  skip(i: number): void {
    this.done += this.manifest.entries[i]!.bytes;
  }

  begin(i: number): void {
    const entry = this.manifest.entries[i]!;
    this.entry = entry;
    this.index = i;
    this.got = 0;
    this.hash = createHash('sha256');
    this.lines =
      entry.kind === 'ndjson'
        ? new NdjsonLines(
            (buf, start, end, n) => this.consumer.line(entry, buf.toString('utf8', start, end), n),
            (n) => refuse('TOO_LARGE', `${entry.path} line ${n} is longer than 64 MB`),
          )
        : null;
    this.records = 0;
    this.recordCarry = [];
    this.recordCarried = 0;
    this.docParts = [];
  }

  data(part: Buffer): void {
    const entry = this.entry!;
    this.got += part.length;
    this.done += part.length;
    if (this.got > entry.bytes) refuse('TOO_LARGE', `${entry.path} expands beyond the size the manifest gives`);
    this.hash.update(part);
    if (entry.kind === 'ndjson') this.lines!.push(part);
    else if (entry.kind === 'mapped') this.mappedRecords(entry, part);
    else {
      if (entry.bytes > MAX_PROTOCOL_BYTES) refuse('TOO_LARGE', `${entry.path} is larger than 256 MB`);
      this.docParts.push(Buffer.from(part));
    }
  }

  finish(): void {
    const entry = this.entry!;
    if (this.got !== entry.bytes) refuse('CORRUPT', `${entry.path}: ${this.got} bytes, manifest says ${entry.bytes}`);
    if (entry.kind === 'ndjson') {
      const lines = this.lines!.end();
      if (lines !== entry.lines) refuse('CORRUPT', `${entry.path}: ${lines} lines, manifest says ${entry.lines}`);
    } else if (entry.kind === 'protocol') {
      this.consumer.protocol(entry, Buffer.concat(this.docParts));
      this.docParts = [];
    } else {
      if (this.recordCarried) refuse('CORRUPT', `the mapped records of ${entry.path} end inside a record`);
      if (this.records !== entry.records) refuse('CORRUPT', `${entry.path}: ${this.records} mapped records, manifest says ${entry.records}`);
    }
    if (this.hash.digest('hex') !== entry.sha256) refuse('CORRUPT', `${entry.kind === 'mapped' ? `mapped ${entry.path}` : entry.path} does not match its hash`);
    this.entry = null;
  }

  /**
   * Hand on the whole records in `part` (each ends with U+0001); keep the partial last one, in
   * parts joined once it ends (a long record spans many chunks: no copy of it per chunk).
   */
  private mappedRecords(entry: MappedEntry, part: Buffer): void {
    const last = part.lastIndexOf(RECORD_END);
    if (last < 0) {
      this.recordCarried += part.length;
      if (this.recordCarried > MAX_RECORD_BYTES) refuse('TOO_LARGE', `${entry.path} has a mapped record larger than ${MAX_RECORD_BYTES / 1024 / 1024} MB`);
      this.recordCarry.push(Buffer.from(part));
      return;
    }
    for (let at = part.indexOf(RECORD_END); at >= 0 && at <= last; at = part.indexOf(RECORD_END, at + 1)) this.records++;
    const whole = part.subarray(0, last + 1);
    const text = this.recordCarried ? Buffer.concat([...this.recordCarry, whole]).toString('utf8') : whole.toString('utf8');
    this.recordCarry = last + 1 < part.length ? [Buffer.from(part.subarray(last + 1))] : [];
    this.recordCarried = last + 1 < part.length ? part.length - last - 1 : 0;
    this.consumer.records!(this.manifest.entries[this.index + 1] as NdjsonEntry, text);
  }
}

/** Format 1: one gzip stream of all entries back to back, split by their declared sizes. */
class ConcatenatedEntries extends Writable {
  private index = 0;
  private remaining = 0;
  private total = 0;
  constructor(
    private readonly manifest: Manifest,
    private readonly reader: EntryReader,
    private readonly consumer: PayloadConsumer,
  ) {
    super({ highWaterMark: 4 * 1024 * 1024 });
    this.enter();
  }

  /** Start the entry at `index`; zero-byte entries complete at once. */
  private enter(): void {
    for (let entry = this.manifest.entries[this.index]; entry; entry = this.manifest.entries[++this.index]) {
      this.reader.begin(this.index);
      this.remaining = entry.bytes;
      if (this.remaining > 0) return;
      this.reader.finish();
    }
  }

  private consume(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.total > this.manifest.payload.plainBytes) refuse('TOO_LARGE', 'the payload expands beyond the size the manifest gives');
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.manifest.entries[this.index]) return refuse('TOO_LARGE', 'data after the last entry');
      const take = Math.min(this.remaining, chunk.length - offset);
      this.reader.data(chunk.subarray(offset, offset + take));
      this.remaining -= take;
      offset += take;
      if (this.remaining === 0) {
        this.reader.finish();
        this.index++;
        this.enter();
      }
    }
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    try {
      this.consume(chunk);
      const wait = this.consumer.progress?.(this.reader.done);
      if (wait) wait.then(() => done(), done);
      else done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _final(done: (error?: Error | null) => void): void {
    try {
      const entry = this.manifest.entries[this.index];
      if (entry) refuse('CORRUPT', `the payload ends inside ${entry.path}`);
      if (this.total !== this.manifest.payload.plainBytes) refuse('CORRUPT', 'payload size differs from the manifest');
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}

/** Inflates one entry's gzip member as its compressed bytes arrive; what comes out goes to `out`, in order. */
class MemberInflater {
  private readonly gunzip = createGunzip({ chunkSize: 256 * 1024 });
  private failure: unknown = null;
  private readonly ended: Promise<void>;
  constructor(out: (plain: Buffer) => void) {
    this.ended = new Promise<void>((resolve, reject) => {
      const fail = (error: unknown) => {
        this.failure ??= error;
        this.gunzip.destroy();
        reject(this.failure);
      };
      this.gunzip.on('data', (plain: Buffer) => {
        if (this.failure) return;
        try {
          out(plain);
        } catch (error) {
          fail(error);
        }
      });
      this.gunzip.once('end', resolve);
      this.gunzip.once('error', fail);
    });
    this.ended.catch(() => {}); // reported by write() or end()
  }

  async write(compressed: Buffer): Promise<void> {
    await Promise.race([new Promise<void>((resolve) => this.gunzip.write(compressed, () => resolve())), this.ended]);
    if (this.failure) throw this.failure;
  }

  async end(): Promise<void> {
    this.gunzip.end();
    await this.ended;
  }
}

/**
 * Format 2: each entry is its own gzip member of `compressedBytes`, so an entry this reader
 * does not want (the lines of a file it takes mapped, or records of another mapper) is not
 * even decompressed; the signed ciphertext hash and the chunk tags still cover its bytes.
 */
class EntryMembers extends Writable {
  private index = 0;
  private remaining = 0;
  private inflater: MemberInflater | null = null;
  private started = false;
  constructor(
    private readonly manifest: Manifest,
    private readonly reader: EntryReader,
    private readonly consumer: PayloadConsumer,
  ) {
    super({ highWaterMark: 4 * 1024 * 1024 });
  }

  private compressedBytes(entry: Entry): number {
    return entry.compressedBytes ?? refuse('MALFORMED', `${entry.path} has no compressed size`);
  }

  /** Start the entry at `index`; entries without compressed bytes end at once. */
  private async enter(): Promise<void> {
    for (let entry = this.manifest.entries[this.index]; entry; entry = this.manifest.entries[this.index]) {
      this.remaining = this.compressedBytes(entry);
      if (this.reader.wants(this.index)) {
        this.reader.begin(this.index);
        this.inflater = new MemberInflater((plain) => this.reader.data(plain));
      } else this.inflater = null;
      if (this.remaining > 0) return;
      await this.leave();
    }
  }

  private async leave(): Promise<void> {
    if (this.inflater) {
      await this.inflater.end();
      this.reader.finish();
    } else this.reader.skip(this.index);
    this.inflater = null;
    this.index++;
  }

  private async consume(chunk: Buffer): Promise<void> {
    if (!this.started) {
      this.started = true;
      await this.enter();
    }
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.manifest.entries[this.index]) return refuse('TOO_LARGE', 'data after the last entry');
      const take = Math.min(this.remaining, chunk.length - offset);
      if (this.inflater) await this.inflater.write(chunk.subarray(offset, offset + take));
      this.remaining -= take;
      offset += take;
      if (this.remaining === 0) {
        await this.leave();
        await this.enter();
      }
    }
    await this.consumer.progress?.(this.reader.done);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    this.consume(chunk).then(() => done(), done);
  }

  override _final(done: (error?: Error | null) => void): void {
    (async () => {
      if (!this.started) {
        this.started = true;
        await this.enter();
      }
      const entry = this.manifest.entries[this.index];
      if (entry) refuse('CORRUPT', `the payload ends inside ${entry.path}`);
    })().then(() => done(), done);
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
  const reader = new EntryReader(manifest, consumer);
  const read = createReadStream(file, { start: payloadOffset, highWaterMark: 1024 * 1024 });
  const decrypt = new ChunkDecryptor(contentKey, manifest);
  try {
    if (manifest.version === 1) await pipeline(read, decrypt, createGunzip({ chunkSize: 256 * 1024 }), new ConcatenatedEntries(manifest, reader, consumer));
    else await pipeline(read, decrypt, new EntryMembers(manifest, reader, consumer));
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
