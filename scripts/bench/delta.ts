// `lantern bench --delta`: full against delta snapshots on a generated hospital. The publisher
// service publishes every unit and house-wide, full; then 1% of the resources change (an
// incremental export merged into the publisher state) and it publishes deltas. Prints the bytes
// of each kind and what a workstation of the house-wide scope spends taking each. Numbers only.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chartModel } from '../../electron/core/chart';
import { generateHospital } from '../../electron/core/demo';
import { enrollHome } from '../../electron/core/home/enroll';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import { readState } from '../../electron/core/home/layout';
import { PublisherState } from '../../electron/core/publisher/pull/state';
import { runCycle, type CycleReport, type ServiceConfig } from '../../electron/core/publisher/service';
import { makeThrowawayPki, writeThrowawayPki } from '../../electron/core/snapshot/pki/throwaway';
import { changedExport } from './publisher';
import { BEDS_PER_UNIT } from './run';

export interface DeltaBench {
  beds: number;
  units: number;
  resources: number;
  changed: number;
  /** Bytes of the house-wide snapshot, and of all unit snapshots together. */
  full: { house: number; units: number; publishSeconds: number; ingestSeconds: number; databaseBytes: number };
  delta: { house: number; units: number; publishSeconds: number; ingestSeconds: number; databaseBytes: number };
}

export async function runDeltaBench(o: { beds: number; log: (line: string) => void }): Promise<DeltaBench> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-delta-'));
  try {
    const now = new Date();
    const units = Math.max(1, Math.round(o.beds / BEDS_PER_UNIT));
    o.log(`generating ${o.beds} beds in ${units} units`);
    const exportDir = path.join(work, 'ehr-export');
    const hospital = await generateHospital({ outDir: exportDir, beds: o.beds, units, now: new Date(now.getTime() - 60_000), seed: 'bench' });
    const pki = makeThrowawayPki({ workstations: hospital.units.length + 1, now });
    const pkiDir = path.join(work, 'pki');
    writeThrowawayPki(pkiDir, pki);
    const cert = (i: number) => path.join(pkiDir, `workstation-${i + 1}.pem`);
    const merged = path.join(work, 'merged');
    const config: ServiceConfig = {
      source: { exportDir: merged },
      stateDir: path.join(work, 'service'),
      intervalMinutes: 1,
      fullRefresh: '7d',
      facility: { id: 'BENCH', name: 'Bench Hospital' },
      publisher: { cert: path.join(pkiDir, 'publisher.pem'), key: path.join(pkiDir, 'publisher.key') },
      expires: '7d',
      keep: 2,
      delta: { fullEvery: 12, fullAfter: '1d' },
      units: hospital.units.map((u, i) => ({ id: u.id, name: u.name, recipients: [cert(i)], outbox: [path.join(work, 'out', `u${i}`)] })),
      house: { recipients: [cert(hospital.units.length)], outbox: [path.join(work, 'out', 'house')] },
    };
    const home = path.join(work, 'home');
    const w = pki.workstations[hospital.units.length]!;
    enrollHome({ dir: home, trust: [pki.ca.certPem], certPem: w.certPem, keyPem: w.keyPem, protector: keyFileProtector(home, { create: true }), facility: 'BENCH', units: null });
    const state = PublisherState.open(path.join(work, 'state'));
    const cycle = async (from: string, full: boolean, kind: 'full' | 'delta') => {
      await state.apply(from, { full, now: new Date() });
      state.writeExport(merged);
      const report: CycleReport = await runCycle(config);
      if (!report.ok) throw new Error(`the publisher cycle failed: ${report.error ?? 'see its report'}`);
      const bytes = (key: string, dir: string) => {
        const s = report.snapshots[key]!;
        if (s.kind !== kind) throw new Error(`${key} was published ${s.kind}, not ${kind}`);
        return statSync(path.join(dir, s.file!)).size;
      };
      const house = bytes('house', path.join(work, 'out', 'house'));
      const unitBytes = hospital.units.reduce((n, u, i) => n + bytes(u.id, path.join(work, 'out', `u${i}`)), 0);
      o.log(`ingesting the house-wide ${kind} snapshot`);
      const t0 = performance.now();
      await ingestSnapshot(home, path.join(work, 'out', 'house', report.snapshots['house']!.file!), { model: chartModel });
      const ingestSeconds = (performance.now() - t0) / 1000;
      const databaseBytes = statSync(path.join(home, readState(home).current!.db)).size;
      return { house, units: unitBytes, publishSeconds: (report.durationsMs['publish'] ?? 0) / 1000, ingestSeconds, databaseBytes };
    };
    o.log('full cycle');
    const full = await cycle(exportDir, true, 'full');
    const changes = path.join(work, 'changes');
    const changed = await changedExport(exportDir, changes, 0.01, new Date(now.getTime() + 60_000).toISOString());
    o.log(`delta cycle with ${changed} resources changed`);
    const delta = await cycle(changes, false, 'delta');
    state.close();
    return { beds: o.beds, units: hospital.units.length, resources: hospital.resources, changed, full, delta };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function formatDeltaBench(r: DeltaBench): string {
  const mb = (b: number) => `${(b / 1_048_576).toFixed(2)} MB`;
  const s = (x: number) => `${x.toFixed(1)} s`;
  const row = (name: string, k: DeltaBench['full']) =>
    `  ${name} house-wide ${mb(k.house)}, all units ${mb(k.units)}; publish ${s(k.publishSeconds)}; house-wide ingest ${s(k.ingestSeconds)} (database ${mb(k.databaseBytes)})`;
  return [
    `Delta snapshots, ${r.beds} beds, ${r.units} units (+ house-wide), ${r.resources.toLocaleString('en-US')} resources, ${r.changed.toLocaleString('en-US')} changed (1%)`,
    row('full: ', r.full),
    row('delta:', r.delta),
    `  delta / full: house-wide ${((100 * r.delta.house) / r.full.house).toFixed(1)}%, units ${((100 * r.delta.units) / r.full.units).toFixed(1)}%`,
  ].join('\n');
}
