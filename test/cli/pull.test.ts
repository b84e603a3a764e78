import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBulkServer, type BulkServer } from '../support/bulk-server';
import { runCli } from '../support/cli';
import { tempDir } from '../support/snapshots';

let server: BulkServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

describe('lantern pull (CLI)', () => {
  it.each(['ES384', 'RS384'] as const)('keygen %s makes a key the EHR can register, and a pull signs in with it', async (alg) => {
    const dir = tempDir('pull-cli-');
    const keys = path.join(dir, 'keys');
    const made = await runCli(['pull', 'keygen', '--alg', alg, '--out', keys]);
    expect(made.code).toBe(0);
    const jwks = JSON.parse(made.out) as { keys: Array<{ kid: string; alg: string; kty: string; d?: string }> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ alg, kty: alg === 'RS384' ? 'RSA' : 'EC' });
    expect(jwks.keys[0]!.d).toBeUndefined(); // the public half only
    expect(JSON.parse(readFileSync(path.join(keys, 'jwks.json'), 'utf8'))).toEqual(jwks);
    expect(statSync(path.join(keys, 'client-key.pem')).mode & 0o077).toBe(0);

    server = await startBulkServer({
      resources: { Patient: [{ resourceType: 'Patient', id: 'a' }, { resourceType: 'Patient', id: 'b' }] },
      clients: { 'station-publisher': jwks },
    });
    const out = path.join(dir, 'export');
    const pulled = await runCli([
      'pull', '--base', server.base, '--out', out, '--client-id', 'station-publisher', '--key', path.join(keys, 'client-key.pem'),
      '--kid', jwks.keys[0]!.kid, '--alg', alg, '--json',
    ]);
    expect(pulled.err).toBe('');
    expect(pulled.code).toBe(0);
    const result = JSON.parse(pulled.out) as { resources: Record<string, number>; transactionTime: string; jobDeleted: boolean };
    expect(result).toMatchObject({ resources: { Patient: 2 }, transactionTime: '2026-11-30T12:00:00.000Z', jobDeleted: true });
    expect(readFileSync(path.join(out, 'Patient.001.ndjson'), 'utf8')).toBe('{"resourceType":"Patient","id":"a"}\n{"resourceType":"Patient","id":"b"}\n');
  });

  it('--state --since auto: a full pull first, then only the changes, merged into the export folder', async () => {
    const dir = tempDir('pull-cli-');
    const resources = { Patient: [{ resourceType: 'Patient', id: 'a', meta: { lastUpdated: '2026-11-30T11:00:00Z' } }] };
    server = await startBulkServer({ resources, transactionTime: '2026-11-30T12:00:00.000Z' });
    const args = ['pull', '--base', server.base, '--out', path.join(dir, 'export'), '--state', path.join(dir, 'state'), '--since', 'auto'];
    const first = await runCli(args);
    expect(first.code).toBe(0);
    expect(first.out).toContain('full pull: the publisher state replaced; the state holds 1 resources');
    resources.Patient.push({ resourceType: 'Patient', id: 'b', meta: { lastUpdated: '2026-11-30T12:30:00Z' } });
    server.setTransactionTime('2026-11-30T13:00:00.000Z');
    const second = await runCli(args);
    expect(second.out).toContain('changes since 2026-11-30T12:00:00.000Z: 1 added, 0 changed, 0 deleted; the state holds 2 resources');
    expect(readFileSync(path.join(dir, 'export', 'Patient.ndjson'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('says what is wrong with its options in a sentence', async () => {
    expect((await runCli(['pull', '--base', 'http://127.0.0.1:1/fhir', '--out', '/tmp/x', '--since', 'auto'])).err).toMatch(/--since auto needs --state DIR/);
    expect((await runCli(['pull', '--out', '/tmp/x'])).err).toMatch(/--base is required/);
    expect((await runCli(['pull', '--base', 'http://127.0.0.1:1/fhir', '--out', '/tmp/x', '--client-id', 'x'])).err).toMatch(/needs --client-id, --key and --kid together/);
    expect((await runCli(['pull', '--base', 'http://127.0.0.1:1/fhir', '--out', '/tmp/x', '--since', 'yesterday'])).err).toMatch(/--since "yesterday" is not a FHIR instant/);
    expect((await runCli(['pull', 'keygen', '--alg', 'HS256', '--out', '/tmp/x'])).err).toMatch(/--alg "HS256" is not RS384 or ES384/);
    expect((await runCli(['pull', '--base', 'http://127.0.0.1:1/fhir', '--out', '/tmp/x', '--parallel', '11'])).err).toMatch(/--parallel must be a whole number from 1 to 10/);
  });
});
