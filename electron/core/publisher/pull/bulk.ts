import { type Http, PullError, isTransientOutcome, outcomeText, where, type Exchange } from './http';

/**
 * The FHIR Bulk Data Access export (IG STU2 and STU3): kick-off, status polling, the
 * completion manifest (its pages too), and deleting the job. Only what the IG says is relied
 * on; each step's answer is checked before it is used.
 */

export type ExportLevel = { kind: 'system' } | { kind: 'patient' } | { kind: 'group'; id: string };

export interface KickOff {
  base: string;
  level: ExportLevel;
  types?: string[];
  since?: string;
  /** POST a Parameters resource instead of GET with a query. */
  post?: boolean;
}

export interface ManifestFile {
  type: string;
  url: string;
  count?: number;
}

export interface BulkManifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: ManifestFile[];
  deleted: ManifestFile[];
  error: ManifestFile[];
}

const FHIR_JSON = 'application/fhir+json';

export function kickOffUrl(k: KickOff): string {
  const base = k.base.replace(/\/+$/, '');
  const path = k.level.kind === 'system' ? '$export' : k.level.kind === 'patient' ? 'Patient/$export' : `Group/${encodeURIComponent(k.level.id)}/$export`;
  const url = new URL(`${base}/${path}`);
  if (!k.post) {
    url.searchParams.set('_outputFormat', 'application/fhir+ndjson');
    if (k.types?.length) url.searchParams.set('_type', k.types.join(','));
    if (k.since) url.searchParams.set('_since', k.since);
  }
  return url.toString();
}

function parameters(k: KickOff): string {
  const parameter: Array<{ name: string; valueString?: string; valueInstant?: string }> = [{ name: '_outputFormat', valueString: 'application/fhir+ndjson' }];
  for (const t of k.types ?? []) parameter.push({ name: '_type', valueString: t });
  if (k.since) parameter.push({ name: '_since', valueInstant: k.since });
  return JSON.stringify({ resourceType: 'Parameters', parameter });
}

async function failure(what: string, res: Exchange): Promise<PullError> {
  const body = await res.body.text().catch(() => '');
  const outcome = outcomeText(body);
  return new PullError(`${what} answered HTTP ${res.status}${outcome ? `: ${outcome}` : ''}.`);
}

/** Start the export; the status URL (Content-Location) comes back. */
export async function kickOff(http: Http, k: KickOff, token: () => Promise<string | null>): Promise<string> {
  const url = kickOffUrl(k);
  const res = await http.sendRetrying('The export kick-off', url, async () => ({
    method: k.post ? 'POST' : 'GET',
    headers: { accept: FHIR_JSON, prefer: 'respond-async', ...(k.post ? { 'content-type': FHIR_JSON } : {}) },
    body: k.post ? parameters(k) : undefined,
    token: await token(),
  }));
  if (res.status !== 202) throw await failure(`The export kick-off at ${where(url)}`, res);
  await res.body.dump();
  const location = res.headers['content-location'];
  if (!location) throw new PullError(`The export kick-off at ${where(url)} was accepted but named no status URL (Content-Location).`);
  return new URL(location, res.url).toString();
}

export interface PollEvents {
  /** X-Progress as the server words it (shown as is, cut short). */
  progress?(text: string | null): void;
}

/**
 * Poll the status URL until the export is complete: 202 waits (Retry-After, capped, else a
 * backoff growing to the cap); 429 and a transient failure wait too; an error or an expired
 * job ends the pull with what the server said.
 */
export async function waitForManifest(http: Http, statusUrl: string, token: () => Promise<string | null>, events: PollEvents = {}): Promise<BulkManifest> {
  let waits = 0;
  let troubles = 0;
  for (;;) {
    const res = await http.send(statusUrl, { headers: { accept: 'application/json' }, token: await token() }).catch((error: unknown) => {
      if (error instanceof PullError) throw error;
      return null; // a network failure: waited out below, like a 5xx
    });
    if (res && res.status === 200) return readManifest(http, statusUrl, await res.body.text(), token);
    if (res && res.status === 202) {
      await res.body.dump();
      troubles = 0;
      events.progress?.(res.headers['x-progress']?.slice(0, 100) ?? null);
      await http.sleep(Math.min(http.delayFor(++waits, res), http.retry.retryAfterCapMs));
      continue;
    }
    if (res && (res.status === 404 || res.status === 410)) {
      await res.body.dump();
      throw new PullError(`The export job at ${where(statusUrl)} is gone from the server (HTTP ${res.status}: expired or deleted). Run the pull again to start a new export.`, { after: 'new' });
    }
    const body = res ? await res.body.text().catch(() => '') : '';
    const busy = !res || res.status === 429 || (res.status >= 500 && (outcomeText(body) === null || isTransientOutcome(body)));
    if (!busy || ++troubles >= http.retry.attempts) {
      const outcome = outcomeText(body);
      throw new PullError(
        res
          ? `The export failed on the server (HTTP ${res.status}${outcome ? `: ${outcome}` : ''}). Nothing was changed; run the pull again once the EHR team has looked at it.`
          : `The export status at ${where(statusUrl)} could not be reached ${troubles} times. Run the pull again to resume.`,
        res ? {} : { after: 'resume' },
      );
    }
    await http.sleep(http.delayFor(troubles, res ?? undefined));
  }
}

const fileList = (v: unknown, what: string): ManifestFile[] => {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new PullError(`The completion manifest's "${what}" is not a list.`);
  return v.map((f: { type?: unknown; url?: unknown; count?: unknown }, i) => {
    if (typeof f?.url !== 'string' || !URL.canParse(f.url)) throw new PullError(`The completion manifest's ${what} entry ${i + 1} has no usable url.`);
    const type = typeof f.type === 'string' && /^[A-Z][A-Za-z]{1,63}$/.test(f.type) ? f.type : null;
    if (!type) throw new PullError(`The completion manifest's ${what} entry ${i + 1} has no resource type.`);
    return { type, url: f.url, ...(typeof f.count === 'number' ? { count: f.count } : {}) };
  });
};

/** The completion manifest, with the pages STU3 servers may split it into (link relation "next"). */
async function readManifest(http: Http, statusUrl: string, text: string, token: () => Promise<string | null>): Promise<BulkManifest> {
  const out: BulkManifest = { transactionTime: '', request: '', requiresAccessToken: true, output: [], deleted: [], error: [] };
  for (let page = 1; ; page++) {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new PullError(`The completion manifest at ${where(statusUrl)} is not JSON.`);
    }
    if (page === 1) {
      const tt = json['transactionTime'];
      if (typeof tt !== 'string' || Number.isNaN(Date.parse(tt))) throw new PullError('The completion manifest has no transactionTime.');
      out.transactionTime = new Date(tt).toISOString();
      out.request = typeof json['request'] === 'string' ? json['request'] : '';
      // Only an explicit false lets files go without the token.
      out.requiresAccessToken = json['requiresAccessToken'] !== false;
    }
    out.output.push(...fileList(json['output'], 'output'));
    out.deleted.push(...fileList(json['deleted'], 'deleted'));
    out.error.push(...fileList(json['error'], 'error'));
    const next = Array.isArray(json['link']) ? (json['link'] as Array<{ relation?: unknown; url?: unknown }>).find((l) => l?.relation === 'next') : undefined;
    if (!next || typeof next.url !== 'string') return out;
    if (page >= 10_000) throw new PullError('The completion manifest runs to more than 10,000 pages.');
    const res = await http.sendRetrying('A manifest page', new URL(next.url, statusUrl).toString(), async () => ({ headers: { accept: 'application/json' }, token: await token() }));
    if (res.status !== 200) throw await failure('A page of the completion manifest', res);
    text = await res.body.text();
  }
}

/** Ask the server to drop the job and its files (done with them, or abandoning the pull). */
export async function deleteJob(http: Http, statusUrl: string, token: () => Promise<string | null>): Promise<boolean> {
  try {
    const res = await http.sendRetrying('Deleting the export job', statusUrl, async () => ({ method: 'DELETE', headers: { accept: FHIR_JSON }, token: await token() }));
    await res.body.dump();
    return res.status < 300 || res.status === 404 || res.status === 410;
  } catch {
    return false;
  }
}
