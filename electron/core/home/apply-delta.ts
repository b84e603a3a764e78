import { createHash } from 'node:crypto';
import path from 'node:path';
import type { SnapshotRecord } from './layout';
import type { Delta, Manifest } from '../snapshot/manifest';
import { readPayload } from '../snapshot/payload';
import { refuse } from '../snapshot/refusal';
import { mapperId, type ContentMapper, type ContentWriter, type MappedBatch } from '../store/content';
import { BlockCutter, FIELD, splitRecords, unpackBlock, type BaseBlock } from '../store/base-blocks';
import { openSnapshotDatabase, type Db } from '../store/database';

/**
 * Delta snapshots on the workstation (docs/SNAPSHOT-FORMAT.md, version 3). Every snapshot
 * database also keeps what a delta is applied to: each NDJSON line of its snapshot as the
 * record the model's mapper makes of it (or the line itself, for a model without one), by file
 * and line number (in compressed blocks of consecutive lines), and each protocol's bytes. A delta names the runs of those lines the new
 * snapshot keeps and carries the rest; the new database is built from them exactly as from a
 * full snapshot's lines, in the same order with the same line numbers, so it is the database
 * the full snapshot of that sequence gives. The database in use is only read.
 */

/** Records handed to the writer at a time. */
const BATCH_CHARS = 1 << 20;
/** What the base keeps: the mapper whose records these are, or 'lines'. */
const baseKind = (mapper: ContentMapper | undefined): string => (mapper ? mapperId(mapper) : 'lines');

/** The base tables of a new snapshot database (beside lantern_snapshot). */
export function createBaseTables(db: Db, mapper: ContentMapper | undefined): void {
  db.exec(`
    CREATE TABLE lantern_line (path TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL, data BLOB NOT NULL);
    CREATE INDEX lantern_line_at ON lantern_line (path, last);
    CREATE TABLE lantern_protocol (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, bytes BLOB NOT NULL);
  `);
  db.prepare('INSERT INTO lantern_snapshot (key, value) VALUES (?, ?)').run('base', baseKind(mapper));
}

/** A packed record with another line number (the second field of every record kind). */
function withLine(record: string, line: number): string {
  const a = record.indexOf(FIELD);
  const b = a < 0 ? -1 : record.indexOf(FIELD, a + 1);
  if (b < 0) return refuse('CORRUPT', 'a mapped record without its line number');
  return `${record.slice(0, a + 1)}${line}${record.slice(b)}`;
}

/** Writes the base of the snapshot being ingested, as its lines, records and protocols reach the writer. */
export interface BaseRecorder {
  records(file: string, packed: string): void;
  /** Blocks the ingest worker already cut and packed (store/base-blocks.ts). */
  blocks(blocks: readonly BaseBlock[]): void;
  line(type: string, file: string, json: string, line: number): void;
  protocol(file: string, bytes: Buffer): void;
  /** Write the lines still held (before the writer finishes). */
  flush(): void;
}

export function baseRecorder(db: Db, mapper: ContentMapper | undefined): BaseRecorder {
  // A line number given twice or out of order is the snapshot's to refuse (its record and line
  // counts); a base that does not give a kept line in order only makes the delta refused (DELTA_BASE).
  const insBlock = db.prepare('INSERT INTO lantern_line (path, first, last, data) VALUES (?, ?, ?, ?)');
  const insProtocol = db.prepare('INSERT OR REPLACE INTO lantern_protocol (path, sha256, bytes) VALUES (?, ?, ?)');
  const insert = (b: BaseBlock) => insBlock.run(b.file, b.first, b.last, Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength));
  const cutter = new BlockCutter(insert);
  return {
    flush() {
      cutter.cutAll();
    },
    records(file, packed) {
      cutter.putRecords(file, packed);
    },
    blocks(blocks) {
      for (const b of blocks) {
        // Lines this thread holds of that file come before the worker's: cut first, so blocks never overlap.
        cutter.cut(b.file);
        insert(b);
      }
    },
    line(type, file, json, line) {
      cutter.put(file, line, mapper ? mapper.pack([mapper.map(type, json, line)]) : json);
    },
    protocol(file, bytes) {
      insProtocol.run(file, createHash('sha256').update(bytes).digest('hex'), bytes);
    },
  };
}

/**
 * The database in use, opened to apply `delta` to, or a DELTA_BASE refusal: no snapshot in use,
 * another sequence (a missing link), another manifest of that sequence (a different base: a
 * publisher that started over, or a second one), or a database that keeps no base for this
 * mapper (written by an earlier Lantern, or with another mapping).
 */
export function openDeltaBase(dir: string, current: SnapshotRecord | null, delta: Delta, dbKey: Buffer, mapper: ContentMapper | undefined): Db {
  const want = `sequence ${delta.base.sequence}`;
  if (!current) return refuse('DELTA_BASE', `it applies to ${want}; this home has no snapshot in use`);
  if (current.status.sequence !== delta.base.sequence) return refuse('DELTA_BASE', `it applies to ${want}; the snapshot in use is sequence ${current.status.sequence}`);
  if (current.manifestSha256 !== delta.base.manifestSha256) {
    return refuse('DELTA_BASE', `it applies to another snapshot of ${want} than the one in use (manifest ${delta.base.manifestSha256.slice(0, 12)}…, in use ${current.manifestSha256.slice(0, 12)}…)`);
  }
  let db: Db;
  try {
    db = openSnapshotDatabase(path.join(dir, current.db), dbKey, current.cipher);
  } catch {
    return refuse('DELTA_BASE', 'the snapshot in use does not open');
  }
  let kind: string | undefined;
  try {
    kind = (db.prepare("SELECT value FROM lantern_snapshot WHERE key = 'base'").pluck().get() as string | undefined);
  } catch {
    kind = undefined;
  }
  if (kind !== baseKind(mapper)) {
    db.close();
    return refuse('DELTA_BASE', kind === undefined ? 'the snapshot in use keeps no base for deltas (ingested by an earlier Lantern)' : `the snapshot in use was stored with ${kind}, this workstation maps with ${baseKind(mapper)}`);
  }
  return db;
}

/** What a delta's payload carries: per file, the lines (and, when mapped by this mapper, their records) the runs take; changed protocols. */
interface Carried {
  lines: Map<string, string[]>;
  records: Map<string, string[]>;
  protocols: Map<string, Buffer>;
}

async function readCarried(file: string, payloadOffset: number, manifest: Manifest, contentKey: Buffer, mapper: ContentMapper | undefined): Promise<Carried> {
  const carried: Carried = { lines: new Map(), records: new Map(), protocols: new Map() };
  const into = <T>(map: Map<string, T[]>, key: string): T[] => {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    return list;
  };
  await readPayload(file, payloadOffset, manifest, contentKey, {
    line: (entry, json) => void into(carried.lines, entry.path).push(json),
    ...(mapper ? { mapper: mapperId(mapper), records: (entry, packed) => void into(carried.records, entry.path).push(...splitRecords(packed)) } : {}),
    protocol: (entry, bytes) => void carried.protocols.set(entry.path, bytes),
  });
  return carried;
}

export interface ApplyDelta {
  file: string;
  payloadOffset: number;
  manifest: Manifest & { delta: Delta };
  contentKey: Buffer;
  /** The database in use (openDeltaBase). */
  base: Db;
  writer: ContentWriter;
  /** The writer's mapped(), with damaged batches refused. */
  mapped: ((batch: MappedBatch) => void) | undefined;
  recorder: BaseRecorder;
  mapper: ContentMapper | undefined;
}

/**
 * Feed the writer the full snapshot the delta stands for: each file's lines in order, copied
 * from the base or carried by the delta, then the protocols. Refuses CORRUPT when the runs and
 * what the payload carries do not add up, DELTA_BASE when the base lacks a line a run names.
 */
export async function applyDelta(o: ApplyDelta): Promise<void> {
  const { delta } = o.manifest;
  const carried = await readCarried(o.file, o.payloadOffset, o.manifest, o.contentKey, o.mapper);
  const asRecords = !!(o.mapper && o.mapped);
  const blocks = o.base.prepare('SELECT first, data FROM lantern_line WHERE path = ? AND last >= ? AND first < ? ORDER BY first, last').raw();
  // Runs mostly follow the base in order: the last block read is often the next run's too.
  let cached: { key: string; lines: Array<[number, string]> } | null = null;
  function* baseLines(basePath: string, from: number, to: number): Generator<[number, string]> {
    for (const [first, data] of blocks.iterate(basePath, from, to) as Iterable<[number, Buffer]>) {
      const key = `${basePath}\u0000${first}`;
      if (cached?.key !== key) cached = { key, lines: [...unpackBlock(data)] };
      for (const entry of cached.lines) if (entry[0] >= from && entry[0] < to) yield entry;
    }
  }
  for (const f of delta.files) {
    let batch: string[] = [];
    let batchChars = 0;
    const flush = () => {
      if (!batch.length) return;
      const packed = batch.join('');
      batch = [];
      batchChars = 0;
      o.mapped!({ type: f.type, file: f.path, packed });
      o.recorder.records(f.path, packed);
    };
    const emitRecord = (line: number, record: string) => {
      const r = withLine(record, line);
      batch.push(r);
      batchChars += r.length;
      if (batchChars > BATCH_CHARS) flush();
    };
    const emitLine = (line: number, json: string) => {
      if (asRecords) emitRecord(line, o.mapper!.pack([o.mapper!.map(f.type, json, line)]));
      else {
        o.writer.resource(f.type, json, { file: f.path, line });
        o.recorder.line(f.type, f.path, json, line);
      }
    };
    const records = asRecords ? carried.records.get(f.path) : undefined;
    const lines = carried.lines.get(f.path);
    let taken = 0;
    let emitted = 0;
    let next = 1;
    for (const run of f.runs) {
      const [kind, line, count] = run;
      if (line < next) refuse('CORRUPT', `the runs of ${f.path} overlap or go back at line ${line}`);
      next = line + count;
      if (kind === 0) {
        const basePath = delta.baseFiles[run[3]] ?? refuse('CORRUPT', `a run of ${f.path} names base file ${run[3]}, which the delta does not list`);
        const from = run[4];
        let n = 0;
        for (const [baseLine, text] of baseLines(basePath, from, from + count)) {
          if (baseLine !== from + n) break;
          if (asRecords) emitRecord(line + n, text);
          else emitLine(line + n, text);
          n++;
        }
        if (n !== count) refuse('DELTA_BASE', `the snapshot in use lacks lines ${from}-${from + count - 1} of ${basePath} that the delta keeps`);
      } else {
        for (let i = 0; i < count; i++, taken++) {
          const record = records?.[taken];
          const json = lines?.[taken];
          if (record !== undefined) emitRecord(line + i, record);
          else if (json !== undefined) emitLine(line + i, json);
          else refuse('CORRUPT', `${f.path}: the delta carries fewer lines than its runs take`);
        }
      }
      emitted += count;
    }
    if (asRecords) flush();
    if (taken !== (records ?? lines ?? []).length) refuse('CORRUPT', `${f.path}: the delta carries ${(records ?? lines ?? []).length} lines, its runs take ${taken}`);
    if (emitted !== f.lines) refuse('CORRUPT', `${f.path}: the runs give ${emitted} lines, the delta says ${f.lines}`);
  }
  o.recorder.flush();
  const known = new Set(delta.files.map((f) => f.path));
  for (const p of new Set([...carried.lines.keys(), ...carried.records.keys()])) if (!known.has(p)) refuse('CORRUPT', `the delta carries lines of ${p}, which it does not list`);
  const baseProtocol = o.base.prepare('SELECT bytes FROM lantern_protocol WHERE path = ? AND sha256 = ?').pluck();
  for (const p of delta.protocols) {
    const bytes = p.base
      ? ((baseProtocol.get(p.path, p.sha256) as Buffer | undefined) ?? refuse('DELTA_BASE', `the snapshot in use lacks the protocol ${p.path} the delta keeps`))
      : (carried.protocols.get(p.path) ?? refuse('CORRUPT', `the delta does not carry the protocol ${p.path}`));
    o.writer.protocol({ path: p.path, title: p.title, category: p.category, kind: p.format, bytes });
    o.recorder.protocol(p.path, bytes);
  }
}
