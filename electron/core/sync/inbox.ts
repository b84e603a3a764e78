import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { watch, type FSWatcher } from 'chokidar';
import type { LastFailure } from '../../shared/contract';
import { presentError } from '../home/errors';
import type { KeyProtector } from '../home/key-protector';
import { auditOfHomeEvent, type AuditRecorder } from '../home/audit';
import { appendHomeLog, type LogEvent } from '../home/log';
import type { ContentModel } from '../store/content';
import { ingestSnapshot, updateHomeState, type IngestOptions, type IngestResult } from '../home/ingest';
import { SnapshotRefusal } from '../snapshot/refusal';
import { installRoster, looksLikeRoster, ROSTER_MAGIC, RosterRefusal } from '../home/roster';
import { snapshotExtent, type ManifestMemo, type SnapshotExtent } from '../snapshot/verify';
import { utf8Prefix } from '../files/utf8';
import { snapshotInUse, type SyncAgent, type SyncStatus } from './status';

export interface InboxAgentOptions {
  homeDir: string;
  inbox: string;
  protector?: KeyProtector;
  model: ContentModel;
  clock?: () => Date;
  /** How long a whole file's size must stay unchanged before it is taken (default 1 s). */
  stabilityMs?: number;
  /**
   * How long a file that holds less than it declares may stay unchanged before it is refused
   * as TRUNCATED (its writer died); until then it is waited for (default 60 s).
   */
  truncatedAfterMs?: number;
  /** After a local failure (disk full, a locked database...) the file is tried again after this, doubling (default 2 s)... */
  retryFirstMs?: number;
  /** ...up to this (default 5 min). */
  retryMaxMs?: number;
  /** Poll the inbox instead of using OS events (network shares that send none). */
  usePolling?: boolean;
  /** One line per event for a console; never PHI. The home's lantern.log gets each event too. */
  log?: (line: string) => void;
  /** The home's audit log: each snapshot taken or refused is recorded there too. */
  audit?: AuditRecorder;
  onIngested?: (file: string, result: IngestResult) => void;
  onRejected?: (file: string, reason: string) => void;
  /** A local failure; `retryInMs`: when the file is tried again (null: it is not). */
  onFailed?: (file: string | null, failure: LastFailure, retryInMs: number | null) => void;
  /** How a snapshot is ingested (tests inject failures here); default ingestSnapshot. */
  ingest?: (dir: string, file: string, options: IngestOptions) => Promise<IngestResult>;
}

export interface InboxAgent extends SyncAgent {
  /** Resolves once the watcher is in place. */
  readonly ready: Promise<void>;
  /**
   * Resolves when nothing is running and no file is ready to be taken; files still being
   * written and files waiting to be retried after a local failure do not count.
   */
  idle(): Promise<void>;
  /** The last local failure this agent met, until it takes a snapshot after it. */
  lastFailure(): LastFailure | null;
  /** The shape every sync agent shares (sync/status.ts), for the tray and the heartbeat. */
  status(): SyncStatus;
  close(): Promise<void>;
}

export const PROCESSED_DIR = 'processed';
export const REJECTED_DIR = 'rejected';
const REASON_SUFFIX = '.reason.txt';
/** The longest file name (bytes) common file systems take. */
export const NAME_MAX = 255;

const ignoredName = (name: string) =>
  name === PROCESSED_DIR ||
  name === REJECTED_DIR ||
  name.startsWith('.') ||
  name.endsWith('.partial') ||
  name.endsWith('.tmp') ||
  name.endsWith(REASON_SUFFIX);

type Kind = 'file' | 'link' | 'folder' | 'special';
const kindOf = (st: Stats): Kind => (st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'folder' : st.isFile() ? 'file' : 'special');

/** Why anything but a regular file is refused (links are never followed). */
const NOT_A_FILE: Record<Exclude<Kind, 'file'>, string> = {
  link: 'a symbolic link: the inbox takes regular files only and never follows links',
  folder: 'a folder: put snapshot files in the inbox itself',
  special: 'a device, pipe or socket, not a regular file',
};

const exists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

/**
 * A name that fits NAME_MAX with `reserve` bytes to spare (for `.reason.txt`): the name
 * itself when it fits, else its start, `~`, 12 hex digits of its SHA-256 and its extension.
 * Deterministic, so the same file always gets the same shortened name.
 */
export function fitName(name: string, reserve = REASON_SUFFIX.length): string {
  if (Buffer.byteLength(name) + reserve <= NAME_MAX) return name;
  const ext = path.extname(name);
  const keepExt = Buffer.byteLength(ext) <= 16 ? ext : '';
  const stem = keepExt ? name.slice(0, -keepExt.length) : name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 12);
  return `${utf8Prefix(stem, NAME_MAX - reserve - Buffer.byteLength(keepExt) - 13)}~${hash}${keepExt}`;
}

/** A free name in `folder` for `name` (and its reason file): the name, else name.1, name.2... */
function freeName(folder: string, name: string): string {
  const ext = path.extname(name);
  const stem = ext ? name.slice(0, -ext.length) : name;
  for (let n = 0; n < 1000; n++) {
    const candidate = fitName(n === 0 ? name : `${stem}.${n}${ext}`);
    if (!exists(path.join(folder, candidate)) && !exists(path.join(folder, candidate + REASON_SUFFIX))) return candidate;
  }
  return fitName(`${stem}.${Date.now()}${ext}`);
}

/** Move an inbox entry (a file, link or folder; never followed) into `folder`; returns its new path. */
function moveInto(file: string, folder: string): string {
  mkdirSync(folder, { recursive: true });
  const target = path.join(folder, freeName(folder, path.basename(file)));
  renameSync(file, target);
  return target;
}

/** Does the file start like a roster (home/roster.ts)? Read without following a link. */
function isRoster(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(ROSTER_MAGIC.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && looksLikeRoster(head);
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/** One inbox entry as last seen: what it is, since when it has not changed, what was decided. */
interface Entry {
  name: string;
  kind: Kind;
  /** kind, inode, size, mtime: a change of any restarts the wait. */
  signature: string;
  ino: number;
  size: number;
  /** performance.now() when the signature was first seen. */
  since: number;
  /** How much of a snapshot it holds, read once per signature. */
  extent: SnapshotExtent | null;
  memo: ManifestMemo | null;
  /** Local failures in a row, and when to try again. */
  failures: number;
  retryAt: number;
  /** Nothing more to do with this signature. */
  settled: boolean;
  /** Taken or refused, but not yet moved out of the inbox (a read-only share): moving is retried. */
  moveTo: { folder: typeof PROCESSED_DIR | typeof REJECTED_DIR; reason: string | null } | null;
  waitingLogged: boolean;
}

const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Read how much of a snapshot a regular file holds, without following a link or blocking on a pipe. */
function readExtent(file: string, entry: Entry): void {
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch {
    return; // gone or replaced: the next scan sees what it is now
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.ino !== entry.ino || st.size !== entry.size) return;
    const { extent, memo } = snapshotExtent(fd, st.size, entry.memo);
    entry.extent = extent;
    entry.memo = memo;
  } catch {
    // Unreadable now (EIO, EACCES): take it anyway once stable; the ingest says what failed.
    entry.extent = { kind: 'other', bytes: entry.size };
  } finally {
    closeSync(fd);
  }
}

/**
 * The inbox agent: watches a folder (local or a mapped share) and takes each snapshot once it
 * is whole (every byte its header and manifest declare is there) and unchanged for the
 * stability window, one at a time, lowest sequence first; then files it under processed/, or
 * under rejected/ with a `.reason.txt` when the snapshot itself is refused. A file still
 * being written is waited for; one left short for the grace period is refused as TRUNCATED.
 * A local failure (disk full, permissions, a locked database) leaves the file where it is
 * and tries it again later, backing off. Links, folders and special files are refused
 * (never followed). The desktop main process and `lantern watch` both run it.
 */
export function startInboxAgent(options: InboxAgentOptions): InboxAgent {
  const log = options.log ?? (() => {});
  const clock = options.clock ?? (() => new Date());
  const homeLog = (event: LogEvent) => {
    appendHomeLog(options.homeDir, event);
    const audited = auditOfHomeEvent(event);
    // A roster's install records itself (installRoster is handed the audit log).
    if (audited && audited.kind !== 'roster-refused') options.audit?.record(audited);
  };
  const ingest = options.ingest ?? ingestSnapshot;
  const stabilityMs = options.stabilityMs ?? 1000;
  const truncatedAfterMs = Math.max(options.truncatedAfterMs ?? 60_000, stabilityMs);
  const retryFirstMs = options.retryFirstMs ?? 2000;
  const retryMaxMs = Math.max(options.retryMaxMs ?? 5 * 60_000, retryFirstMs);
  // Growth is noticed by scanning (OS events alone miss it on shares): often enough to see a
  // pause well within the stability window.
  const pollMs = Math.max(25, Math.min(500, Math.floor(stabilityMs / 3)));
  const inbox = path.resolve(options.inbox);
  mkdirSync(inbox, { recursive: true });

  const entries = new Map<string, Entry>();
  let ownFailure: LastFailure | null = null;
  let lastProblem: SyncStatus['lastProblem'] = null;
  let inUse: Pick<SyncStatus, 'dataAsOf' | 'sequence'> = { dataAsOf: null, sequence: null };
  let scanFailure: { failures: number; retryAt: number } = { failures: 0, retryAt: 0 };
  let running: Promise<void> | null = null;
  let rerun = false;
  let timer: NodeJS.Timeout | null = null;
  let timerAt = Infinity;
  /** Something happened in the inbox that no scan has looked at yet. */
  let unseen = true;
  let closed = false;
  const idleWaiters: Array<() => void> = [];
  const now = () => performance.now();

  const backoff = (failures: number) => Math.min(retryFirstMs * 2 ** Math.max(0, failures - 1), retryMaxMs);

  const present = (error: unknown) => presentError(error, { surface: 'inbox', homeDir: options.homeDir, clock });

  const recordFailure = (file: string | null, error: unknown, retryInMs: number | null, store: boolean): LastFailure => {
    const { code, message } = present(error);
    const failure: LastFailure = { at: clock().toISOString(), ...(file ? { file } : {}), code, message };
    // Another ingest holding the home is a wait, not a failure to show.
    if (code !== 'HOME_BUSY') {
      ownFailure = failure;
      lastProblem = { at: failure.at, message };
      if (store) updateHomeState(options.homeDir, (state) => ({ ...state, lastFailure: failure }));
    }
    const retry = retryInMs === null ? undefined : Math.ceil(retryInMs / 1000);
    homeLog({ event: 'failed', ...(file ? { file } : {}), code, message, ...(retry !== undefined ? { retryInSeconds: retry } : {}) });
    log(`could not take ${file ?? 'the inbox'} (${code}): ${message}${retry !== undefined ? ` Trying again in ${retry} s.` : ''}`);
    options.onFailed?.(file, failure, retryInMs);
    return failure;
  };

  /** Look at the inbox: what is there, what changed, what each file holds. */
  const scan = (): void => {
    unseen = false;
    if (now() < scanFailure.retryAt) return;
    let names: string[];
    try {
      names = readdirSync(inbox);
      scanFailure = { failures: 0, retryAt: 0 };
    } catch (error) {
      scanFailure.failures++;
      const wait = backoff(scanFailure.failures);
      scanFailure.retryAt = now() + wait;
      recordFailure(null, error, wait, true);
      return;
    }
    // One time for the whole look, so files found together are due together (then by sequence).
    const t = now();
    const seen = new Set<string>();
    for (const name of names) {
      if (ignoredName(name)) continue;
      let st: Stats;
      try {
        st = lstatSync(path.join(inbox, name));
      } catch {
        continue;
      }
      seen.add(name);
      const kind = kindOf(st);
      const signature = `${kind}:${st.ino}:${st.size}:${st.mtimeMs}`;
      const old = entries.get(name);
      if (old?.signature === signature) continue;
      // A file that only grew keeps what its manifest declared; anything else starts over.
      const grew = old && old.kind === 'file' && kind === 'file' && old.ino === st.ino && st.size >= old.size;
      entries.set(name, {
        name,
        kind,
        signature,
        ino: st.ino,
        size: st.size,
        since: t,
        extent: null,
        memo: grew ? old.memo : null,
        failures: 0,
        retryAt: 0,
        settled: false,
        moveTo: null,
        waitingLogged: old?.waitingLogged ?? false,
      });
    }
    for (const name of [...entries.keys()]) if (!seen.has(name)) entries.delete(name);
    for (const entry of entries.values()) {
      if (entry.kind !== 'file' || entry.extent || entry.settled) continue;
      readExtent(path.join(inbox, entry.name), entry);
      const extent = entry.extent as SnapshotExtent | null;
      if (extent?.kind === 'partial' && !entry.waitingLogged) {
        entry.waitingLogged = true;
        homeLog({ event: 'waiting', file: entry.name, bytes: extent.bytes, expectedBytes: extent.expectedBytes });
        log(`waiting for ${entry.name} to be completely written (${extent.bytes}${extent.expectedBytes !== null ? ` of ${extent.expectedBytes}` : ''} bytes)`);
      }
    }
  };

  /** When an entry may be taken (performance.now() time), or null while it waits on its writer's bytes. */
  const dueAt = (e: Entry): number => {
    const wait = e.kind === 'file' && (!e.extent || e.extent.kind === 'partial') ? truncatedAfterMs : stabilityMs;
    return Math.max(e.since + wait, e.retryAt);
  };
  /** Waiting on nothing but the clock: a whole file in its stability window, or anything due. */
  const queued = (e: Entry) => !e.settled && e.retryAt <= now() && !(e.kind === 'file' && (!e.extent || e.extent.kind === 'partial') && dueAt(e) > now());

  /** The next entry to take: whole snapshots by sequence, then anything else by name. */
  const pick = (): Entry | null => {
    const t = now();
    const ready = [...entries.values()].filter((e) => !e.settled && dueAt(e) <= t);
    const rank = (e: Entry) => (e.extent?.kind === 'whole' ? (e.extent.sequence ?? Number.MAX_SAFE_INTEGER) : Infinity);
    ready.sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return ready[0] ?? null;
  };

  /**
   * Move a taken or refused entry out of the inbox (a refused one with its reason file). When
   * that fails (a read-only share, a folder in use) it stays, is never taken again by this
   * agent, and the move is retried with the same backoff; a refusal's reason is written beside it.
   */
  const fileAway = (entry: Entry, file: string, folder: typeof PROCESSED_DIR | typeof REJECTED_DIR, reason: string | null): string | null => {
    const beside = path.join(inbox, fitName(entry.name) + REASON_SUFFIX);
    try {
      const target = moveInto(file, path.join(inbox, folder));
      if (reason !== null) {
        const renamed = path.basename(target) !== entry.name ? `Original name: ${entry.name}\n` : '';
        writeFileSync(`${target}${REASON_SUFFIX}`, `${reason}\n${renamed}`);
        if (entry.moveTo) rmSync(beside, { force: true });
      }
      entry.settled = true;
      entry.moveTo = null;
      return path.relative(inbox, target);
    } catch (error) {
      if (exists(file)) {
        if (reason !== null && !entry.moveTo) {
          try {
            writeFileSync(beside, `${reason}\n`);
          } catch {
            // Nowhere to write: the log and the home's state still say it.
          }
        }
        entry.moveTo = { folder, reason };
        entry.failures++;
        const wait = backoff(entry.failures);
        entry.retryAt = now() + wait;
        recordFailure(entry.name, error, wait, true);
      } else {
        entry.settled = true; // moved, but its reason file could not be written
        recordFailure(entry.name, error, null, true);
      }
      return null;
    }
  };

  const refused = (entry: Entry, file: string, reason: string, code: string) => {
    lastProblem = { at: clock().toISOString(), message: `A snapshot was refused: ${reason}` };
    const movedTo = fileAway(entry, file, REJECTED_DIR, reason);
    homeLog({ event: 'refused', file: entry.name, code, message: reason, ...(movedTo ? { movedTo } : {}) });
    log(`rejected ${entry.name}: ${reason}`);
    options.onRejected?.(file, reason);
  };

  const take = async (entry: Entry): Promise<void> => {
    const file = path.join(inbox, entry.name);
    // Exactly what was judged ready, or wait for the next look.
    try {
      const st = lstatSync(file);
      if (`${kindOf(st)}:${st.ino}:${st.size}:${st.mtimeMs}` !== entry.signature) {
        entry.since = Infinity;
        unseen = true;
        return;
      }
    } catch {
      entries.delete(entry.name);
      return;
    }
    if (entry.moveTo) {
      fileAway(entry, file, entry.moveTo.folder, entry.moveTo.reason);
      return;
    }
    if (entry.kind !== 'file') {
      const { code, message } = present(new SnapshotRefusal('NOT_A_SNAPSHOT', NOT_A_FILE[entry.kind]));
      updateHomeState(options.homeDir, (state) => ({
        ...state,
        lastRejection: { at: clock().toISOString(), file: entry.name, reason: message, code },
      }));
      refused(entry, file, message, code);
      return;
    }
    if (isRoster(file)) {
      // A roster dropped in the inbox is taken like a snapshot: verified, or refused with its reason.
      try {
        const taken = installRoster(options.homeDir, file, { clock, file: entry.name, ...(options.audit ? { audit: options.audit } : {}) });
        log(`took roster ${entry.name}: ${taken.facility} sequence ${taken.sequence}, ${taken.users} users`);
        fileAway(entry, file, PROCESSED_DIR, null);
      } catch (error) {
        if (!(error instanceof RosterRefusal)) throw error;
        const movedTo = fileAway(entry, file, REJECTED_DIR, error.message);
        log(`rejected ${entry.name}: ${error.message}${movedTo ? '' : ' (left in the inbox)'}`);
        options.onRejected?.(file, error.message);
      }
      return;
    }
    let result: IngestResult;
    try {
      result = await ingest(options.homeDir, file, { protector: options.protector, model: options.model, clock: options.clock });
    } catch (error) {
      if (error instanceof SnapshotRefusal) {
        const { code, message } = present(error);
        refused(entry, file, message, code);
        return;
      }
      // Not the file's fault: it stays in the inbox and is tried again, less often each time.
      entry.failures++;
      const wait = backoff(entry.failures);
      entry.retryAt = now() + wait;
      recordFailure(entry.name, error, wait, false);
      return;
    }
    ownFailure = null;
    lastProblem = null;
    entry.failures = 0;
    const { manifest, report } = result;
    homeLog({
      event: 'ingested',
      file: entry.name,
      facility: manifest.facility.id,
      sequence: manifest.sequence,
      resources: Object.values(report.counts).reduce((a, b) => a + b, 0),
      by: 'inbox',
    });
    log(`ingested ${entry.name}: ${manifest.facility.id} sequence ${manifest.sequence}${manifest.delta ? ` (a delta on ${manifest.delta.base.sequence})` : ''}, data as of ${manifest.createdAt}`);
    fileAway(entry, file, PROCESSED_DIR, null);
    options.onIngested?.(file, result);
  };

  const drain = async () => {
    while (!closed) {
      scan();
      const next = pick();
      if (!next) return;
      await take(next);
    }
  };

  const settleIdle = () => {
    if (running || unseen || [...entries.values()].some(queued)) return;
    for (const w of idleWaiters.splice(0)) w();
  };

  function wake(delay: number) {
    if (closed) return;
    const at = now() + delay;
    if (timer && timerAt <= at) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = null;
      timerAt = Infinity;
      run();
    }, delay);
  }

  function run() {
    if (running) {
      rerun = true;
      return;
    }
    running = drain()
      .catch((error: unknown) => {
        const { code, message } = present(error);
        log(`inbox agent error (${code}): ${message}`);
      })
      .finally(() => {
        running = null;
        if (rerun) {
          rerun = false;
          wake(0);
        } else {
          // Come back when the next file is due, and meanwhile keep looking at files that
          // are still being written.
          const open = [...entries.values()].filter((e) => !e.settled);
          if (open.length > 0 || scanFailure.retryAt > now()) {
            const due = Math.min(...open.map(dueAt), scanFailure.retryAt > now() ? scanFailure.retryAt : Infinity);
            const growing = open.some((e) => e.retryAt <= now());
            wake(Math.max(0, Math.min(due - now(), growing ? pollMs : Infinity)));
          }
        }
        settleIdle();
      });
  }

  const watcher: FSWatcher = watch(inbox, {
    depth: 0,
    ignoreInitial: true,
    followSymlinks: false,
    usePolling: options.usePolling ?? false,
    interval: 500,
    ignored: (p: string) => {
      const full = path.resolve(p);
      return full !== inbox && path.dirname(full) !== inbox;
    },
  });
  watcher.on('all', () => {
    unseen = true;
    wake(20);
  });
  watcher.on('error', (error: unknown) => {
    const { code, message } = present(error);
    log(`inbox watch error (${code}): ${message}`);
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  homeLog({ event: 'watching', inbox });
  log(`watching ${inbox}`);
  wake(0);

  return {
    ready,
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      }),
    lastFailure: () => ownFailure,
    status: () => {
      inUse = snapshotInUse(options.homeDir, inUse);
      // A pending look (a retry, a file being written) is a next check; else it waits on the folder.
      const nextCheckAt = timer && Number.isFinite(timerAt) ? new Date(clock().getTime() + Math.max(0, timerAt - now())).toISOString() : null;
      return { ...inUse, nextCheckAt, lastProblem };
    },
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await watcher.close();
      await running;
      homeLog({ event: 'stopped', inbox });
      unseen = false;
      for (const w of idleWaiters.splice(0)) w();
    },
  };
}

/** Snapshot files waiting in an inbox (for status output); links and folders are not. */
export function inboxBacklog(inbox: string): string[] {
  let names: string[];
  try {
    names = readdirSync(inbox);
  } catch {
    return [];
  }
  return names.filter((n) => {
    if (ignoredName(n)) return false;
    try {
      return lstatSync(path.join(inbox, n)).isFile();
    } catch {
      return false;
    }
  });
}
