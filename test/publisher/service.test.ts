import { createHash, X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartModel } from '../../electron/core/chart';
import { generateHospital, type GenerateSummary } from '../../electron/core/demo';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { openHome } from '../../electron/core/home/open';
import { readServiceConfig, runCycle, type ServiceConfig } from '../../electron/core/publisher/service';
import { verifyPointer } from '../../electron/core/snapshot/pointer';
import { readResources, rewriteResources } from '../e2e/support/homes';
import { runCli } from '../support/cli';
import { startBulkServer } from '../support/bulk-server';
import { enrollTestHome, makeTestPki, tempDir, type TestPki } from '../support/snapshots';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const clock = () => NOW;

let pki: TestPki;
let hospital: GenerateSummary;
let work: string;
let exportDir: string;

beforeAll(async () => {
  work = tempDir('publisher-service-');
  pki = makeTestPki({ workstations: 3, now: new Date(NOW.getTime() - 86_400_000), dir: path.join(work, 'pki') });
  exportDir = path.join(work, 'export');
  hospital = await generateHospital({ outDir: exportDir, beds: 12, units: 2, days: 1, now: NOW, seed: 'scope' });
});

function config(over: Partial<ServiceConfig> = {}): ServiceConfig {
  const [a, b] = hospital.units;
  return {
    source: { exportDir },
    stateDir: path.join(work, 'state'),
    intervalMinutes: 5,
    fullRefresh: '7d',
    facility: { id: 'GH', name: 'General Hospital' },
    publisher: { cert: pki.files.publisherCert, key: pki.files.publisherKey },
    expires: '7d',
    keep: 2,
    units: [
      { id: a!.id, name: a!.name, recipients: [pki.files.workstationCert(0)], outbox: [path.join(work, 'out', 'a')] },
      { id: b!.id, name: b!.name, recipients: [pki.files.workstationCert(1)], outbox: [path.join(work, 'out', 'b')] },
    ],
    house: { recipients: [pki.files.workstationCert(2)], outbox: [path.join(work, 'out', 'house')] },
    ...over,
  };
}

/** The patient ids in a unit's export folder as the publisher scoped it. */
const unitPatients = (folder: string): string[] => {
  const dir = path.join(work, 'state', 'units', folder);
  return readdirSync(dir)
    .filter((f) => f.startsWith('Patient.') && f.endsWith('.ndjson'))
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id));
};

const latest = (dir: string) => path.join(dir, readdirSync(dir).filter((f) => f.endsWith('.lantern')).sort().at(-1)!);

/** The patients (ids) a workstation of a unit sees after ingesting the snapshot in its outbox. */
async function patientsSeen(file: string, workstation: number, unit: string | null): Promise<string[]> {
  const home = path.join(tempDir('ws-'), 'home');
  enrollTestHome(home, pki, { workstation, units: unit ? [unit] : null, facility: 'GH', now: NOW });
  await ingestSnapshot(home, file, { model: chartModel, clock });
  const opened = openHome(home, { model: chartModel, clock });
  try {
    const queries = opened.queries();
    if (!queries) throw new Error("the home opened with no snapshot");
    const census = queries.census({});
    return census.beds.flatMap((b) => (b.patient ? [b.patient.id] : [])).sort();
  } finally {
    opened.close();
  }
}

describe('lantern publisher run: one snapshot per unit, and house-wide', () => {
  it('gives each unit only its own patients, readable only by its workstations; the house-wide snapshot holds all', async () => {
    const report = await runCycle(config(), { model: chartModel, clock });
    expect(report.ok).toBe(true);
    const [a, b] = hospital.units;
    expect(report.snapshots[a!.id]!.patients).toBe(a!.occupied);
    expect(report.snapshots[b!.id]!.patients).toBe(b!.occupied);
    expect(report.snapshots['house']!.patients).toBe(hospital.patients);
    const onA = await patientsSeen(latest(path.join(work, 'out', 'a')), 0, a!.id);
    const onB = await patientsSeen(latest(path.join(work, 'out', 'b')), 1, b!.id);
    expect(onA).toHaveLength(a!.occupied);
    expect(onB).toHaveLength(b!.occupied);
    expect(onA.filter((id) => onB.includes(id))).toEqual([]);
    const house = await patientsSeen(latest(path.join(work, 'out', 'house')), 2, null);
    expect(house).toEqual([...onA, ...onB].sort());
    // A workstation of unit B cannot open unit A's snapshot, even enrolled for unit A's scope.
    await expect(patientsSeen(latest(path.join(work, 'out', 'a')), 1, a!.id)).rejects.toThrow(/NOT_RECIPIENT/);
  });

  it('moves a patient to the new unit at the next run, with sequence numbers that only go up, keeping the last K', async () => {
    const [a, b] = hospital.units;
    const first = await runCycle(config(), { model: chartModel, clock });
    const before = unitPatients('unit-001');
    const moving = before[0]!;
    // The patient's active encounter now points at unit B itself (no bed given).
    rewriteResources(exportDir, 'Encounter', (list) =>
      list.map((e) => ((e['subject'] as { reference: string }).reference === `Patient/${moving}` && e['status'] === 'in-progress' ? { ...e, location: [{ location: { reference: `Location/${b!.id}` }, status: 'active' }] } : e)),
    );
    const second = await runCycle(config(), { model: chartModel, clock: () => new Date(NOW.getTime() + 60_000) });
    expect(second.ok).toBe(true);
    expect(second.sequence).toBeGreaterThan(first.sequence!);
    expect(unitPatients('unit-001')).not.toContain(moving);
    expect(unitPatients('unit-002')).toContain(moving);
    expect(second.snapshots[a!.id]!.patients).toBe(a!.occupied - 1);
    await runCycle(config(), { model: chartModel, clock: () => new Date(NOW.getTime() + 120_000) });
    expect(readdirSync(path.join(work, 'out', 'a')).filter((f) => f.endsWith('.lantern'))).toHaveLength(2);
  });

  it('points each outbox\'s signed pointer at its newest snapshot, by size and SHA-256', async () => {
    const [a] = hospital.units;
    const outbox = path.join(work, 'out', 'a');
    const file = latest(outbox);
    const pointer = verifyPointer(readFileSync(path.join(outbox, `GH-${a!.id}-pointer.json`)), [new X509Certificate(pki.ca.certPem)], new Date(NOW.getTime() + 180_000));
    expect(pointer).toMatchObject({ facility: { id: 'GH' }, units: [a!.id], full: { file: path.basename(file), bytes: statSync(file).size, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') } });
    expect(pointer.sequence).toBe(pointer.full.sequence);
    expect(readdirSync(path.join(work, 'out', 'house'))).toContain('GH-house-pointer.json');
  });

  it('one unit failing does not stop the others; its last good snapshot stays; the health file says so without PHI', async () => {
    const [a] = hospital.units;
    const good = readdirSync(path.join(work, 'out', 'b')).sort();
    const broken = config();
    broken.units[1] = { ...broken.units[1]!, recipients: [path.join(work, 'no-such-cert.pem')] };
    const report = await runCycle(broken, { model: chartModel, clock: () => new Date(NOW.getTime() + 180_000) });
    expect(report.ok).toBe(false);
    expect(report.snapshots[a!.id]!.error).toBeUndefined();
    expect(report.snapshots[broken.units[1]!.id]!.error).toMatch(/no-such-cert\.pem does not exist/);
    expect(readdirSync(path.join(work, 'out', 'b')).sort()).toEqual(good);
    const health = readFileSync(path.join(work, 'state', 'health.json'), 'utf8');
    expect(JSON.parse(health)).toMatchObject({ lastError: { message: expect.stringMatching(/1 snapshot\(s\) failed/) } });
    for (const p of readResources<{ name?: Array<{ family?: string }> }>(exportDir, 'Patient')) {
      const family = p.name?.[0]?.family;
      if (family) expect(health).not.toContain(family);
    }
  });

  it('lantern publisher run --once --json: one cycle, its report, exit 0; a bad config exits 1 naming the key', async () => {
    const file = path.join(work, 'service.json');
    writeFileSync(file, JSON.stringify({ ...config(), stateDir: path.join(work, 'cli-state') }));
    const run = await runCli(['publisher', 'run', '--config', file, '--once', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out) as { ok: boolean; snapshots: Record<string, { patients: number }> };
    expect(report.ok).toBe(true);
    expect(report.snapshots['house']!.patients).toBe(hospital.patients);
    writeFileSync(file, JSON.stringify({ ...config(), keep: 0 }));
    const bad = await runCli(['publisher', 'run', '--config', file, '--once']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/keep must be at least 1\./);
  });

  it('pulls from a Bulk Data source: a full pull first, then only what changed, and a full one on demand', async () => {
    const manifest = JSON.parse(readFileSync(path.join(exportDir, 'manifest.json'), 'utf8')) as { output: Array<{ type: string }> };
    const resources = Object.fromEntries([...new Set(manifest.output.map((o) => o.type))].map((t) => [t, readResources<object>(exportDir, t)]));
    const server = await startBulkServer({ resources, transactionTime: NOW.toISOString() });
    try {
      const c = config({ source: { base: server.base }, stateDir: path.join(work, 'bulk-state') });
      const sleep = async () => {};
      const first = await runCycle(c, { model: chartModel, clock, http: { sleep } });
      expect(first.ok).toBe(true);
      expect(first.snapshots['house']!.patients).toBe(hospital.patients);
      await runCycle(c, { model: chartModel, clock, http: { sleep } });
      await runCycle(c, { model: chartModel, clock, http: { sleep }, fullRefresh: true });
      const asked = server.kickOffs().map((k) => new URL(k.path, server.base).searchParams.get('_since'));
      expect(asked).toEqual([null, NOW.toISOString(), null]);
      expect(server.deletedJobs()).toHaveLength(3);
    } finally {
      await server.stop();
    }
  });

  it('reads the units and recipients from a topology file, its paths relative to it', () => {
    const dir = path.join(work, 'etc');
    mkdirSync(path.join(dir, 'certs'), { recursive: true });
    copyFileSync(pki.files.workstationCert(0), path.join(dir, 'certs', 'ws-a.pem'));
    const [a] = hospital.units;
    const { units: _units, house: _house, ...rest } = config();
    writeFileSync(path.join(dir, 'topology.json'), JSON.stringify({ units: [{ id: a!.id, name: a!.name, recipients: ['certs/'], outbox: ['../out/topo-a'] }], house: { recipients: ['certs/ws-a.pem'], outbox: ['../out/topo-house'] } }));
    writeFileSync(path.join(dir, 'service.json'), JSON.stringify({ ...rest, topology: 'topology.json' }));
    const c = readServiceConfig(path.join(dir, 'service.json'));
    expect(c.units).toEqual([{ id: a!.id, name: a!.name, recipients: [path.join(dir, 'certs')], outbox: [path.join(work, 'out', 'topo-a')] }]);
    expect(c.house.recipients).toEqual([path.join(dir, 'certs', 'ws-a.pem')]);
    writeFileSync(path.join(dir, 'topology.json'), JSON.stringify({ units: [{ id: a!.id, name: a!.name, recipients: ['certs/'], outbox: ['x'], colour: 'red' }], house: { recipients: ['c'], outbox: ['o'] } }));
    expect(() => readServiceConfig(path.join(dir, 'service.json'))).toThrow(/units\.0\.colour is not a setting Lantern knows/);
  });

  it('names every wrong key of its configuration in a sentence', () => {
    const file = path.join(work, 'bad.json');
    writeFileSync(file, JSON.stringify({ source: { exportDir: '/x' }, stateDir: '/y', intervalMinutes: 'often', facilty: {}, units: [], house: { recipients: [], outbox: ['/z'] } }));
    let message = '';
    try {
      readServiceConfig(file);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/facilty is not a setting Lantern knows/);
    expect(message).toMatch(/intervalMinutes must be a number \(it is a string\)/);
    expect(message).toMatch(/facility is required/);
    expect(message).toMatch(/publisher is required/);
    expect(message).toMatch(/units must list at least 1\./);
    expect(message).toMatch(/house.recipients must list at least 1\./);
  });
});
