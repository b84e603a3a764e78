import { describe, expect, it } from 'vitest';
import { createHandlers } from '../../electron/core/api/handlers';
import { dispatch } from '../../electron/core/api/dispatch';
import { createFakeContext, KNOWN, UNITS } from '../support/fake-context';

// The fake hospital the UI is developed and tested on must answer exactly what the contract
// promises: dispatch with checkResponses validates every answer against the zod schemas.
describe('fake workstation context', () => {
  const ctx = createFakeContext({ asOf: new Date('2026-11-21T14:05:00Z'), clock: () => new Date('2026-11-21T15:00:00Z') });
  const handlers = createHandlers(ctx);
  const call = async (channel: string, input: unknown) => {
    const result = await dispatch(handlers, channel, input, { checkResponses: true });
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as never;
  };

  it('answers status, census, search, chart, MAR, series and records within the contract', async () => {
    const status: { snapshot: { asOf: string } } = await call('status', {});
    expect(status.snapshot.asOf).toBe('2026-11-21T14:05:00Z');
    for (const unit of UNITS) {
      const census: { beds: Array<{ patient: { id: string } | null }> } = await call('census', { unit: unit.id });
      expect(census.beds.some((b) => b.patient === null)).toBe(true);
      for (const bed of census.beds) {
        if (!bed.patient) continue;
        await call('chart', { patientId: bed.patient.id });
        await call('mar', { patientId: bed.patient.id });
      }
    }
    const hits: Array<{ id: string }> = await call('search', { text: KNOWN.family });
    expect(hits.map((h) => h.id)).toContain(KNOWN.id);
    expect(((await call('search', { text: KNOWN.mrn })) as Array<{ id: string }>)[0]?.id).toBe(KNOWN.id);
    await call('series', { patientId: KNOWN.id, code: '2823-3' });
    const chart: { other: Array<{ type: string; id: string }> } = await call('chart', { patientId: KNOWN.id });
    for (const ref of chart.other) await call('record', { patientId: KNOWN.id, type: ref.type, id: ref.id });
  });

  it('answers every protocol channel within the contract', async () => {
    const list: Array<{ id: string }> = await call('protocols', {});
    expect(list.length).toBeGreaterThan(3);
    for (const p of list) await call('protocolOpen', { id: p.id });
    expect(((await call('protocolSearch', { text: 'lactate' })) as unknown[]).length).toBe(1);
  });

  it('says a patient outside the snapshot is not there', async () => {
    const result = await dispatch(handlers, 'chart', { patientId: 'nobody' });
    expect(result).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'This patient is not in this unit’s snapshot.', audience: 'nurse' } });
  });
});
