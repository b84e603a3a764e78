import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { HomeQueries } from '../api/handlers';
import type { AppStatus } from '../../shared/contract';
import { chartModel } from '../chart';
import type { ContentModel } from '../store/content';
import { openSnapshotDatabase, type Db } from '../store/database';
import { keyFileProtector } from './key-file-protector';
import type { KeyProtector } from './key-protector';
import { HomeError, assertProtector, homePath, readConfig, readState, unsealDatabaseKey, type HomeState } from './layout';

export interface OpenHomeOptions {
  /** How the home's secrets are unwrapped; defaults to the CLI's key-file protector. */
  protector?: KeyProtector;
  clock?: () => Date;
  model?: ContentModel;
}

/** A home opened for reading: what the API and the CLI query commands use. */
export interface OpenedHome {
  readonly dir: string;
  status(): Omit<AppStatus, 'now'>;
  /** Queries over the snapshot in use, or null when none has been ingested. */
  queries(): HomeQueries | null;
  close(): void;
}

export const DEFAULT_STALE_AFTER_MINUTES = 120;

/**
 * Open an enrolled home. The snapshot in use follows the home's state file: after an
 * ingest (in this process or another) switches it, the next status() or queries() call
 * opens the new database and closes the old one.
 */
export function openHome(dir: string, options: OpenHomeOptions = {}): OpenedHome {
  const clock = options.clock ?? (() => new Date());
  const model = options.model ?? chartModel;
  const config = readConfig(dir);
  const protector = options.protector ?? keyFileProtector(dir);
  assertProtector(config, protector);
  const dbKey = unsealDatabaseKey(dir, protector);

  let stamp = '';
  let state: HomeState = readState(dir);
  let openDb: { file: string; db: Db; queries: HomeQueries } | null = null;
  let closed = false;

  const refresh = () => {
    if (closed) throw new HomeError('This home has been closed.');
    const stateFile = homePath(dir, 'state');
    const s = existsSync(stateFile) ? statSync(stateFile) : null;
    const next = s ? `${s.ino}:${s.size}:${s.mtimeMs}` : 'none';
    if (next === stamp) return;
    state = readState(dir);
    stamp = next;
  };

  const queries = (): HomeQueries | null => {
    refresh();
    const current = state.current;
    if (!current) return null;
    const file = path.join(dir, current.db);
    if (openDb?.file === file) return openDb.queries;
    if (current.schemaVersion > model.schemaVersion) {
      throw new HomeError('The snapshot in use was written by a newer version of Lantern; update Lantern on this workstation.');
    }
    const db = openSnapshotDatabase(file, dbKey, current.cipher);
    const previous = openDb;
    openDb = { file, db, queries: model.queries(db, current.status, clock) };
    previous?.db.close();
    return openDb.queries;
  };

  return {
    dir,
    status: () => {
      refresh();
      return {
        demo: config.demo,
        staleAfterMinutes: config.staleAfterMinutes ?? DEFAULT_STALE_AFTER_MINUTES,
        snapshot: state.current?.status ?? null,
        lastRejection: state.lastRejection
          ? { at: state.lastRejection.at, file: state.lastRejection.file, reason: state.lastRejection.reason }
          : null,
        lastFailure: state.lastFailure,
      };
    },
    queries,
    close: () => {
      closed = true;
      openDb?.db.close();
      openDb = null;
      dbKey.fill(0);
    },
  };
}
