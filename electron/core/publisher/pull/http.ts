import type { Readable } from 'node:stream';
import { request } from 'undici';
import { LanternError } from '../../../shared/errors';

/**
 * HTTP for the pull: one exchange at a time through undici (which hands over the body as sent,
 * so a gzip download can be resumed byte for byte), redirects followed by hand so that the
 * Authorization header never goes past a redirect, and a retry loop that honours Retry-After.
 */

/**
 * A pull that cannot go on. `after` says what the next run does: `resume` the same job (a
 * network failure: what was downloaded is kept), or start a `new` export (the job or its files
 * are gone); absent, the pull is abandoned.
 */
export class PullError extends LanternError {
  override name = 'PullError';
  readonly after: 'resume' | 'new' | null;
  constructor(message: string, options: { cause?: unknown; after?: 'resume' | 'new' } = {}) {
    super('UNAVAILABLE', message, { code: 'PULL', audience: 'it', cause: options.cause });
    this.after = options.after ?? null;
  }
}

export interface RetryPolicy {
  /** Tries of one request before giving up (network errors, 429, 5xx). */
  attempts: number;
  /** First backoff; doubled each time, with jitter, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest Retry-After honoured; a server asking for more waits this long. */
  retryAfterCapMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 1000, maxDelayMs: 60_000, retryAfterCapMs: 300_000 };

export interface HttpOptions {
  retry?: Partial<RetryPolicy>;
  /** Connect-and-headers and between-bytes timeouts. */
  timeoutMs?: number;
  /** Waits go through here (tests pass one that records and returns at once). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Told of every retry, for the progress line and the log (no PHI: a URL path, a status). */
  onRetry?: (what: string, why: string, delayMs: number) => void;
  signal?: AbortSignal;
}

export interface Exchange {
  status: number;
  headers: Record<string, string>;
  body: Readable & { text(): Promise<string>; dump(): Promise<void> };
  /** Where the answer came from, after redirects. */
  url: string;
}

export interface Send {
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** The bearer token to send; never past a redirect. */
  token?: string | null;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A status worth trying again: the server is busy or briefly broken. */
export const isRetryable = (status: number): boolean => status === 429 || status === 408 || (status >= 500 && status !== 501);

/** Retry-After as milliseconds (delta-seconds or an HTTP date), or null. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const flat = (headers: Record<string, string | string[] | undefined>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
};

/** The path of a URL, for messages: no host credentials, no query (which may carry ids). */
export const where = (url: string): string => {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
};

export class Http {
  readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly onRetry: HttpOptions['onRetry'];
  private readonly signal: AbortSignal | undefined;

  constructor(options: HttpOptions = {}) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.sleep = options.sleep ?? sleepFor;
    this.random = options.random ?? Math.random;
    this.onRetry = options.onRetry;
    this.signal = options.signal;
  }

  /** One request, redirects followed (the token dropped at the first one). */
  async send(url: string, s: Send = {}): Promise<Exchange> {
    let current = url;
    let method = s.method ?? 'GET';
    let body = s.body;
    let token = s.token ?? null;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { ...s.headers };
      if (token) headers['authorization'] = `Bearer ${token}`;
      const res = await request(current, {
        method,
        headers,
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: this.signal,
      });
      const h = flat(res.headers);
      if (!REDIRECTS.has(res.statusCode) || !h['location']) {
        return { status: res.statusCode, headers: h, body: res.body as Exchange['body'], url: current };
      }
      await res.body.dump();
      if (hop >= MAX_REDIRECTS) throw new PullError(`${where(url)} redirected more than ${MAX_REDIRECTS} times.`);
      current = new URL(h['location'], current).toString();
      token = null;
      if (res.statusCode === 303) {
        method = 'GET';
        body = undefined;
      }
    }
  }

  /** The wait before try number `attempt` (1-based) of something that failed with `exchange`. */
  delayFor(attempt: number, exchange?: Pick<Exchange, 'headers'>): number {
    const asked = retryAfterMs(exchange?.headers['retry-after']);
    if (asked !== null) return Math.min(asked, this.retry.retryAfterCapMs);
    const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    // Full jitter in the upper half: a fleet of publishers does not retry in step.
    return Math.round(backoff / 2 + (this.random() * backoff) / 2);
  }

  /**
   * send() until the answer is not a retryable status and no network error happened; the last
   * answer (whatever its status) is returned. `what` names the request in messages.
   */
  async sendRetrying(what: string, url: string, s: () => Send | Promise<Send>): Promise<Exchange> {
    for (let attempt = 1; ; attempt++) {
      let why: string;
      let res: Exchange | undefined;
      try {
        res = await this.send(url, await s());
        if (!isRetryable(res.status) || attempt >= this.retry.attempts) return res;
        why = `HTTP ${res.status}`;
        await res.body.dump();
      } catch (error) {
        if (error instanceof PullError || this.signal?.aborted) throw error;
        if (attempt >= this.retry.attempts) {
          throw new PullError(`${what} failed ${attempt} times (${networkWhy(error)}). Check the network and the server, then run the pull again.`, { cause: error });
        }
        why = networkWhy(error);
      }
      const delay = this.delayFor(attempt, res);
      this.onRetry?.(what, why, delay);
      await this.sleep(delay);
    }
  }
}

/** A network failure in words, without anything the server sent. */
export function networkWhy(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection cut';
    if (code === 'ENOTFOUND') return 'host not found';
    if (code.includes('TIMEOUT')) return 'timed out';
    return code;
  }
  return error instanceof Error ? error.name : 'network error';
}

/** A FHIR OperationOutcome's issues in one line (diagnostics and details text, as the server wrote them). */
export function outcomeText(body: string): string | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const o = json as { resourceType?: unknown; issue?: unknown };
  if (o?.resourceType !== 'OperationOutcome' || !Array.isArray(o.issue)) return null;
  const parts = o.issue.map((i: { severity?: unknown; code?: unknown; diagnostics?: unknown; details?: { text?: unknown } }) =>
    [typeof i.severity === 'string' ? i.severity : null, typeof i.code === 'string' ? `(${i.code})` : null, typeof i.diagnostics === 'string' ? i.diagnostics : typeof i.details?.text === 'string' ? i.details.text : null]
      .filter(Boolean)
      .join(' '),
  );
  return parts.join('; ').slice(0, 500) || null;
}

/** Is this OperationOutcome marked transient (the server says: try again)? */
export function isTransientOutcome(body: string): boolean {
  try {
    const o = JSON.parse(body) as { issue?: Array<{ code?: unknown }> };
    return Array.isArray(o.issue) && o.issue.some((i) => i.code === 'transient');
  } catch {
    return false;
  }
}
