import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ApiContext } from '../../../electron/core/api/handlers';
import { generateHospital, type GenerateSummary } from '../../../electron/core/demo';
import { createExpiryGate } from '../../../electron/core/home/expiry';
import type { ExpiredCharts } from '../../../electron/shared/contract';
import { openHome } from '../../../electron/core/home/open';
import { ingestSnapshot } from '../../../electron/core/home/ingest';
import { SYNTHEA_DIR } from '../../support/fixtures';
import { buildSnapshot, enrollTestHome, makeTestPki, tempDir } from '../../support/snapshots';
import { chartModel } from '../../../electron/core/chart';

/**
 * Real workstation homes for the end-to-end specs: an export (the generator's synthetic
 * hospital, or the shared Synthea fixture read in place), published into a signed, encrypted
 * snapshot, ingested into an enrolled home and opened exactly as the app opens it.
 */
export interface E2eHome {
  context: ApiContext;
  /** The home folder (state.json, snapshots/). */
  dir: string;
  asOf: Date;
  units: Array<{ id: string; name: string }>;
  close(): void;
}

interface HomeOptions {
  fhirDir: string;
  protocolsDir?: string;
  units: Array<{ id: string; name: string }>;
  asOf: Date;
  /** The clock the home's queries and the API see. */
  clock: () => Date;
  work: string;
  expiresAfterMs?: number;
  /** How many snapshots of the export to ingest, sequence 1..n (default 1), all kept. */
  snapshots?: number;
  /** When the snapshots were published and ingested (default: now, on the home's clock). */
  takenAt?: Date;
  /** What the charts of an expired copy do, as the managed policy says (default: behind an acknowledgement). */
  expiredCharts?: ExpiredCharts;
}

async function homeFrom(o: HomeOptions): Promise<E2eHome> {
  const now = o.takenAt ?? o.clock();
  const pki = makeTestPki({ now: new Date(now.getTime() - 86_400_000), dir: path.join(o.work, 'pki') });
  const homeDir = path.join(o.work, 'home');
  const count = o.snapshots ?? 1;
  enrollTestHome(homeDir, pki, { units: o.units.map((u) => u.id), now, keepSnapshots: Math.max(2, count) });
  for (let sequence = 1; sequence <= count; sequence++) {
    const file = path.join(o.work, `snapshot-${sequence}.lantern`);
    await buildSnapshot({
      pki,
      out: file,
      fhirDir: o.fhirDir,
      protocolsDir: o.protocolsDir,
      sequence,
      units: o.units.map((u) => u.id),
      asOf: o.asOf,
      expiresAfterMs: o.expiresAfterMs ?? 3 * 86_400_000,
      now,
    });
    await ingestSnapshot(homeDir, file, { model: chartModel, clock: o.takenAt ? () => now : o.clock });
  }
  const home = openHome(homeDir, { model: chartModel, clock: o.clock });
  return {
    dir: homeDir,
    asOf: o.asOf,
    units: o.units,
    context: {
      shell: 'preview',
      version: 'e2e',
      clock: o.clock,
      status: () => home.status(),
      queries: () => home.queries(),
      expiry: createExpiryGate({ policy: o.expiredCharts, homeDir }),
    },
    close: () => {
      home.close();
      rmSync(o.work, { recursive: true, force: true });
    },
  };
}

/** A note whose text is markup meant to run, as the EHR might send it, and the patient it is for. */
export const HOSTILE_TEXT =
  'Wound care done. <script>window.__lanternPwned = "script"</script>' +
  '<img src="x" onerror="window.__lanternPwned = \'img\'"> Dressing dry and intact.';

/** Add two hostile notes (plain text and HTML) for the export's first patient; returns that patient's id. */
function addHostileNotes(fhirDir: string): string {
  const first = JSON.parse(readFileSync(path.join(fhirDir, 'Patient.ndjson'), 'utf8').split('\n')[0]!) as { id: string };
  const note = (id: string, contentType: string, text: string, hoursAgo: number) =>
    JSON.stringify({
      resourceType: 'DocumentReference',
      id,
      status: 'current',
      docStatus: 'final',
      type: { coding: [{ system: 'http://loinc.org', code: '34746-8', display: 'Nurse note' }], text: 'Nurse note' },
      subject: { reference: `Patient/${first.id}` },
      date: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(),
      content: [{ attachment: { contentType, data: Buffer.from(text).toString('base64') } }],
    });
  appendFileSync(
    path.join(fhirDir, 'DocumentReference.ndjson'),
    `${note('e2e-hostile-text', 'text/plain', HOSTILE_TEXT, 0.5)}\n${note('e2e-hostile-html', 'text/html', `<div>${HOSTILE_TEXT}</div>`, 0.6)}\n`,
  );
  const manifestFile = path.join(fhirDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { output: Array<{ type: string; count?: number }> };
  for (const o of manifest.output) if (o.type === 'DocumentReference' && typeof o.count === 'number') o.count += 2;
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  return first.id;
}

/**
 * The generator's hospital (units, beds, MAR, vitals, labs, notes, protocols) as of 40 minutes
 * ago, or as of `expired.ageMs` ago in a copy that expired after `expired.afterMs` (taken an
 * hour after its data-as-of time, under the policy `expired.charts`).
 */
export async function generatedHome(
  options: {
    beds?: number;
    units?: number;
    snapshots?: number;
    edit?: (fhirDir: string) => void;
    expired?: { ageMs: number; afterMs: number; charts?: ExpiredCharts };
  } = {},
): Promise<E2eHome & { summary: GenerateSummary; hostilePatientId: string }> {
  const work = tempDir('lantern-e2e-');
  const asOf = new Date(Math.floor((Date.now() - (options.expired?.ageMs ?? 40 * 60_000)) / 60_000) * 60_000);
  const fhirDir = path.join(work, 'export');
  const summary = await generateHospital({ outDir: fhirDir, beds: options.beds ?? 16, units: options.units ?? 2, days: 3, seed: 'e2e', now: asOf });
  const hostilePatientId = addHostileNotes(fhirDir);
  options.edit?.(fhirDir);
  const home = await homeFrom({
    fhirDir,
    protocolsDir: path.join(fhirDir, 'protocols'),
    units: summary.units.map((u) => ({ id: u.id, name: u.name })),
    asOf,
    clock: () => new Date(),
    work,
    snapshots: options.snapshots,
    ...(options.expired
      ? { expiresAfterMs: options.expired.afterMs, takenAt: new Date(asOf.getTime() + 3_600_000), expiredCharts: options.expired.charts }
      : {}),
  });
  return { ...home, summary, hostilePatientId };
}

/** The shared Synthea export (read where it lies, never copied), as if extracted 40 minutes ago. */
export async function syntheaHome(): Promise<E2eHome> {
  const work = tempDir('lantern-e2e-synthea-');
  const asOf = new Date(Math.floor((Date.now() - 40 * 60_000) / 60_000) * 60_000);
  return homeFrom({ fhirDir: SYNTHEA_DIR, units: [{ id: '4W', name: 'Unit 4W' }], asOf, clock: () => new Date(), work });
}
