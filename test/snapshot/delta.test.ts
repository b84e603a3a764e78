import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { chartModel } from '../../electron/core/chart';
import { generateHospital, type GenerateSummary } from '../../electron/core/demo';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import { readState, unsealDatabaseKey } from '../../electron/core/home/layout';
import { openHome } from '../../electron/core/home/open';
import { DeltaState, publishScope, type ScopeOptions } from '../../electron/core/publisher/delta';
import { describeSnapshotFile } from '../../electron/core/publisher/pointer-file';
import { publishSnapshot } from '../../electron/core/publisher/publish';
import { runCycle, type ServiceConfig } from '../../electron/core/publisher/service';
import { readSnapshotHead } from '../../electron/core/snapshot/verify';
import { chooseDownload, verifyPointer } from '../../electron/core/snapshot/pointer';
import { certificatesFromPem } from '../../electron/core/snapshot/pki/certs';
import { openSnapshotDatabase } from '../../electron/core/store/database';
import { startInboxAgent } from '../../electron/core/sync/inbox';
import { readResources, rewriteResources } from '../e2e/support/homes';
import { runCli } from '../support/cli';
import { enrollTestHome, makeTestPki, tempDir, type TestPki } from '../support/snapshots';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

let pki: TestPki;
let work: string;

beforeAll(() => {
  work = tempDir('delta-');
  pki = makeTestPki({ workstations: 3, now: new Date(NOW.getTime() - 86_400_000), dir: path.join(work, 'pki') });
});

/** Every table of the home's database in use, row by row (rowids too); the manifest it was made from aside. */
function tablesOf(home: string): Record<string, unknown[]> {
  const current = readState(home).current!;
  const db = openSnapshotDatabase(path.join(home, current.db), unsealDatabaseKey(home, keyFileProtector(home)), current.cipher);
  try {
    const out: Record<string, unknown[]> = {};
    const schema = db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").raw().all() as Array<[string, string, string | null]>;
    out['sqlite_master'] = schema;
    for (const [type, name, sql] of schema) {
      if (type !== 'table' || sql?.startsWith('CREATE VIRTUAL')) continue;
      let rows: unknown[];
      try {
        rows = db.prepare(`SELECT rowid AS lantern_rowid, * FROM "${name}" ORDER BY rowid`).raw().all();
      } catch {
        rows = db.prepare(`SELECT * FROM "${name}"`).raw().all(); // WITHOUT ROWID: in key order
      }
      out[name] = name === 'lantern_snapshot' ? rows.filter((r) => (r as unknown[])[1] !== 'manifest') : rows;
    }
    return out;
  } finally {
    db.close();
  }
}

function expectSameDatabase(deltaHome: string, fullHome: string): void {
  const a = tablesOf(deltaHome);
  const b = tablesOf(fullHome);
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const name of Object.keys(b)) expect(a[name], `table ${name}`).toEqual(b[name]);
  // Not two empty databases: the chart tables hold the hospital.
  expect((b['patient'] ?? []).length).toBeGreaterThan(0);
  expect((b['item'] ?? []).length).toBeGreaterThan(0);
}

/** Remove a patient and everything that names them from an export (they left the hospital's extract). */
function removePatient(dir: string, id: string): void {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { output: Array<{ type: string }> };
  for (const { type } of manifest.output) {
    rewriteResources(dir, type, (list) => list.filter((r) => !(type === 'Patient' ? r['id'] === id : JSON.stringify(r).includes(`"Patient/${id}"`))));
  }
}

const newHome = (workstation: number, units: readonly string[] | null): string => {
  const home = path.join(tempDir('delta-home-'), 'home');
  enrollTestHome(home, pki, { workstation, units: units ? [...units] : null, facility: 'GH', now: NOW });
  return home;
};

describe('delta snapshots through the publisher service', () => {
  let hospital: GenerateSummary;
  let exportDir: string;
  let config: ServiceConfig;

  beforeAll(async () => {
    exportDir = path.join(work, 'export');
    hospital = await generateHospital({ outDir: exportDir, beds: 12, units: 2, days: 1, now: NOW, seed: 'delta' });
    const [a, b] = hospital.units;
    config = {
      source: { exportDir },
      stateDir: path.join(work, 'state'),
      intervalMinutes: 1,
      fullRefresh: '7d',
      facility: { id: 'GH', name: 'General Hospital' },
      publisher: { cert: pki.files.publisherCert, key: pki.files.publisherKey },
      protocols: path.join(exportDir, 'protocols'),
      expires: '7d',
      keep: 3,
      delta: { fullEvery: 100, fullAfter: '1d' },
      units: [
        { id: a!.id, name: a!.name, recipients: [pki.files.workstationCert(0)], outbox: [path.join(work, 'out', 'a')] },
        { id: b!.id, name: b!.name, recipients: [pki.files.workstationCert(1)], outbox: [path.join(work, 'out', 'b')] },
      ],
      house: { recipients: [pki.files.workstationCert(2)], outbox: [path.join(work, 'out', 'house')] },
    };
  });

  it('gives, after a chain of deltas (changes, a move between units, a patient gone, protocols changed), row for row the database of the full snapshot', async () => {
    const [a, b] = hospital.units;
    const scopes = [
      { key: a!.id, workstation: 0, units: [a!.id], folder: 'unit-001', outbox: 'a' },
      { key: b!.id, workstation: 1, units: [b!.id], folder: 'unit-002', outbox: 'b' },
      { key: 'house', workstation: 2, units: null, folder: null, outbox: 'house' },
    ] as const;
    const chain = new Map(scopes.map((s) => [s.key, newHome(s.workstation, s.units)]));
    const unitPatients = (folder: string) => {
      const dir = path.join(work, 'state', 'units', folder);
      const file = readdirSync(dir).find((f) => f.startsWith('Patient.') && f.endsWith('.ndjson'))!;
      return readResources<{ id: string }>(dir, file.replace(/\.ndjson$/, '')).map((p) => p.id);
    };

    const changes: Array<() => void> = [
      // A result corrected and a new one.
      () =>
        rewriteResources(exportDir, 'Observation', (list) => [
          ...list.map((o, i) => (i === 3 ? { ...o, valueQuantity: { value: 999, unit: 'mmHg' } } : o)),
          { ...list[0]!, id: 'obs-new-1', valueQuantity: { value: 42, unit: 'mmHg' } },
        ]),
      // A patient moves from unit A to unit B.
      () => {
        const moving = unitPatients('unit-001')[0]!;
        rewriteResources(exportDir, 'Encounter', (list) =>
          list.map((e) => ((e['subject'] as { reference: string }).reference === `Patient/${moving}` && e['status'] === 'in-progress' ? { ...e, location: [{ location: { reference: `Location/${b!.id}` }, status: 'active' }] } : e)),
        );
      },
      // A patient of unit B leaves the extract, with everything of theirs; protocols change.
      () => {
        removePatient(exportDir, unitPatients('unit-002').at(-1)!);
        const protocols = path.join(exportDir, 'protocols');
        const first = readdirSync(protocols, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
        writeFileSync(first[0]!, `${readFileSync(first[0]!, 'utf8')}\nRevised.\n`);
        unlinkSync(first[1]!);
        writeFileSync(path.join(protocols, 'new-form.md'), '# New downtime form\n\nFill in by hand.\n');
      },
    ];

    const first = await runCycle(config, { model: chartModel, clock: () => at(0) });
    expect(first.ok).toBe(true);
    for (const s of scopes) {
      expect(first.snapshots[s.key]!.kind).toBe('full');
      await ingestSnapshot(chain.get(s.key)!, path.join(work, 'out', s.outbox, first.snapshots[s.key]!.file!), { model: chartModel, clock: () => at(0) });
    }
    for (const [i, change] of changes.entries()) {
      change();
      const cycle = await runCycle(config, { model: chartModel, clock: () => at(i + 1) });
      expect(cycle.ok, JSON.stringify(cycle.snapshots)).toBe(true);
      for (const s of scopes) {
        const published = cycle.snapshots[s.key]!;
        expect(published.kind).toBe('delta');
        const file = path.join(work, 'out', s.outbox, published.file!);
        const result = await ingestSnapshot(chain.get(s.key)!, file, { model: chartModel, clock: () => at(i + 1) });
        expect(result.kind).toBe('delta');
        // The full snapshot of the same sequence, from the same export, into a home of its own.
        const full = path.join(work, `full-${s.outbox}-${cycle.sequence}.lantern`);
        await publishSnapshot({
          fhirDir: s.folder ? path.join(work, 'state', 'units', s.folder) : exportDir,
          protocolsDir: config.protocols,
          certPem: pki.publisher.certPem,
          keyPem: pki.publisher.keyPem,
          recipients: [pki.workstations[s.workstation]!.certPem],
          facility: config.facility,
          units: s.units ? [{ id: s.units[0], name: s.key === a!.id ? a!.name : b!.name }] : [],
          sequence: cycle.sequence!,
          expiresAfterMs: 7 * 86_400_000,
          out: full,
          mapper: chartModel.mapper,
          clock: () => at(i + 1),
        });
        expect(statSync(file).size).toBeLessThan(statSync(full).size / 2);
        const fresh = newHome(s.workstation, s.units);
        await ingestSnapshot(fresh, full, { model: chartModel, clock: () => at(i + 1) });
        expectSameDatabase(chain.get(s.key)!, fresh);
      }
    }
    // What the chain shows: unit A's census lost the patient who moved, and B's gained them.
    const census = (home: string) => {
      const opened = openHome(home, { model: chartModel, clock: () => at(9) });
      try {
        return opened.queries()!.census({}).beds.flatMap((bed) => (bed.patient ? [bed.patient.id] : []));
      } finally {
        opened.close();
      }
    };
    expect(census(chain.get(a!.id)!)).toHaveLength(a!.occupied - 1);
  });

  it('describes a delta for the pointer: sequence, base, file, bytes and SHA-256', async () => {
    const cycle = await runCycle(config, { model: chartModel, clock: () => at(20) });
    const file = path.join(work, 'out', 'house', cycle.snapshots['house']!.file!);
    const info = await describeSnapshotFile(file);
    expect(info).toMatchObject({ sequence: cycle.sequence, base: cycle.snapshots['house']!.base, file: path.basename(file), bytes: statSync(file).size });
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(info.base).toBeLessThan(info.sequence);
  });

  it('publishes a full snapshot every fullEvery snapshots, and keeps the deltas after the oldest full one kept', async () => {
    const every = { ...config, delta: { fullEvery: 2, fullAfter: '1d' } };
    const kinds = [];
    for (let i = 0; i < 4; i++) kinds.push((await runCycle(every, { model: chartModel, clock: () => at(30 + i) })).snapshots['house']!.kind);
    expect(kinds).toEqual(['full', 'delta', 'full', 'delta']);
    const files = readdirSync(path.join(work, 'out', 'house')).filter((f) => f.endsWith('.lantern')).sort();
    const fulls = files.filter((f) => !f.endsWith('.delta.lantern'));
    expect(fulls).toHaveLength(3);
    expect(files.filter((f) => f.endsWith('.delta.lantern')).every((f) => f > fulls[0]!)).toBe(true);
  });

  it("points the outbox's pointer at its newest full snapshot and the chain of deltas after it, which a workstation follows link by link", async () => {
    const chain = { ...config, delta: { fullEvery: 5, fullAfter: '1d' } };
    const cycles = [];
    cycles.push(await runCycle(chain, { model: chartModel, clock: () => at(40), fullRefresh: true }));
    for (let i = 1; i < 3; i++) cycles.push(await runCycle(chain, { model: chartModel, clock: () => at(40 + i) }));
    expect(cycles.map((c) => c.snapshots['house']!.kind)).toEqual(['full', 'delta', 'delta']);
    const outbox = path.join(work, 'out', 'house');
    const pointer = verifyPointer(readFileSync(path.join(outbox, 'GH-house-pointer.json')), certificatesFromPem(pki.ca.certPem), at(43));
    const [full, first, second] = cycles.map((c) => c.sequence!) as [number, number, number];
    expect(pointer.sequence).toBe(second);
    expect(pointer.full).toMatchObject({ sequence: full, file: cycles[0]!.snapshots['house']!.file, bytes: statSync(path.join(outbox, cycles[0]!.snapshots['house']!.file!)).size });
    expect(pointer.deltas?.map((d) => [d.base, d.sequence, d.file])).toEqual([
      [full, first, cycles[1]!.snapshots['house']!.file],
      [first, second, cycles[2]!.snapshots['house']!.file],
    ]);
    for (const d of pointer.deltas!) expect(d.sha256).toBe((await describeSnapshotFile(path.join(outbox, d.file))).sha256);
    expect(chooseDownload(pointer, null)?.sequence).toBe(full);
    expect(chooseDownload(pointer, full)).toMatchObject({ kind: 'delta', sequence: first });
    expect(chooseDownload(pointer, first)).toMatchObject({ kind: 'delta', sequence: second });
    expect(chooseDownload(pointer, second)).toBeNull();
  });

  it('publishes a full snapshot for a unit whose last one did not reach its outbox, so no workstation is left without its base', async () => {
    const [a, b] = hospital.units;
    const outbox = path.join(work, 'out', 'b');
    renameSync(outbox, `${outbox}.aside`);
    writeFileSync(outbox, 'not a folder');
    const failed = await runCycle(config, { model: chartModel, clock: () => at(40) });
    expect(failed.snapshots[b!.id]!.error).toBeDefined();
    expect(failed.snapshots[a!.id]!.kind).toBe('delta');
    rmSync(outbox);
    renameSync(`${outbox}.aside`, outbox);
    const next = await runCycle(config, { model: chartModel, clock: () => at(41) });
    expect(next.snapshots[b!.id]!.kind).toBe('full');
    expect(next.snapshots[a!.id]!.kind).toBe('delta');
  });
});

describe('a delta whose base is not the snapshot in use', () => {
  let exportDir: string;

  beforeAll(async () => {
    exportDir = path.join(work, 'chain-export');
    await generateHospital({ outDir: exportDir, beds: 6, units: 1, days: 1, now: NOW, seed: 'chain' });
  });

  const scopeOptions = (state: DeltaState, sequence: number, name: string, over: Partial<ScopeOptions> = {}): ScopeOptions => ({
    scope: 'house',
    state,
    policy: { fullEvery: 100, fullAfterMs: 86_400_000 },
    fullOut: path.join(work, `${name}.lantern`),
    deltaOut: path.join(work, `${name}.delta.lantern`),
    fhirDir: exportDir,
    certPem: pki.publisher.certPem,
    keyPem: pki.publisher.keyPem,
    recipients: [pki.workstations[0]!.certPem],
    facility: { id: 'GH', name: 'General Hospital' },
    units: [],
    sequence,
    expiresAfterMs: 7 * 86_400_000,
    mapper: chartModel.mapper,
    clock: () => at(sequence),
    ...over,
  });
  const touch = (value: number) => rewriteResources(exportDir, 'Observation', (list) => list.map((o, i) => (i === 0 ? { ...o, valueQuantity: { value, unit: 'mmHg' } } : o)));

  it('refuses a delta past a missing link (DELTA_BASE), keeps the snapshot in use, and takes the next full one', async () => {
    const state = DeltaState.open(path.join(work, 'chain-state'));
    try {
      const home = newHome(0, null);
      const s1 = await publishScope(scopeOptions(state, 1, 'chain-1'));
      expect(s1.kind).toBe('full');
      await ingestSnapshot(home, s1.file, { model: chartModel, clock: () => at(1) });
      touch(1);
      const s2 = await publishScope(scopeOptions(state, 2, 'chain-2'));
      expect(s2.kind).toBe('delta');
      touch(2);
      const s3 = await publishScope(scopeOptions(state, 3, 'chain-3')); // s2 never reaches the workstation
      expect(s3.manifest.delta?.base.sequence).toBe(2);
      const before = readState(home);
      await expect(ingestSnapshot(home, s3.file, { model: chartModel, clock: () => at(3) })).rejects.toThrow(/DELTA_BASE.*applies to sequence 2; the snapshot in use is sequence 1/);
      const after = readState(home);
      expect(after.current).toEqual(before.current);
      expect(after.highWater).toEqual(before.highWater);
      expect(after.lastRejection?.code).toBe('DELTA_BASE');
      expect(readdirSync(path.join(home, 'snapshots'))).toEqual([path.basename(before.current!.db)]);
      // The snapshot in use still answers.
      const opened = openHome(home, { model: chartModel, clock: () => at(3) });
      expect(opened.queries()!.census({}).beds.length).toBeGreaterThan(0);
      opened.close();
      const s4 = await publishScope(scopeOptions(state, 4, 'chain-4', { forceFull: true }));
      expect(s4.kind).toBe('full');
      const taken = await ingestSnapshot(home, s4.file, { model: chartModel, clock: () => at(4) });
      expect(taken.kind).toBe('full');
      expect(readState(home).current!.status.sequence).toBe(4);
    } finally {
      state.close();
    }
  });

  it('refuses a delta built on another snapshot of the same sequence (a forked base), then takes the delta of its own base', async () => {
    const mine = DeltaState.open(path.join(work, 'fork-a'));
    const other = DeltaState.open(path.join(work, 'fork-b'));
    try {
      const home = newHome(0, null);
      const a10 = await publishScope(scopeOptions(mine, 10, 'fork-a-10'));
      // Another publisher (a restored state, a second server) with its own snapshot 10.
      await publishScope(scopeOptions(other, 10, 'fork-b-10', { clock: () => at(11) }));
      await ingestSnapshot(home, a10.file, { model: chartModel, clock: () => at(12) });
      touch(10);
      const b11 = await publishScope(scopeOptions(other, 11, 'fork-b-11'));
      const a11 = await publishScope(scopeOptions(mine, 11, 'fork-a-11'));
      expect([a11.kind, b11.kind]).toEqual(['delta', 'delta']);
      await expect(ingestSnapshot(home, b11.file, { model: chartModel, clock: () => at(12) })).rejects.toThrow(/DELTA_BASE.*another snapshot of sequence 10/);
      expect(readState(home).current!.status.sequence).toBe(10);
      const taken = await ingestSnapshot(home, a11.file, { model: chartModel, clock: () => at(12) });
      expect(taken.kind).toBe('delta');
      expect(readState(home).current!.manifestSha256).toBe(a11.manifestSha256);
    } finally {
      mine.close();
      other.close();
    }
  });

  it('leaves the snapshot in use when a delta ingest stops before the switch, and applies the same delta afterwards', async () => {
    const state = DeltaState.open(path.join(work, 'kill-state'));
    try {
      const home = newHome(0, null);
      const s1 = await publishScope(scopeOptions(state, 20, 'kill-20'));
      await ingestSnapshot(home, s1.file, { model: chartModel, clock: () => at(20) });
      touch(20);
      const s2 = await publishScope(scopeOptions(state, 21, 'kill-21'));
      const before = readState(home);
      await expect(
        ingestSnapshot(home, s2.file, {
          model: chartModel,
          clock: () => at(21),
          onStage: (stage) => {
            if (stage === 'checked') throw new Error('stopped before the switch');
          },
        }),
      ).rejects.toThrow(/stopped/);
      expect(readState(home).current).toEqual(before.current);
      const taken = await ingestSnapshot(home, s2.file, { model: chartModel, clock: () => at(21) });
      expect(taken.kind).toBe('delta');
    } finally {
      state.close();
    }
  });

  it('is a version 3 file, which a reader of versions 1 and 2 only refuses (UNSUPPORTED_VERSION), still taking full ones', async () => {
    const state = DeltaState.open(path.join(work, 'old-reader-state'));
    try {
      const s1 = await publishScope(scopeOptions(state, 30, 'old-30'));
      touch(30);
      const s2 = await publishScope(scopeOptions(state, 31, 'old-31'));
      expect(readSnapshotHead(s1.file).version).toBe(2);
      expect(readSnapshotHead(s2.file).version).toBe(3);
      vi.resetModules();
      vi.doMock('../../electron/core/snapshot/manifest', async (original) => ({ ...(await original<object>()), READABLE_VERSIONS: [1, 2] }));
      try {
        const old = await import('../../electron/core/home/ingest');
        const home = newHome(0, null);
        await old.ingestSnapshot(home, s1.file, { model: chartModel, clock: () => at(31) });
        await expect(old.ingestSnapshot(home, s2.file, { model: chartModel, clock: () => at(31) })).rejects.toThrow(/UNSUPPORTED_VERSION/);
        expect(readState(home).current!.status.sequence).toBe(30);
        touch(31);
        const s3 = await publishScope(scopeOptions(state, 32, 'old-32', { forceFull: true }));
        await old.ingestSnapshot(home, s3.file, { model: chartModel, clock: () => at(32) });
        expect(readState(home).current!.status.sequence).toBe(32);
      } finally {
        vi.doUnmock('../../electron/core/snapshot/manifest');
        vi.resetModules();
      }
    } finally {
      state.close();
      rmSync(path.join(work, 'old-reader-state'), { recursive: true, force: true });
    }
  });

  it('lantern publish --delta-state publishes a full snapshot, then a delta of the same scope that a workstation applies', async () => {
    const stateDir = path.join(work, 'cli-delta-state');
    const publish = (sequence: number, out: string) =>
      runCli([
        'publish', '--fhir', exportDir, '--cert', pki.files.publisherCert, '--key', pki.files.publisherKey, '--recipient', pki.files.workstationCert(0),
        '--facility', 'GH=General Hospital', '--sequence', String(sequence), '--delta-state', stateDir, '--out', out,
      ]);
    const home = newHome(0, null);
    const first = await publish(40, path.join(work, 'cli-40.lantern'));
    expect(first.code, first.err).toBe(0);
    expect(first.out).not.toMatch(/a delta/);
    await ingestSnapshot(home, path.join(work, 'cli-40.lantern'), { model: chartModel, clock: () => at(40) });
    touch(40);
    const second = await publish(41, path.join(work, 'cli-41.lantern'));
    expect(second.code, second.err).toBe(0);
    expect(second.out).toMatch(/format 3\n.*a delta against sequence 40: 1 resource\(s\) carried/);
    const taken = await ingestSnapshot(home, path.join(work, 'cli-41.lantern'), { model: chartModel, clock: () => at(41) });
    expect(taken.kind).toBe('delta');
  });

  it('through an inbox: a full snapshot and its deltas dropped together are taken in sequence; past a missing link it waits for the next full one', async () => {
    const state = DeltaState.open(path.join(work, 'inbox-state'));
    const home = newHome(0, null);
    const inbox = path.join(work, 'inbox');
    mkdirSync(inbox, { recursive: true });
    const logs: string[] = [];
    const agent = startInboxAgent({ homeDir: home, inbox, model: chartModel, clock: () => at(60), stabilityMs: 100, log: (l) => logs.push(l) });
    const waitFor = async (check: () => boolean, what: string) => {
      for (const end = Date.now() + 30_000; !check(); await new Promise((r) => setTimeout(r, 50))) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; log: ${logs.join(' | ')}`);
      }
    };
    const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);
    const current = () => readState(home).current?.status.sequence;
    try {
      const published = [];
      for (let seq = 50; seq <= 52; seq++) {
        touch(seq);
        published.push(await publishScope(scopeOptions(state, seq, `inbox-${seq}`)));
      }
      expect(published.map((p) => p.kind)).toEqual(['full', 'delta', 'delta']);
      // Newest first, so the order taken is the agent's, not the copy's.
      for (const p of [...published].reverse()) copyFileSync(p.file, path.join(inbox, path.basename(p.file)));
      await waitFor(() => current() === 52, 'the chain to be taken');
      expect(list(path.join(inbox, 'processed'))).toHaveLength(3);
      expect(logs.some((l) => /sequence 52 \(a delta on 51\)/.test(l))).toBe(true);
      touch(53);
      await publishScope(scopeOptions(state, 53, 'inbox-53')); // never delivered
      touch(54);
      const s54 = await publishScope(scopeOptions(state, 54, 'inbox-54'));
      copyFileSync(s54.file, path.join(inbox, path.basename(s54.file)));
      await waitFor(() => list(path.join(inbox, 'rejected')).some((f) => f.startsWith(path.basename(s54.file))), 'the delta past the gap to be refused');
      expect(current()).toBe(52);
      const s55 = await publishScope(scopeOptions(state, 55, 'inbox-55', { forceFull: true }));
      copyFileSync(s55.file, path.join(inbox, path.basename(s55.file)));
      await waitFor(() => current() === 55, 'the next full snapshot');
    } finally {
      await agent.close();
      state.close();
    }
  });
});
