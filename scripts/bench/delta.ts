// `lantern bench --delta`: full against delta snapshots on a generated hospital. The publisher
// service publishes every unit and house-wide, full; then 1% of the resources change (an
// incremental export merged into the publisher state) and it publishes deltas. Prints the bytes
// of each kind and what a workstation of the house-wide scope spends taking each. Numbers only.
import { statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chartModel } from '../../electron/core/chart';
import { enrollHome } from '../../electron/core/home/enroll';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { PUBLISH_DEFAULTS } from '../../electron/core/publisher/defaults';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import { readState } from '../../electron/core/home/layout';
import { runCycle, type CycleReport } from '../../electron/core/publisher/service';
import { changedExport, publisherBenchHospital } from './publisher';

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
  const { work, exportDir, merged, hospital, pki, config, state, close } = await publisherBenchHospital({ ...o, delta: { fullEvery: PUBLISH_DEFAULTS.fullEvery, fullAfter: PUBLISH_DEFAULTS.fullAfter } });
  try {
    const now = new Date();
    const home = path.join(work, 'home');
    const w = pki.workstations[hospital.units.length]!;
    enrollHome({ dir: home, trust: [pki.ca.certPem], certPem: w.certPem, keyPem: w.keyPem, protector: keyFileProtector(home, { create: true }), facility: 'BENCH', units: null });
    const cycle = async (from: string, full: boolean, kind: 'full' | 'delta') => {
      await state.apply(from, { full, now: new Date(), mapper: chartModel.mapper });
      state.writeExport(merged, chartModel.mapper);
      const report: CycleReport = await runCycle(config, { model: chartModel });
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
    return { beds: o.beds, units: hospital.units.length, resources: hospital.resources, changed, full, delta };
  } finally {
    close();
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
