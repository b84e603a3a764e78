import { createHash } from 'node:crypto';
import { closeSync, createReadStream, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { LanternError } from '../../shared/errors';
import { presentError } from '../home/errors';
import { ingestSnapshot, updateHomeState, HomeBusyError, type IngestOptions, type IngestResult } from '../home/ingest';
import type { KeyProtector } from '../home/key-protector';
import { homeLimits, homePath, readAnchors, readConfig, readState, writeFileAtomic } from '../home/layout';
import { auditOfHomeEvent, type AuditRecorder } from '../home/audit';
import { appendHomeLog, type LogEvent } from '../home/log';
import { chooseDownload, POINTER_MAX_BYTES, PointerRefusal, verifyPointer, type Pointer } from '../snapshot/pointer';
import { SnapshotRefusal } from '../snapshot/refusal';
import type { ContentModel } from '../store/content';
import { PolicyError, type Policy } from '../home/policy';
import { directConnection, proxyFromSetting, type ProxyResolver } from './proxy';
import type { SyncAgent, SyncStatus } from './status';
import { HTTPS_POLL_SECONDS } from '../home/policy-defaults';

export type { SyncStatus };

/**
 * The HTTPS source: polls the publisher's signed pointer on a web server (any static server:
 * IIS, nginx, an object store) with conditional GETs, and when it names a snapshot newer than
 * the copy in use, downloads it into the home (resumed with Range after a cut, never more
 * bytes than the pointer says, its SHA-256 checked) and hands it to the ingest. Every problem
 * (HTTP status, TLS, timeouts, a refused pointer or snapshot) is shown in the status and the
 * home's log and tried again, never fatal; while the server is unreachable the checks back off
 * (doubling, capped), and every wait carries jitter so a fleet does not poll in step.
 */


/** setTimeout and clearTimeout, injected so tests drive the schedule without waiting. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}
const REAL_TIMERS: Timers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface HttpsSourceOptions {
  homeDir: string;
  /** The pointer's https:// URL; the snapshots it names are fetched from beside it. */
  url: string;
  model: ContentModel;
  protector?: KeyProtector;
  clock?: () => Date;
  /** Between checks when all is well (default 60 s), moved by up to ±`jitter` of it at random. */
  intervalMs?: number;
  /** Default 0.2. */
  jitter?: number;
  /** The first wait after a failure (default 10 s), doubling with each failure in a row... */
  backoffFirstMs?: number;
  /** ...up to this (default 15 min, never below the interval). */
  backoffMaxMs?: number;
  /** TCP and TLS connection set-up (default 10 s). */
  connectTimeoutMs?: number;
  /** Waiting for the answer's headers, and between two pieces of its body (default 30 s). */
  readTimeoutMs?: number;
  /** PEM text of CA certificates the server's certificate may chain to, besides the system's. */
  caBundle?: string | null;
  /** Which proxy a URL goes through (default none). */
  proxy?: ProxyResolver;
  random?: () => number;
  timers?: Timers;
  /** One line per event for a console; never PHI. The home's lantern.log gets the events too. */
  log?: (line: string) => void;
  /** The home's audit log: each snapshot taken or refused is recorded there too. */
  audit?: AuditRecorder;
  /** How a downloaded snapshot is ingested (tests inject failures); default ingestSnapshot. */
  ingest?: (dir: string, file: string, options: IngestOptions) => Promise<IngestResult>;
  onIngested?: (result: IngestResult) => void;
}

/** A problem reaching or reading the web server, or with what it served: for IT, retried. */
export class SourceError extends LanternError {
  override name = 'SourceError';
  /** true: the server is down or unreachable (the checks back off); false: it answered, wrongly. */
  readonly unreachable: boolean;
  constructor(message: string, options: { code?: string; unreachable?: boolean; cause?: unknown } = {}) {
    super('UNAVAILABLE', message, { code: options.code ?? 'SOURCE', audience: 'it', cause: options.cause });
    this.unreachable = options.unreachable ?? true;
  }
}

/** The URL for messages and logs: no credentials, no query. */
export const urlForMessages = (url: string): string => {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
};

/** TLS failures Node names by code, in words IT acts on. */
const TLS_WORDS: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is not issued by a CA this workstation trusts',
  UNABLE_TO_GET_ISSUER_CERT: 'its certificate is not issued by a CA this workstation trusts',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is not issued by a CA this workstation trusts',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain ends in a CA this workstation does not trust',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another host name',
};

/**
 * A failed exchange in one sentence (what, where, what to do); nothing the server sent.
 * `during`: how far a download had come, said after the reason.
 */
function networkError(error: unknown, url: string, during?: string): SourceError {
  if (error instanceof SourceError) return error;
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : '';
  const at = urlForMessages(url);
  const tls = TLS_WORDS[code];
  if (tls) return new SourceError(`The snapshot server ${at} was not trusted: ${tls} (${code}). Give the policy's source.caBundle the CA that issued it, or fix the server's certificate.`, { code: 'TLS', cause: error });
  const why =
    code === 'ECONNREFUSED' ? 'the connection was refused'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'the host name was not found'
    : code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connecting timed out'
    : code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? 'the server stopped answering (read timed out)'
    : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' ? 'the connection was cut'
    : code ? `the network failed (${code})`
    : 'the network failed';
  const what = during ? `${why} ${during}` : `${why}. Check the network, the proxy and the server`;
  return new SourceError(`The snapshot server ${at} could not be reached: ${what}.`, { code: 'NETWORK', cause: error });
}

const httpError = (status: number, url: string) =>
  new SourceError(`The snapshot server answered HTTP ${status} for ${urlForMessages(url)}${status === 404 ? ': check the policy\'s source.url and that the publisher writes there' : ''}.`, {
    code: `HTTP_${status}`,
    // A server error or overload is the server being down; 4xx is a wrong URL or a broken server, checked at the interval.
    unreachable: status >= 500 || status === 429 || status === 408,
  });

/** What the source keeps in the home between checks (source.json). */
const SourceRecord = z.object({
  url: z.string(),
  /** The pointer answer's validators, for the next conditional GET; kept once it was dealt with. */
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
  /** The last pointer taken: a replayed older one is refused. */
  pointer: z.object({ sequence: z.number(), issuedAt: z.string() }).nullable(),
  /** A download under way: what it must become, and the validator that lets it resume. */
  download: z.object({ file: z.string(), sha256: z.string(), bytes: z.number(), validator: z.string().nullable() }).nullable(),
  /** A snapshot the ingest refused: not downloaded again until the pointer names another. */
  refused: z.object({ sha256: z.string(), message: z.string() }).nullable(),
});
type SourceRecord = z.infer<typeof SourceRecord>;

function readRecord(homeDir: string, url: string): SourceRecord {
  const empty: SourceRecord = { url, etag: null, lastModified: null, pointer: null, download: null, refused: null };
  try {
    const parsed = SourceRecord.safeParse(JSON.parse(readFileSync(homePath(homeDir, 'source'), 'utf8')));
    if (!parsed.success) return empty;
    // Another URL is another scope's pointer: nothing of it holds here (the sequence high-water mark still guards replays).
    return parsed.data.url === url ? parsed.data : empty;
  } catch {
    return empty;
  }
}

const writeRecord = (homeDir: string, record: SourceRecord) => writeFileAtomic(homePath(homeDir, 'source'), `${JSON.stringify(record, null, 1)}\n`);

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const sizeOf = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
};

/** What one check did. */
export type CheckOutcome =
  | { kind: 'unchanged' }
  | { kind: 'up-to-date'; sequence: number }
  | { kind: 'ingested'; sequence: number; file: string; resumedFrom: number }
  | { kind: 'refused'; message: string };

export interface HttpsSource {
  /** One check now: the pointer, and the snapshot it names when newer. Throws the problem it met. */
  check(): Promise<CheckOutcome>;
  close(): Promise<void>;
}

/** The exchanges of one check, without a schedule (the agent below runs them on one). */
export function createHttpsSource(options: HttpsSourceOptions): HttpsSource {
  const clock = options.clock ?? (() => new Date());
  const url = options.url;
  const connectMs = options.connectTimeoutMs ?? 10_000;
  const readMs = options.readTimeoutMs ?? 30_000;
  const resolveProxy = options.proxy ?? directConnection;
  const ingest = options.ingest ?? ingestSnapshot;
  const ca = options.caBundle ? [...rootCertificates, options.caBundle] : undefined;
  const dispatchers = new Map<string, Dispatcher>();

  /** One dispatcher per proxy (or none), kept for its connections. */
  const dispatcherFor = async (target: string): Promise<Dispatcher> => {
    let proxy: string | null;
    try {
      proxy = await resolveProxy(target);
    } catch {
      proxy = null;
    }
    const key = proxy ?? 'direct';
    let d = dispatchers.get(key);
    if (!d) {
      const tls = { ...(ca ? { ca } : {}), timeout: connectMs };
      d = proxy
        ? new ProxyAgent({ uri: proxy, requestTls: tls, proxyTls: tls, connect: { timeout: connectMs }, headersTimeout: readMs, bodyTimeout: readMs })
        : new Agent({ connect: tls, headersTimeout: readMs, bodyTimeout: readMs });
      dispatchers.set(key, d);
    }
    return d;
  };

  /** One GET; redirects followed (an object store's, a load balancer's), to https:// only, at most five. */
  const get = async (target: string, headers: Record<string, string>) => {
    let current = target;
    for (let hop = 0; ; hop++) {
      let res: Dispatcher.ResponseData;
      try {
        res = await request(current, { method: 'GET', headers, dispatcher: await dispatcherFor(current) });
      } catch (error) {
        throw networkError(error, current);
      }
      const h: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      if (![301, 302, 303, 307, 308].includes(res.statusCode) || !h['location']) return { status: res.statusCode, headers: h, body: res.body };
      await res.body.dump();
      const next = new URL(h['location'], current);
      if (next.protocol !== 'https:') throw new SourceError(`The snapshot server redirected ${urlForMessages(target)} to a plain http:// address, which Lantern does not follow.`, { code: 'REDIRECT', unreachable: false });
      if (hop >= 5) throw new SourceError(`The snapshot server redirected ${urlForMessages(target)} more than 5 times.`, { code: 'REDIRECT', unreachable: false });
      current = next.toString();
    }
  };

  /** The pointer's bytes, at most POINTER_MAX_BYTES. */
  const readPointerBody = async (body: AsyncIterable<Buffer> & { destroy(): void }): Promise<Buffer> => {
    const parts: Buffer[] = [];
    let n = 0;
    try {
      for await (const chunk of body) {
        n += chunk.length;
        if (n > POINTER_MAX_BYTES) {
          body.destroy();
          throw new PointerRefusal('TOO_LARGE', `the server sent more than ${POINTER_MAX_BYTES} bytes`);
        }
        parts.push(chunk);
      }
    } catch (error) {
      if (error instanceof PointerRefusal) throw error;
      throw networkError(error, url);
    }
    return Buffer.concat(parts);
  };

  /** The pointer's scope against the home's, and against what was taken before (replays). */
  const admit = (pointer: Pointer, record: SourceRecord, highWater: number | undefined, facility: string | null, units: string[] | null) => {
    if (facility !== null && pointer.facility.id !== facility) throw new PointerRefusal('WRONG_FACILITY', `it is for facility "${pointer.facility.id}", this home's is "${facility}"`);
    if (units !== null) {
      const outside = pointer.units.filter((u) => !units.includes(u));
      if (pointer.units.length === 0) throw new PointerRefusal('WRONG_UNITS', 'it names a whole-facility snapshot; this home takes only its units');
      if (outside.length) throw new PointerRefusal('WRONG_UNITS', `units ${outside.slice(0, 5).join(', ')} are not this home's`);
    }
    if (record.pointer && Date.parse(pointer.issuedAt) < Date.parse(record.pointer.issuedAt)) {
      throw new PointerRefusal('REPLAYED', `issued ${pointer.issuedAt}, before the pointer taken earlier (${record.pointer.issuedAt}): an old pointer is being served again`);
    }
    if (highWater !== undefined && pointer.sequence < highWater) {
      throw new PointerRefusal('STALE', `it names sequence ${pointer.sequence}, and this workstation already took ${highWater}: an old pointer is being served`);
    }
  };

  /**
   * Download `want` into incoming/NAME.partial, resuming what an earlier check left (Range with
   * If-Range on the validator the server gave then), never past `want.bytes`; returns the
   * whole, checked file and the offset it resumed from.
   */
  const download = async (record: SourceRecord, want: { file: string; bytes: number; sha256: string }): Promise<{ file: string; resumedFrom: number }> => {
    const dir = homePath(options.homeDir, 'incoming');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const done = path.join(dir, want.file);
    const part = `${done}.partial`;
    if (record.download?.sha256 !== want.sha256) {
      // Something else was under way: it is not wanted any more.
      for (const name of readdirSync(dir)) rmSync(path.join(dir, name), { force: true, recursive: true });
      record.download = { file: want.file, sha256: want.sha256, bytes: want.bytes, validator: null };
      writeRecord(options.homeDir, record);
    }
    // Downloaded and checked before, but not taken (a local failure): take it again.
    if (sizeOf(done) === want.bytes && (await sha256Of(done)) === want.sha256) return { file: done, resumedFrom: want.bytes };
    const target = new URL(want.file, url).toString();
    let have = Math.max(0, sizeOf(part));
    if (have > want.bytes || (have > 0 && !record.download!.validator)) {
      rmSync(part, { force: true });
      have = 0;
    }
    const resumedFrom = have;
    if (have < want.bytes) {
      const headers: Record<string, string> = {};
      if (have > 0) Object.assign(headers, { range: `bytes=${have}-`, 'if-range': record.download!.validator! });
      const res = await get(target, headers);
      const at = urlForMessages(target);
      if (res.status === 416) {
        await res.body.dump();
        // The server's file is not the one the partial download began with: start again next time.
        rmSync(part, { force: true });
        throw new SourceError(`The snapshot server refused to resume ${at} (HTTP 416): its file changed; the download starts over at the next check.`, { code: 'HTTP_416', unreachable: false });
      }
      if (res.status !== 200 && res.status !== 206) {
        await res.body.dump();
        throw httpError(res.status, target);
      }
      let start = 0;
      if (res.status === 206) {
        const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
        if (!range || Number(range[1]) !== have || (range[3] !== '*' && Number(range[3]) !== want.bytes)) {
          await res.body.dump();
          rmSync(part, { force: true });
          throw new SourceError(`The snapshot server answered ${at} with another range than asked (${res.headers['content-range'] ?? 'none'}); the download starts over at the next check.`, { code: 'RANGE', unreachable: false });
        }
        start = have;
      }
      const length = res.headers['content-length'] === undefined ? null : Number(res.headers['content-length']);
      if (length !== null && start + length !== want.bytes) {
        await res.body.dump();
        if (start === 0) rmSync(part, { force: true });
        throw new SourceError(`The snapshot server has ${start + length} bytes at ${at}, the pointer says ${want.bytes}: the file and its pointer do not match (the publisher may be writing them; tried again at the next check).`, { code: 'SIZE_MISMATCH', unreachable: false });
      }
      const validator = res.headers['etag'] && !res.headers['etag'].startsWith('W/') ? res.headers['etag'] : (res.headers['last-modified'] ?? null);
      record.download = { ...record.download!, validator };
      writeRecord(options.homeDir, record);
      const fd = openSync(part, start === 0 ? 'w' : 'a', 0o600);
      let written = start;
      let overflow = false;
      try {
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          // Never more than the pointer promised: a server (or whoever sits between) that sends more is cut off.
          if (written + chunk.length > want.bytes) {
            overflow = true;
            break;
          }
          writeSync(fd, chunk);
          written += chunk.length;
        }
      } catch (error) {
        throw networkError(error, target, `after ${written} of ${want.bytes} bytes; the next check resumes it`);
      } finally {
        closeSync(fd);
      }
      if (overflow) {
        rmSync(part, { force: true });
        throw new SourceError(`The snapshot server sent more than the ${want.bytes} bytes the pointer gives for ${at}; the download was stopped and dropped.`, { code: 'TOO_LARGE', unreachable: false });
      }
      if (written < want.bytes) {
        throw new SourceError(`The snapshot server ended ${at} after ${written} of ${want.bytes} bytes; the next check resumes it.`, { code: 'CUT' });
      }
    }
    if ((await sha256Of(part)) !== want.sha256) {
      rmSync(part, { force: true });
      record.download = null;
      writeRecord(options.homeDir, record);
      throw new SourceError(`The snapshot downloaded from ${urlForMessages(target)} does not have the SHA-256 its pointer gives; it was dropped, and is downloaded again at the next check.`, { code: 'SHA256_MISMATCH', unreachable: false });
    }
    renameSync(part, done);
    return { file: done, resumedFrom };
  };

  const check = async (): Promise<CheckOutcome> => {
    const record = readRecord(options.homeDir, url);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (record.etag) headers['if-none-match'] = record.etag;
    if (record.lastModified) headers['if-modified-since'] = record.lastModified;
    const res = await get(url, headers);
    if (res.status === 304) {
      await res.body.dump();
      return { kind: 'unchanged' };
    }
    if (res.status !== 200) {
      await res.body.dump();
      throw httpError(res.status, url);
    }
    const body = await readPointerBody(res.body);
    const config = readConfig(options.homeDir);
    const state = readState(options.homeDir);
    const now = clock();
    const pointer = verifyPointer(body, readAnchors(options.homeDir), now, { publishers: config.publishers, skewMs: homeLimits(config).clockSkewMinutes * 60_000 });
    const facility = config.facility ?? state.current?.status.facility.id ?? null;
    const highWater = state.highWater[pointer.facility.id];
    admit(pointer, record, highWater, facility, config.units);
    record.pointer = { sequence: pointer.sequence, issuedAt: pointer.issuedAt };
    const validators = { etag: res.headers['etag'] ?? null, lastModified: res.headers['last-modified'] ?? null };
    const current = state.current?.status.sequence ?? null;
    const want = chooseDownload(pointer, current);
    if (!want || (highWater !== undefined && want.sequence <= highWater)) {
      writeRecord(options.homeDir, { ...record, ...validators });
      return { kind: 'up-to-date', sequence: current ?? pointer.sequence };
    }
    if (record.refused?.sha256 === want.sha256) return { kind: 'refused', message: record.refused.message };
    const got = await download(record, want);
    let result: IngestResult;
    try {
      result = await ingest(options.homeDir, got.file, { protector: options.protector, model: options.model, clock: options.clock });
    } catch (error) {
      if (error instanceof SnapshotRefusal) {
        rmSync(got.file, { force: true });
        // Not fetched again until the pointer names another file; the pointer is asked again (and the refusal shown) each check.
        writeRecord(options.homeDir, { ...record, download: null, refused: { sha256: want.sha256, message: error.message } });
        throw error;
      }
      throw error; // a local failure: the checked file stays in incoming/ and is taken at the next check
    }
    rmSync(got.file, { force: true });
    writeRecord(options.homeDir, { ...record, ...validators, download: null, refused: null });
    options.onIngested?.(result);
    return { kind: 'ingested', sequence: result.manifest.sequence, file: want.file, resumedFrom: got.resumedFrom };
  };

  return {
    check,
    close: async () => {
      await Promise.all([...dispatchers.values()].map((d) => d.close().catch(() => {})));
      dispatchers.clear();
    },
  };
}

export interface HttpsAgent extends SyncAgent {
  /** Check now (the tray's "check now", tests); the schedule goes on from there. */
  checkNow(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The HTTPS source on a schedule: a check right away (within a few seconds, at random), then
 * one every interval with jitter; after a failure to reach the server, sooner, doubling up to
 * the cap, back to the interval once it answers. The desktop main process and `lantern watch
 * --url` both run it.
 */
export function startHttpsAgent(options: HttpsSourceOptions): HttpsAgent {
  const clock = options.clock ?? (() => new Date());
  const timers = options.timers ?? REAL_TIMERS;
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const intervalMs = options.intervalMs ?? HTTPS_POLL_SECONDS * 1000;
  const jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 0.5);
  const firstMs = options.backoffFirstMs ?? 10_000;
  const maxMs = Math.max(options.backoffMaxMs ?? 15 * 60_000, intervalMs);
  const source = createHttpsSource(options);
  const at = urlForMessages(options.url);

  let failures = 0;
  let handle: unknown = null;
  let nextCheckAt: Date | null = null;
  let lastProblem: SyncStatus['lastProblem'] = null;
  let lastLogged: string | null = null;
  let running: Promise<void> | null = null;
  let closed = false;

  const schedule = (ms: number) => {
    if (closed) return;
    if (handle !== null) timers.clear(handle);
    nextCheckAt = new Date(clock().getTime() + ms);
    handle = timers.set(() => {
      handle = null;
      void runCheck();
    }, ms);
  };

  /** The interval, moved by up to ±jitter. */
  const steady = () => Math.round(intervalMs * (1 + jitter * (2 * random() - 1)));
  /** After `n` failures in a row: doubling from the first wait, capped; somewhere in its upper half. */
  const backoff = (n: number) => {
    const d = Math.min(maxMs, firstMs * 2 ** Math.max(0, n - 1));
    return Math.round(d / 2 + (random() * d) / 2);
  };

  /** To the home's log, and a snapshot taken or refused to the audit log too. */
  const logEvent = (event: LogEvent) => {
    appendHomeLog(options.homeDir, event);
    const audited = auditOfHomeEvent(event);
    if (audited) options.audit?.record(audited);
  };

  const problem = (error: unknown): { message: string; code: string } => {
    const { code, message } = presentError(error, { surface: 'source', homeDir: options.homeDir, clock });
    lastProblem = { at: clock().toISOString(), message };
    if (message !== lastLogged) {
      lastLogged = message;
      // A refused pointer is a rejection the home's status shows, like a refused snapshot (which the ingest records itself).
      if (error instanceof PointerRefusal) {
        updateHomeState(options.homeDir, (s) => ({ ...s, lastRejection: { at: clock().toISOString(), file: path.basename(new URL(options.url).pathname), reason: message, code } }));
      }
      logEvent(error instanceof PointerRefusal || error instanceof SnapshotRefusal ? { event: 'refused', file: path.basename(new URL(options.url).pathname), code, message } : { event: 'failed', code, message });
    }
    return { message, code };
  };

  const runCheck = async (): Promise<void> => {
    if (running) return running;
    running = (async () => {
      let wait: number;
      try {
        const outcome = await source.check();
        failures = 0;
        if (outcome.kind === 'refused') {
          lastProblem = { at: clock().toISOString(), message: outcome.message };
        } else {
          lastProblem = null;
          lastLogged = null;
        }
        if (outcome.kind === 'ingested') {
          const s = readState(options.homeDir).current?.status;
          logEvent({ event: 'ingested', file: outcome.file, facility: s?.facility.id ?? '', sequence: outcome.sequence, resources: Object.values(s?.counts ?? {}).reduce((a, b) => a + b, 0), by: 'https' });
          log(`ingested ${outcome.file} from ${at}: sequence ${outcome.sequence}${outcome.resumedFrom > 0 ? ` (resumed at byte ${outcome.resumedFrom})` : ''}`);
        }
        wait = steady();
      } catch (error) {
        const busy = error instanceof HomeBusyError;
        // The server answered, wrongly (a refused pointer or snapshot, a file that does not
        // match its pointer): checked again at the interval. Anything else (unreachable, down,
        // a local failure) backs off.
        const answered = error instanceof PointerRefusal || error instanceof SnapshotRefusal || (error instanceof SourceError && !error.unreachable);
        const down = !answered;
        // Another ingest holding the home is a wait, not a problem to show.
        if (!busy) {
          const { message } = problem(error);
          log(`${message}`);
        }
        if (down) {
          failures++;
          wait = backoff(failures);
        } else {
          failures = 0;
          wait = steady();
        }
        if (!busy) log(`next check of ${at} in ${Math.ceil(wait / 1000)} s`);
      }
      schedule(wait);
    })().finally(() => {
      running = null;
    });
    return running;
  };

  appendHomeLog(options.homeDir, { event: 'polling', url: at });
  log(`polling ${at} every ${Math.round(intervalMs / 1000)} s`);
  // The first check soon, but not in step with every workstation that started at the same time.
  schedule(Math.round(random() * Math.min(intervalMs, 5000)));

  return {
    status: () => {
      let current = null;
      try {
        current = readState(options.homeDir).current;
      } catch {
        // A damaged state file is the home's problem, shown by its own status.
      }
      return {
        dataAsOf: current?.status.asOf ?? null,
        sequence: current?.status.sequence ?? null,
        nextCheckAt: nextCheckAt && !closed ? nextCheckAt.toISOString() : null,
        lastProblem,
      };
    },
    checkNow: async () => {
      if (handle !== null) timers.clear(handle);
      handle = null;
      await runCheck();
    },
    close: async () => {
      closed = true;
      if (handle !== null) timers.clear(handle);
      handle = null;
      nextCheckAt = null;
      await running;
      await source.close();
      appendHomeLog(options.homeDir, { event: 'stopped-polling', url: at });
    },
  };
}

/**
 * The agent's settings from the managed policy's `source`, over the surface's own proxy
 * resolver (the system's). The CA bundle is read now: one that cannot be read is the policy's
 * problem, said at start-up rather than at every check.
 */
export function httpsSettingsFromPolicy(source: NonNullable<Policy['source']>, system: ProxyResolver): Pick<HttpsSourceOptions, 'url' | 'intervalMs' | 'caBundle' | 'proxy'> {
  let caBundle: string | null = null;
  if (source.caBundle) {
    try {
      caBundle = readFileSync(source.caBundle, 'utf8');
    } catch (error) {
      throw new PolicyError(`The policy's source.caBundle ${source.caBundle} cannot be read.`, { cause: error });
    }
    if (!caBundle.includes('-----BEGIN CERTIFICATE-----')) throw new PolicyError(`The policy's source.caBundle ${source.caBundle} holds no PEM certificate.`);
  }
  return { url: source.url, intervalMs: (source.intervalSeconds ?? HTTPS_POLL_SECONDS) * 1000, caBundle, proxy: proxyFromSetting(source.proxy, system) };
}
