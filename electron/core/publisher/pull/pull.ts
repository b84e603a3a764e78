import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ndjsonLines, recoverReplacedFolder, replaceFolder } from '../../files/folders';
import { writeFileAtomic } from '../../home/layout';
import { deleteJob, kickOff, waitForManifest, type BulkManifest, type ExportLevel, type ManifestFile } from './bulk';
import { downloadFile, type PartState } from './download';
import { Http, PullError, type HttpOptions } from './http';
import { TokenSource, discover, type ClientCredentials } from './smart';

/**
 * `lantern pull`: one Bulk Data export from the EHR into a standard export folder (NDJSON and
 * a completion manifest.json) that `lantern publish` reads. The work happens in OUT.partial
 * beside OUT, with its state on disk, so a cut resumes where it stopped; OUT is replaced only
 * once everything is there, so the previous complete export stays usable until then.
 */

export interface PullOptions {
  base: string;
  out: string;
  level?: ExportLevel;
  types?: string[];
  since?: string;
  post?: boolean;
  /** SMART Backend Services; without it the server must be open (a test or an internal relay). */
  auth?: { credentials: ClientCredentials; tokenUrl?: string };
  /** Files at once (default 5, at most 10). */
  parallel?: number;
  http?: HttpOptions;
  clock?: () => Date;
  events?: PullEvents;
}

export interface PullProgress {
  phase: 'kick-off' | 'waiting' | 'downloading' | 'done';
  /** The server's X-Progress while waiting. */
  serverProgress: string | null;
  files: number;
  filesDone: number;
  bytes: number;
  resources: number;
  /** Resources the manifest announced (count), when it did. */
  resourcesExpected: number | null;
  startedAt: number;
}

export interface PullEvents {
  progress?(p: PullProgress): void;
  retry?(what: string, why: string, delayMs: number): void;
  /** Said once, in words: resumed a pull, started over, and the like. */
  note?(text: string): void;
}

export interface PullResult {
  out: string;
  transactionTime: string;
  request: string;
  files: number;
  resources: Record<string, number>;
  deleted: number;
  errors: Record<string, number>;
  bytes: number;
  resumed: boolean;
  jobDeleted: boolean;
  tokens: number;
}

interface LocalFile {
  kind: 'output' | 'deleted' | 'error';
  type: string;
  url: string;
  name: string;
  done: boolean;
  resources: number;
  part: PartState;
}

interface PullState {
  version: 1;
  /** What was asked; a resumed pull must ask the same. */
  request: string;
  statusUrl: string;
  manifest: BulkManifest | null;
  files: LocalFile[];
}

const STATE = 'pull-state.json';
const PARALLEL_DEFAULT = 5;
const PARALLEL_MAX = 10;

const requestKey = (o: PullOptions) => JSON.stringify([o.base.replace(/\/+$/, ''), o.level ?? { kind: 'system' }, o.types ?? [], o.since ?? null, o.post ?? false]);

function readState(dir: string): PullState | null {
  try {
    const s = JSON.parse(readFileSync(path.join(dir, STATE), 'utf8')) as PullState;
    return s.version === 1 && typeof s.statusUrl === 'string' && Array.isArray(s.files) ? s : null;
  } catch {
    return null;
  }
}

const saveState = (dir: string, state: PullState) => writeFileAtomic(path.join(dir, STATE), `${JSON.stringify(state, null, 1)}\n`);

/** Local names: output as TYPE.NNN.ndjson, deletions and errors in their own folders. */
function localFiles(manifest: BulkManifest): LocalFile[] {
  const n = new Map<string, number>();
  const name = (kind: LocalFile['kind'], type: string) => {
    const key = `${kind}/${type}`;
    const i = (n.get(key) ?? 0) + 1;
    n.set(key, i);
    const file = `${type}.${String(i).padStart(3, '0')}.ndjson`;
    return kind === 'output' ? file : `${kind}/${file}`;
  };
  const list = (kind: LocalFile['kind'], files: ManifestFile[]) =>
    files.map((f): LocalFile => ({ kind, type: f.type, url: f.url, name: name(kind, f.type), done: false, resources: 0, part: {} }));
  return [...list('output', manifest.output), ...list('deleted', manifest.deleted), ...list('error', manifest.error)];
}

/** Severity -> count over the export's OperationOutcome files. */
async function sumSeverities(files: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const file of files) {
    for await (const line of ndjsonLines(file)) {
      let issues: Array<{ severity?: unknown }> = [];
      try {
        const o = JSON.parse(line) as { issue?: unknown };
        if (Array.isArray(o.issue)) issues = o.issue as typeof issues;
      } catch {
        out['unreadable'] = (out['unreadable'] ?? 0) + 1;
        continue;
      }
      for (const i of issues) {
        const s = typeof i?.severity === 'string' ? i.severity : 'unknown';
        out[s] = (out[s] ?? 0) + 1;
      }
    }
  }
  return out;
}

/** The deletions in the export's deleted files: entries with request.method DELETE. */
async function countDeleted(files: string[]): Promise<number> {
  let n = 0;
  for (const file of files) {
    for await (const line of ndjsonLines(file)) {
      try {
        const b = JSON.parse(line) as { entry?: Array<{ request?: { method?: unknown; url?: unknown } }> };
        for (const e of b.entry ?? []) if (e?.request?.method === 'DELETE' && typeof e.request.url === 'string') n++;
      } catch {
        throw new PullError(`A deleted-resources file of the export (${path.basename(file)}) holds a line that is not JSON.`);
      }
    }
  }
  return n;
}

export async function pullExport(o: PullOptions): Promise<PullResult> {
  const parallel = o.parallel ?? PARALLEL_DEFAULT;
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > PARALLEL_MAX) throw new PullError(`--parallel must be 1 to ${PARALLEL_MAX}.`);
  const clock = o.clock ?? (() => new Date());
  const events = o.events ?? {};
  const http = new Http({ ...o.http, onRetry: (what, why, ms) => events.retry?.(what, why, ms) });
  const out = path.resolve(o.out);
  const work = `${out}.partial`;
  mkdirSync(path.dirname(out), { recursive: true });
  recoverReplacedFolder(out);

  let tokens: TokenSource | null = null;
  if (o.auth) {
    const tokenUrl = o.auth.tokenUrl ?? (await discover(http, o.base)).tokenEndpoint;
    tokens = new TokenSource(http, tokenUrl, o.auth.credentials, clock);
  }
  const token = async () => (tokens ? tokens.get() : null);

  const progress: PullProgress = { phase: 'kick-off', serverProgress: null, files: 0, filesDone: 0, bytes: 0, resources: 0, resourcesExpected: null, startedAt: clock().getTime() };
  const tell = () => events.progress?.({ ...progress });

  // Resume the pull a cut left in OUT.partial when it asked the same; else start clean.
  let state = readState(work);
  let resumed = false;
  if (state && state.request === requestKey(o)) {
    resumed = true;
    events.note?.('Resuming the previous pull that did not finish.');
  } else {
    if (existsSync(work)) rmSync(work, { recursive: true, force: true });
    state = null;
  }
  mkdirSync(work, { recursive: true });

  const abandon = async (s: PullState | null) => {
    // Not through `http`: its signal may be what ended the pull.
    const cleanup = new Http({ retry: { attempts: 2 }, timeoutMs: 15_000, sleep: http.sleep });
    if (s) await deleteJob(cleanup, s.statusUrl, token);
    rmSync(work, { recursive: true, force: true });
  };

  if (!state) {
    tell();
    const statusUrl = await kickOff(http, { base: o.base, level: o.level ?? { kind: 'system' }, types: o.types, since: o.since, post: o.post }, token);
    state = { version: 1, request: requestKey(o), statusUrl, manifest: null, files: [] };
    saveState(work, state);
  }
  const s = state;

  try {
    if (!s.manifest) {
      progress.phase = 'waiting';
      tell();
      try {
        s.manifest = await waitForManifest(http, s.statusUrl, token, {
          progress: (text) => {
            progress.serverProgress = text;
            tell();
          },
        });
      } catch (error) {
        if (resumed && error instanceof PullError && error.after === 'new') {
          // The job the cut left behind expired: a new export, from the start.
          events.note?.('The unfinished export expired on the server; starting a new one.');
          rmSync(work, { recursive: true, force: true });
          return pullExport({ ...o });
        }
        throw error;
      }
      s.files = localFiles(s.manifest);
      saveState(work, s);
    }
    const manifest = s.manifest;
    mkdirSync(path.join(work, 'deleted'), { recursive: true });
    mkdirSync(path.join(work, 'error'), { recursive: true });

    progress.phase = 'downloading';
    progress.files = s.files.length;
    progress.filesDone = s.files.filter((f) => f.done).length;
    progress.resources = s.files.filter((f) => f.done && f.kind === 'output').reduce((a, f) => a + f.resources, 0);
    const counts = manifest.output.map((f) => f.count);
    progress.resourcesExpected = counts.every((c) => typeof c === 'number') ? (counts as number[]).reduce((a, b) => a + b, 0) : null;
    tell();

    const queue = s.files.filter((f) => !f.done);
    let failed: unknown = null;
    const worker = async () => {
      for (let f = queue.shift(); f && !failed; f = queue.shift()) {
        const file = f;
        try {
          file.resources = await downloadFile(
            http,
            { url: file.url, path: path.join(work, file.name), auth: manifest.requiresAccessToken },
            tokens,
            file.part,
            {
              bytes: (n) => {
                progress.bytes += n;
                tell();
              },
              retry: (why, ms) => events.retry?.(`Downloading ${file.type}`, why, ms),
            },
          );
          file.done = true;
          progress.filesDone++;
          if (file.kind === 'output') progress.resources += file.resources;
          saveState(work, s);
          tell();
        } catch (error) {
          failed ??= error;
          saveState(work, s); // what each file got so far, to resume from
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, Math.max(1, queue.length)) }, worker));
    if (failed) throw failed;

    const resources: Record<string, number> = {};
    for (const f of s.files) if (f.kind === 'output') resources[f.type] = (resources[f.type] ?? 0) + f.resources;
    const deleted = await countDeleted(s.files.filter((f) => f.kind === 'deleted').map((f) => path.join(work, f.name)));
    const errors = await sumSeverities(s.files.filter((f) => f.kind === 'error').map((f) => path.join(work, f.name)));

    // The completion manifest, local: what `lantern publish` reads. Written last, then the swap.
    const local = (kind: LocalFile['kind']) => s.files.filter((f) => f.kind === kind).map((f) => ({ type: f.type, url: f.name, count: f.resources }));
    writeFileAtomic(
      path.join(work, 'manifest.json'),
      `${JSON.stringify({ transactionTime: manifest.transactionTime, request: manifest.request, requiresAccessToken: false, output: local('output'), deleted: local('deleted'), error: local('error') }, null, 1)}\n`,
    );
    rmSync(path.join(work, STATE), { force: true });
    replaceFolder(work, out);

    const jobDeleted = await deleteJob(http, s.statusUrl, token);
    progress.phase = 'done';
    tell();
    return {
      out,
      transactionTime: manifest.transactionTime,
      request: manifest.request,
      files: s.files.length,
      resources,
      deleted,
      errors,
      bytes: progress.bytes,
      resumed,
      jobDeleted,
      tokens: tokens?.issued ?? 0,
    };
  } catch (error) {
    // Kept for the next run only when the next run can go on from it: a network failure
    // with the job still on the server. A failed or expired job is abandoned.
    if (!(error instanceof PullError && error.after === 'resume')) await abandon(s);
    throw error;
  }
}

export const PULL_LIMITS = { PARALLEL_DEFAULT, PARALLEL_MAX };
