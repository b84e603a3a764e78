import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartModel } from '../../electron/core/chart';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { runCli } from '../support/cli';
import { buildSnapshot, DAY_MS, enrollTestHome, makeTestPki, tempDir, writeTinyExport } from '../support/snapshots';

describe('lantern status on an expired copy', () => {
  let work: string;
  let home: string;

  beforeAll(async () => {
    work = tempDir('lantern-cli-expired-');
    home = path.join(work, 'home');
    // Data as of 9 days and 5 hours ago, expired after 7 days; taken an hour after it was made.
    const asOf = new Date(Date.now() - 9 * DAY_MS - 5 * 3_600_000);
    const takenAt = new Date(asOf.getTime() + 3_600_000);
    const pki = makeTestPki({ now: takenAt, dir: path.join(work, 'pki') });
    const { fhir, protocols } = writeTinyExport(path.join(work, 'export'));
    enrollTestHome(home, pki, { now: takenAt });
    const file = path.join(work, 's1.lantern');
    await buildSnapshot({ pki, out: file, fhirDir: fhir, protocolsDir: protocols, sequence: 1, asOf, expiresAfterMs: 7 * DAY_MS, now: takenAt });
    await ingestSnapshot(home, file, { model: chartModel, clock: () => takenAt });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('says the copy expired, how old it is and what the app still shows; --json carries the age a nurse confirms', async () => {
    const table = await runCli(['status', '--home', home]);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/expires at {4}\S+ \(EXPIRED\)/);
    expect(table.out).toContain(
      '  EXPIRED       this copy is 9 days old. The app keeps protocols, forms, search and the census; a chart opens only once a nurse ' +
        'confirms that age (logged as expired-acknowledged in lantern.log), or never where the managed policy sets "expiredCharts": "block". ' +
        'Publish a new snapshot to this workstation.',
    );
    const json = JSON.parse((await runCli(['status', '--home', home, '--json'])).out) as { expired: boolean; expiredAgeDays: number | null };
    expect(json).toMatchObject({ expired: true, expiredAgeDays: 9 });
  });
});
