import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PublisherState, pullIntoState } from '../../electron/core/publisher/pull/state';
import { startBulkServer, type BulkServer } from '../support/bulk-server';
import { tempDir } from '../support/snapshots';

let server: BulkServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

const T1 = '2026-11-30T12:00:00.000Z';
const T2 = '2026-11-30T13:00:00.000Z';
const T3 = '2026-11-30T14:00:00.000Z';
const at = (t: string, minutes: number) => new Date(Date.parse(t) - minutes * 60_000).toISOString();
const patient = (id: string, updated: string, family: string) => ({ resourceType: 'Patient', id, meta: { lastUpdated: updated }, name: [{ family }] });
const obs = (id: string, pid: string, updated: string, value: number) => ({
  resourceType: 'Observation', id, meta: { lastUpdated: updated }, status: 'final', subject: { reference: `Patient/${pid}` }, code: { text: 'Heart rate' }, valueQuantity: { value, unit: '/min' },
});

/** Every file of an export folder but its manifest, by name: what publish would read. */
const exportFiles = (dir: string) =>
  Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.ndjson')).sort().map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));

describe('pulling into the publisher state', () => {
  it('a full pull then incremental pulls give the state one full pull gives', async () => {
    const resources = {
      Patient: [patient('a', at(T1, 50), 'Ash'), patient('b', at(T1, 40), 'Birch'), patient('c', at(T1, 30), 'Cedar')],
      Observation: [obs('o1', 'a', at(T1, 20), 70), obs('o2', 'b', at(T1, 20), 80), obs('o3', 'c', at(T1, 20), 90)],
    };
    server = await startBulkServer({ resources, transactionTime: T1, deletions: [] });
    const dir = tempDir('state-');
    const stateDir = path.join(dir, 'state');
    const out = path.join(dir, 'export');
    const pull = (since?: string, sdir = stateDir, o = out) => pullIntoState({ base: server!.base, out: o, stateDir: sdir, since, http: { sleep: async () => {} } });

    const first = await pull('auto');
    expect(first.since).toBeNull(); // no state yet: a full pull
    expect(first.merge).toMatchObject({ full: true, added: 6, counts: { Patient: 3, Observation: 3 } });

    // The EHR changes: b renamed, d admitted with an observation, c and o3 deleted.
    resources.Patient[1] = patient('b', at(T2, 10), 'Birch-Renamed');
    resources.Patient.push(patient('d', at(T2, 5), 'Dogwood'));
    resources.Patient.splice(2, 1);
    resources.Observation.push(obs('o4', 'd', at(T2, 5), 100));
    resources.Observation.splice(2, 1);
    server.deletionsPush({ ref: 'Patient/c', at: at(T2, 15) }, { ref: 'Observation/o3', at: at(T2, 15) });
    server.setTransactionTime(T2);
    const second = await pull('auto');
    expect(second.since).toBe(T1);
    expect(server.kickOffs().at(-1)!.path).toContain(`_since=${encodeURIComponent(T1)}`);
    expect(second.merge).toMatchObject({ full: false, added: 2, changed: 1, deleted: 2, counts: { Patient: 3, Observation: 3 } });

    // Another change, another incremental pull.
    resources.Observation[0] = obs('o1', 'a', at(T3, 1), 72);
    server.setTransactionTime(T3);
    const third = await pull('auto');
    expect(third.since).toBe(T2);
    expect(third.merge).toMatchObject({ changed: 1, added: 0, deleted: 0 });

    // One full pull of the EHR as it is now, into a state of its own.
    const fresh = path.join(dir, 'fresh');
    await pull(undefined, path.join(dir, 'fresh-state'), fresh);
    expect(exportFiles(out)).toEqual(exportFiles(fresh));
    expect(exportFiles(out)['Patient.ndjson']).toContain('Birch-Renamed');
    expect(exportFiles(out)['Patient.ndjson']).not.toContain('Cedar');
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { transactionTime: string; output: Array<{ type: string; count: number }> };
    expect(manifest.transactionTime).toBe(T3);
    expect(manifest.output).toEqual([
      { type: 'Observation', url: 'Observation.ndjson', count: 3 },
      { type: 'Patient', url: 'Patient.ndjson', count: 3 },
    ]);
  });

  it('runs a full refresh when the last one is older than the interval, and on demand', async () => {
    server = await startBulkServer({ resources: { Patient: [patient('a', at(T1, 5), 'Ash')] }, transactionTime: T1 });
    const dir = tempDir('state-');
    let now = Date.parse(T1);
    const run = (extra: { full?: boolean } = {}) =>
      pullIntoState({ base: server!.base, out: path.join(dir, 'export'), stateDir: path.join(dir, 'state'), since: 'auto', fullEveryMs: 86_400_000, clock: () => new Date(now), http: { sleep: async () => {} }, ...extra });
    expect((await run()).since).toBeNull();
    now += 3_600_000;
    expect((await run()).since).toBe(T1);
    expect((await run({ full: true })).since).toBeNull();
    now += 2 * 86_400_000;
    expect((await run()).since).toBeNull();
  });

  it('keeps its state encrypted: the database file does not hold the resources in the clear', async () => {
    server = await startBulkServer({ resources: { Patient: [patient('a', at(T1, 5), 'Quintessentially-Unique-Family')] }, transactionTime: T1 });
    const dir = tempDir('state-');
    await pullIntoState({ base: server.base, out: path.join(dir, 'export'), stateDir: path.join(dir, 'state'), http: { sleep: async () => {} } });
    const raw = readFileSync(path.join(dir, 'state', 'state.db'));
    expect(raw.includes(Buffer.from('Quintessentially'))).toBe(false);
    expect(raw.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\u0000');
    const state = PublisherState.open(path.join(dir, 'state'));
    expect(state.transactionTime).toBe(T1);
    state.close();
  });
});
