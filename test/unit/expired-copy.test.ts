import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/api/dispatch';
import { createHandlers, type Handlers } from '../../electron/core/api/handlers';
import { chartModel } from '../../electron/core/chart';
import { expiredCopy, OPEN_WHEN_EXPIRED, queryAllowed } from '../../electron/core/home/expiry';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { homePath } from '../../electron/core/home/layout';
import { openWorkstation } from '../../electron/core/workstation';
import type { ExpiredCharts, ExpiredCopy, QueryChannel } from '../../electron/shared/contract';
import { expiredChartsNotice } from '../../electron/shared/notices';
import { AS_OF, buildSnapshot, DAY_MS, enrollTestHome, makeTestPki, tempDir, TINY_PATIENTS, writeTinyExport } from '../support/snapshots';

const HOUR_MS = 3_600_000;
const at = (ms: number) => new Date(AS_OF.getTime() + ms);
const copy = { sequence: 4, asOf: AS_OF.toISOString(), expiresAt: at(7 * DAY_MS).toISOString() };

describe('what an expired copy allows (one decision, in core)', () => {
  // now (after the data-as-of time), policy, acknowledged -> state
  const table: Array<[number, ExpiredCharts, boolean, ExpiredCopy | null]> = [
    [7 * DAY_MS - 1, 'acknowledge', false, null],
    [7 * DAY_MS - 1, 'block', false, null],
    [7 * DAY_MS, 'acknowledge', false, { sequence: 4, ageDays: 7, charts: 'ask' }],
    [9 * DAY_MS - 1, 'acknowledge', false, { sequence: 4, ageDays: 8, charts: 'ask' }],
    [9 * DAY_MS + 5 * HOUR_MS, 'acknowledge', false, { sequence: 4, ageDays: 9, charts: 'ask' }],
    [9 * DAY_MS + 5 * HOUR_MS, 'acknowledge', true, { sequence: 4, ageDays: 9, charts: 'open' }],
    [9 * DAY_MS + 5 * HOUR_MS, 'block', false, { sequence: 4, ageDays: 9, charts: 'blocked' }],
    // An acknowledgement cannot open what the policy closes.
    [9 * DAY_MS + 5 * HOUR_MS, 'block', true, { sequence: 4, ageDays: 9, charts: 'blocked' }],
  ];
  it.each(table)('%d ms after the data-as-of, policy %s, acknowledged %s: %j', (after, policy, acknowledged, expected) => {
    expect(expiredCopy({ snapshot: copy, now: at(after), policy, acknowledged })).toEqual(expected);
  });

  it('has nothing to say without a copy', () => {
    expect(expiredCopy({ snapshot: null, now: at(30 * DAY_MS), policy: 'acknowledge', acknowledged: false })).toBeNull();
  });

  // channel -> answers on an expired copy before the acknowledgement
  const channels: Array<[QueryChannel, boolean]> = [
    ['protocols', true],
    ['protocolSearch', true],
    ['protocolOpen', true],
    ['search', true],
    ['census', true],
    ['chart', false],
    ['mar', false],
    ['series', false],
    ['record', false],
  ];
  it.each(channels)('%s answers on an expired copy without an acknowledgement: %s', (channel, open) => {
    expect(Object.keys(OPEN_WHEN_EXPIRED)).toHaveLength(channels.length);
    expect(queryAllowed(channel, null)).toBe(true);
    expect(queryAllowed(channel, { sequence: 4, ageDays: 9, charts: 'ask' })).toBe(open);
    expect(queryAllowed(channel, { sequence: 4, ageDays: 9, charts: 'blocked' })).toBe(open);
    expect(queryAllowed(channel, { sequence: 4, ageDays: 9, charts: 'open' })).toBe(true);
  });
});

describe('the API on an expired copy of a real home', () => {
  let work: string;
  let homeDir: string;
  let pki: ReturnType<typeof makeTestPki>;
  let fhir: string;
  let protocols: string;
  /** The workstation's clock: 9 days and 5 hours after the data-as-of time of the first copy. */
  let now = at(9 * DAY_MS + 5 * HOUR_MS);
  const closers: Array<() => void> = [];

  const publishAndIngest = async (sequence: number, asOf: Date) => {
    const file = path.join(work, `s${sequence}.lantern`);
    const ingestAt = new Date(asOf.getTime() + HOUR_MS);
    await buildSnapshot({ pki, out: file, fhirDir: fhir, protocolsDir: protocols, sequence, asOf, expiresAfterMs: 7 * DAY_MS, now: ingestAt });
    await ingestSnapshot(homeDir, file, { model: chartModel, clock: () => ingestAt });
  };
  const workstation = (expiredCharts?: ExpiredCharts): Handlers => {
    const ws = openWorkstation({ model: chartModel, shell: 'preview', version: 't', homeDir, demo: false, clock: () => now, expiredCharts });
    closers.push(() => ws.home?.close());
    return createHandlers(ws);
  };
  const call = (handlers: Handlers, channel: string, input: unknown) => dispatch(handlers, channel, input, { checkResponses: true, homeDir });
  const logLines = () =>
    existsSync(homePath(homeDir, 'log'))
      ? readFileSync(homePath(homeDir, 'log'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)
      : [];
  const acknowledgements = () => logLines().filter((l) => l['event'] === 'expired-acknowledged');

  beforeAll(async () => {
    work = tempDir('lantern-expired-');
    homeDir = path.join(work, 'home');
    pki = makeTestPki({ dir: path.join(work, 'pki') });
    ({ fhir, protocols } = writeTinyExport(path.join(work, 'export')));
    enrollTestHome(homeDir, pki);
    await publishAndIngest(1, AS_OF);
  });
  afterAll(() => {
    for (const close of closers) close();
    rmSync(work, { recursive: true, force: true });
  });

  it('keeps protocols, search and the census, refuses every chart query with a typed error, and records the acknowledgement without PHI', async () => {
    const api = workstation();
    const status = await call(api, 'status', {});
    expect(status).toMatchObject({ ok: true, value: { expired: { sequence: 1, ageDays: 9, charts: 'ask' } } });

    const ask = expiredChartsNotice({ ageDays: 9, charts: 'ask' });
    expect(ask).toContain('its data is 9 days old');
    for (const [channel, input] of [
      ['chart', { patientId: 'p1' }],
      ['mar', { patientId: 'p1' }],
      ['series', { patientId: 'p1', code: '8867-4' }],
      ['record', { patientId: 'p1', type: 'Observation', id: 'o0-0' }],
    ] as const) {
      expect(await call(api, channel, input), channel).toEqual({ ok: false, error: { code: 'SNAPSHOT_EXPIRED', message: ask, audience: 'nurse' } });
    }

    // What a nurse needs on paper still answers: the protocols and forms, search, the census.
    const list = await call(api, 'protocols', {});
    expect(list.ok && (list.value as Array<{ title: string }>).map((p) => p.title)).toContain('Paper MAR procedure');
    const paperMar = list.ok ? (list.value as Array<{ id: string; title: string }>).find((p) => p.title === 'Paper MAR procedure')! : null;
    const doc = await call(api, 'protocolOpen', { id: paperMar!.id });
    expect(doc.ok && JSON.stringify(doc.value)).toContain('Use the printed MAR.');
    const hits = await call(api, 'protocolSearch', { text: 'printed' });
    expect(hits.ok && (hits.value as Array<{ title: string }>).map((h) => h.title)).toContain('Paper MAR procedure');
    const found = await call(api, 'search', { text: 'Zzyzxowski' });
    expect(found.ok && (found.value as Array<{ id: string }>).map((p) => p.id)).toEqual(['p1']);
    expect(await call(api, 'census', {})).toMatchObject({ ok: true });

    // The acknowledgement states the age shown; another age, or another copy, is not this one.
    for (const stated of [{ sequence: 1, ageDays: 8 }, { sequence: 2, ageDays: 9 }]) {
      expect(await call(api, 'acknowledgeExpired', stated)).toMatchObject({ ok: false, error: { code: 'SNAPSHOT_EXPIRED', message: expect.stringContaining('now 9 days old') } });
    }
    for (const bad of [{}, { sequence: 1 }, { sequence: 1, ageDays: -1 }, { sequence: 1, ageDays: 9, patientId: 'p1' }, { sequence: 1, ageDays: '9' }]) {
      expect(await call(api, 'acknowledgeExpired', bad), JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await call(api, 'chart', { patientId: 'p1' })).toMatchObject({ ok: false, error: { code: 'SNAPSHOT_EXPIRED' } });
    expect(acknowledgements()).toEqual([]);

    expect(await call(api, 'acknowledgeExpired', { sequence: 1, ageDays: 9 })).toEqual({ ok: true, value: { sequence: 1, ageDays: 9, charts: 'open' } });
    const chart = await call(api, 'chart', { patientId: 'p1' });
    expect(chart.ok && (chart.value as { patient: { name: string } }).patient.name).toBe('Zzyzxowski, Anneliese');
    expect(await call(api, 'mar', { patientId: 'p1' })).toMatchObject({ ok: true });
    expect(await call(api, 'status', {})).toMatchObject({ ok: true, value: { expired: { sequence: 1, ageDays: 9, charts: 'open' } } });
    // Once per copy: a second confirmation changes nothing and writes nothing.
    expect(await call(api, 'acknowledgeExpired', { sequence: 1, ageDays: 9 })).toMatchObject({ ok: true, value: { charts: 'open' } });

    expect(acknowledgements()).toEqual([
      { at: now.toISOString(), event: 'expired-acknowledged', facility: 'GH', sequence: 1, asOf: AS_OF.toISOString(), ageDays: 9 },
    ]);
    const log = readFileSync(homePath(homeDir, 'log'), 'utf8');
    for (const p of TINY_PATIENTS) for (const value of [p.id, p.family, p.given]) expect(log).not.toContain(`"${value}`);
  });

  it('asks again for a newer expired copy, and holds an acknowledgement for the workstation that took it only', async () => {
    const api = workstation();
    // A fresh workstation process has acknowledged nothing.
    expect(await call(api, 'chart', { patientId: 'p1' })).toMatchObject({ ok: false, error: { code: 'SNAPSHOT_EXPIRED' } });
    expect(await call(api, 'acknowledgeExpired', { sequence: 1, ageDays: 9 })).toMatchObject({ ok: true, value: { charts: 'open' } });
    expect(await call(api, 'chart', { patientId: 'p1' })).toMatchObject({ ok: true });

    now = at(10 * DAY_MS + 5 * HOUR_MS);
    await publishAndIngest(2, at(2 * DAY_MS));
    expect(await call(api, 'status', {})).toMatchObject({ ok: true, value: { snapshot: { sequence: 2 }, expired: { sequence: 2, ageDays: 8, charts: 'ask' } } });
    expect(await call(api, 'chart', { patientId: 'p1' })).toMatchObject({ ok: false, error: { code: 'SNAPSHOT_EXPIRED', message: expiredChartsNotice({ ageDays: 8, charts: 'ask' }) } });
    expect(await call(api, 'acknowledgeExpired', { sequence: 2, ageDays: 8 })).toMatchObject({ ok: true, value: { sequence: 2, charts: 'open' } });
    expect(acknowledgements().map((l) => [l['sequence'], l['ageDays']])).toEqual([[1, 9], [1, 9], [2, 8]]);
  });

  it('under a block policy keeps charts closed with a sentence that says why and what to use, and takes no acknowledgement', async () => {
    const api = workstation('block');
    const before = acknowledgements().length;
    expect(await call(api, 'status', {})).toMatchObject({ ok: true, value: { expired: { charts: 'blocked' } } });
    const refused = await call(api, 'chart', { patientId: 'p1' });
    const blocked = expiredChartsNotice({ ageDays: 8, charts: 'blocked' });
    expect(refused).toEqual({ ok: false, error: { code: 'SNAPSHOT_EXPIRED', message: blocked, audience: 'nurse' } });
    expect(blocked).toBe(
      'This copy of the chart has expired: its data is 8 days old, and doses, orders and results since then are not in it. ' +
        'This workstation’s policy keeps charts closed on an expired copy. Use your unit’s paper downtime records for patient care. ' +
        'The downtime protocols and forms, patient search and the census are still here. ' +
        'Call the IT service desk: no new snapshot has reached this workstation.',
    );
    expect(await call(api, 'acknowledgeExpired', { sequence: 2, ageDays: 8 })).toEqual({ ok: false, error: { code: 'SNAPSHOT_EXPIRED', message: blocked, audience: 'nurse' } });
    expect(await call(api, 'chart', { patientId: 'p1' })).toMatchObject({ ok: false });
    expect(await call(api, 'protocols', {})).toMatchObject({ ok: true });
    expect(await call(api, 'search', { text: 'Quillfeather' })).toMatchObject({ ok: true, value: [{ id: 'p2' }] });
    expect(acknowledgements()).toHaveLength(before);
  });

  it('says nothing and asks nothing of a copy that has not expired', async () => {
    now = at(2 * DAY_MS + 6 * DAY_MS);
    const api = workstation();
    expect(await call(api, 'status', {})).toMatchObject({ ok: true, value: { expired: null } });
    expect(await call(api, 'chart', { patientId: 'p1' })).toMatchObject({ ok: true });
    const before = acknowledgements().length;
    expect(await call(api, 'acknowledgeExpired', { sequence: 2, ageDays: 6 })).toEqual({ ok: true, value: null });
    expect(acknowledgements()).toHaveLength(before);
  });
});
