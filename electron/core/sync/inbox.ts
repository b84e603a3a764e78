import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { KeyProtector } from '../home/key-protector';
import type { ContentModel } from '../store/content';
import { HomeBusyError, ingestSnapshot, type IngestResult } from '../store/ingest';
import { SnapshotRefusal } from '../snapshot/refusal';
import { readSnapshotHead } from '../snapshot/verify';

export interface InboxAgentOptions {
  homeDir: string;
  inbox: string;
  protector?: KeyProtector;
  model?: ContentModel;
  clock?: () => Date;
  /** How long a file's size must stay unchanged before it counts as completely written. */
  stabilityMs?: number;
  /** Poll the inbox instead of using OS events (network shares that send none). */
  usePolling?: boolean;
  /** One line per event; never PHI. */
  log?: (line: string) => void;
  onIngested?: (file: string, result: IngestResult) => void;
  onRejected?: (file: string, reason: string) => void;
}

export interface InboxAgent {
  /** Resolves once the initial scan is done. */
  readonly ready: Promise<void>;
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const PROCESSED_DIR = 'processed';
export const REJECTED_DIR = 'rejected';

const ignoredName = (name: string) =>
  name.startsWith('.') || name.endsWith('.partial') || name.endsWith('.tmp') || name.endsWith('.reason.txt');

/** Sequence number for ordering only (unverified); files that cannot be read sort first. */
function peekSequence(file: string): number {
  try {
    const head = readSnapshotHead(file);
    const m = /"sequence":\s*(\d+)/.exec(head.manifestBytes.toString('utf8'));
    return m ? Number(m[1]) : -1;
  } catch {
    return -1;
  }
}

function moveAside(file: string, folder: string): string {
  mkdirSync(folder, { recursive: true });
  let target = path.join(folder, path.basename(file));
  if (existsSync(target)) {
    const ext = path.extname(file);
    target = path.join(folder, `${path.basename(file, ext)}.${Date.now()}${ext}`);
  }
  renameSync(file, target);
  return target;
}

/**
 * The inbox agent: watches a folder (local or a mapped share) with chokidar, waits until
 * each file is completely written, ingests new snapshots one at a time in sequence order,
 * then moves each file to processed/ or to rejected/ with a `.reason.txt` beside it. A
 * failing snapshot never stops the agent. The desktop main process and `lantern watch`
 * both run it.
 */
export function startInboxAgent(options: InboxAgentOptions): InboxAgent {
  const log = options.log ?? (() => {});
  const inbox = path.resolve(options.inbox);
  mkdirSync(inbox, { recursive: true });
  const pending = new Set<string>();
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const idleWaiters: Array<() => void> = [];

  const settleIdle = () => {
    if (running || timer || pending.size > 0) return;
    for (const w of idleWaiters.splice(0)) w();
  };

  const processOne = async (file: string): Promise<'done' | 'busy'> => {
    if (!existsSync(file)) return 'done';
    const name = path.basename(file);
    try {
      const result = await ingestSnapshot(options.homeDir, file, {
        protector: options.protector,
        model: options.model,
        clock: options.clock,
      });
      moveAside(file, path.join(inbox, PROCESSED_DIR));
      log(`ingested ${name}: ${result.manifest.facility.id} sequence ${result.manifest.sequence}, data as of ${result.manifest.createdAt}`);
      options.onIngested?.(file, result);
    } catch (error) {
      if (error instanceof HomeBusyError) return 'busy';
      const reason =
        error instanceof SnapshotRefusal
          ? error.message
          : `Ingest failed (${(error as Error).name}): ${error instanceof Error && error.name === 'HomeError' ? error.message : 'unexpected error; see the workstation for details'}`;
      try {
        const target = moveAside(file, path.join(inbox, REJECTED_DIR));
        writeFileSync(`${target}.reason.txt`, `${reason}\n`);
      } catch {
        // The file vanished or the share is read-only: report it and go on.
      }
      log(`rejected ${name}: ${reason}`);
      options.onRejected?.(file, reason);
    }
    return 'done';
  };

  const drain = async () => {
    while (!closed && pending.size > 0) {
      const ordered = [...pending].map((f) => ({ f, seq: peekSequence(f) })).sort((a, b) => a.seq - b.seq || a.f.localeCompare(b.f));
      const next = ordered[0]!.f;
      const outcome = await processOne(next);
      if (outcome === 'busy') {
        schedule(2000);
        return;
      }
      pending.delete(next);
    }
  };

  function schedule(delay = 100) {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      if (running) {
        schedule(delay);
        return;
      }
      running = drain()
        .catch((error: Error) => log(`inbox agent error: ${error.name}`))
        .finally(() => {
          running = null;
          settleIdle();
        });
    }, delay);
  }

  const watcher: FSWatcher = watch(inbox, {
    depth: 0,
    ignoreInitial: false,
    usePolling: options.usePolling ?? false,
    interval: 500,
    awaitWriteFinish: { stabilityThreshold: options.stabilityMs ?? 1000, pollInterval: 100 },
    ignored: (p: string, stats?: { isFile(): boolean }) => {
      if (path.resolve(p) === inbox) return false;
      if (path.dirname(path.resolve(p)) !== inbox) return true;
      if (ignoredName(path.basename(p))) return true;
      return stats ? !stats.isFile() : false;
    },
  });
  watcher.on('add', (p: string) => {
    const file = path.resolve(p);
    if (path.dirname(file) !== inbox || ignoredName(path.basename(file))) return;
    try {
      if (!statSync(file).isFile()) return;
    } catch {
      return;
    }
    pending.add(file);
    schedule();
  });
  watcher.on('error', (error: unknown) => log(`inbox watch error: ${(error as Error).name}`));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  log(`watching ${inbox}`);

  return {
    ready,
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      }),
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await watcher.close();
      await running;
      settleIdle();
    },
  };
}

/** Files waiting in an inbox (for status output). */
export function inboxBacklog(inbox: string): string[] {
  if (!existsSync(inbox)) return [];
  return readdirSync(inbox).filter((n) => !ignoredName(n) && statSync(path.join(inbox, n)).isFile());
}
