import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pullExport, type PullOptions } from '../../electron/core/publisher/pull/pull';
import { PullError } from '../../electron/core/publisher/pull/http';
import { generateClientKey, type SigningAlg } from '../../electron/core/publisher/pull/smart';
import { scanExport } from '../../electron/core/publisher/export-folder';
import { startBulkServer, type BulkServer, type BulkServerOptions } from '../support/bulk-server';
import { tempDir } from '../support/snapshots';

const meta = { lastUpdated: '2026-11-20T08:00:00Z' };
const patients = Array.from({ length: 12 }, (_, i) => ({ resourceType: 'Patient', id: `p${i + 1}`, meta, name: [{ family: `Family${i + 1}`, given: ['Test'] }] }));
const observations = Array.from({ length: 30 }, (_, i) => ({
  resourceType: 'Observation',
  id: `o${i + 1}`,
  meta,
  status: 'final',
  subject: { reference: `Patient/p${(i % 12) + 1}` },
  code: { text: 'Heart rate' },
  valueQuantity: { value: 60 + i, unit: '/min' },
}));
const RESOURCES = { Patient: patients, Observation: observations };

let server: BulkServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

/** Waits recorded, not slept: the test checks the client's timing decisions without taking them. */
function instant() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

async function setup(options: Partial<BulkServerOptions> & { alg?: SigningAlg } = {}) {
  const key = generateClientKey(options.alg ?? 'RS384');
  server = await startBulkServer({ resources: RESOURCES, clients: { 'lantern-publisher': key.jwks }, ...options });
  const dir = tempDir('pull-');
  const clock = instant();
  const pull = (extra: Partial<PullOptions> = {}) =>
    pullExport({
      base: server!.base,
      out: path.join(dir, 'export'),
      auth: { credentials: { clientId: 'lantern-publisher', privateKeyPem: key.privateKeyPem, kid: key.kid, alg: key.alg } },
      http: { sleep: clock.sleep, retry: { attempts: 4 } },
      ...extra,
    });
  return { key, dir, out: path.join(dir, 'export'), pull, waits: clock.waits, server: server! };
}

const ndjsonIds = (dir: string, type: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.startsWith(`${type}.`) && f.endsWith('.ndjson'))
    .sort()
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id));

describe('lantern pull: a Bulk Data export into an export folder', () => {
  it('kicks off with the headers the IG asks for, authenticates with RS384, downloads every file, writes a manifest publish reads, and deletes the job', async () => {
    const t = await setup({ filesPerType: 3 });
    const result = await t.pull();
    const kick = t.server.kickOffs()[0]!;
    expect(kick.method).toBe('GET');
    expect(kick.headers.accept).toContain('application/fhir+json');
    expect(kick.headers.prefer).toBe('respond-async');
    expect(kick.path).toContain('_outputFormat=application%2Ffhir%2Bndjson');
    expect(kick.headers.authorization).toBe(`Bearer ${t.server.tokens[0]}`);
    expect(ndjsonIds(t.out, 'Patient').sort()).toEqual(patients.map((p) => p.id).sort());
    expect(ndjsonIds(t.out, 'Observation').sort()).toEqual(observations.map((o) => o.id).sort());
    expect(result.resources).toEqual({ Patient: 12, Observation: 30 });
    expect(result.transactionTime).toBe('2026-11-30T12:00:00.000Z');
    const scanned = scanExport(t.out);
    expect(scanned.transactionTime).toBe('2026-11-30T12:00:00.000Z');
    expect(scanned.sources.map((s) => (s.entry as { type: string }).type).sort()).toEqual(['Observation', 'Observation', 'Observation', 'Patient', 'Patient', 'Patient']);
    expect(t.server.deletedJobs()).toHaveLength(1);
    expect(result.jobDeleted).toBe(true);
    expect(existsSync(`${t.out}.partial`)).toBe(false);
  });

  it('signs with ES384 and asks a Group export by POST with a Parameters resource', async () => {
    const t = await setup({ alg: 'ES384' });
    await t.pull({ level: { kind: 'group', id: 'unit-4w' }, post: true, types: ['Patient', 'Observation'], since: '2026-11-01T00:00:00Z' });
    const kick = t.server.kickOffs()[0]!;
    expect(kick.method).toBe('POST');
    expect(kick.path).toBe('/fhir/Group/unit-4w/$export');
    const params = JSON.parse(kick.body) as { resourceType: string; parameter: Array<{ name: string; valueString?: string; valueInstant?: string }> };
    expect(params.resourceType).toBe('Parameters');
    expect(params.parameter.filter((p) => p.name === '_type').map((p) => p.valueString)).toEqual(['Patient', 'Observation']);
    expect(params.parameter.find((p) => p.name === '_since')?.valueInstant).toBe('2026-11-01T00:00:00Z');
    expect(ndjsonIds(t.out, 'Patient')).toHaveLength(12);
  });

  it('waits as the server asks: Retry-After on 202 (capped), 429 on kick-off, transient 503s', async () => {
    const t = await setup({ pollsBeforeReady: 3, retryAfterSeconds: 2, kickOff429: 1, status5xx: 2 });
    const seen: Array<string | null> = [];
    await t.pull({ http: { sleep: async (ms) => void t.waits.push(ms), retry: { attempts: 4, retryAfterCapMs: 120_000 } }, events: { progress: (p) => p.serverProgress && seen.push(p.serverProgress) } });
    // 429 carried Retry-After: 7; the 503s had none (backoff); each 202 asked for 2 s.
    expect(t.waits[0]).toBe(7000);
    expect(t.waits.slice(-3)).toEqual([2000, 2000, 2000]);
    expect(t.server.kickOffs()).toHaveLength(2);
    expect(seen).toContain('30% done');
    expect(ndjsonIds(t.out, 'Observation')).toHaveLength(30);
  });

  it('caps a Retry-After that asks for too long', async () => {
    const t = await setup({ pollsBeforeReady: 1, retryAfterSeconds: 86_400 });
    await t.pull({ http: { sleep: async (ms) => void t.waits.push(ms), retry: { retryAfterCapMs: 90_000 } } });
    expect(t.waits).toEqual([90_000]);
  });

  it('resumes a file cut mid-way with a Range request, and the file is whole', async () => {
    const t = await setup({ cutAfterBytes: 200 });
    await t.pull();
    const ranged = t.server.requests.filter((r) => r.path.startsWith('/files/') && r.headers.range);
    expect(ranged.length).toBeGreaterThan(0);
    expect(ranged[0]!.headers.range).toBe('bytes=200-');
    expect(ndjsonIds(t.out, 'Observation')).toEqual(observations.map((o) => o.id));
    expect(readFileSync(path.join(t.out, 'Observation.001.ndjson'), 'utf8')).toBe(t.server.files.get('/files/Observation-1.ndjson'));
  });

  it('accepts gzip, and resumes gzip bytes as sent', async () => {
    const t = await setup({ gzip: true, cutAfterBytes: 40 });
    await t.pull();
    expect(t.server.requests.find((r) => r.path.startsWith('/files/'))!.headers['accept-encoding']).toContain('gzip');
    expect(readFileSync(path.join(t.out, 'Patient.001.ndjson'), 'utf8')).toBe(t.server.files.get('/files/Patient-1.ndjson'));
  });

  it('follows redirects of file URLs without the Authorization header', async () => {
    const t = await setup({ redirectFiles: true });
    await t.pull();
    const redirects = t.server.requests.filter((r) => r.path.startsWith('/redirect/'));
    const landed = t.server.requests.filter((r) => r.path.startsWith('/signed/files/'));
    expect(redirects.length).toBe(2);
    expect(redirects.every((r) => r.headers.authorization?.startsWith('Bearer '))).toBe(true);
    expect(landed.length).toBe(2);
    expect(landed.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('sends no token to file URLs when the manifest says requiresAccessToken: false', async () => {
    const t = await setup({ requiresAccessToken: false });
    await t.pull();
    const files = t.server.requests.filter((r) => r.path.startsWith('/files/'));
    expect(files.length).toBe(2);
    expect(files.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('saves error files summed by severity and the deleted list, and reads a manifest given in pages', async () => {
    const t = await setup({
      filesPerType: 3,
      manifestPageSize: 2,
      deleted: ['Patient/p99', 'Observation/o99'],
      errors: [
        { severity: 'error', text: 'one resource could not be exported' },
        { severity: 'warning', text: 'a code was not mapped' },
        { severity: 'warning', text: 'another code was not mapped' },
      ],
    });
    const result = await t.pull();
    expect(result.errors).toEqual({ error: 1, warning: 2 });
    expect(result.deleted).toBe(2);
    expect(result.files).toBe(8);
    const manifest = JSON.parse(readFileSync(path.join(t.out, 'manifest.json'), 'utf8')) as { output: unknown[]; deleted: Array<{ url: string }>; error: Array<{ url: string }> };
    expect(manifest.output).toHaveLength(6);
    expect(readFileSync(path.join(t.out, manifest.deleted[0]!.url), 'utf8')).toContain('"url":"Patient/p99"');
    expect(readFileSync(path.join(t.out, manifest.error[0]!.url), 'utf8')).toContain('could not be exported');
    expect(ndjsonIds(t.out, 'Observation')).toHaveLength(30);
  });

  it('reports a failed job with its OperationOutcome, keeps the previous export and deletes the job', async () => {
    const t = await setup({ jobFails: 'Export ran out of disk' });
    mkdirSync(t.out, { recursive: true });
    writeFileSync(path.join(t.out, 'manifest.json'), '{"previous":true}');
    await expect(t.pull()).rejects.toThrow(/HTTP 500: fatal \(exception\) Export ran out of disk/);
    expect(readFileSync(path.join(t.out, 'manifest.json'), 'utf8')).toBe('{"previous":true}');
    expect(existsSync(`${t.out}.partial`)).toBe(false);
    expect(t.server.deletedJobs()).toHaveLength(1);
  });

  it('says an expired job or expired files plainly', async () => {
    const t = await setup({ expireAfterPolls: 1 });
    await expect(t.pull()).rejects.toThrow(/gone from the server \(HTTP 404: expired or deleted\)/);
    await server!.stop();
    const u = await setup({ filesExpired: true });
    await expect(u.pull()).rejects.toThrow(/export file .* is gone from the server .*expired/);
    expect(existsSync(u.out)).toBe(false);
  });

  it('keeps a pull cut by a network outage for the next run, which resumes the same job', async () => {
    const t = await setup({ pollsBeforeReady: 1 });
    let paused = false;
    const sleep = async (ms: number) => {
      t.waits.push(ms);
      // The server goes away while the export is running.
      if (!paused) {
        paused = true;
        await t.server.pause();
      }
    };
    const first = t.pull({ http: { sleep, retry: { attempts: 3 } } });
    await expect(first).rejects.toThrow(PullError);
    await expect(first).rejects.toThrow(/run the pull again to resume/i);
    expect(existsSync(path.join(`${t.out}.partial`, 'pull-state.json'))).toBe(true);
    expect(existsSync(t.out)).toBe(false);
    await t.server.resume();
    const result = await t.pull();
    expect(result.resumed).toBe(true);
    expect(t.server.kickOffs()).toHaveLength(1);
    expect(ndjsonIds(t.out, 'Patient')).toHaveLength(12);
  });

  it('renews the token before it runs out during a long export', async () => {
    let now = Date.now();
    const t = await setup({ tokenSeconds: 120, pollsBeforeReady: 4, retryAfterSeconds: 50, clock: () => now });
    const result = await t.pull({
      clock: () => new Date(now),
      http: {
        sleep: async (ms) => {
          t.waits.push(ms);
          now += ms;
        },
      },
    });
    // 120 s tokens, renewed with a minute left: 4 polls 50 s apart need a second token.
    expect(result.tokens).toBeGreaterThanOrEqual(2);
    expect(t.server.tokens.length).toBe(result.tokens);
    const lastPoll = t.server.requests.filter((r) => r.path.startsWith('/fhir/jobs/') && r.method === 'GET').at(-1)!;
    expect(lastPoll.headers.authorization).toBe(`Bearer ${t.server.tokens.at(-1)}`);
  });

  it('falls back to system/*.read on a server that knows only SMART v1 scopes', async () => {
    const t = await setup({ v1ScopesOnly: true });
    await t.pull();
    const scopes = t.server.requests.filter((r) => r.path === '/auth/token').map((r) => new URLSearchParams(r.body).get('scope'));
    expect(scopes).toEqual(['system/*.rs', 'system/*.read']);
  });

  it('sends a client assertion the token endpoint checks: aud, exp within 5 minutes, unique jti, kid', async () => {
    const t = await setup({ tokenSeconds: 1 });
    await t.pull({ http: { sleep: async () => {} } });
    const assertions = t.server.requests.filter((r) => r.path === '/auth/token').map((r) => new URLSearchParams(r.body).get('client_assertion')!);
    const claims = assertions.map((a) => JSON.parse(Buffer.from(a.split('.')[1]!, 'base64url').toString()) as { aud: string; exp: number; iat: number; jti: string });
    const header = JSON.parse(Buffer.from(assertions[0]!.split('.')[0]!, 'base64url').toString()) as { kid: string; alg: string };
    expect(header).toMatchObject({ kid: t.key.kid, alg: 'RS384' });
    expect(claims.every((c) => c.aud === t.server.tokenUrl && c.exp - c.iat <= 300)).toBe(true);
    expect(new Set(claims.map((c) => c.jti)).size).toBe(claims.length);
  });

  it('refuses a key the server does not know, in words', async () => {
    const t = await setup();
    const stranger = generateClientKey('RS384');
    await expect(
      t.pull({ auth: { credentials: { clientId: 'lantern-publisher', privateKeyPem: stranger.privateKeyPem, kid: stranger.kid, alg: 'RS384' } } }),
    ).rejects.toThrow(/refused the client \(invalid_client: unknown kid\)/);
  });
});
