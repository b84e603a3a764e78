import { type X509Certificate, createHash, randomBytes, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { LANTERN_PUBLISHER_EKU, certificatePem, certificatesFromPem, describeKey, describePurposes, extendedKeyUsage, keyUsage, readPrivateKey, subjectName } from '../snapshot/pki/certs';
import { DEFAULT_CHUNK_SIZE } from '../snapshot/format';
import {
  FORMAT_NAME,
  FORMAT_VERSION,
  type Entry,
  type Manifest,
  type MappedEntry,
  type NdjsonEntry,
  type ProtocolEntry,
} from '../snapshot/manifest';
import { NdjsonLines } from '../snapshot/lines';
import { mapperId, type ContentMapper } from '../store/content';
import { IdKeys, idKey, repeatedIdsText } from '../store/id-keys';
import { PublishError } from './errors';
import { scanExport, scanProtocols, type Source } from './export-folder';
import { encryptPayload, fileBlocks, gzipped, wrapContentKey, writeSnapshotFile } from './payload-writer';

export { PublishError } from './errors';

export interface PublishOptions {
  fhirDir: string;
  protocolsDir?: string;
  /** Publisher certificate (PEM), optionally followed by its intermediates. */
  certPem: string;
  keyPem: string;
  keyPassphrase?: string;
  /** Recipient (workstation or site) certificates, PEM. */
  recipients: string[];
  facility: { id: string; name: string };
  units: Array<{ id: string; name: string }>;
  sequence: number;
  /** Data-as-of time; defaults to the export's transactionTime. */
  asOf?: Date;
  /** Milliseconds after the data-as-of time when the snapshot expires. */
  expiresAfterMs: number;
  out: string;
  clock?: () => Date;
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * The content model's line mapper: each NDJSON file is also shipped parsed and mapped
   * (a mapped entry before it), so that workstations with the same mapper store records
   * instead of parsing JSON. Without it the snapshot is written as format version 1.
   */
  mapper?: ContentMapper;
  /**
   * When the export uses one id for more than one resource of a type: 'refuse' (the default)
   * fails with the types and how many ids repeat; 'newest' keeps, of each, the one with the
   * newest meta.lastUpdated (the later line in the export when they tie or any has none).
   */
  dedupe?: 'refuse' | 'newest';
  /** With dedupe 'newest': the resources dropped, per type (called only when some were). */
  onDropped?: (dropped: Record<string, number>) => void;
  /** Tests only (no command sets it): publish repeated ids as they are, to test that workstations refuse them. */
  keepRepeatedIds?: boolean;
}

/** The --cert chain and --key, checked to be a publisher that workstations will take (snapshots and rosters). */
export function loadSigner(certPem: string, keyPem: string, passphrase?: string): { chain: X509Certificate[]; key: KeyObject } {
  const chain = certificatesFromPem(certPem);
  const leaf = chain[0];
  if (!leaf) throw new PublishError('The --cert file holds no PEM certificate.');
  const key = readPrivateKey(keyPem, passphrase);
  if (!key) throw new PublishError('The --key file is not a readable private key (PEM; give --pass-file if it is encrypted).');
  const probe = Buffer.from('lantern key check');
  if (!verify('sha256', probe, leaf.publicKey, sign('sha256', probe, key))) {
    throw new PublishError('The --key does not belong to the --cert certificate.');
  }
  const usage = keyUsage(leaf);
  if (usage && !usage.digitalSignature) throw new PublishError(`The publisher certificate "${subjectName(leaf)}" lacks the digitalSignature key usage.`);
  // Workstations refuse snapshots signed without the publisher purpose: say so before signing.
  const purposes = extendedKeyUsage(leaf);
  if (!purposes?.includes(LANTERN_PUBLISHER_EKU)) {
    throw new PublishError(
      `The publisher certificate "${subjectName(leaf)}" ${purposes ? `is for ${describePurposes(purposes)}, not` : 'lacks'} the Lantern publisher purpose ` +
        `(extended key usage ${LANTERN_PUBLISHER_EKU}); workstations would refuse its snapshots. Issue one as docs/PKI.md shows.`,
    );
  }
  const described = describeKey(leaf.publicKey);
  if (!described.ok) throw new PublishError(`The publisher key (${described.text}) is not accepted: use RSA 2048-4096 or ECDSA P-256/P-384.`);
  return { chain, key };
}

export function loadRecipient(pem: string): X509Certificate {
  const cert = certificatesFromPem(pem)[0];
  if (!cert) throw new PublishError('A --recipient file holds no PEM certificate.');
  if (cert.publicKey.asymmetricKeyType !== 'rsa') throw new PublishError(`Recipient "${subjectName(cert)}" does not have an RSA key (RSA-OAEP is required).`);
  const usage = keyUsage(cert);
  if (usage && !usage.keyEncipherment) throw new PublishError(`Recipient "${subjectName(cert)}" lacks the keyEncipherment key usage.`);
  if (!describeKey(cert.publicKey).ok) throw new PublishError(`Recipient "${subjectName(cert)}" has a key that is too small.`);
  return cert;
}

const NEWLINE = Buffer.from('\n');

/** A resource's id as the export gives it (null: not a resource of `type` with an id; the workstation reports such lines). */
function resourceOf(type: string, json: string): { id: string; lastUpdated: unknown } | null {
  let r: unknown;
  try {
    r = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof r !== 'object' || r === null) return null;
  const { resourceType, id, meta } = r as { resourceType?: unknown; id?: unknown; meta?: { lastUpdated?: unknown } };
  if (resourceType !== type || typeof id !== 'string' || id === '') return null;
  return { id, lastUpdated: typeof meta === 'object' && meta !== null ? meta.lastUpdated : undefined };
}

/** Line numbers to leave out of each NDJSON file (by its path in the export), as blank lines. */
type Drops = Map<string, Set<number>>;

/** One place where a repeated id occurs. */
interface Occurrence {
  file: string;
  line: number;
  updated: number | null;
}

/**
 * Where each (type, id) whose hash came more than once occurs, by reading the export again:
 * those that occur more than once repeat. Read only when a hash came again.
 */
async function repeatsOf(sources: Source[], suspects: Set<number>): Promise<Map<string, Occurrence[][]>> {
  const found = new Map<string, Map<string, Occurrence[]>>();
  for (const { file, entry } of sources) {
    if (entry.kind !== 'ndjson') continue;
    let byId = found.get(entry.type);
    if (!byId) found.set(entry.type, (byId = new Map()));
    const into = byId;
    const lines = new NdjsonLines(
      (buf, start, end, line) => {
        const r = resourceOf(entry.type, buf.toString('utf8', start, end));
        if (!r || !suspects.has(idKey(entry.type, r.id))) return;
        const updated = typeof r.lastUpdated === 'string' ? Date.parse(r.lastUpdated) : NaN;
        const list = into.get(r.id) ?? [];
        list.push({ file: entry.path, line, updated: Number.isNaN(updated) ? null : updated });
        into.set(r.id, list);
      },
      () => {
        throw new PublishError(`${entry.path} has a line longer than 64 MB.`);
      },
    );
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) lines.push(chunk);
    lines.end();
  }
  const out = new Map<string, Occurrence[][]>();
  for (const [type, byId] of found) {
    const repeated = [...byId.values()].filter((list) => list.length > 1);
    if (repeated.length) out.set(type, repeated);
  }
  return out;
}

/**
 * Of each repeated id, the copies to leave out: all but the newest by meta.lastUpdated when
 * every copy has one (ties: the later line), else all but the last in the export.
 */
function olderCopies(repeats: Map<string, Occurrence[][]>): { drops: Drops; dropped: Record<string, number> } {
  const drops: Drops = new Map();
  const dropped: Record<string, number> = {};
  for (const [type, lists] of repeats) {
    for (const list of lists) {
      let keep = list.length - 1;
      if (list.every((o) => o.updated !== null)) {
        keep = 0;
        for (let i = 1; i < list.length; i++) if (list[i]!.updated! >= list[keep]!.updated!) keep = i;
      }
      list.forEach((o, i) => {
        if (i === keep) return;
        let lines = drops.get(o.file);
        if (!lines) drops.set(o.file, (lines = new Set()));
        lines.add(o.line);
      });
      dropped[type] = (dropped[type] ?? 0) + list.length - 1;
    }
  }
  return { drops, dropped: Object.fromEntries(Object.entries(dropped).sort(([a], [b]) => (a < b ? -1 : 1))) };
}

/**
 * The mapped entry of one NDJSON file: its lines split, mapped and packed exactly as a
 * workstation's ingest would (snapshot/lines.ts, the same mapper), in batches of records.
 */
async function* mappedRecords(
  file: string,
  entry: { path: string; type: string },
  mapper: ContentMapper,
  tooLong: (line: number) => never,
  read: (bytes: number) => void,
  done: (entry: MappedEntry) => void,
  drop: Set<number> | undefined,
  idOf: ((record: unknown) => void) | null,
): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let bytes = 0;
  let records = 0;
  let batch: unknown[] = [];
  const lines = new NdjsonLines((buf, start, end, n) => {
    if (drop?.has(n)) return;
    const record = mapper.map(entry.type, buf.toString('utf8', start, end), n);
    idOf?.(record);
    batch.push(record);
  }, tooLong);
  const packed = (): Buffer => {
    const out = Buffer.from(mapper.pack(batch), 'utf8');
    records += batch.length;
    batch = [];
    hash.update(out);
    bytes += out.length;
    return out;
  };
  for await (const chunk of fileBlocks(file)) {
    lines.push(chunk);
    read(chunk.length);
    if (batch.length) yield packed();
  }
  lines.end();
  if (batch.length) yield packed();
  done({ kind: 'mapped', path: entry.path, mapper: mapperId(mapper), bytes, records, sha256: hash.digest('hex') });
}

/**
 * The mapped entry of an NDJSON file whose records lie beside it (publisher/mapped-files.ts):
 * that file as it is, hashed, its records counted, their ids given to `ids` a block of whole
 * records at a time. The count is -1 when the records do not name lines in order or the file
 * does not end with a whole record: they are not the lines' own.
 */
async function* mappedFile(
  file: string,
  entry: { path: string },
  mapper: ContentMapper,
  done: (entry: MappedEntry) => void,
  ids: ((packed: string) => void) | null,
): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let bytes = 0;
  let records = 0;
  let lastLine = 0;
  let inOrder = true;
  /** Whole records buf[start, end): counted, their lines checked, their ids noted in pieces of about 32 KB (young-generation strings, not large ones the old generation must collect). */
  const whole = (buf: Buffer, start: number, end: number) => {
    let piece = start;
    for (let at = start; at < end; ) {
      const next = buf.indexOf(1, at) + 1;
      const a = buf.indexOf(0, at);
      const b = a < 0 ? -1 : buf.indexOf(0, a + 1);
      const line = b < 0 || b >= next ? NaN : Number(buf.toString('latin1', a + 1, b));
      if (!(line > lastLine)) inOrder = false;
      lastLine = line;
      records++;
      at = next;
      if (ids && (at - piece > 32_768 || at === end)) {
        ids(buf.toString('utf8', piece, at));
        piece = at;
      }
    }
  };
  let carry: Buffer | null = null;
  for await (const chunk of fileBlocks(file)) {
    hash.update(chunk);
    bytes += chunk.length;
    let from = 0;
    if (carry) {
      // The record begun in the chunk before: joined alone, not the whole chunk.
      const first = chunk.indexOf(1) + 1;
      if (first === 0) {
        carry = Buffer.concat([carry, chunk]);
        yield chunk;
        continue;
      }
      const joined = Buffer.concat([carry, chunk.subarray(0, first)]);
      whole(joined, 0, joined.length);
      carry = null;
      from = first;
    }
    const cut = Math.max(from, chunk.lastIndexOf(1) + 1);
    if (cut > from) whole(chunk, from, cut);
    if (cut < chunk.length) carry = Buffer.from(chunk.subarray(cut));
    yield chunk;
  }
  done({ kind: 'mapped', path: entry.path, mapper: mapperId(mapper), bytes, records: inOrder && !carry ? records : -1, sha256: hash.digest('hex') });
}

/**
 * Write one snapshot: stream each input through its own gzip member and chunked AES-256-GCM
 * into a temporary file beside `out`, then write header + signed manifest + payload and
 * rename into place (so a watcher never sees half a file). Memory stays bounded.
 */
export async function publishSnapshot(options: PublishOptions): Promise<Manifest> {
  const clock = options.clock ?? (() => new Date());
  const signer = loadSigner(options.certPem, options.keyPem, options.keyPassphrase);
  const recipients = options.recipients.map(loadRecipient);
  if (recipients.length === 0) throw new PublishError('Give at least one --recipient certificate.');
  const exp = scanExport(options.fhirDir);
  const sources = [...exp.sources, ...(options.protocolsDir ? scanProtocols(options.protocolsDir) : [])];
  const asOf = options.asOf ?? (exp.transactionTime ? new Date(exp.transactionTime) : null);
  if (!asOf) throw new PublishError('The export has no manifest.json with a transactionTime: give the data-as-of time with --as-of.');
  const expiresAt = new Date(asOf.getTime() + options.expiresAfterMs);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const contentKey = randomBytes(32);
  // Progress counts source bytes read: NDJSON files are read twice when they are mapped too.
  const total = sources.reduce((n, s) => n + s.size * (s.entry.kind === 'ndjson' && options.mapper ? 2 : 1), 0);

  const entries: Entry[] = [];
  // Format 2 (with mapped entries) names each entry's gzip member size; format 1 readers
  // inflate the members as one stream, as gzip allows.
  const version = options.mapper ? FORMAT_VERSION : 1;
  let sourceBytes = 0;
  let lastProgress = 0;
  const advance = (bytes: number) => {
    sourceBytes += bytes;
    const now = Date.now();
    if (options.onProgress && now - lastProgress > 1000) {
      lastProgress = now;
      options.onProgress(sourceBytes, total);
    }
  };
  const tooLong = (file: string) => (line: number) => {
    throw new PublishError(`${file} line ${line} is longer than 64 MB, which no workstation takes.`);
  };
  // Repeated ids: each (type, id) goes through a hash set as the files are read, from the
  // mapper's records or, when nothing maps them, from the lines; the ids whose hash was seen
  // before are then looked up in the export (repeatsOf) before anything is called a repeat.
  let watch = options.keepRepeatedIds ? null : new IdKeys();
  const note = (type: string, id: string | null) => {
    if (watch && id !== null) watch.note(type, id);
  };
  const mapperIds = options.mapper?.id ? options.mapper.id.bind(options.mapper) : null;
  // Records that lie beside the lines, made by this very mapper, are taken as they are; the
  // lines are mapped afresh when they do not match the lines after all (see below).
  const ownMapper = options.mapper ? mapperId(options.mapper) : null;
  let besideOk = true;
  const takenBeside = new Set<string>();
  /**
   * One source file's bytes, hashed and (NDJSON) counted in lines: as they are, or with the
   * lines in `drop` left blank (so every other line keeps its number).
   */
  async function* sourceContent(
    source: Source,
    done: (entry: NdjsonEntry | ProtocolEntry) => void,
    drop: Set<number> | undefined,
    lineIds: ((json: string) => void) | null,
  ): AsyncGenerator<Buffer> {
    const hash = createHash('sha256');
    let out: Buffer[] = [];
    let last = 0;
    let dropped = 0;
    const emit = drop
      ? (buf: Buffer, start: number, end: number, n: number) => {
          if (n - last > 1) out.push(Buffer.from('\n'.repeat(n - last - 1)));
          last = n;
          if (drop.has(n)) dropped++;
          else out.push(Buffer.from(buf.subarray(start, end)));
          out.push(NEWLINE);
        }
      : lineIds
        ? (buf: Buffer, start: number, end: number) => lineIds(buf.toString('utf8', start, end))
        : () => {};
    const lines = new NdjsonLines(emit, tooLong(source.entry.path));
    let bytes = 0;
    const written = (chunk: Buffer): Buffer => {
      hash.update(chunk);
      bytes += chunk.length;
      return chunk;
    };
    const rewritten = (): Buffer => {
      const chunk = Buffer.concat(out);
      out = [];
      return written(chunk);
    };
    for await (const chunk of fileBlocks(source.file)) {
      if (source.entry.kind === 'ndjson') lines.push(chunk);
      advance(chunk.length);
      yield drop ? rewritten() : written(chunk);
    }
    const count = source.entry.kind === 'ndjson' ? lines.end() - dropped : 0;
    if (drop) yield rewritten();
    const sha256 = hash.digest('hex');
    done(source.entry.kind === 'ndjson' ? { ...source.entry, bytes, lines: count, sha256 } : { ...source.entry, bytes, sha256 });
  }
  /** One entry as its own gzip member, listed once it is complete. */
  async function* member<E extends Entry>(content: (done: (entry: E) => void) => AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
    let entry: E | null = null;
    let compressedBytes = 0;
    for await (const chunk of gzipped(content((e) => (entry = e)))) {
      compressedBytes += chunk.length;
      yield chunk;
    }
    entries.push(version >= 2 ? { ...entry!, compressedBytes } : entry!);
  }
  /** The entries in order; the first time round (no drops) every id is noted. */
  async function* payload(drops: Drops | null): AsyncGenerator<Buffer> {
    for (const source of sources) {
      const { entry } = source;
      const drop = entry.kind === 'ndjson' ? drops?.get(entry.path) : undefined;
      const type = entry.kind === 'ndjson' ? entry.type : '';
      const noteIds = !drops && watch !== null && entry.kind === 'ndjson';
      if (entry.kind === 'ndjson' && options.mapper) {
        const mapper = options.mapper;
        const beside = besideOk && !drop && source.mapped?.mapper === ownMapper && (!noteIds || !!mapper.ids) ? source.mapped.file : null;
        if (beside) {
          takenBeside.add(entry.path);
          const packedIds = noteIds ? (packed: string) => mapper.ids!(packed, (text, start, end) => watch?.note(type, text, start, end)) : null;
          yield* member((done) => mappedFile(beside, entry, mapper, done, packedIds));
          advance(source.size);
        } else {
          const recordIds = noteIds && mapperIds ? (record: unknown) => note(type, mapperIds(record)) : null;
          yield* member((done) => mappedRecords(source.file, entry, mapper, tooLong(entry.path), advance, done, drop, recordIds));
        }
      }
      const lineIds = noteIds && !(options.mapper && mapperIds) ? (json: string) => note(type, resourceOf(type, json)?.id ?? null) : null;
      yield* member((done) => sourceContent(source, done, drop, lineIds));
    }
  }

  const dir = path.dirname(path.resolve(options.out));
  const tmpPayload = path.join(dir, `.${path.basename(options.out)}.${randomUUID()}.payload.partial`);
  const tmpOut = path.join(dir, `.${path.basename(options.out)}.${randomUUID()}.partial`);
  /** Encrypt the entries into the temporary payload file: its size and hash. */
  const writePayload = async (drops: Drops | null): Promise<{ bytes: number; sha256: string }> => {
    entries.length = 0;
    sourceBytes = 0;
    return encryptPayload(payload(drops), contentKey, chunkSize, tmpPayload);
  };
  try {
    let ciphertext = await writePayload(null);
    if (takenBeside.size) {
      const lines = new Map(entries.flatMap((e) => (e.kind === 'ndjson' ? [[e.path, e.lines] as const] : [])));
      if (entries.some((e) => e.kind === 'mapped' && takenBeside.has(e.path) && e.records !== lines.get(e.path))) {
        // Records beside the lines that are not one per line: not theirs. All of it again, mapped from the lines.
        besideOk = false;
        watch = options.keepRepeatedIds ? null : new IdKeys();
        ciphertext = await writePayload(null);
      }
    }
    const suspects = watch?.repeated() ?? new Set<number>();
    const repeats = suspects.size ? await repeatsOf(exp.sources, suspects) : new Map<string, Occurrence[][]>();
    if (repeats.size) {
      const counts = Object.fromEntries([...repeats].map(([type, lists]) => [type, lists.length] as const).sort(([a], [b]) => (a < b ? -1 : 1)));
      if (options.dedupe !== 'newest') {
        throw new PublishError(
          `The export uses one id for more than one resource of a type (${repeatedIdsText(counts)}): it is inconsistent, and a chart ` +
            'would mix two people or two orders. Have the export fixed, or publish with --dedupe newest to keep, of each, the copy with ' +
            'the newest meta.lastUpdated.',
        );
      }
      const { drops, dropped } = olderCopies(repeats);
      ciphertext = await writePayload(drops); // again, without the older copies
      options.onDropped?.(dropped);
    }
    options.onProgress?.(sourceBytes, total);
    const plainBytes = entries.reduce((n, e) => n + e.bytes, 0);

    const counts: Record<string, number> = {};
    for (const e of entries) if (e.kind === 'ndjson') counts[e.type] = (counts[e.type] ?? 0) + e.lines;
    const manifest: Manifest = {
      format: FORMAT_NAME,
      version,
      facility: options.facility,
      units: options.units,
      sequence: options.sequence,
      createdAt: asOf.toISOString(),
      publishedAt: clock().toISOString(),
      expiresAt: expiresAt.toISOString(),
      source: { transactionTime: exp.transactionTime, request: exp.request },
      publisher: { chain: signer.chain.map(certificatePem) },
      recipients: wrapContentKey(recipients, contentKey),
      payload: {
        encryption: 'AES-256-GCM',
        compression: 'gzip',
        chunkSize,
        ciphertextBytes: ciphertext.bytes,
        ciphertextSha256: ciphertext.sha256,
        plainBytes,
      },
      entries,
      counts,
    };
    await writeSnapshotFile(options.out, manifest, signer.key, tmpPayload, tmpOut);
    return manifest;
  } finally {
    contentKey.fill(0);
    await rm(tmpPayload, { force: true });
    await rm(tmpOut, { force: true });
  }
}

/** "90m", "36h", "7d", "2w" or ISO 8601 "P7D", "PT12H" -> milliseconds. */
export function parseDuration(text: string): number | null {
  const simple = /^(\d+)\s*(m|min|h|d|w)$/i.exec(text.trim());
  const unit: Record<string, number> = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  if (simple) return Number(simple[1]) * unit[simple[2]!.toLowerCase()]!;
  const iso = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/i.exec(text.trim());
  if (iso && text.trim().length > 1 && !/T$/i.test(text.trim())) {
    const [, w, d, h, m] = iso.map((v) => Number(v ?? 0));
    return ((w! * 7 + d!) * 24 * 60 + h! * 60 + m!) * 60_000;
  }
  return null;
}
