// `lantern bench --freshness`: how old a workstation's copy is, at worst, once the EHR changes.
// A generated hospital goes through the publisher service (full snapshots first); then 1% of
// its resources change in the EHR export, and the time is taken from that change to the change
// being in use on a unit's workstation: the publisher's cycle (merge, scope, publish), then the
// workstation's check of the HTTPS source (signed pointer, download, ingest, switch). Once with
// delta snapshots, once with full ones; then the same through an inbox. Numbers only.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chartModel } from '../../electron/core/chart';
import { enrollHome } from '../../electron/core/home/enroll';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import { readState } from '../../electron/core/home/layout';
import { pointerName, runCycle, type CycleReport } from '../../electron/core/publisher/service';
import { issueCertificate } from '../../electron/core/snapshot/pki/throwaway';
import { createHttpsSource } from '../../electron/core/sync/https';
import { changedExport, publisherBenchHospital } from './publisher';

export interface FreshnessRun {
  /** From the change in the EHR export to the snapshot that holds it in use on the workstation. */
  seconds: number;
  cycleSeconds: number;
  /** The workstation's part: HTTPS (pointer, download) and ingest; through the inbox, the ingest. */
  workstationSeconds: number;
  /** What the unit's workstation fetched for this change (the pointer and the snapshot). */
  bytes: number;
}

export interface FreshnessBench {
  beds: number;
  units: number;
  resources: number;
  changed: number;
  unit: { id: string; patients: number };
  https: { delta: FreshnessRun; full: FreshnessRun; unchangedCheckMs: number };
  inbox: { delta: FreshnessRun; full: FreshnessRun };
  intervalSeconds: number;
}

/** A static HTTPS server over one folder (an outbox as IIS or nginx would serve it): ETag and 304. */
async function serveFolder(dir: string, tls: { certPem: string; keyPem: string }): Promise<{ url: string; served: () => number; close: () => Promise<void> }> {
  let served = 0;
  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const name = path.basename(decodeURIComponent(new URL(req.url ?? '/', 'https://x').pathname));
    const file = path.join(dir, name);
    let stat;
    try {
      stat = statSync(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    const etag = `"${createHash('sha256').update(`${stat.size}-${stat.mtimeMs}`).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ETag: etag }).end();
      return;
    }
    const body = readFileSync(file);
    served += body.length;
    res.writeHead(200, { ETag: etag, 'Last-Modified': stat.mtime.toUTCString(), 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}`, served: () => served, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export async function runFreshnessBench(o: { beds: number; log: (line: string) => void }): Promise<FreshnessBench> {
  const bench = await publisherBenchHospital({ beds: o.beds, log: o.log, delta: { fullEvery: 1000, fullAfter: '7d' } });
  const { work, hospital, pki, config, state } = bench;
  try {
    const unit = hospital.units[0]!;
    const outbox = config.units[0]!.outbox[0]!;
    const homes = { https: path.join(work, 'home-https'), inbox: path.join(work, 'home-inbox') };
    for (const dir of Object.values(homes)) {
      const w = pki.workstations[0]!;
      enrollHome({ dir, trust: [pki.ca.certPem], certPem: w.certPem, keyPem: w.keyPem, protector: keyFileProtector(dir, { create: true }), facility: config.facility.id, units: [unit.id] });
    }
    const now = new Date();
    const tlsCa = issueCertificate({ commonName: 'Bench TLS CA', ca: true, usage: ['keyCertSign', 'cRLSign'], notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + 86_400_000) });
    const tls = issueCertificate({ commonName: '127.0.0.1', issuer: tlsCa, usage: ['digitalSignature', 'keyEncipherment'], purposes: ['1.3.6.1.5.5.7.3.1'], ipAddresses: ['127.0.0.1'], notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + 86_400_000) });
    const server = await serveFolder(outbox, tls);
    const prefix = `${config.facility.id}-${unit.id}-`.replace(/[^A-Za-z0-9_-]/g, '_');
    const source = createHttpsSource({ homeDir: homes.https, url: `${server.url}/${pointerName(prefix)}`, model: chartModel, caBundle: tlsCa.certPem });
    try {
      // `from` merged into the EHR's copy (a full export replaces it), then published (fullSnapshots: no deltas).
      const cycle = async (from: string, o: { fullExport: boolean; fullSnapshots: boolean }): Promise<{ report: CycleReport; seconds: number }> => {
        const t0 = performance.now();
        await state.apply(from, { full: o.fullExport, now: new Date(), mapper: chartModel.mapper });
        state.writeExport(bench.merged, chartModel.mapper);
        const report = await runCycle(config, { model: chartModel, fullRefresh: o.fullSnapshots });
        if (!report.ok) throw new Error(`the publisher cycle failed: ${report.error ?? 'see its report'}`);
        return { report, seconds: (performance.now() - t0) / 1000 };
      };
      const inUse = (home: string) => readState(home).current?.status.sequence ?? null;
      const newest = (report: CycleReport) => path.join(outbox, report.snapshots[unit.id]!.file!);

      o.log('first full cycle, and each workstation takes its first copy');
      const first = await cycle(bench.exportDir, { fullExport: true, fullSnapshots: true });
      await source.check();
      await ingestSnapshot(homes.inbox, newest(first.report), { model: chartModel });
      const t304 = performance.now();
      await source.check();
      const unchangedCheckMs = performance.now() - t304;

      let changedResources = 0;
      const change = async (kind: 'delta' | 'full', step: number): Promise<{ https: FreshnessRun; inbox: FreshnessRun }> => {
        const changes = path.join(work, `changes-${step}`);
        changedResources = await changedExport(bench.exportDir, changes, 0.01, new Date(Date.now() + step * 60_000).toISOString());
        o.log(`${kind}: ${changedResources} resources changed in the EHR export`);
        // The change is in the EHR export now: from here the clock runs.
        const { report, seconds: cycleSeconds } = await cycle(changes, { fullExport: false, fullSnapshots: kind === 'full' });
        if (report.snapshots[unit.id]!.kind !== kind) throw new Error(`the unit was published ${report.snapshots[unit.id]!.kind}, not ${kind}`);
        const before = server.served();
        const t0 = performance.now();
        await source.check();
        const httpsSeconds = (performance.now() - t0) / 1000;
        if (inUse(homes.https) !== report.sequence) throw new Error(`the HTTPS workstation holds ${inUse(homes.https)}, not ${report.sequence}`);
        const t1 = performance.now();
        await ingestSnapshot(homes.inbox, newest(report), { model: chartModel });
        const inboxSeconds = (performance.now() - t1) / 1000;
        if (inUse(homes.inbox) !== report.sequence) throw new Error(`the inbox workstation holds ${inUse(homes.inbox)}, not ${report.sequence}`);
        const snapshotBytes = statSync(newest(report)).size;
        return {
          https: { seconds: cycleSeconds + httpsSeconds, cycleSeconds, workstationSeconds: httpsSeconds, bytes: server.served() - before },
          inbox: { seconds: cycleSeconds + inboxSeconds, cycleSeconds, workstationSeconds: inboxSeconds, bytes: snapshotBytes },
        };
      };
      const delta = await change('delta', 1);
      const full = await change('full', 2);
      const patients = first.report.snapshots[unit.id]!.patients ?? 0;
      return {
        beds: o.beds,
        units: hospital.units.length,
        resources: hospital.resources,
        changed: changedResources,
        unit: { id: unit.id, patients },
        https: { delta: delta.https, full: full.https, unchangedCheckMs },
        inbox: { delta: delta.inbox, full: full.inbox },
        intervalSeconds: config.intervalMinutes * 60,
      };
    } finally {
      await server.close();
    }
  } finally {
    bench.close();
  }
}

export function formatFreshnessBench(r: FreshnessBench): string {
  const s = (x: number) => `${x.toFixed(1)} s`;
  const mb = (b: number) => `${(b / 1_048_576).toFixed(2)} MB`;
  const perHour = (run: FreshnessRun) => mb(run.bytes * (3600 / r.intervalSeconds));
  const row = (name: string, run: FreshnessRun, part: string) =>
    `    ${name} ${s(run.seconds)}  (publisher cycle ${s(run.cycleSeconds)}, ${part} ${s(run.workstationSeconds)}); ${mb(run.bytes)} a change, ${perHour(run)} an hour at a one-minute cycle`;
  return [
    `Freshness, ${r.beds} beds, ${r.units} units (+ house-wide), ${r.resources.toLocaleString('en-US')} resources, ${r.changed.toLocaleString('en-US')} changed (1%); unit ${r.unit.id} (${r.unit.patients} patients)`,
    `  EHR change → in use on the unit's workstation, through the HTTPS source   target ≤ 60 s, goal 10 s with a delta`,
    row('delta:', r.https.delta, 'pointer + download + ingest'),
    row('full: ', r.https.full, 'pointer + download + ingest'),
    `    a check with nothing new: ${r.https.unchangedCheckMs.toFixed(1)} ms (the pointer answers 304)`,
    `  through the inbox (the snapshot file in place)`,
    row('delta:', r.inbox.delta, 'ingest'),
    row('full: ', r.inbox.full, 'ingest'),
    `  Waiting adds at most one publisher interval and one workstation check interval (${r.intervalSeconds} s each here, the check moved by up to a fifth at random).`,
  ].join('\n');
}
