import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { certificatePem } from '../snapshot/pki/certs';
import { DEFAULT_CHUNK_SIZE } from '../snapshot/format';
import { NdjsonLines } from '../snapshot/lines';
import { DELTA_VERSION, FORMAT_NAME, type Delta, type DeltaRun, type Entry, type Manifest } from '../snapshot/manifest';
import { readSnapshotHead } from '../snapshot/verify';
import { mapperId, type ContentMapper } from '../store/content';
import { openLiveDatabase, type Db } from '../store/database';
import { writeFileAtomic } from '../home/layout';
import { PublishError, loadRecipient, loadSigner, publishSnapshot, type PublishOptions } from './publish';
import { encryptPayload, gzipped, wrapContentKey, writeSnapshotFile } from './payload-writer';
import { scanExport, scanProtocols } from './export-folder';

/**
 * Delta snapshots at the publisher (docs/SNAPSHOT-FORMAT.md, version 3). For each scope (a unit,
 * or house-wide) the publisher keeps, in its own encrypted database, what it last published:
 * its sequence and manifest hash, and for every NDJSON line a hash of its type and text with its
 * file and line number (no content), and each protocol's hash. The next snapshot of the scope is
 * then a delta: the runs of lines it keeps from that base and the lines that are new or changed;
 * a line gone (a resource deleted, a patient who left the unit) is simply not kept. A full
 * snapshot still comes first, every `fullEvery` cycles and after `fullAfterMs`, and whenever a
 * delta would not be much smaller.
 */

export interface DeltaPolicy {
  /** A full snapshot at least every this many snapshots of a scope (1: every one). */
  fullEvery: number;
  /** A full snapshot when the last full one of the scope is older than this. */
  fullAfterMs: number;
}

/** A delta carrying more than this share of its snapshot's lines is published as a full snapshot. */
const MAX_CARRIED_SHARE = 0.5;

interface ScopeBase {
  sequence: number;
  manifestSha256: string;
  /** What the scope's snapshots are: facility, units, mapper, recipients (a change means a full one). */
  shape: string;
  slot: number;
  fullAt: string;
  sinceFull: number;
}

/** The publisher's record of what each scope last published, encrypted like the publisher state (pull/state.ts). */
export class DeltaState {
  private constructor(private readonly db: Db) {}

  static open(dir: string): DeltaState {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const keyFile = path.join(dir, 'delta.key');
    if (!existsSync(keyFile)) writeFileAtomic(keyFile, randomBytes(32).toString('hex'), 0o600);
    let db: Db;
    try {
      db = openLiveDatabase(path.join(dir, 'delta.db'), Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex'));
    } catch {
      throw new PublishError(`The delta state in ${dir} cannot be opened with its key (delta.key): remove the folder, and the next snapshots are full ones.`);
    }
    db.exec(`
      CREATE TABLE IF NOT EXISTS scope_base(scope TEXT PRIMARY KEY, sequence INTEGER NOT NULL, manifest_sha256 TEXT NOT NULL, shape TEXT NOT NULL, slot INTEGER NOT NULL, full_at TEXT NOT NULL, since_full INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS scope_file(scope TEXT NOT NULL, slot INTEGER NOT NULL, idx INTEGER NOT NULL, path TEXT NOT NULL, PRIMARY KEY(scope, slot, idx)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS scope_line(scope TEXT NOT NULL, slot INTEGER NOT NULL, key BLOB NOT NULL, file INTEGER NOT NULL, line INTEGER NOT NULL, PRIMARY KEY(scope, slot, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS scope_protocol(scope TEXT NOT NULL, slot INTEGER NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY(scope, slot, path)) WITHOUT ROWID;
    `);
    return new DeltaState(db);
  }

  close(): void {
    this.db.close();
  }

  base(scope: string): ScopeBase | null {
    const row = this.db.prepare('SELECT sequence, manifest_sha256, shape, slot, full_at, since_full FROM scope_base WHERE scope = ?').get(scope) as
      | { sequence: number; manifest_sha256: string; shape: string; slot: number; full_at: string; since_full: number }
      | undefined;
    return row ? { sequence: row.sequence, manifestSha256: row.manifest_sha256, shape: row.shape, slot: row.slot, fullAt: row.full_at, sinceFull: row.since_full } : null;
  }

  /** Clear a slot before lines of the next snapshot are staged in it. */
  clearSlot(scope: string, slot: number): void {
    for (const t of ['scope_file', 'scope_line', 'scope_protocol']) this.db.prepare(`DELETE FROM ${t} WHERE scope = ? AND slot = ?`).run(scope, slot);
  }

  stageFiles(scope: string, slot: number, paths: string[]): void {
    const ins = this.db.prepare('INSERT INTO scope_file(scope, slot, idx, path) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => paths.forEach((p, i) => ins.run(scope, slot, i, p)))();
  }

  /** Lines as [key, file, line]; of lines with the same key (the same text twice), the first. */
  stageLines(scope: string, slot: number, rows: Array<[Buffer, number, number]>): void {
    const ins = this.db.prepare('INSERT OR IGNORE INTO scope_line(scope, slot, key, file, line) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const [key, file, line] of rows) ins.run(scope, slot, key, file, line);
    })();
  }

  stageProtocols(scope: string, slot: number, protocols: Array<{ path: string; sha256: string }>): void {
    const ins = this.db.prepare('INSERT INTO scope_protocol(scope, slot, path, sha256) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => protocols.forEach((p) => ins.run(scope, slot, p.path, p.sha256)))();
  }

  /** Where the base has this line: [base file index, line], or undefined. */
  lookup(scope: string, slot: number): (key: Buffer) => [number, number] | undefined {
    const get = this.db.prepare('SELECT file, line FROM scope_line WHERE scope = ? AND slot = ? AND key = ?').raw();
    return (key) => get.get(scope, slot, key) as [number, number] | undefined;
  }

  baseFiles(scope: string, slot: number): string[] {
    return this.db.prepare('SELECT path FROM scope_file WHERE scope = ? AND slot = ? ORDER BY idx').pluck().all(scope, slot) as string[];
  }

  baseProtocols(scope: string, slot: number): Set<string> {
    const rows = this.db.prepare('SELECT path, sha256 FROM scope_protocol WHERE scope = ? AND slot = ?').raw().all(scope, slot) as Array<[string, string]>;
    return new Set(rows.map(([p, sha]) => `${p}\u0000${sha}`));
  }

  /** Forget what the scope last published (it did not reach its outboxes): its next snapshot is a full one. */
  forget(scope: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM scope_base WHERE scope = ?').run(scope);
      this.clearSlot(scope, 0);
      this.clearSlot(scope, 1);
    })();
  }

  /** The staged slot becomes the scope's base (one transaction); the other slot is emptied. */
  commit(scope: string, base: ScopeBase): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT OR REPLACE INTO scope_base(scope, sequence, manifest_sha256, shape, slot, full_at, since_full) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(scope, base.sequence, base.manifestSha256, base.shape, base.slot, base.fullAt, base.sinceFull);
      this.clearSlot(scope, 1 - base.slot);
    })();
  }
}

/** The key of a line: its type and text. Equal keys, equal content. */
const lineKey = (type: string, buf: Buffer, start: number, end: number): Buffer => createHash('sha256').update(type).update('\u0000').update(buf.subarray(start, end)).digest();

type NdjsonSource = { file: string; size: number; entry: { kind: 'ndjson'; path: string; type: string } };
type ProtocolSource = { file: string; size: number; entry: { kind: 'protocol'; path: string; title: string; category: string; format: 'pdf' | 'markdown' | 'html' | 'text' } };

/** One file of the snapshot being made: its runs against the base, and the lines it carries (with their line numbers). */
interface FileDiff {
  path: string;
  type: string;
  lines: number;
  runs: DeltaRun[];
  carried: Array<[number, string]>;
}

/**
 * Read every NDJSON file of `dir` as the snapshot would (snapshot/lines.ts numbering), stage its
 * lines in `slot`, and (with `lookup`) work out its runs against the base.
 */
async function diffFiles(
  state: DeltaState,
  scope: string,
  slot: number,
  files: NdjsonSource[],
  lookup: ((key: Buffer) => [number, number] | undefined) | null,
): Promise<FileDiff[]> {
  state.stageFiles(scope, slot, files.map((f) => f.entry.path));
  const out: FileDiff[] = [];
  for (const [index, { file, entry }] of files.entries()) {
    const diff: FileDiff = { path: entry.path, type: entry.type, lines: 0, runs: [], carried: [] };
    let rows: Array<[Buffer, number, number]> = [];
    const lines = new NdjsonLines(
      (buf, start, end, n) => {
        const key = lineKey(entry.type, buf, start, end);
        rows.push([key, index, n]);
        diff.lines++;
        if (!lookup) return;
        const at = lookup(key);
        const last = diff.runs.at(-1);
        if (at) {
          if (last?.[0] === 0 && last[3] === at[0] && last[4] + last[2] === at[1] && last[1] + last[2] === n) last[2]++;
          else diff.runs.push([0, n, 1, at[0], at[1]]);
        } else {
          if (last?.[0] === 1 && last[1] + last[2] === n) last[2]++;
          else diff.runs.push([1, n, 1]);
          diff.carried.push([n, buf.toString('utf8', start, end)]);
        }
      },
      (n) => {
        throw new PublishError(`${entry.path} line ${n} is longer than 64 MB, which no workstation takes.`);
      },
    );
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      lines.push(chunk);
      state.stageLines(scope, slot, rows);
      rows = [];
    }
    lines.end();
    state.stageLines(scope, slot, rows);
    out.push(diff);
  }
  return out;
}

export interface ScopeOptions extends Omit<PublishOptions, 'out' | 'dedupe' | 'onDropped' | 'keepRepeatedIds'> {
  /** The scope's name in the delta state ('house', or a unit id). */
  scope: string;
  state: DeltaState;
  policy: DeltaPolicy;
  /** Where a full snapshot is written, and where a delta is. */
  fullOut: string;
  deltaOut: string;
  /** A full snapshot now, whatever the policy says. */
  forceFull?: boolean;
}

export interface ScopePublished {
  kind: 'full' | 'delta';
  file: string;
  manifest: Manifest;
  manifestSha256: string;
}

const manifestSha256Of = (file: string): string => createHash('sha256').update(readSnapshotHead(file).manifestBytes).digest('hex');

/** Publish one scope's snapshot: a delta against the scope's last one when the policy allows and it pays, else a full one. */
export async function publishScope(o: ScopeOptions): Promise<ScopePublished> {
  const clock = o.clock ?? (() => new Date());
  const now = clock();
  // A new recipient has no base to apply a delta to: a change of recipients is a full snapshot.
  const readers = o.recipients.map((pem) => createHash('sha256').update(pem).digest('hex')).sort();
  const shape = JSON.stringify({ facility: o.facility, units: o.units, mapper: o.mapper ? mapperId(o.mapper) : null, readers });
  const prev = o.state.base(o.scope);
  const slot = prev ? 1 - prev.slot : 0;
  o.state.clearSlot(o.scope, slot);
  const exp = scanExport(o.fhirDir);
  const files = exp.sources.filter((s) => s.entry.kind === 'ndjson') as NdjsonSource[];
  const protocols = (o.protocolsDir ? scanProtocols(o.protocolsDir) : []) as ProtocolSource[];
  const protocolSha = protocols.map((p) => createHash('sha256').update(readFileSync(p.file)).digest('hex'));
  o.state.stageProtocols(o.scope, slot, protocols.map((p, i) => ({ path: p.entry.path, sha256: protocolSha[i]! })));

  const deltaDue =
    !o.forceFull && prev !== null && prev.shape === shape && prev.sinceFull + 1 < o.policy.fullEvery && now.getTime() - Date.parse(prev.fullAt) < o.policy.fullAfterMs;
  const diffs = await diffFiles(o.state, o.scope, slot, files, deltaDue ? o.state.lookup(o.scope, prev.slot) : null);
  const lines = diffs.reduce((n, d) => n + d.lines, 0);
  const carried = diffs.reduce((n, d) => n + d.carried.length, 0);
  if (deltaDue && carried <= MAX_CARRIED_SHARE * lines) {
    const baseProtocols = o.state.baseProtocols(o.scope, prev.slot);
    const manifest = await writeDelta(o, exp, diffs, {
      base: { sequence: prev.sequence, manifestSha256: prev.manifestSha256 },
      baseFiles: o.state.baseFiles(o.scope, prev.slot),
      protocols: protocols.map((p, i) => ({ source: p, sha256: protocolSha[i]!, base: baseProtocols.has(`${p.entry.path}\u0000${protocolSha[i]}`) })),
    });
    const manifestSha256 = manifestSha256Of(o.deltaOut);
    o.state.commit(o.scope, { sequence: o.sequence, manifestSha256, shape, slot, fullAt: prev.fullAt, sinceFull: prev.sinceFull + 1 });
    return { kind: 'delta', file: o.deltaOut, manifest, manifestSha256 };
  }
  const manifest = await publishSnapshot({ ...o, out: o.fullOut });
  const manifestSha256 = manifestSha256Of(o.fullOut);
  o.state.commit(o.scope, { sequence: o.sequence, manifestSha256, shape, slot, fullAt: now.toISOString(), sinceFull: 0 });
  return { kind: 'full', file: o.fullOut, manifest, manifestSha256 };
}

/** Write the delta file: the carried lines (and their mapped records) and the changed protocols, signed and encrypted as a full snapshot is. */
async function writeDelta(
  o: ScopeOptions,
  exp: ReturnType<typeof scanExport>,
  diffs: FileDiff[],
  against: { base: Delta['base']; baseFiles: string[]; protocols: Array<{ source: ProtocolSource; sha256: string; base: boolean }> },
): Promise<Manifest> {
  const clock = o.clock ?? (() => new Date());
  const signer = loadSigner(o.certPem, o.keyPem, o.keyPassphrase);
  const recipients = o.recipients.map(loadRecipient);
  if (recipients.length === 0) throw new PublishError('Give at least one --recipient certificate.');
  const asOf = o.asOf ?? (exp.transactionTime ? new Date(exp.transactionTime) : null);
  if (!asOf) throw new PublishError('The export has no manifest.json with a transactionTime: give the data-as-of time with --as-of.');
  const chunkSize = o.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const contentKey = randomBytes(32);
  const entries: Entry[] = [];
  const protocolBytes = new Map<string, number>();

  /** One entry as its own gzip member: its bytes, hashed and counted. */
  async function* member(content: Buffer[], entry: (bytes: number, sha256: string) => Omit<Entry, 'compressedBytes'>): AsyncGenerator<Buffer> {
    const hash = createHash('sha256');
    let bytes = 0;
    for (const part of content) {
      hash.update(part);
      bytes += part.length;
    }
    let compressedBytes = 0;
    for await (const chunk of gzipped(Readable.from(content))) {
      compressedBytes += chunk.length;
      yield chunk;
    }
    entries.push({ ...entry(bytes, hash.digest('hex')), compressedBytes } as Entry);
  }
  async function* payload(): AsyncGenerator<Buffer> {
    for (const d of diffs) {
      if (!d.carried.length) continue;
      if (o.mapper) {
        const mapper: ContentMapper = o.mapper;
        const packed: Buffer[] = [];
        for (let i = 0; i < d.carried.length; i += 1000) packed.push(Buffer.from(mapper.pack(d.carried.slice(i, i + 1000).map(([n, json]) => mapper.map(d.type, json, n))), 'utf8'));
        yield* member(packed, (bytes, sha256) => ({ kind: 'mapped', path: d.path, mapper: mapperId(mapper), bytes, records: d.carried.length, sha256 }));
      }
      const text = d.carried.map(([, json]) => `${json}\n`);
      yield* member([Buffer.from(text.join(''), 'utf8')], (bytes, sha256) => ({ kind: 'ndjson', path: d.path, type: d.type, bytes, lines: d.carried.length, sha256 }));
    }
    for (const p of against.protocols) {
      if (p.base) continue;
      const bytes = readFileSync(p.source.file);
      protocolBytes.set(p.source.entry.path, bytes.length);
      yield* member([bytes], (size, sha256) => ({ ...p.source.entry, bytes: size, sha256 }));
    }
  }

  const dir = path.dirname(path.resolve(o.deltaOut));
  const tmpPayload = path.join(dir, `.${path.basename(o.deltaOut)}.${randomUUID()}.payload.partial`);
  const tmpOut = path.join(dir, `.${path.basename(o.deltaOut)}.${randomUUID()}.partial`);
  try {
    const ciphertext = await encryptPayload(payload(), contentKey, chunkSize, tmpPayload);
    const counts: Record<string, number> = {};
    for (const d of diffs) counts[d.type] = (counts[d.type] ?? 0) + d.lines;
    const manifest: Manifest = {
      format: FORMAT_NAME,
      version: DELTA_VERSION,
      facility: o.facility,
      units: o.units,
      sequence: o.sequence,
      createdAt: asOf.toISOString(),
      publishedAt: clock().toISOString(),
      expiresAt: new Date(asOf.getTime() + o.expiresAfterMs).toISOString(),
      source: { transactionTime: exp.transactionTime, request: exp.request },
      publisher: { chain: signer.chain.map(certificatePem) },
      recipients: wrapContentKey(recipients, contentKey),
      payload: { encryption: 'AES-256-GCM', compression: 'gzip', chunkSize, ciphertextBytes: ciphertext.bytes, ciphertextSha256: ciphertext.sha256, plainBytes: entries.reduce((n, e) => n + e.bytes, 0) },
      entries,
      counts,
      delta: {
        base: against.base,
        baseFiles: against.baseFiles,
        files: diffs.map((d) => ({ path: d.path, type: d.type, lines: d.lines, runs: d.runs })),
        protocols: against.protocols.map((p) => ({
          ...p.source.entry,
          bytes: protocolBytes.get(p.source.entry.path) ?? statSync(p.source.file).size,
          sha256: p.sha256,
          base: p.base,
        })),
      },
    };
    await writeSnapshotFile(o.deltaOut, manifest, signer.key, tmpPayload, tmpOut);
    return manifest;
  } finally {
    contentKey.fill(0);
    rmSync(tmpPayload, { force: true });
    rmSync(tmpOut, { force: true });
  }
}

