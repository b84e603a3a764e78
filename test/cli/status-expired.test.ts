import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartModel } from '../../electron/core/chart';
import { openAuditLog } from '../../electron/core/home/audit';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { formatStamp } from '../../electron/shared/time-text';
import { runCli } from '../support/cli';
import { buildSnapshot, DAY_MS, enrollTestHome, makeTestPki, tempDir, TINY_PATIENTS, writeTinyExport } from '../support/snapshots';

const HOUR_MS = 3_600_000;

/** A home whose one copy has data as of `ageMs` ago, expiring `expiresAfterMs` after that; taken an hour after it was made. */
async function homeWithCopy(work: string, name: string, ageMs: number, expiresAfterMs: number): Promise<{ home: string; asOf: Date }> {
  const home = path.join(work, name);
  const asOf = new Date(Date.now() - ageMs);
  const takenAt = new Date(asOf.getTime() + HOUR_MS);
  const pki = makeTestPki({ now: takenAt, dir: path.join(work, `${name}-pki`) });
  const { fhir, protocols } = writeTinyExport(path.join(work, `${name}-export`));
  enrollTestHome(home, pki, { now: takenAt });
  const file = path.join(work, `${name}.lantern`);
  await buildSnapshot({ pki, out: file, fhirDir: fhir, protocolsDir: protocols, sequence: 1, asOf, expiresAfterMs, now: takenAt });
  await ingestSnapshot(home, file, { model: chartModel, clock: () => takenAt });
  return { home, asOf };
}

const chartReads = (home: string) => {
  const audit = openAuditLog(home);
  try {
    return audit.entries().filter((e) => e.kind === 'chart-opened');
  } finally {
    audit.close();
  }
};

describe('lantern status and the query commands on an expired or stale copy', () => {
  let work: string;
  let expired: { home: string; asOf: Date };
  let stale: { home: string; asOf: Date };
  let blockPolicy: string;
  let defaultPolicy: string;
  const [first] = TINY_PATIENTS;
  const name = `${first!.family}, ${first!.given}`;

  beforeAll(async () => {
    work = tempDir('lantern-cli-expired-');
    // Data as of 9 days and 5 hours ago, expired after 7 days.
    expired = await homeWithCopy(work, 'expired', 9 * DAY_MS + 5 * HOUR_MS, 7 * DAY_MS);
    // Data as of 5 h 7 min (and a few seconds) ago: past the home's 120 minutes, far from its expiry.
    stale = await homeWithCopy(work, 'stale', 5 * HOUR_MS + 7 * 60_000 + 20_000, 30 * DAY_MS);
    blockPolicy = path.join(work, 'block-policy.json');
    writeFileSync(blockPolicy, JSON.stringify({ expiredCharts: 'block' }));
    // No policy at all: the default, an acknowledgement (the machine-wide file is not read).
    defaultPolicy = path.join(work, 'no-policy.json');
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('says the copy expired, how old it is and what the app still shows; --json carries the age a nurse confirms', async () => {
    const table = await runCli(['status', '--home', expired.home]);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/expires at {4}\S+ \(EXPIRED\)/);
    expect(table.out).toContain(
      '  EXPIRED       this copy is 9 days old. The app keeps protocols, forms, search and the census; a chart opens only once a nurse ' +
        'confirms that age (logged as expired-acknowledged in lantern.log), or never where the managed policy sets "expiredCharts": "block". ' +
        'Publish a new snapshot to this workstation.',
    );
    const json = JSON.parse((await runCli(['status', '--home', expired.home, '--json'])).out) as { expired: boolean; expiredAgeDays: number | null };
    expect(json).toMatchObject({ expired: true, expiredAgeDays: 9 });
  });

  it('chart, census and search begin with the EXPIRED banner and its age; the chart prints under it and its reading is audited', async () => {
    const banner = `EXPIRED — this copy is 9 days old (data as of ${formatStamp(expired.asOf.toISOString())}). Anything after that time is not shown`;
    const chart = await runCli(['chart', first!.id, '--home', expired.home, '--policy', defaultPolicy]);
    expect(chart.code).toBe(0);
    expect(chart.out.startsWith(banner)).toBe(true);
    expect(chart.out).toContain(name);
    // The tiny export's two observations of this patient (uncoded: counted, not listed).
    expect(chart.out).toContain('Resources in this chart: Observation 2, Patient 1');
    expect(chartReads(expired.home)).toMatchObject([{ kind: 'chart-opened', patient: first!.id, foundVia: 'other', actor: null }]);
    for (const argv of [['census'], ['search', first!.family]]) {
      const out = await runCli([...argv, '--home', expired.home, '--policy', defaultPolicy]);
      expect(out.code).toBe(0);
      expect(out.out.startsWith(banner)).toBe(true);
      expect(out.out).toContain(name);
    }
    const json = JSON.parse((await runCli(['chart', first!.id, '--home', expired.home, '--policy', defaultPolicy, '--json'])).out) as {
      patient: { id: string };
      copy: unknown;
    };
    expect(json.patient.id).toBe(first!.id);
    expect(json.copy).toMatchObject({ state: 'expired', asOf: expired.asOf.toISOString(), ageDays: 9, expired: { ageDays: 9, charts: 'open' } });
    const search = JSON.parse((await runCli(['search', first!.family, '--home', expired.home, '--policy', defaultPolicy, '--json'])).out) as {
      copy: unknown;
      patients: Array<{ id: string }>;
    };
    expect(search.copy).toMatchObject({ state: 'expired', ageDays: 9 });
    expect(search.patients.map((p) => p.id)).toEqual([first!.id]);
  });

  it('under "expiredCharts": "block" the chart is refused with the app’s notice and exit 1; search and the census still answer', async () => {
    const before = chartReads(expired.home).length;
    const chart = await runCli(['chart', first!.id, '--home', expired.home, '--policy', blockPolicy]);
    expect(chart.code).toBe(1);
    expect(chart.out).toBe('');
    expect(chart.err).toContain('lantern chart: This copy of the chart has expired: its data is 9 days old');
    expect(chart.err).toContain('This workstation’s policy keeps charts closed on an expired copy.');
    expect(chart.err).toContain('patient search and the census are still here.');
    expect(chartReads(expired.home)).toHaveLength(before);
    const search = await runCli(['search', first!.family, '--home', expired.home, '--policy', blockPolicy]);
    expect(search.code).toBe(0);
    expect(search.out).toMatch(/^EXPIRED — this copy is 9 days old/);
    expect(search.out).toContain(first!.id);
    const census = await runCli(['census', '--home', expired.home, '--policy', blockPolicy, '--json']);
    expect(census.code).toBe(0);
    const json = JSON.parse(census.out) as { copy: unknown; groups: Array<{ patients: Array<{ id: string }> }> };
    expect(json.copy).toMatchObject({ state: 'expired', expired: { ageDays: 9, charts: 'blocked' } });
    expect(json.groups.flatMap((g) => g.patients.map((p) => p.id)).sort()).toEqual(TINY_PATIENTS.map((p) => p.id).sort());
  });

  it('on a stale copy every query command begins with the STALE warning and its age; --json says stale', async () => {
    const warning = `STALE DATA — 5 h 7 min old. This copy is from ${formatStamp(stale.asOf.toISOString())}.`;
    for (const argv of [['chart', first!.id], ['census'], ['search', first!.family]]) {
      const out = await runCli([...argv, '--home', stale.home, '--policy', blockPolicy]);
      expect(out.code).toBe(0);
      expect(out.out.startsWith(warning)).toBe(true);
      expect(out.out).toContain(name);
    }
    const json = JSON.parse((await runCli(['chart', first!.id, '--home', stale.home, '--json'])).out) as { copy: unknown };
    expect(json.copy).toMatchObject({ state: 'stale', asOf: stale.asOf.toISOString(), ageMinutes: 5 * 60 + 7, staleAfterMinutes: 120, expired: null });
  });
});
