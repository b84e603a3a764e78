import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, type Handlers } from '../../electron/core/api/handlers';
import { dispatch } from '../../electron/core/api/dispatch';
import { CHANNELS, type ChannelName, type ResponseOf } from '../../electron/shared/contract';
import { marWindow } from '../../electron/shared/defaults';
import { plantedHome } from '../e2e/support/planted';

/**
 * What the renderer is built against holds for the real queries: on a generated hospital
 * published, ingested and opened as a workstation does, every answer of every channel (each
 * unit, each patient's chart and MAR, each record and protocol) passes the contract's schemas.
 */
describe('the real queries answer within the contract', () => {
  let home: Awaited<ReturnType<typeof plantedHome>>;
  let handlers: Handlers;
  const asked = new Set<ChannelName>();
  const call = async <C extends ChannelName>(channel: C, input: unknown): Promise<ResponseOf<C>> => {
    asked.add(channel);
    const result = await dispatch(handlers, channel, input, { checkResponses: true });
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as ResponseOf<C>;
  };

  beforeAll(async () => {
    home = await plantedHome({ beds: 12, units: 2 });
    handlers = createHandlers(home.context);
  });
  afterAll(() => home?.close());

  it('answers status, census, search, chart, MAR, series and records', async () => {
    const { known } = home.planted;
    const status = await call('status', {});
    const manifest = JSON.parse(readFileSync(path.join(home.fhirDir, 'manifest.json'), 'utf8')) as { transactionTime: string };
    expect(Date.parse(status.snapshot!.asOf)).toBe(Date.parse(manifest.transactionTime));

    for (const unit of home.summary.units) {
      const census = await call('census', { unit: unit.id });
      expect(census.unit).toEqual({ id: unit.id, name: unit.name });
      expect(census.beds).toHaveLength(unit.beds);
      expect(census.beds.filter((b) => b.patient)).toHaveLength(unit.occupied);
      for (const bed of census.beds) {
        if (!bed.patient) continue;
        const chart = await call('chart', { patientId: bed.patient.id });
        await call('mar', { patientId: bed.patient.id, ...marWindow(chart.asOf) });
        for (const ref of chart.other) await call('record', { patientId: bed.patient.id, type: ref.type, id: ref.id });
      }
    }
    expect((await call('search', { text: known.name.split(',')[0]! })).map((h) => h.id)).toContain(known.id);
    expect((await call('search', { text: known.mrn }))[0]?.id).toBe(known.id);
    const potassium = await call('series', { patientId: known.id, code: '2823-3' });
    expect(potassium.points).toContainEqual(expect.objectContaining({ at: known.lab.at, numeric: known.lab.value }));
    expect((await call('series', { patientId: known.id, code: '8867-4' })).points.length).toBeGreaterThan(0);
    // A tab shown only goes to the audit log (none here): the answer is empty.
    expect(await call('sectionViewed', { patientId: known.id, section: 'labs' })).toEqual({});
  });

  it('answers every protocol channel, for documents of each kind', async () => {
    const list = await call('protocols', {});
    expect(new Set(list.map((p) => p.kind))).toEqual(new Set(['pdf', 'markdown', 'html', 'text']));
    expect(list).toHaveLength(home.summary.protocols + 1);
    for (const p of list) await call('protocolOpen', { id: p.id });
    const hits = await call('protocolSearch', { text: 'extension' });
    expect(hits.map((h) => h.title)).toContain(home.planted.protocol.title);
  });

  it('has asked every channel the home answers', () => {
    // acknowledgeExpired answers only for an expired copy: test/unit/expired-copy.test.ts asks it.
    // The sign-in channels: test/sign-in/station.test.ts and test/e2e/sign-in.e2e.test.ts ask them.
    const shell = new Set<ChannelName>(['appInfo', 'print', 'acknowledgeExpired', 'session', 'signIn', 'signInEmergency', 'lock', 'touch']);
    expect([...asked].sort()).toEqual((Object.keys(CHANNELS) as ChannelName[]).filter((c) => !shell.has(c)).sort());
  });

  it('says a patient outside the snapshot is not there', async () => {
    const result = await dispatch(handlers, 'chart', { patientId: 'nobody' });
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', audience: 'nurse', message: expect.stringContaining('not in this snapshot') } });
  });
});
