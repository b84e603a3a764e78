import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartModel } from '../../electron/core/chart';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { formatDate } from '../../electron/shared/time-text';
import { runCli } from '../support/cli';
import { buildSnapshot, DAY_MS, enrollTestHome, makeTestPki, tempDir, TINY_PATIENTS, writeTinyExport } from '../support/snapshots';

const [first] = TINY_PATIENTS;
const AS_OF = new Date(Date.now() - 3_600_000);
const iso = (ms: number) => new Date(ms).toISOString();
/** A date in the words every screen and page use ("29 Nov 2026"). */
const day = (ms: number) => formatDate(iso(ms));

/** Three flags of the first patient, as the export sends them: one in force, one inactive, one whose period ended before the data-as-of time. */
const FLAGS = [
  { id: 'f-live', status: 'active', text: 'Bleeding risk', period: { start: iso(AS_OF.getTime() - 3 * DAY_MS) } },
  { id: 'f-inactive', status: 'inactive', text: 'Difficult airway', period: { start: iso(AS_OF.getTime() - 20 * DAY_MS) } },
  { id: 'f-ended', status: 'active', text: 'Wandering risk', period: { start: iso(AS_OF.getTime() - 10 * DAY_MS), end: iso(AS_OF.getTime() - DAY_MS) } },
];

describe('lantern chart and the flags', () => {
  let work: string;
  let home: string;

  beforeAll(async () => {
    work = tempDir('lantern-cli-alerts-');
    const pki = makeTestPki({ now: new Date(), dir: path.join(work, 'pki') });
    const { fhir, protocols } = writeTinyExport(path.join(work, 'export'), TINY_PATIENTS, { manifest: false });
    writeFileSync(
      path.join(fhir, 'Flag.ndjson'),
      FLAGS.map((f) => JSON.stringify({ resourceType: 'Flag', id: f.id, status: f.status, code: { text: f.text }, subject: { reference: `Patient/${first!.id}` }, period: f.period })).join('\n') + '\n',
    );
    home = path.join(work, 'home');
    enrollTestHome(home, pki);
    const file = path.join(work, 'copy.lantern');
    await buildSnapshot({ pki, out: file, fhirDir: fhir, protocolsDir: protocols, sequence: 1, asOf: AS_OF });
    await ingestSnapshot(home, file, { model: chartModel });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('lists the alerts in force as the summary does, and every flag as sent with whether it is in force', async () => {
    const { code, out } = await runCli(['chart', first!.id, '--home', home]);
    expect(code).toBe(0);
    const lines = out.split('\n');
    const alerts = lines.indexOf('== Alerts (1)');
    expect(alerts).toBeGreaterThan(-1);
    expect(lines[alerts + 1]).toBe(`  Bleeding risk (since ${day(AS_OF.getTime() - 3 * DAY_MS)})`);
    expect(lines[alerts + 2], 'nothing else listed as an alert').toBe('');

    const flags = lines.indexOf('== Flags as sent (3)');
    expect(flags).toBeGreaterThan(alerts);
    // After the header and its rule.
    const rows = lines.slice(flags + 3, flags + 6);
    const row = (text: string) => rows.find((l) => l.includes(text)) ?? '';
    expect(row('Bleeding risk')).toMatch(/ active .* yes$/);
    expect(row('Difficult airway')).toMatch(/ inactive .* no$/);
    expect(row('Wandering risk')).toMatch(/ active .*Until .* no$/);
    expect(row('Wandering risk')).toContain(iso(AS_OF.getTime() - DAY_MS));
  });

  it('carries the same alerts in --json', async () => {
    const chart = JSON.parse((await runCli(['chart', first!.id, '--home', home, '--json'])).out) as { alerts: { id: string }[]; flags: { id: string }[] };
    expect(chart.alerts.map((f) => f.id)).toEqual(['f-live']);
    expect(chart.flags.map((f) => f.id).sort()).toEqual(['f-ended', 'f-inactive', 'f-live']);
  });
});
