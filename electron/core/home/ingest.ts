import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { keyFileProtector } from './key-file-protector';
import type { KeyProtector } from './key-protector';
import {
  HOME_FILES,
  HomeError,
  assertProtector,
  homeLimits,
  homePath,
  readAnchors,
  readConfig,
  readIdentity,
  readState,
  unsealDatabaseKey,
  writeState,
  type HomeState,
  type SnapshotRecord,
} from './layout';
import type { HeldBack } from '../../shared/contract';
import { describeDrop, findDrop, type Drop } from '../snapshot/drop';
import { presentError } from './errors';
import type { Manifest } from '../snapshot/manifest';
import { readPayload } from '../snapshot/payload';
import { SnapshotRefusal, refuse } from '../snapshot/refusal';
import { checkAdmission, readSnapshotHead, unwrapContentKey, verifySnapshotHead } from '../snapshot/verify';
import { DamagedBatchError, mapperId, type ContentModel, type ContentReport, type MappedBatch, type SnapshotMeta } from '../store/content';
import { repeatedIdsText } from '../store/id-keys';
import { startMappedRead, type MappedRead } from '../store/parallel';
import { NEW_DATABASE_CIPHER, createSnapshotDatabase, fsyncFile, removeSecurely, sealSnapshotDatabase, type DatabaseCipher, type Db } from '../store/database';
import { applyDelta, baseRecorder, createBaseTables, openDeltaBase } from './apply-delta';

/** Named points of an ingest, in order (tests stop a process at each one). */
export const INGEST_STAGES = ['locked', 'verified', 'writing', 'written', 'checked', 'switched', 'done'] as const;
export type IngestStage = (typeof INGEST_STAGES)[number];

export interface IngestOptions {
  protector?: KeyProtector;
  clock?: () => Date;
  /** The content model (the chart), handed in by the caller: desktop, preview, CLI, demo. */
  model: ContentModel;
  /** Called at each stage; a returned promise is awaited (tests pause here). */
  onStage?: (stage: IngestStage) => void | Promise<void>;
  /** 1: parse and map on this thread even when an ingest worker is configured (store/parallel.ts). */
  threads?: 1 | 2;
  /** false: the worker maps every line itself, even when this thread runs out of work. */
  shareMapping?: boolean;
  /** Throttled progress: plaintext bytes done of the total. */
  onProgress?: (done: number, total: number) => void;
  /** How to encrypt the new database; only the default is written in use ('sqlcipher4': the earlier scheme). */
  cipher?: DatabaseCipher;
  /** Take a snapshot that holds far less than the one in use (IT, on purpose: --accept-drop). */
  acceptDrop?: boolean;
}

export interface IngestResult {
  record: SnapshotRecord;
  report: ContentReport;
  manifest: Manifest;
  /**
   * Where the lines were parsed and mapped: by the publisher (the snapshot's mapped entries
   * were taken), on the ingest worker, or on the database thread.
   */
  mappedOn: 'publisher' | 'worker' | 'database thread';
  /** The drop from the snapshot replaced, when one was taken on purpose (acceptDrop). */
  acceptedDrop: Drop | null;
  /** 'delta': the snapshot was a delta, applied to the one in use. */
  kind: 'full' | 'delta';
}

/** Another ingest holds the home: try again later (not a refusal of the snapshot). */
export class HomeBusyError extends HomeError {
  override name = 'HomeBusyError';
  override readonly code = 'HOME_BUSY';
}

/** Whether a process of this host runs (EPERM: it does, under another account). */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const locksHeld = new Set<string>();

/** The home's lock: held by an ingest and by anything else that rewrites state.json; returns the release. */
export function acquireLock(dir: string): () => void {
  const file = homePath(dir, 'lock');
  // A lock file with this process's id is stale only if this process does not hold it now.
  if (locksHeld.has(path.resolve(file))) throw new HomeBusyError(`An ingest is running in ${dir}; try again when it has finished.`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      locksHeld.add(path.resolve(file));
      return () => {
        locksHeld.delete(path.resolve(file));
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new HomeBusyError(`Another ingest (process ${pid}) is running in ${dir}; try again when it has finished.`);
      }
      rmSync(file, { force: true }); // left by an ingest that died
    }
  }
  throw new HomeBusyError(`Cannot lock ${dir} for ingest.`);
}

/** Databases in snapshots/ that the state does not reference: left by interrupted ingests. */
function removeStrays(dir: string, state: HomeState): void {
  const folder = homePath(dir, 'snapshots');
  if (!existsSync(folder)) return;
  const keep = new Set([state.current, ...state.previous].filter((r) => r !== null).map((r) => path.basename(r.db)));
  for (const name of readdirSync(folder)) {
    const base = name.replace(/-(journal|wal|shm)$/, '');
    if (!keep.has(base)) removeSecurely(path.join(folder, name));
  }
}

/** Every NDJSON line must be accounted for: stored, or reported malformed. */
export function checkCounts(manifest: Manifest, report: ContentReport): void {
  // A delta's counts, files and protocols are those of the snapshot it gives.
  const files = manifest.delta ? manifest.delta.files : manifest.entries.flatMap((e) => (e.kind === 'ndjson' ? [e] : []));
  const typeOfFile = new Map(files.map((e) => [e.path, e.type] as const));
  const malformed: Record<string, number> = {};
  for (const p of report.malformed) {
    const type = typeOfFile.get(p.file) ?? p.file;
    malformed[type] = (malformed[type] ?? 0) + 1;
  }
  const types = new Set([...Object.keys(manifest.counts), ...Object.keys(report.counts)]);
  for (const type of [...types].sort()) {
    const expected = manifest.counts[type] ?? 0;
    const got = (report.counts[type] ?? 0) + (malformed[type] ?? 0);
    if (got !== expected) refuse('COUNTS_MISMATCH', `${type}: manifest ${expected}, stored ${report.counts[type] ?? 0} + malformed ${malformed[type] ?? 0}`);
  }
  const protocols = manifest.delta ? manifest.delta.protocols.length : manifest.entries.filter((e) => e.kind === 'protocol').length;
  if (report.protocols !== protocols) refuse('COUNTS_MISMATCH', `protocols: manifest ${protocols}, stored ${report.protocols}`);
}

export const metaOf = (manifest: Manifest): SnapshotMeta => ({
  facility: manifest.facility,
  units: manifest.units,
  sequence: manifest.sequence,
  asOf: manifest.createdAt,
  expiresAt: manifest.expiresAt,
});

/**
 * Verify, decrypt and ingest one snapshot into a NEW encrypted database, check it, then
 * switch the home's state to it atomically (one rename). Until that rename the previous
 * snapshot is the current one; a crash at any point leaves it usable, and the stray new
 * file is removed by the next ingest. Refusals are recorded as the home's last rejection.
 */
export async function ingestSnapshot(dir: string, file: string, options: IngestOptions): Promise<IngestResult> {
  const clock = options.clock ?? (() => new Date());
  const protector = options.protector ?? keyFileProtector(dir);
  const model = options.model;
  const stage = async (name: IngestStage) => {
    await options.onStage?.(name);
  };
  const config = readConfig(dir);
  assertProtector(config, protector);
  const release = acquireLock(dir);
  let dbFile: string | null = null;
  let reading: MappedRead | null = null;
  let heldBack: HeldBack | null = null;
  let base: Db | null = null;
  try {
    await stage('locked');
    const state = readState(dir);
    try {
      const now = clock();
      const head = readSnapshotHead(file);
      const verified = verifySnapshotHead(head, readAnchors(dir), now, { publishers: config.publishers });
      const { manifest } = verified;
      const limits = homeLimits(config);
      checkAdmission(
        manifest,
        {
          facility: config.facility ?? state.current?.status.facility.id ?? null,
          units: config.units,
          highWater: state.highWater,
          maxSequenceJump: limits.maxSequenceJump,
          clockSkewMinutes: limits.clockSkewMinutes,
        },
        now,
      );
      const contentKey = unwrapContentKey(manifest, readIdentity(dir, protector));
      // Far less than the copy in use: held back on the signed counts, before any payload is read.
      const drop = state.current ? findDrop(manifest.counts, state.current.status.counts, limits.minPatientFraction) : null;
      if (drop && !options.acceptDrop) {
        contentKey.fill(0);
        heldBack = { at: now.toISOString(), file: path.basename(file), sequence: manifest.sequence, asOf: manifest.createdAt, ...drop };
        refuse('SUSPECT_DROP', describeDrop(drop));
      }
      const dbKey = unsealDatabaseKey(dir, protector);
      // A delta is applied to the snapshot in use, and only to the one it names.
      const { delta } = manifest;
      if (delta) base = openDeltaBase(dir, state.current, delta, dbKey, model.mapper);
      await stage('verified');
      // Parse and map on the worker thread when the model can (it boots while the database
      // is prepared); store on this thread either way. A delta is small: this thread.
      reading =
        !delta && model.mapper && options.threads !== 1
          ? startMappedRead({ file, payloadOffset: head.payloadOffset, manifest, contentKey, mapper: model.mapper.name, share: options.shareMapping !== false })
          : null;

      removeStrays(dir, state);
      mkdirSync(homePath(dir, 'snapshots'), { recursive: true, mode: 0o700 });
      const safeFacility = manifest.facility.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
      const dbName = `${safeFacility}-${manifest.sequence}-${randomBytes(6).toString('hex')}.db`;
      dbFile = path.join(homePath(dir, 'snapshots'), dbName);
      const cipher = options.cipher ?? NEW_DATABASE_CIPHER;
      const db = createSnapshotDatabase(dbFile, dbKey, cipher);
      let report: ContentReport;
      let mappedOn: IngestResult['mappedOn'] = 'database thread';
      try {
        const meta = metaOf(manifest);
        model.createSchema(db);
        db.prepare('INSERT INTO lantern_snapshot (key, value) VALUES (?, ?)').run('manifest', head.manifestBytes.toString('utf8'));
        db.exec('BEGIN');
        const writer = model.writer(db, meta, { maxFieldBytes: limits.maxFieldBytes });
        let first = true;
        let lastProgress = 0;
        const progress = (done: number) => {
          const t = Date.now();
          if (options.onProgress && t - lastProgress > 1000) {
            lastProgress = t;
            options.onProgress(done, manifest.payload.plainBytes);
          }
          if (first) {
            first = false;
            return stage('writing');
          }
        };
        const writerMapped = writer.mapped?.bind(writer);
        // What a delta is applied to later: records of this mapper (or lines, without one).
        const baseMapper = writerMapped ? model.mapper : undefined;
        createBaseTables(db, baseMapper);
        const recorder = baseRecorder(db, baseMapper);
        const mapped =
          writerMapped &&
          ((batch: MappedBatch) => {
            try {
              writerMapped(batch);
            } catch (error) {
              if (error instanceof DamagedBatchError) refuse('CORRUPT', `${batch.file}: mapped records do not read back (${error.message})`);
              throw error;
            }
          });
        if (!mapped) reading?.cancel();
        const threaded =
          reading && mapped
            ? await reading.consume({
                batch: (batch) => {
                  mapped(batch);
                  if (batch.base) recorder.blocks(batch.base);
                  else recorder.records(batch.file, batch.packed);
                },
                base: (blocks) => recorder.blocks(blocks),
                line: (type, json, source) => {
                  writer.resource(type, json, source);
                  recorder.line(type, source.file, json, source.line);
                },
                protocol: (doc) => {
                  writer.protocol(doc);
                  recorder.protocol(doc.path, doc.bytes);
                },
                progress,
                seenIds: (seen) => writer.seenIds?.(seen),
              })
            : 'unavailable';
        // The reader takes the snapshot's mapped entries when they come from this very mapping.
        const mapper = model.mapper && mapperId(model.mapper);
        if (mapped && manifest.entries.some((e) => e.kind === 'mapped' && e.mapper === mapper)) mappedOn = 'publisher';
        else if (threaded === 'done') mappedOn = 'worker';
        if (delta && base) {
          await applyDelta({ file, payloadOffset: head.payloadOffset, manifest: { ...manifest, delta }, contentKey, base, writer, mapped, recorder, mapper: baseMapper });
        } else if (threaded !== 'done') {
          await readPayload(file, head.payloadOffset, manifest, contentKey, {
            line: (entry, json, line) => {
              writer.resource(entry.type, json, { file: entry.path, line });
              recorder.line(entry.type, entry.path, json, line);
            },
            ...(mapped && mapper
              ? {
                  mapper,
                  records: (entry, packed) => {
                    mapped({ type: entry.type, file: entry.path, packed });
                    recorder.records(entry.path, packed);
                  },
                }
              : {}),
            protocol: (entry, bytes) => {
              writer.protocol({ path: entry.path, title: entry.title, category: entry.category, kind: entry.format, bytes });
              recorder.protocol(entry.path, bytes);
            },
            progress,
          });
        }
        recorder.flush();
        report = writer.finish();
        if (report.duplicates && Object.keys(report.duplicates).length) refuse('DUPLICATE_ID', repeatedIdsText(report.duplicates));
        db.exec('COMMIT');
        contentKey.fill(0);
        await stage('written');
        checkCounts(manifest, report);
        const verdict = sealSnapshotDatabase(db);
        if (verdict !== 'ok') refuse('DATABASE_CHECK', verdict.slice(0, 200));
      } finally {
        if (db.inTransaction) db.exec('ROLLBACK');
        db.close();
        dbKey.fill(0);
      }
      fsyncFile(dbFile);
      await stage('checked');

      const record: SnapshotRecord = {
        db: `${HOME_FILES.snapshots}/${dbName}`,
        schemaVersion: model.schemaVersion,
        cipher,
        manifestSha256: verified.manifestSha256,
        status: {
          ...metaOf(manifest),
          ingestedAt: clock().toISOString(),
          counts: report.counts,
          ...(report.truncated ? { truncated: report.truncated.values } : {}),
        },
      };
      const kept = [state.current, ...state.previous].filter((r): r is SnapshotRecord => r !== null);
      const next: HomeState = {
        ...state,
        current: record,
        previous: kept.slice(0, config.keepSnapshots - 1),
        highWater: { ...state.highWater, [manifest.facility.id]: manifest.sequence },
        heldBack: null,
        fallback: null,
        lastFailure: null,
      };
      writeState(dir, next); // the switch
      dbFile = null;
      await stage('switched');
      for (const old of kept.slice(config.keepSnapshots - 1)) removeSecurely(path.join(dir, old.db));
      await stage('done');
      return { record, report, manifest, mappedOn, acceptedDrop: drop, kind: delta ? 'delta' : 'full' };
    } catch (error) {
      if (dbFile) removeSecurely(dbFile);
      if (error instanceof SnapshotRefusal) {
        writeState(dir, {
          ...readState(dir),
          lastRejection: { at: clock().toISOString(), file: path.basename(file), reason: error.message, code: error.code },
          ...(heldBack ? { heldBack } : {}),
        });
      } else {
        // A failure of this workstation (disk, permissions, a locked database): kept for
        // `lantern status` and the app. Best effort: the disk may be what failed.
        const { code, message } = presentError(error, { surface: 'ingest', homeDir: dir, clock });
        try {
          writeState(dir, { ...readState(dir), lastFailure: { at: clock().toISOString(), file: path.basename(file), code, message } });
        } catch {
          // The original error says it better.
        }
      }
      throw error;
    }
  } finally {
    reading?.cancel();
    base?.close();
    release();
  }
}

/**
 * Change the home's state under the ingest lock, for what happens outside an ingest (the
 * inbox's own refusals of links and folders, its failures). Returns false, changing nothing,
 * while another ingest holds the home or when the state cannot be written.
 */
export function updateHomeState(dir: string, update: (state: HomeState) => HomeState): boolean {
  let release: () => void;
  try {
    release = acquireLock(dir);
  } catch {
    return false;
  }
  try {
    writeState(dir, update(readState(dir)));
    return true;
  } catch {
    return false;
  } finally {
    release();
  }
}
