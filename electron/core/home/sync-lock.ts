import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, utimesSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { HomeError, homePath } from './layout';
import { isAlive } from './ingest';

/**
 * The sync lock, `sync.lock` in the home: held for as long as a sync agent runs (the desktop
 * app, `lantern watch`), so one home is never synced by two agents at once. It is not the
 * ingest's short lock (ingest.lock, held around one switch): it says who keeps this home up to
 * date, and `lantern ingest` respects it. Made by an exclusive create; a lock whose process is
 * gone (same host) or whose holder stopped refreshing it (another host: a home on a share) is
 * taken over; released when the agent stops.
 */
export const SyncHolder = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  /** What runs the agent, in words: "the Lantern app", "lantern watch". */
  agent: z.string().max(100),
  since: z.string(),
});
export type SyncHolder = z.infer<typeof SyncHolder>;

/** Another agent keeps this home in sync: its sentence names it (process, host, since when). */
export class SyncBusyError extends HomeError {
  override name = 'SyncBusyError';
  override readonly code = 'SYNC_BUSY';
  constructor(
    message: string,
    readonly holder: SyncHolder,
  ) {
    super(message);
  }
}

export interface SyncLock {
  readonly holder: SyncHolder;
  /** Remove the lock (only while it is still this one); idempotent. */
  release(): void;
}

export interface SyncLockOptions {
  /** Who holds it, in words, for the sentence a second agent gets. */
  agent: string;
  clock?: () => Date;
  /** How often the holder touches the file, so other hosts see it alive (default 1 min). */
  refreshMs?: number;
  /** A lock of another host untouched this long is stale (default 5 min). */
  staleAfterMs?: number;
  host?: string;
  pid?: number;
}

const DEFAULT_REFRESH_MS = 60_000;
const DEFAULT_STALE_MS = 5 * 60_000;

/** Held by this process: released on exit even if the agent never closes. */
const heldHere = new Map<string, SyncLock>();
let exitHook = false;

const who = (h: SyncHolder) => `${h.agent} (process ${h.pid} on ${h.host}, since ${h.since})`;

/** The lock file as written, or null when absent; a damaged one reads as stale. */
function readLockFile(file: string): { text: string; holder: SyncHolder | null; mtimeMs: number } | null {
  let text: string;
  let mtimeMs: number;
  try {
    text = readFileSync(file, 'utf8');
    mtimeMs = statSync(file).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Cut short by a crash between create and write: nobody holds it.
  }
  const parsed = SyncHolder.safeParse(json);
  return { text, holder: parsed.success ? parsed.data : null, mtimeMs };
}

/** Whether the holder written in a lock file still runs (as far as this host can tell). */
function holderAlive(found: { holder: SyncHolder | null; mtimeMs: number }, options: { host: string; staleAfterMs: number; now: number }): boolean {
  const h = found.holder;
  if (!h) return false;
  if (h.host === options.host) return isAlive(h.pid);
  return options.now - found.mtimeMs < options.staleAfterMs;
}

/** Who holds the home's sync lock now, or null (none, or a stale one). */
export function syncHolder(dir: string, options: { host?: string; staleAfterMs?: number; clock?: () => Date } = {}): SyncHolder | null {
  const found = readLockFile(homePath(dir, 'syncLock'));
  if (!found) return null;
  const alive = holderAlive(found, {
    host: options.host ?? os.hostname(),
    staleAfterMs: options.staleAfterMs ?? DEFAULT_STALE_MS,
    now: (options.clock?.() ?? new Date()).getTime(),
  });
  return alive ? found.holder : null;
}

/** For `lantern ingest` and other one-off writers: refuse while a sync agent of another process runs. */
export function assertNoSyncAgent(dir: string, what: string): void {
  const holder = syncHolder(dir);
  if (!holder || (holder.pid === process.pid && holder.host === os.hostname())) return;
  throw new SyncBusyError(
    `${who(holder)} keeps ${dir} in sync, so ${what} does not run beside it: give it the snapshot through its inbox, or stop it and try again.`,
    holder,
  );
}

/**
 * Take the home's sync lock for a long-running agent, or throw SyncBusyError naming who
 * holds it. A stale lock (its process gone, or not refreshed for `staleAfterMs` by another
 * host) is moved aside and taken over; of two agents doing that at once, one wins.
 */
export function acquireSyncLock(dir: string, options: SyncLockOptions): SyncLock {
  const file = homePath(dir, 'syncLock');
  const host = options.host ?? os.hostname();
  const pid = options.pid ?? process.pid;
  const clock = options.clock ?? (() => new Date());
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_MS;
  const mine = heldHere.get(path.resolve(file));
  if (mine) throw new SyncBusyError(`${who(mine.holder)} already keeps ${dir} in sync.`, mine.holder);

  const holder: SyncHolder = { pid, host, agent: options.agent, since: clock().toISOString() };
  const text = `${JSON.stringify(holder)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, text, { flag: 'wx', mode: 0o600 });
      return holdLock(file, holder, text, options.refreshMs ?? DEFAULT_REFRESH_MS);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const found = readLockFile(file);
    if (!found) continue; // released meanwhile
    if (found.holder && holderAlive(found, { host, staleAfterMs, now: clock().getTime() })) {
      throw new SyncBusyError(
        `${who(found.holder)} already keeps ${dir} in sync; only one sync may run per home. Stop it first, or use that one.`,
        found.holder,
      );
    }
    // Stale: move it aside under a name of our own, and check that what moved is what was
    // judged stale (another agent may have taken it over meanwhile: then put theirs back).
    const aside = `${file}.${randomBytes(6).toString('hex')}.stale`;
    try {
      renameSync(file, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    let moved: string;
    try {
      moved = readFileSync(aside, 'utf8');
    } catch {
      moved = found.text; // unreadable: it is the stale one
    }
    if (moved !== found.text) renameSync(aside, file);
    else rmSync(aside, { force: true });
  }
  throw new HomeError(`Cannot take the sync lock of ${dir} (${file}); check who else runs Lantern on this home.`);
}

function holdLock(file: string, holder: SyncHolder, text: string, refreshMs: number): SyncLock {
  const key = path.resolve(file);
  const ours = () => {
    try {
      return readFileSync(file, 'utf8') === text;
    } catch {
      return false;
    }
  };
  // Touch it now and then so another host reading a shared home sees it held.
  const timer = setInterval(() => {
    if (!ours()) return;
    try {
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      // A share that is away: the next touch tries again.
    }
  }, refreshMs);
  timer.unref();
  let released = false;
  const lock: SyncLock = {
    holder,
    release: () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      heldHere.delete(key);
      if (ours()) rmSync(file, { force: true });
    },
  };
  heldHere.set(key, lock);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const held of [...heldHere.values()]) held.release();
    });
  }
  return lock;
}

export interface SyncLockWait {
  /** Stop trying (the agent is closing). */
  stop(): void;
}

/**
 * For the desktop app, which opens whether or not it may sync: take the sync lock now, or,
 * while another agent holds it (an IT `lantern watch`), try again every `retryMs` (default
 * 1 min) and start syncing once it is free. `onBusy` hears each refusal (for the header);
 * `onTaken` gets the lock once (when it throws, the lock is released and tried again). A
 * failure other than a busy lock on the first try is thrown.
 */
export function takeSyncLockWhenFree(
  dir: string,
  options: SyncLockOptions & { retryMs?: number; onTaken: (lock: SyncLock) => void; onBusy: (error: unknown) => void },
): SyncLockWait {
  let timer: NodeJS.Timeout | null = null;
  const attempt = (first: boolean): boolean => {
    let lock: SyncLock;
    try {
      lock = acquireSyncLock(dir, options);
    } catch (error) {
      if (first && !(error instanceof SyncBusyError)) throw error;
      options.onBusy(error);
      return false;
    }
    try {
      options.onTaken(lock);
      return true;
    } catch (error) {
      // The agent could not start (an inbox share away): free the lock, try again later.
      lock.release();
      if (first) throw error;
      options.onBusy(error);
      return false;
    }
  };
  if (!attempt(true)) {
    timer = setInterval(() => {
      if (attempt(false) && timer) {
        clearInterval(timer);
        timer = null;
      }
    }, options.retryMs ?? 60_000);
    timer.unref();
  }
  return {
    stop: () => {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
