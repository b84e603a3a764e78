import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  /** The export the snapshots were published from (read it back for what a spec expects). */
  fhirDir: string;
  asOf: Date;
  units: Array<{ id: string; name: string }>;
  /**
   * Publish another export for this home (same publisher, same units) as the next sequence
   * and ingest it; a refusal is returned, not thrown, and recorded by the home as usual.
   */
  ingestNext(fhirDir: string): Promise<{ file: string; sequence: number; refusal: Error | null }>;
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
  /** How many snapshots of the export to ingest, sequence 1..n (default 1, 0: an enrolled home with none), all kept. */
  snapshots?: number;
  /** Enrolled as a demo home (DEMO on every screen and page). */
  demo?: boolean;
  /** When the snapshots were published and ingested (default: the clock's now); earlier, to make an expired copy. */
  ingestedAt?: Date;
  /** What the charts of an expired copy do, as the managed policy says (default: behind an acknowledgement). */
  expiredCharts?: ExpiredCharts;
}

async function homeFrom(o: HomeOptions): Promise<E2eHome> {
  const ingestClock = o.ingestedAt ? () => o.ingestedAt! : o.clock;
  const now = ingestClock();
  const pki = makeTestPki({ now: new Date(now.getTime() - 86_400_000), dir: path.join(o.work, 'pki') });
  const homeDir = path.join(o.work, 'home');
  const count = o.snapshots ?? 1;
  enrollTestHome(homeDir, pki, { units: o.units.map((u) => u.id), now, keepSnapshots: Math.max(2, count), demo: o.demo });
  let sequence = 0;
  const publishNext = async (fhirDir: string, protocolsDir: string | undefined) => {
    sequence++;
    const file = path.join(o.work, `snapshot-${sequence}.lantern`);
    await buildSnapshot({
      pki,
      out: file,
      fhirDir,
      protocolsDir,
      sequence,
      units: o.units.map((u) => u.id),
      asOf: o.asOf,
      expiresAfterMs: o.expiresAfterMs ?? 3 * 86_400_000,
      now: ingestClock(),
    });
    return file;
  };
  for (let n = 1; n <= count; n++) {
    await ingestSnapshot(homeDir, await publishNext(o.fhirDir, o.protocolsDir), { model: chartModel, clock: ingestClock });
  }
  const home = openHome(homeDir, { model: chartModel, clock: o.clock });
  return {
    dir: homeDir,
    fhirDir: o.fhirDir,
    asOf: o.asOf,
    units: o.units,
    ingestNext: async (fhirDir) => {
      const file = await publishNext(fhirDir, path.join(fhirDir, 'protocols'));
      try {
        await ingestSnapshot(homeDir, file, { model: chartModel, clock: ingestClock });
        return { file, sequence, refusal: null };
      } catch (error) {
        return { file, sequence, refusal: error as Error };
      }
    },
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

/** The resources of one type in an export, parsed. */
export function readResources<T = Record<string, unknown>>(fhirDir: string, type: string): T[] {
  return readFileSync(path.join(fhirDir, `${type}.ndjson`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/** Rewrite one type's NDJSON file of an export (and its count in manifest.json): what an EHR could have sent instead. */
export function rewriteResources<T = Record<string, unknown>>(fhirDir: string, type: string, change: (resources: T[]) => object[]): void {
  const resources = change(readResources<T>(fhirDir, type));
  writeFileSync(path.join(fhirDir, `${type}.ndjson`), resources.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const manifestFile = path.join(fhirDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { output: Array<{ type: string; count?: number }> };
  for (const o of manifest.output) if (o.type === type && typeof o.count === 'number') o.count = resources.length;
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
}

/** Keep only the resources of one type that `keep` accepts, and the manifest's count with them. */
export function keepResources(fhirDir: string, type: string, keep: (resource: Record<string, unknown>) => boolean): void {
  rewriteResources(fhirDir, type, (resources) => resources.filter(keep));
}

/** Add two hostile notes (plain text and HTML) for the export's first patient; returns that patient's id. */
function addHostileNotes(fhirDir: string): string {
  const first = readResources<{ id: string }>(fhirDir, 'Patient')[0]!;
  const note = (id: string, contentType: string, text: string, hoursAgo: number) => ({
      resourceType: 'DocumentReference',
      id,
      status: 'current',
      docStatus: 'final',
      type: { coding: [{ system: 'http://loinc.org', code: '34746-8', display: 'Nurse note' }], text: 'Nurse note' },
      subject: { reference: `Patient/${first.id}` },
      date: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(),
      content: [{ attachment: { contentType, data: Buffer.from(text).toString('base64') } }],
    });
  rewriteResources(fhirDir, 'DocumentReference', (notes) => [
    ...notes,
    note('e2e-hostile-text', 'text/plain', HOSTILE_TEXT, 0.5),
    note('e2e-hostile-html', 'text/html', `<div>${HOSTILE_TEXT}</div>`, 0.6),
  ]);
  return first.id;
}

export interface GeneratedHomeOptions {
  beds?: number;
  units?: number;
  snapshots?: number;
  /** Change the generated export before it is published. */
  edit?: (fhirDir: string) => void;
  demo?: boolean;
  /** How old the data is (default 40 minutes). */
  ageMinutes?: number;
  /** Hours from the data-as-of time to the snapshot's expiry (default 72). */
  expiresAfterHours?: number;
  /** Minutes after the data-as-of time when the snapshot was published and ingested (default: now). */
  ingestedAfterMinutes?: number;
  seed?: string;
  /** The managed policy for an expired copy's charts. */
  expiredCharts?: ExpiredCharts;
  /** Patients of the health system's index with no encounter (no bed), beyond the hospital's. */
  indexPatients?: number;
}

/** The generator's hospital (units, beds, MAR, vitals, labs, notes, protocols) as of 40 minutes ago. */
export async function generatedHome(options: GeneratedHomeOptions = {}): Promise<E2eHome & { summary: GenerateSummary; hostilePatientId: string }> {
  const work = tempDir('lantern-e2e-');
  const asOf = new Date(Math.floor((Date.now() - (options.ageMinutes ?? 40) * 60_000) / 60_000) * 60_000);
  const fhirDir = path.join(work, 'export');
  const summary = await generateHospital({ outDir: fhirDir, beds: options.beds ?? 16, units: options.units ?? 2, days: 3, seed: options.seed ?? 'e2e', now: asOf, indexPatients: options.indexPatients });
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
    demo: options.demo,
    expiresAfterMs: options.expiresAfterHours === undefined ? undefined : options.expiresAfterHours * 3_600_000,
    ingestedAt: options.ingestedAfterMinutes === undefined ? undefined : new Date(asOf.getTime() + options.ingestedAfterMinutes * 60_000),
    expiredCharts: options.expiredCharts,
  });
  return { ...home, summary, hostilePatientId };
}

/** The shared Synthea export (read where it lies, never copied), as if extracted 40 minutes ago. */
export async function syntheaHome(): Promise<E2eHome> {
  const work = tempDir('lantern-e2e-synthea-');
  const asOf = new Date(Math.floor((Date.now() - 40 * 60_000) / 60_000) * 60_000);
  return homeFrom({ fhirDir: SYNTHEA_DIR, units: [{ id: '4W', name: 'Unit 4W' }], asOf, clock: () => new Date(), work });
}
