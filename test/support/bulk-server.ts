import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

/**
 * A FHIR Bulk Data server for the tests, written from the Bulk Data Access IG (kick-off,
 * status, files, delete) and SMART Backend Services (discovery, token endpoint checking the
 * client assertion against registered JWKS), with the troubles a real EHR has on a bad day
 * switched on per test. It records every request, so tests check what the client sent.
 */

export interface BulkServerOptions {
  /** type -> resources; each type one file unless filesPerType says more. */
  resources: Record<string, object[]>;
  filesPerType?: number;
  /** Bundles of deletions (request.method DELETE, request.url Type/id) in the manifest's deleted list. */
  deleted?: string[];
  /** OperationOutcome lines for the manifest's error list. */
  errors?: Array<{ severity: string; text: string }>;
  /** Client id -> registered public JWKS; none: no auth at all. */
  clients?: Record<string, { keys: JsonWebKey[] }>;
  /** Token lifetime, seconds (default 300). */
  tokenSeconds?: number;
  /** Answer invalid_scope to SMART v2 scopes (a v1-only server). */
  v1ScopesOnly?: boolean;
  requiresAccessToken?: boolean;
  /** Status polls answered 202 before the manifest (a slow export). */
  pollsBeforeReady?: number;
  /** Retry-After (seconds) on 202. */
  retryAfterSeconds?: number;
  /** The first N kick-offs answer 429 with Retry-After: 7. */
  kickOff429?: number;
  /** The first N status polls (after kick-off) answer 503 without a body. */
  status5xx?: number;
  /** The job fails: status answers 500 with this OperationOutcome text. */
  jobFails?: string;
  /** Status answers 404 (the job expired) from the Nth poll on. */
  expireAfterPolls?: number;
  /** Each file's first download is cut after this many bytes (the connection destroyed). */
  cutAfterBytes?: number;
  /** File URLs point at a redirect (on another port) to the real file. */
  redirectFiles?: boolean;
  gzip?: boolean;
  /** Give the manifest in pages of this many output files (link relation "next"). */
  manifestPageSize?: number;
  /** File downloads answer 404 (expired files). */
  filesExpired?: boolean;
  /** What the export holds as of (default 2026-11-30T12:00:00.000Z); change it between pulls. */
  transactionTime?: string;
  /** Resources deleted at a time: listed in the deleted files of exports asked _since before it. */
  deletions?: Array<{ ref: string; at: string }>;
  /** The server's clock (token lifetimes, assertion exp), shared with a client on a test clock. */
  clock?: () => number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  port: number;
}

export interface BulkServer {
  base: string;
  tokenUrl: string;
  requests: RecordedRequest[];
  /** Access tokens issued, in order. */
  tokens: string[];
  kickOffs(): RecordedRequest[];
  /** Status URLs DELETEd. */
  deletedJobs(): string[];
  /** Files as the server serves them (the NDJSON text), by path. */
  files: Map<string, string>;
  stop(): Promise<void>;
  /** Stop answering (connections refused) and start again on the same ports. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** The EHR moves on: exports from now on are as of this time and list these deletions. */
  setTransactionTime(t: string): void;
  deletionsPush(...d: Array<{ ref: string; at: string }>): void;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const outcome = (severity: string, code: string, text: string) => ({ resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics: text }] });

function verifyAssertion(jwt: string, keys: JsonWebKey[], tokenUrl: string, seen: Set<string>, nowMs: number): string | null {
  const [h, c, sig] = jwt.split('.');
  if (!h || !c || !sig) return 'not a JWT';
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string; kid?: string; typ?: string };
  const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as { iss?: string; sub?: string; aud?: string; exp?: number; jti?: string };
  const jwk = keys.find((k) => (k as { kid?: string }).kid === header.kid);
  if (!jwk) return 'unknown kid';
  if (header.alg !== 'RS384' && header.alg !== 'ES384') return 'alg not allowed';
  if ((jwk as { alg?: string }).alg !== header.alg) return 'alg does not match the key';
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const ok =
    header.alg === 'RS384'
      ? verify('sha384', Buffer.from(`${h}.${c}`), key, Buffer.from(sig, 'base64url'))
      : verify('sha384', Buffer.from(`${h}.${c}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'));
  if (!ok) return 'bad signature';
  const now = Math.floor(nowMs / 1000);
  if (claims.iss !== claims.sub) return 'iss and sub differ';
  if (claims.aud !== tokenUrl) return 'wrong aud';
  if (typeof claims.exp !== 'number' || claims.exp < now || claims.exp > now + 300) return 'exp out of bounds';
  if (!claims.jti || seen.has(claims.jti)) return 'jti replayed';
  seen.add(claims.jti);
  return null;
}

function postedParameters(body: string): { since: string | null; types: string[] | null } {
  const p = (JSON.parse(body) as { parameter?: Array<{ name: string; valueString?: string; valueInstant?: string }> }).parameter ?? [];
  const types = p.filter((x) => x.name === '_type').flatMap((x) => (x.valueString ?? '').split(','));
  return { since: p.find((x) => x.name === '_since')?.valueInstant ?? null, types: types.length ? types : null };
}

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function startBulkServer(o: BulkServerOptions): Promise<BulkServer> {
  const requests: RecordedRequest[] = [];
  const clock = o.clock ?? Date.now;
  const tokens: string[] = [];
  const jtis = new Set<string>();
  const live = new Map<string, number>(); // token -> expiry ms
  const files = new Map<string, string>();
  const cutDone = new Set<string>();
  let kickOffCount = 0;
  let jobs = 0;
  const polls = new Map<string, number>();
  const deletedJobs: string[] = [];
  let base = '';
  let tokenUrl = '';
  let redirectBase = '';

  /**
   * The files of an export as asked: resources changed after _since (meta.lastUpdated), of the
   * _type list, and the deletions after _since. Built at each kick-off from o.resources as it
   * is then, so a test changes the EHR between pulls by changing o.resources.
   */
  const buildFiles = (since: string | null, types: string[] | null) => {
    files.clear();
    const after = (t: string | undefined) => since === null || (t !== undefined && Date.parse(t) > Date.parse(since));
    for (const [type, all] of Object.entries(o.resources)) {
      if (types && !types.includes(type)) continue;
      const list = all.filter((r) => after((r as { meta?: { lastUpdated?: string } }).meta?.lastUpdated));
      if (!list.length && since !== null) continue;
      const n = Math.max(1, Math.min(o.filesPerType ?? 1, list.length || 1));
      const per = Math.ceil(list.length / n) || 1;
      for (let i = 0; i < n; i++) files.set(`/files/${type}-${i + 1}.ndjson`, list.slice(i * per, (i + 1) * per).map((r) => JSON.stringify(r)).join('\n') + (list.length ? '\n' : ''));
    }
    const gone = [...(o.deleted ?? []), ...(since === null ? [] : (o.deletions ?? []).filter((d) => after(d.at)).map((d) => d.ref))];
    if (gone.length) {
      const bundle = { resourceType: 'Bundle', type: 'transaction', entry: gone.map((url) => ({ request: { method: 'DELETE', url } })) };
      files.set('/files/deleted-1.ndjson', `${JSON.stringify(bundle)}\n`);
    }
    if (o.errors?.length) files.set('/files/errors-1.ndjson', o.errors.map((e) => JSON.stringify(outcome(e.severity, 'processing', e.text))).join('\n') + '\n');
  };
  buildFiles(null, null);

  const authorized = (req: IncomingMessage): boolean => {
    if (!o.clients) return true;
    const t = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const exp = t ? live.get(t) : undefined;
    return exp !== undefined && exp > clock();
  };

  const manifestFor = (): object[] => {
    const entries = [...files.keys()].filter((p) => !p.includes('deleted-') && !p.includes('errors-'));
    const url = (p: string) => (o.redirectFiles ? `${redirectBase}${p}` : `${base.replace('/fhir', '')}${p}`);
    const output = entries.map((p) => ({ type: /\/files\/([A-Za-z]+)-/.exec(p)![1], url: url(p), count: files.get(p)!.split('\n').filter(Boolean).length }));
    const size = o.manifestPageSize ?? Math.max(1, output.length);
    const pages: object[] = [];
    for (let i = 0; i < Math.max(1, output.length); i += size) {
      pages.push({
        transactionTime: o.transactionTime ?? '2026-11-30T12:00:00.000Z',
        request: `${base}/$export`,
        requiresAccessToken: o.requiresAccessToken ?? o.clients !== undefined,
        output: output.slice(i, i + size),
        ...(i === 0 && files.has('/files/deleted-1.ndjson') ? { deleted: [{ type: 'Bundle', url: url('/files/deleted-1.ndjson') }] } : {}),
        ...(i === 0 ? { error: o.errors?.length ? [{ type: 'OperationOutcome', url: url('/files/errors-1.ndjson') }] : [] } : {}),
      });
    }
    return pages;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, port: number) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    const url = new URL(req.url ?? '/', base);
    requests.push({ method: req.method ?? '', path: url.pathname + url.search, headers: req.headers, body, port });

    if (url.pathname === '/fhir/.well-known/smart-configuration') {
      return json(res, 200, { token_endpoint: tokenUrl, token_endpoint_auth_methods_supported: ['private_key_jwt'], token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'], scopes_supported: o.v1ScopesOnly ? ['system/*.read'] : ['system/*.rs', 'system/*.read'] });
    }
    if (url.pathname === '/auth/token' && req.method === 'POST') {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return json(res, 400, { error: 'invalid_request' });
      const assertion = form.get('client_assertion') ?? '';
      const iss = (() => {
        try {
          return (JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString()) as { iss?: string }).iss;
        } catch {
          return undefined;
        }
      })();
      const client = iss ? o.clients?.[iss] : undefined;
      if (!client) return json(res, 401, { error: 'invalid_client', error_description: 'unknown client' });
      const why = verifyAssertion(assertion, client.keys, tokenUrl, jtis, clock());
      if (why) return json(res, 401, { error: 'invalid_client', error_description: why });
      const scope = form.get('scope') ?? '';
      if (o.v1ScopesOnly && scope.includes('.rs')) return json(res, 400, { error: 'invalid_scope' });
      const t = `tok-${tokens.length + 1}-${Math.random().toString(36).slice(2)}`;
      tokens.push(t);
      const seconds = o.tokenSeconds ?? 300;
      live.set(t, clock() + seconds * 1000);
      return json(res, 200, { access_token: t, token_type: 'bearer', expires_in: seconds, scope });
    }
    if (url.pathname.endsWith('/$export')) {
      if (!authorized(req)) return json(res, 401, outcome('error', 'login', 'no valid token'));
      kickOffCount++;
      if (kickOffCount <= (o.kickOff429 ?? 0)) return json(res, 429, outcome('error', 'throttled', 'slow down'), { 'retry-after': '7' });
      if (req.headers.prefer !== 'respond-async' || !String(req.headers.accept).includes('application/fhir+json')) return json(res, 400, outcome('error', 'invalid', 'Prefer: respond-async and Accept: application/fhir+json are required'));
      const asked = req.method === 'POST' ? postedParameters(body) : { since: url.searchParams.get('_since'), types: url.searchParams.get('_type')?.split(',') ?? null };
      buildFiles(asked.since, asked.types);
      const job = `${++jobs}`;
      polls.set(job, 0);
      res.writeHead(202, { 'content-location': `${base}/jobs/${job}` });
      return res.end();
    }
    const jobMatch = /^\/fhir\/jobs\/(\d+)(?:\/page\/(\d+))?$/.exec(url.pathname);
    if (jobMatch) {
      const job = jobMatch[1]!;
      if (!authorized(req)) return json(res, 401, outcome('error', 'login', 'no valid token'));
      if (req.method === 'DELETE') {
        deletedJobs.push(`${base}/jobs/${job}`);
        polls.delete(job);
        res.writeHead(202);
        return res.end();
      }
      if (!polls.has(job)) return json(res, 404, outcome('error', 'not-found', 'no such job'));
      if (jobMatch[2]) {
        const pages = manifestFor();
        const i = Number(jobMatch[2]);
        return json(res, 200, { ...pages[i], ...(i + 1 < pages.length ? { link: [{ relation: 'next', url: `${base}/jobs/${job}/page/${i + 1}` }] } : {}) });
      }
      const n = polls.get(job)! + 1;
      polls.set(job, n);
      if (o.expireAfterPolls !== undefined && n >= o.expireAfterPolls) return json(res, 404, outcome('error', 'not-found', 'job expired'));
      if (n <= (o.status5xx ?? 0)) {
        res.writeHead(503);
        return res.end();
      }
      if (o.jobFails) return json(res, 500, outcome('fatal', 'exception', o.jobFails));
      if (n <= (o.status5xx ?? 0) + (o.pollsBeforeReady ?? 0)) {
        res.writeHead(202, { 'x-progress': `${n * 10}% done`, ...(o.retryAfterSeconds ? { 'retry-after': String(o.retryAfterSeconds) } : {}) });
        return res.end();
      }
      const pages = manifestFor();
      return json(res, 200, { ...pages[0], ...(pages.length > 1 ? { link: [{ relation: 'next', url: `${base}/jobs/${job}/page/1` }] } : {}) });
    }
    if (url.pathname.startsWith('/redirect/')) {
      // Like a presigned object-store URL: the file itself, no token needed (nor to be sent).
      res.writeHead(302, { location: `${base.replace('/fhir', '')}/signed${url.pathname.slice('/redirect'.length)}` });
      return res.end();
    }
    const signed = url.pathname.startsWith('/signed/files/');
    if (url.pathname.startsWith('/files/') || signed) {
      const filePath = signed ? url.pathname.slice('/signed'.length) : url.pathname;
      const text = files.get(filePath);
      if (o.filesExpired || text === undefined) return json(res, 404, outcome('error', 'not-found', 'file expired'));
      const requires = o.requiresAccessToken ?? o.clients !== undefined;
      if (requires && !signed && !authorized(req)) return json(res, 401, outcome('error', 'login', 'no valid token'));
      const payload = o.gzip ? gzipSync(Buffer.from(text)) : Buffer.from(text);
      const etag = `"${payload.length}-${filePath.length}"`;
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = range && (!req.headers['if-range'] || req.headers['if-range'] === etag) ? Number(range[1]) : 0;
      if (start >= payload.length && start > 0) {
        res.writeHead(416, { 'content-range': `bytes */${payload.length}` });
        return res.end();
      }
      const headers: Record<string, string> = { 'content-type': 'application/fhir+ndjson', etag, 'accept-ranges': 'bytes', 'content-length': String(payload.length - start) };
      if (o.gzip) headers['content-encoding'] = 'gzip';
      if (start > 0) headers['content-range'] = `bytes ${start}-${payload.length - 1}/${payload.length}`;
      res.writeHead(start > 0 ? 206 : 200, headers);
      if (o.cutAfterBytes !== undefined && !cutDone.has(filePath) && payload.length - start > o.cutAfterBytes) {
        cutDone.add(filePath);
        res.write(payload.subarray(start, start + o.cutAfterBytes), () => res.socket?.destroy());
        return;
      }
      return res.end(payload.subarray(start));
    }
    json(res, 404, outcome('error', 'not-found', 'unknown path'));
  };

  let ports: [number, number] = [0, 0];
  let servers: Server[] = [];
  const start = async () => {
    const main = createServer((req, res) => void handle(req, res, ports[0]).catch(() => res.destroy()));
    const other = createServer((req, res) => void handle(req, res, ports[1]).catch(() => res.destroy()));
    ports = [await listen(main, ports[0]), await listen(other, ports[1])];
    servers = [main, other];
  };
  const stopAll = async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  };
  await start();
  base = `http://127.0.0.1:${ports[0]}/fhir`;
  tokenUrl = `http://127.0.0.1:${ports[0]}/auth/token`;
  redirectBase = `http://127.0.0.1:${ports[1]}/redirect`;

  return {
    base,
    tokenUrl,
    requests,
    tokens,
    files,
    kickOffs: () => requests.filter((r) => r.path.includes('$export')),
    deletedJobs: () => deletedJobs,
    stop: stopAll,
    pause: stopAll,
    resume: start,
    setTransactionTime: (t) => void (o.transactionTime = t),
    deletionsPush: (...d) => void (o.deletions = [...(o.deletions ?? []), ...d]),
  };
}
