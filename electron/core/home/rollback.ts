import path from 'node:path';
import type { SnapshotStatus } from '../../shared/contract';
import type { ContentModel } from '../store/content';
import { removeSecurely } from '../store/database';
import { acquireLock } from './ingest';
import { isFailure, openCopy } from './fallback';
import { keyFileProtector } from './key-file-protector';
import type { KeyProtector } from './key-protector';
import { HomeError, assertProtector, readConfig, readState, unsealDatabaseKey, writeState } from './layout';

export interface RollbackOptions {
  protector?: KeyProtector;
  clock?: () => Date;
  /** The content model (the chart), handed in by the caller. */
  model: ContentModel;
}

export interface RollbackResult {
  from: SnapshotStatus;
  to: SnapshotStatus;
  /** Earlier copies passed over (and dropped) because they are damaged, newest first. */
  skipped: Array<{ status: SnapshotStatus; reason: string }>;
}

/**
 * IT's way back: make the newest intact kept copy before the current one the snapshot in use.
 * The copy rolled back from is dropped (its database overwritten and deleted), not kept for a
 * later switch: it was rolled back from for a reason, and a fallback must never pick it again.
 * The sequence high-water mark stays, so that snapshot's file cannot be ingested again either;
 * the next snapshot published (a higher sequence) replaces the copy rolled back to as usual.
 */
export function rollbackHome(dir: string, options: RollbackOptions): RollbackResult {
  const clock = options.clock ?? (() => new Date());
  const { model } = options;
  const config = readConfig(dir);
  const protector = options.protector ?? keyFileProtector(dir);
  assertProtector(config, protector);
  const release = acquireLock(dir);
  const key = unsealDatabaseKey(dir, protector);
  try {
    const state = readState(dir);
    const current = state.current;
    if (!current) throw new HomeError(`No snapshot is in use in ${dir}: there is nothing to roll back.`);
    if (state.previous.length === 0) {
      throw new HomeError(
        `No earlier snapshot is kept in ${dir} (home.json keepSnapshots is ${config.keepSnapshots}), so there is nothing to roll back to. ` +
          'The snapshot in use stays.',
      );
    }
    const skipped: RollbackResult['skipped'] = [];
    for (const [i, candidate] of state.previous.entries()) {
      if (candidate.schemaVersion > model.schemaVersion) {
        throw new HomeError(`The earlier snapshot (sequence ${candidate.status.sequence}) was written by a newer version of Lantern; update Lantern first. The snapshot in use stays.`);
      }
      const opened = openCopy(dir, candidate, key, model, clock);
      if (isFailure(opened) && !opened.permanent) {
        throw new HomeError(`The earlier snapshot (sequence ${candidate.status.sequence}) cannot be checked now: ${opened.reason}. Try again; the snapshot in use stays.`);
      }
      let reason = isFailure(opened) ? opened.reason : null;
      if (!isFailure(opened)) {
        // A deliberate switch can afford to read every page once.
        try {
          const verdict = (opened.db.pragma('quick_check', { simple: false }) as Array<{ quick_check: string }>).map((r) => r.quick_check).join('; ');
          if (verdict !== 'ok') reason = 'the database failed its check';
        } catch {
          reason = 'the database is damaged (a page failed its check)';
        } finally {
          opened.db.close();
        }
      }
      if (reason) {
        skipped.push({ status: candidate.status, reason });
        continue;
      }
      writeState(dir, {
        ...state,
        current: candidate,
        previous: state.previous.slice(i + 1),
        fallback: {
          at: clock().toISOString(),
          kind: 'rollback',
          from: { sequence: current.status.sequence, asOf: current.status.asOf },
          reason: 'rolled back by IT (lantern rollback)',
        },
      });
      for (const gone of [current, ...state.previous.slice(0, i)]) removeSecurely(path.join(dir, gone.db));
      return { from: current.status, to: candidate.status, skipped };
    }
    throw new HomeError(
      `No intact earlier snapshot is kept in ${dir} (${skipped.map((s) => `sequence ${s.status.sequence}: ${s.reason}`).join('; ')}). ` +
        'The snapshot in use stays.',
    );
  } finally {
    key.fill(0);
    release();
  }
}
