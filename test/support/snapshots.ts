import { createHash, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { enrollHome } from '../../electron/core/home/enroll';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import { makeThrowawayPki, writeThrowawayPki, type ThrowawayPki } from '../../electron/core/snapshot/pki/throwaway';
import { chartModel } from '../../electron/core/chart';
import { publishSnapshot, type PublishOptions } from '../../electron/core/publisher/publish';
import type { HomeConfig } from '../../electron/core/home/layout';
import type { ContentMapper } from '../../electron/core/store/content';

/**
 * Test support for anything that needs snapshots: a throwaway PKI (keys from Node's
 * crypto, certificates from node-forge), a tiny FHIR export, a publish helper and an enrolled
 * home. Homes open with the chart model itself (electron/core/chart), so every query a test
 * asks is answered by the code the workstation runs.
 */

export const tempDir = (prefix = 'lantern-test-'): string => mkdtempSync(path.join(tmpdir(), prefix));

export interface TestPki extends ThrowawayPki {
  dir: string;
  files: {
    ca: string;
    publisherCert: string;
    publisherKey: string;
    workstationCert: (i: number) => string;
    workstationKey: (i: number) => string;
  };
}

export function makeTestPki(options: { workstations?: number; now?: Date; dir?: string } = {}): TestPki {
  const pki = makeThrowawayPki({ workstations: options.workstations ?? 2, now: options.now ?? AS_OF });
  const dir = options.dir ?? tempDir('lantern-pki-');
  writeThrowawayPki(dir, pki);
  return {
    ...pki,
    dir,
    files: {
      ca: path.join(dir, 'ca.pem'),
      publisherCert: path.join(dir, 'publisher.pem'),
      publisherKey: path.join(dir, 'publisher.key'),
      workstationCert: (i) => path.join(dir, `workstation-${i + 1}.pem`),
      workstationKey: (i) => path.join(dir, `workstation-${i + 1}.key`),
    },
  };
}

export const AS_OF = new Date('2026-03-01T12:00:00.000Z');
export const DAY_MS = 24 * 60 * 60 * 1000;

export interface TinyPatient {
  id: string;
  family: string;
  given: string;
}

export const TINY_PATIENTS: TinyPatient[] = [
  { id: 'p1', family: 'Zzyzxowski', given: 'Anneliese' },
  { id: 'p2', family: 'Quillfeather', given: 'Bartholomew' },
  { id: 'p3', family: 'Vandermolen', given: 'Cordelia' },
];

/** A small Bulk Data export (manifest.json + NDJSON) with protocols beside it. */
export function writeTinyExport(dir: string, patients: TinyPatient[] = TINY_PATIENTS, options: { manifest?: boolean; malformed?: boolean } = {}): { fhir: string; protocols: string } {
  mkdirSync(dir, { recursive: true });
  const patientLines = patients.map((p) =>
    JSON.stringify({ resourceType: 'Patient', id: p.id, name: [{ family: p.family, given: [p.given] }] }),
  );
  const obsLines = patients.flatMap((p, i) =>
    [0, 1].map((k) =>
      JSON.stringify({ resourceType: 'Observation', id: `o${i}-${k}`, subject: { reference: `Patient/${p.id}` }, valueQuantity: { value: 70 + k } }),
    ),
  );
  if (options.malformed) obsLines.push('{"resourceType": "Observation", broken');
  writeFileSync(path.join(dir, 'Patient.ndjson'), patientLines.join('\n') + '\n');
  writeFileSync(path.join(dir, 'Observation.ndjson'), obsLines.join('\r\n') + '\r\n\r\n');
  if (options.manifest !== false) {
    writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({
        transactionTime: AS_OF.toISOString(),
        request: '[base]/Group/unit-4w/$export',
        requiresAccessToken: true,
        output: [
          { type: 'Patient', url: 'https://ehr.example/bulk/Patient.ndjson', count: patientLines.length },
          { type: 'Observation', url: 'https://ehr.example/bulk/Observation.ndjson' },
        ],
        error: [],
      }),
    );
  }
  const protocols = path.join(dir, 'protocols');
  mkdirSync(path.join(protocols, 'Downtime'), { recursive: true });
  writeFileSync(path.join(protocols, 'Downtime', 'paper-mar.md'), '# Paper MAR procedure\n\nUse the printed MAR.\n');
  writeFileSync(path.join(protocols, 'code-blue.html'), '<html><head><title>Code Blue &amp; Rapid Response</title></head><body>Call 5555</body></html>');
  writeFileSync(path.join(protocols, 'fall_risk.txt'), 'Assess every shift.\n');
  writeFileSync(
    path.join(protocols, 'sepsis.pdf'),
    '%PDF-1.4\n1 0 obj << /Title (Sepsis Bundle \\(adult\\)) /Producer (test) >> endobj\ntrailer << /Info 1 0 R >>\n%%EOF\n',
  );
  return { fhir: dir, protocols };
}

export interface BuildOptions {
  pki: TestPki;
  out: string;
  fhirDir: string;
  protocolsDir?: string;
  sequence: number;
  facility?: string;
  units?: string[];
  recipients?: string[];
  asOf?: Date;
  expiresAfterMs?: number;
  certPem?: string;
  keyPem?: string;
  chunkSize?: number;
  now?: Date;
  /** The line mapper whose mapped entries go in (default the chart's); null: lines only (format 1). */
  mapper?: ContentMapper | null;
  dedupe?: PublishOptions['dedupe'];
  onDropped?: PublishOptions['onDropped'];
  /** Leave repeated ids in: a snapshot the publisher would refuse, for the workstation's refusal. */
  keepRepeatedIds?: boolean;
}

export async function buildSnapshot(options: BuildOptions) {
  return publishSnapshot({
    fhirDir: options.fhirDir,
    protocolsDir: options.protocolsDir,
    certPem: options.certPem ?? options.pki.publisher.certPem,
    keyPem: options.keyPem ?? options.pki.publisher.keyPem,
    recipients: options.recipients ?? options.pki.workstations.map((w) => w.certPem),
    facility: { id: options.facility ?? 'GH', name: 'General Hospital' },
    units: (options.units ?? ['4W']).map((id) => ({ id, name: `Unit ${id}` })),
    sequence: options.sequence,
    asOf: options.asOf,
    expiresAfterMs: options.expiresAfterMs ?? 30 * DAY_MS,
    out: options.out,
    chunkSize: options.chunkSize,
    mapper: options.mapper === null ? undefined : (options.mapper ?? chartModel.mapper),
    clock: () => options.now ?? AS_OF,
    dedupe: options.dedupe,
    onDropped: options.onDropped,
    keepRepeatedIds: options.keepRepeatedIds,
  });
}

export function enrollTestHome(
  dir: string,
  pki: TestPki,
  options: { workstation?: number; facility?: string | null; units?: string[] | null; keepSnapshots?: number; now?: Date; limits?: HomeConfig['limits']; demo?: boolean } = {},
) {
  const w = pki.workstations[options.workstation ?? 0]!;
  return enrollHome({
    dir,
    trust: [pki.ca.certPem],
    certPem: w.certPem,
    keyPem: w.keyPem,
    protector: keyFileProtector(dir, { create: true }),
    facility: options.facility === undefined ? 'GH' : options.facility,
    units: options.units === undefined ? ['4W'] : options.units,
    keepSnapshots: options.keepSnapshots,
    limits: options.limits,
    demo: options.demo,
    clock: () => options.now ?? AS_OF,
  });
}

/**
 * Rewrite a snapshot's manifest and sign it again with the (trusted) publisher key: a lying
 * publisher. With `chainPem` (publisher certificate first), the snapshot is signed by that
 * certificate instead, its chain in the manifest and the chain section alike.
 */
export function resignSnapshot(file: string, out: string, keyPem: string, mutate: (manifest: Record<string, unknown>) => void, chainPem?: string[]): void {
  const bytes = readFileSync(file);
  const nl = bytes.indexOf(10);
  const [, version, m, s, c] = bytes.subarray(0, nl).toString('latin1').split(' ').map((x, i) => (i === 0 ? x : Number(x))) as [string, number, number, number, number];
  let pos = nl + 1;
  const manifest = JSON.parse(bytes.subarray(pos, pos + m).toString('utf8')) as Record<string, unknown>;
  pos += m + s;
  const pems = chainPem?.map((pem) => pem.replace(/\r\n/g, '\n').trim() + '\n');
  const chain = pems ? Buffer.from(pems.join(''), 'utf8') : bytes.subarray(pos, pos + c);
  const payload = bytes.subarray(pos + c);
  if (pems) manifest['publisher'] = { chain: pems };
  mutate(manifest);
  const manifestBytes = Buffer.from(JSON.stringify(manifest), 'utf8');
  const signature = sign('sha256', manifestBytes, keyPem);
  writeFileSync(
    out,
    Buffer.concat([Buffer.from(`LANTERN-SNAPSHOT ${version} ${manifestBytes.length} ${signature.length} ${chain.length}\n`), manifestBytes, signature, chain, payload]),
  );
}

const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : value && typeof value === 'object'
      ? `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`
      : JSON.stringify(value);

/** Everything in a home that a refused snapshot must not change (the last rejection aside). */
export function homeFingerprint(dir: string): string {
  const parts: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const f = path.join(d, name);
      if (statSync(f).isDirectory()) walk(f);
      else if (name === 'state.json') {
        const state = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
        delete state['lastRejection'];
        parts.push(`${path.relative(dir, f)} ${canonical(state)}`);
      } else parts.push(`${path.relative(dir, f)} ${createHash('sha256').update(readFileSync(f)).digest('hex')}`);
    }
  };
  walk(dir);
  return parts.join('\n');
}
