// `lantern bench --publisher`: the publisher service's cycle on a generated hospital: merge
// the export into the publisher state, write the merged export, scope it per unit, publish
// every unit's snapshot and the house-wide one into outboxes; then the same after 1% of the
// resources changed (an incremental export). Prints numbers only.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ndjsonLines } from '../../electron/core/files/folders';
import { chartModel } from '../../electron/core/chart';
import { generateHospital } from '../../electron/core/demo';
import { PublisherState } from '../../electron/core/publisher/pull/state';
import { runCycle, type CycleReport, type ServiceConfig } from '../../electron/core/publisher/service';
import { makeThrowawayPki, writeThrowawayPki } from '../../electron/core/snapshot/pki/throwaway';
import { BEDS_PER_UNIT } from './run';

export interface PublisherBench {
  beds: number;
  units: number;
  resources: number;
  /** cpuSeconds: the process's CPU time over the cycle, every thread (gzip runs on libuv's): what a busy machine does not inflate as it does the wall time. */
  full: { seconds: number; cpuSeconds: number; mergeSeconds: number; cycle: CycleReport['durationsMs'] };
  changed: { resources: number; seconds: number; cpuSeconds: number; mergeSeconds: number; cycle: CycleReport['durationsMs'] };
}

/** An incremental export holding `fraction` of the export's resources, each changed (newer meta.lastUpdated). */
export async function changedExport(exportDir: string, outDir: string, fraction: number, at: string): Promise<number> {
  const manifest = JSON.parse(readFileSync(path.join(exportDir, 'manifest.json'), 'utf8')) as { output: Array<{ type: string; url: string }> };
  mkdirSync(outDir, { recursive: true });
  const output: Array<{ type: string; url: string; count: number }> = [];
  let n = 0;
  let i = 0;
  const every = Math.round(1 / fraction);
  for (const f of manifest.output) {
    const lines: string[] = [];
    for await (const line of ndjsonLines(path.join(exportDir, f.url))) {
      if (i++ % every !== 0) continue;
      const r = JSON.parse(line) as { meta?: Record<string, unknown> };
      r.meta = { ...r.meta, lastUpdated: at };
      lines.push(JSON.stringify(r));
    }
    if (!lines.length) continue;
    const name = `${f.type}.changed.ndjson`;
    writeFileSync(path.join(outDir, name), `${lines.join('\n')}\n`);
    output.push({ type: f.type, url: name, count: lines.length });
    n += lines.length;
  }
  writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify({ transactionTime: at, request: '', requiresAccessToken: false, output, deleted: [], error: [] }));
  return n;
}

/** The generated hospital the publisher benches share: its export, throwaway PKI, the service's config and state. */
export interface PublisherBenchHospital {
  work: string;
  exportDir: string;
  /** The merged export the service publishes from (the state writes it). */
  merged: string;
  hospital: Awaited<ReturnType<typeof generateHospital>>;
  pki: ReturnType<typeof makeThrowawayPki>;
  config: ServiceConfig;
  state: PublisherState;
  close(): void;
}

export async function publisherBenchHospital(o: { beds: number; log: (line: string) => void; delta?: ServiceConfig['delta'] }): Promise<PublisherBenchHospital> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-publisher-'));
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
    ...(o.delta ? { delta: o.delta } : {}),
    units: hospital.units.map((u, i) => ({ id: u.id, name: u.name, recipients: [cert(i)], outbox: [path.join(work, 'out', `u${i}`)] })),
    house: { recipients: [cert(hospital.units.length)], outbox: [path.join(work, 'out', 'house')] },
  };
  const state = PublisherState.open(path.join(work, 'state'));
  return {
    work, exportDir, merged, hospital, pki, config, state,
    close: () => {
      state.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export async function runPublisherBench(o: { beds: number; log: (line: string) => void }): Promise<PublisherBench> {
  const { exportDir, merged, hospital, config, state, work, close } = await publisherBenchHospital(o);
  try {
    const now = new Date();
    const cycle = async (from: string, full: boolean) => {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await state.apply(from, { full, now: new Date(), mapper: chartModel.mapper });
      state.writeExport(merged, chartModel.mapper);
      const mergeSeconds = (performance.now() - t0) / 1000;
      const report = await runCycle(config, { model: chartModel });
      if (!report.ok) throw new Error(`the publisher cycle failed: ${report.error ?? 'see its report'}`);
      const cpu = process.cpuUsage(cpu0);
      return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, mergeSeconds, cycle: report.durationsMs };
    };
    o.log('full cycle (merge, scope, publish every unit and house-wide)');
    const full = await cycle(exportDir, true);
    const changes = path.join(work, 'changes');
    const changedResources = await changedExport(exportDir, changes, 0.01, new Date(now.getTime() + 60_000).toISOString());
    o.log(`cycle with ${changedResources} resources changed`);
    const changed = await cycle(changes, false);
    return { beds: o.beds, units: hospital.units.length, resources: hospital.resources, full, changed: { resources: changedResources, ...changed } };
  } finally {
    close();
  }
}

export function formatPublisherBench(r: PublisherBench): string {
  const s = (x: number) => `${x.toFixed(1)} s`;
  const ms = (x: number | undefined) => s((x ?? 0) / 1000);
  return [
    `Publisher cycle, ${r.beds} beds, ${r.units} units (+ house-wide), ${r.resources.toLocaleString('en-US')} resources`,
    `  full:       ${s(r.full.seconds)}  (CPU ${s(r.full.cpuSeconds)}; merge ${s(r.full.mergeSeconds)}, scope ${ms(r.full.cycle['scope'])}, publish ${ms(r.full.cycle['publish'])})   target < 30 s`,
    `  1% changed: ${s(r.changed.seconds)}  (CPU ${s(r.changed.cpuSeconds)}; ${r.changed.resources.toLocaleString('en-US')} resources; merge ${s(r.changed.mergeSeconds)}, scope ${ms(r.changed.cycle['scope'])}, publish ${ms(r.changed.cycle['publish'])})   target < 10 s`,
  ].join('\n');
}
