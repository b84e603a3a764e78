import { existsSync } from 'node:fs';
import path from 'node:path';
import type { HomeQueries } from '../../shared/contract';
import type { ContentModel } from '../store/content';
import { openSnapshotDatabase, type Db } from '../store/database';
import { HomeBusyError, acquireLock } from './ingest';
import { readState, writeState, type SnapshotRecord } from './layout';

/**
 * Kept snapshot databases as copies to fall back on: open one and tell damage from other
 * trouble, and record a switch to an earlier copy in state.json so every process follows.
 */

/** Why a copy cannot be used; `permanent` failures are damage (the copy is dropped), others pass. */
export interface CopyFailure {
  reason: string;
  permanent: boolean;
}

const codeOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
};

/** SQLite's word for a damaged page or header (what better-sqlite3 reports on a query). */
export const isDamageError = (error: unknown): boolean => /^SQLITE_(CORRUPT|NOTADB)/.test(codeOf(error));

export function describeCopyFailure(error: unknown, file: string): CopyFailure {
  const code = codeOf(error);
  if (!existsSync(file)) return { reason: 'the database file is missing', permanent: true };
  if (code.startsWith('SQLITE_NOTADB')) return { reason: "the database does not open with this home's key (damaged header, or another key)", permanent: true };
  if (code.startsWith('SQLITE_CORRUPT')) return { reason: 'the database is damaged (a page failed its check)', permanent: true };
  return { reason: `the database cannot be opened now (${code || (error as Error | null)?.name || 'error'})`, permanent: false };
}

export interface OpenCopy {
  db: Db;
  queries: HomeQueries;
}

/** Open one kept snapshot read-only and make its queries; a failure comes back, not thrown. */
export function openCopy(dir: string, record: SnapshotRecord, key: Buffer, model: ContentModel, clock: () => Date): OpenCopy | CopyFailure {
  const file = path.join(dir, record.db);
  let db: Db | null = null;
  try {
    db = openSnapshotDatabase(file, key, record.cipher);
    // Every snapshot database has this table; an empty or cut file opens as an empty database.
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'lantern_snapshot'").get()) {
      db.close();
      return { reason: 'the database is empty or incomplete', permanent: true };
    }
    return { db, queries: model.queries(db, record.status, clock) };
  } catch (error) {
    db?.close();
    return describeCopyFailure(error, file);
  }
}

export const isFailure = (opened: OpenCopy | CopyFailure): opened is CopyFailure => 'reason' in opened;

/**
 * Persist a switch from the damaged copies `failed` (newest first, the first being the
 * current one) to the intact `to`, under the home's lock. Returns false when it could not
 * be written now (an ingest holds the lock, or the state changed meanwhile): the caller
 * still shows `to`, and the next look at the state decides again.
 */
export function recordFallback(dir: string, failed: Array<{ record: SnapshotRecord; reason: string }>, to: SnapshotRecord, at: Date): boolean {
  const first = failed[0];
  if (!first) return false;
  let release: () => void;
  try {
    release = acquireLock(dir);
  } catch (error) {
    if (error instanceof HomeBusyError) return false;
    throw error;
  }
  try {
    const state = readState(dir);
    if (state.current?.db !== first.record.db) return false;
    const dropped = new Set(failed.map((f) => f.record.db));
    writeState(dir, {
      ...state,
      current: to,
      previous: state.previous.filter((r) => r.db !== to.db && !dropped.has(r.db)),
      fallback: {
        at: at.toISOString(),
        kind: 'damaged',
        from: { sequence: first.record.status.sequence, asOf: first.record.status.asOf },
        reason: first.reason,
      },
    });
    return true;
  } finally {
    release();
  }
}
