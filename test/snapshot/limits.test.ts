import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartModel } from '../../electron/core/chart';
import { cutRecord, recordOver, truncationMark } from '../../electron/core/chart/limit';
import { R, mapLine } from '../../electron/core/chart/mapper';
import { generateHospital } from '../../electron/core/demo';
import { HOME_LIMITS, readConfig } from '../../electron/core/home/layout';
import { openHome } from '../../electron/core/home/open';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { REPO_ROOT } from '../support/fixtures';
import { AS_OF, buildSnapshot, enrollTestHome, makeTestPki, tempDir, type TestPki } from '../support/snapshots';

/**
 * A value over the home's limit (limits.maxFieldBytes, 1 MB by default) is cut before it is
 * stored, ends with a mark a nurse cannot miss, and is counted; on every ingest path, the
 * publisher's mapped records included.
 */

const NOW = new Date(AS_OF.getTime() + 60 * 60 * 1000);
const clock = () => NOW;
const MAX = HOME_LIMITS.maxFieldBytes;

let pki: TestPki;
let work: string;
let base: string;
let big: string;
let patientId: string;
/** 3 MB of note text with two- to four-byte characters, so that a cut by bytes would fall inside one. */
const UNIT = 'Grüße, 体温 38.5 °C, 🩺 Befund: ';
const NOTE = UNIT.repeat(Math.ceil(3_000_000 / Buffer.byteLength(UNIT)));
const LONG_RESULT = 'x'.repeat(2_000_000);
const LONG_NAME = 'Y'.repeat(1_500_000);

beforeAll(async () => {
  pki = makeTestPki();
  work = tempDir();
  base = path.join(work, 'export');
  await generateHospital({ outDir: base, beds: 4, units: 1, days: 1, seed: 'field-limits', now: AS_OF });
  patientId = (JSON.parse(readFileSync(path.join(base, 'Patient.ndjson'), 'utf8').split('\n')[0]!) as { id: string }).id;
  big = path.join(work, 'big');
  cpSync(base, big, { recursive: true });
  const subject = { reference: `Patient/${patientId}` };
  appendFileSync(
    path.join(big, 'DocumentReference.ndjson'),
    JSON.stringify({
      resourceType: 'DocumentReference', id: 'long-note', status: 'current', subject, date: '2026-03-01T10:00:00Z',
      content: [{ attachment: { contentType: 'text/plain', data: Buffer.from(NOTE).toString('base64') } }],
    }) + '\n',
  );
  appendFileSync(
    path.join(big, 'Observation.ndjson'),
    JSON.stringify({ resourceType: 'Observation', id: 'long-result', status: 'final', subject, code: { text: 'Free text' }, effectiveDateTime: '2026-03-01T09:00:00Z', valueString: LONG_RESULT }) + '\n',
  );
  appendFileSync(path.join(big, 'Practitioner.ndjson'), JSON.stringify({ resourceType: 'Practitioner', id: 'long-name', name: [{ family: LONG_NAME }] }) + '\n');
});

describe('values over the home limit', () => {
  it('are cut, marked and counted on every ingest path, and everything else is stored as it was', async () => {
    const reference = path.join(work, 'home-reference');
    enrollTestHome(reference, pki);
    const baseFile = path.join(work, 'base.lantern');
    await buildSnapshot({ pki, out: baseFile, fhirDir: base, sequence: 1 });
    await ingestSnapshot(reference, baseFile, { model: chartModel, clock });
    const before = openHome(reference, { model: chartModel, clock });
    const expectedNotes = before.queries()!.chart({ patientId }).notes;
    before.close();

    const mapped = path.join(work, 'big-mapped.lantern');
    await buildSnapshot({ pki, out: mapped, fhirDir: big, sequence: 1 });
    const lines = path.join(work, 'big-lines.lantern');
    await buildSnapshot({ pki, out: lines, fhirDir: big, sequence: 1, mapper: null });
    const charts: string[] = [];
    for (const [i, [file, threads]] of ([[mapped, 2], [mapped, 1], [lines, 2], [lines, 1]] as const).entries()) {
      const home = path.join(work, `home-big-${i}`);
      enrollTestHome(home, pki);
      const { report } = await ingestSnapshot(home, file, { model: chartModel, clock, threads });
      expect(report.truncated?.values).toBe(3);
      expect(report.truncated?.resources.map((p) => `${p.file}:${p.reason}`).sort()).toEqual([
        'DocumentReference.ndjson:DocumentReference: 1 value(s) over 1.0 MB cut (the longest 3.0 MB)',
        'Observation.ndjson:Observation: 1 value(s) over 1.0 MB cut (the longest 2.0 MB)',
        'Practitioner.ndjson:Practitioner: 1 value(s) over 1.0 MB cut (the longest 1.5 MB)',
      ]);
      const opened = openHome(home, { model: chartModel, clock });
      try {
        expect(opened.status().snapshot?.truncated).toBe(3);
        const chart = opened.queries()!.chart({ patientId });
        const note = chart.notes.find((n) => n.id === 'long-note')!;
        const mark = truncationMark(Buffer.byteLength(NOTE), MAX);
        expect(mark).toBe(' … [truncated by Lantern: 3.0 MB in the export, first 1.0 MB shown]');
        expect(note.text.endsWith(mark)).toBe(true);
        const kept = note.text.slice(0, -mark.length);
        expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(MAX);
        expect(Buffer.byteLength(kept)).toBeGreaterThan(MAX - 4);
        expect(NOTE.startsWith(kept)).toBe(true); // cut between characters, nothing replaced
        const result = [...chart.labs, ...chart.otherObservations, ...chart.vitals].find((o) => o.id === 'long-result')!;
        expect(result.value).toBe('x'.repeat(MAX) + ' … [truncated by Lantern: 2.0 MB in the export, first 1.0 MB shown]');
        // The other notes are as they were.
        expect(chart.notes.filter((n) => n.id !== 'long-note')).toEqual(expectedNotes);
        charts.push(JSON.stringify(chart));
      } finally {
        opened.close();
      }
    }
    expect(new Set(charts).size).toBe(1);
  });

  it('follow the home: enroll --max-field-bytes sets it, ingest prints what was cut, status shows it', async () => {
    const lantern = (...args: string[]) => spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/lantern.mjs'), ...args], { encoding: 'utf8' });
    const small = path.join(work, 'small');
    cpSync(base, small, { recursive: true });
    appendFileSync(
      path.join(small, 'Observation.ndjson'),
      JSON.stringify({ resourceType: 'Observation', id: 'ten-k', status: 'final', subject: { reference: `Patient/${patientId}` }, valueString: 'z'.repeat(10_000) }) + '\n',
    );
    // The command runs on this machine's clock: a PKI and a snapshot of now.
    const now = new Date();
    const live = makeTestPki({ now });
    const file = path.join(work, 'small.lantern');
    await buildSnapshot({ pki: live, out: file, fhirDir: small, sequence: 1, now, asOf: now });
    const home = path.join(work, 'home-small');
    const enroll = lantern('enroll', '--home', home, '--trust', live.files.ca, '--cert', live.files.workstationCert(0), '--key', live.files.workstationKey(0), '--max-field-bytes', '4096');
    expect(enroll.stderr).toBe('');
    expect(enroll.stdout).toContain('longest value stored  4096 bytes');
    expect(readConfig(home).limits.maxFieldBytes).toBe(4096);
    const ingest = lantern('ingest', file, '--home', home);
    expect(ingest.stderr).not.toContain('Error');
    expect(ingest.stdout).toContain('1 value(s) longer than the home\'s limit (limits.maxFieldBytes) cut');
    expect(lantern('status', '--home', home).stdout).toContain('truncated     1 value(s)');
    const opened = openHome(home, { model: chartModel });
    try {
      const chart = opened.queries()!.chart({ patientId });
      const obs = [...chart.labs, ...chart.otherObservations, ...chart.vitals].find((o) => o.id === 'ten-k')!;
      expect(obs.value).toBe('z'.repeat(4096) + ' … [truncated by Lantern: 10.0 kB in the export, first 4.1 kB shown]');
    } finally {
      opened.close();
    }
    expect(lantern('enroll', '--home', home, '--trust', live.files.ca, '--cert', live.files.workstationCert(0), '--key', live.files.workstationKey(0), '--max-field-bytes', '10').status).toBe(2);
  });

  it('count a long value once however many fields hold it, and cut search keys without a mark', () => {
    const line = JSON.stringify({ resourceType: 'Patient', id: 'p1', name: [{ family: LONG_NAME, given: ['Ann'] }], identifier: [{ value: 'M'.repeat(5000) }] });
    const rec = mapLine('Patient', line, 1);
    if (rec[0] !== R.PATIENT) throw new Error('not a patient record');
    expect(recordOver(rec, 4096)).toBe(true);
    const { record, values, largest } = cutRecord(rec, 4096);
    if (record[0] !== R.PATIENT) throw new Error('not a patient record');
    expect(values).toBe(2); // the name and the identifier, each in several fields
    expect(largest).toBe(LONG_NAME.length + ', Ann'.length);
    expect(record[3]).toMatch(/^Y{4096} … \[truncated by Lantern: 1\.5 MB in the export, first 4\.1 kB shown\]$/);
    expect(record[10].length).toBeLessThanOrEqual(4096); // name tokens: searched, never shown
    expect(record[11].every((v) => v.length <= 4096 && !v.includes('truncated'))).toBe(true);
    expect(JSON.parse(record[9]).name[0].family).toMatch(/truncated by Lantern: 1\.5 MB/);
    expect(recordOver(mapLine('Patient', JSON.stringify({ resourceType: 'Patient', id: 'p2', name: [{ family: 'Short' }] }), 2) as typeof rec, 4096)).toBe(false);
  });
});
