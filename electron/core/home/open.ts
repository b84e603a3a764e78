import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { HomeQueries, QueryChannel } from '../../shared/contract';
import type { AppStatus, Fallback, ParsedRequestOf, ResponseOf } from '../../shared/contract';
import { LanternError } from '../../shared/errors';
import type { ContentModel } from '../store/content';
import type { Db } from '../store/database';
import { describeCopyFailure, isDamageError, isFailure, openCopy, recordFallback, type CopyFailure } from './fallback';
import { keyFileProtector } from './key-file-protector';
import type { KeyProtector } from './key-protector';
import { HomeError, assertProtector, homePath, readConfig, readState, unsealDatabaseKey, type HomeState, type SnapshotRecord } from './layout';

export interface OpenHomeOptions {
  /** How the home's secrets are unwrapped; defaults to the CLI's key-file protector. */
  protector?: KeyProtector;
  clock?: () => Date;
  /** The content model (the chart), handed in by the caller. */
  model: ContentModel;
}

/** A home opened for reading: what the API and the CLI query commands use. */
export interface OpenedHome {
  readonly dir: string;
  status(): Omit<AppStatus, 'now'>;
  /** Queries over the snapshot in use, or null when none has been ingested. */
  queries(): HomeQueries | null;
  close(): void;
}

import { DEFAULT_STALE_AFTER_MINUTES } from '../../shared/defaults';

/** Nothing intact to show: said to the nurse on screen and to IT at the command line. */
export const NO_INTACT_COPY =
  'The chart copy on this workstation is damaged and no intact earlier copy is kept, so there is nothing safe to show. ' +
  'Use the paper downtime procedure and call IT. IT: ingest a new snapshot into this home (lantern ingest FILE --home DIR); ' +
  'lantern status shows what failed.';

/** How many times one query may meet a damaged copy and move on to the next. */
const MAX_SWITCHES = 8;

/**
 * Open an enrolled home. The snapshot in use follows the home's state file: after an
 * ingest (in this process or another) switches it, the next status() or queries() call
 * opens the new database and closes the old one.
 *
 * A copy that cannot be read (file missing, wrong key, damaged header, or a damaged page met
 * by a query) is not an error page while an intact earlier copy is kept: the home switches
 * to the newest intact one, records the switch in state.json (so other processes follow and
 * status says so) and the query runs again on it.
 */
export function openHome(dir: string, options: OpenHomeOptions): OpenedHome {
  const clock = options.clock ?? (() => new Date());
  const { model } = options;
  const config = readConfig(dir);
  const protector = options.protector ?? keyFileProtector(dir);
  assertProtector(config, protector);
  const dbKey = unsealDatabaseKey(dir, protector);

  let stamp = '';
  let state: HomeState = readState(dir);
  let active: { record: SnapshotRecord; file: string; db: Db; queries: HomeQueries } | null = null;
  /** Copies this process found unusable, by database; forgotten when the state file changes. */
  let failed = new Map<string, CopyFailure>();
  /** A switch made here that could not be written to state.json yet. */
  let unrecorded: Fallback | null = null;
  let closed = false;

  const refresh = () => {
    if (closed) throw new HomeError('This home has been closed.');
    const stateFile = homePath(dir, 'state');
    const s = existsSync(stateFile) ? statSync(stateFile) : null;
    const next = s ? `${s.ino}:${s.size}:${s.mtimeMs}` : 'none';
    if (next === stamp) return;
    state = readState(dir);
    stamp = next;
    failed = new Map();
    unrecorded = null;
  };

  const use = (next: typeof active) => {
    const previous = active;
    active = next;
    if (previous && previous.db !== next?.db) previous.db.close();
  };

  /** The newest usable copy, opened: the current one unless it failed. */
  const activate = (): NonNullable<typeof active> | null => {
    refresh();
    const current = state.current;
    if (!current) {
      use(null);
      return null;
    }
    if (current.schemaVersion > model.schemaVersion) {
      throw new HomeError('The snapshot in use was written by a newer version of Lantern; update Lantern on this workstation.');
    }
    const passed: Array<{ record: SnapshotRecord } & CopyFailure> = [];
    for (const record of [current, ...state.previous]) {
      const known = failed.get(record.db);
      if (known) {
        passed.push({ record, ...known });
        continue;
      }
      const file = path.join(dir, record.db);
      if (active?.file === file) return active;
      if (record.schemaVersion > model.schemaVersion) continue;
      const opened = openCopy(dir, record, dbKey, model, clock);
      if (isFailure(opened)) {
        failed.set(record.db, opened);
        passed.push({ record, ...opened });
        continue;
      }
      use({ record, file, ...opened });
      if (record !== current && passed[0]?.record === current) {
        // Only damage is written down (the failed copies leave the state); a passing trouble is not.
        const recorded = passed.every((p) => p.permanent) && recordFallback(dir, passed, record, clock());
        unrecorded = recorded
          ? null
          : { at: clock().toISOString(), kind: 'damaged', from: { sequence: current.status.sequence, asOf: current.status.asOf }, reason: passed[0].reason };
        if (recorded) refresh();
      }
      return active;
    }
    use(null);
    throw new LanternError('UNAVAILABLE', NO_INTACT_COPY);
  };

  /** One query on the copy in use; a damaged page moves it to the next intact copy and runs again. */
  const guard =
    <C extends QueryChannel>(channel: C) =>
    (request: ParsedRequestOf<C>): ResponseOf<C> => {
      for (let attempt = 0; ; attempt++) {
        const copy = activate();
        if (!copy) throw new LanternError('NO_SNAPSHOT', 'No snapshot is in use on this workstation any more. Ask IT to check the snapshot inbox.');
        try {
          return copy.queries[channel](request);
        } catch (error) {
          if (!isDamageError(error) || attempt >= MAX_SWITCHES) throw error;
          failed.set(copy.record.db, { ...describeCopyFailure(error, copy.file), permanent: true });
        }
      }
    };
  const guarded: HomeQueries = {
    search: guard('search'),
    census: guard('census'),
    chart: guard('chart'),
    mar: guard('mar'),
    series: guard('series'),
    record: guard('record'),
    protocols: guard('protocols'),
    protocolSearch: guard('protocolSearch'),
    protocolOpen: guard('protocolOpen'),
  };

  return {
    dir,
    status: () => {
      refresh();
      // Open the copy in use now (cheap once open), so a damaged one is noticed and said here.
      try {
        activate();
      } catch {
        // Nothing intact, or a newer Lantern's database: the queries say so; status still answers.
      }
      return {
        demo: config.demo,
        staleAfterMinutes: config.staleAfterMinutes ?? DEFAULT_STALE_AFTER_MINUTES,
        snapshot: active?.record.status ?? state.current?.status ?? null,
        lastRejection: state.lastRejection
          ? { at: state.lastRejection.at, file: state.lastRejection.file, reason: state.lastRejection.reason }
          : null,
        heldBack: state.heldBack,
        fallback: unrecorded ?? state.fallback,
        lastFailure: state.lastFailure,
      };
    },
    queries: () => (activate() ? guarded : null),
    close: () => {
      closed = true;
      active?.db.close();
      active = null;
      dbKey.fill(0);
    },
  };
}
