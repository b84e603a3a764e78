import { describe, expect, it } from 'vitest';
import type { Administration, Mar, MedicationOrder } from '../../electron/shared/contract';
import { marEvents } from '../../electron/core/chart/facts/mar';
import { MAR_MATCH_MINUTES } from '../../electron/shared/defaults';
import { buildMarGrid, marDays, marWindow } from '../../renderer/src/lib/mar-grid';
import { formatClock } from '../../renderer/src/lib/time';

process.env.TZ = 'UTC';

const order = (id: string, extra: Partial<MedicationOrder> = {}): MedicationOrder => ({
  id, medication: `Drug ${id}`, dose: '10 mg', route: 'PO', frequency: 'BID', prn: false, status: 'active', intent: 'order',
  prescriber: null, authoredOn: null, start: null, end: null, instructions: null, ...extra,
});
const adm = (orderId: string, at: string, status = 'completed', reason: string | null = null): Administration => ({
  id: `${orderId}-${at}`, orderId, medication: 'x', status, reason, reasonCode: null, at, dose: '10 mg', route: 'PO', performer: 'A. Nurse, RN',
});

const ASOF = '2026-11-21T10:00:00Z';
/** A MAR as core gives it: each row's events decided there (chart/facts/mar.ts). */
const mar = (rows: Array<Omit<Mar['rows'][number], 'events'>>): Mar => ({
  patient: { id: 'p', name: 'Test, Pat', mrn: '1', birthDate: null, sex: null, deceased: false, location: null },
  from: '2026-11-18T14:00:00Z',
  to: '2026-11-21T14:00:00Z',
  asOf: ASOF,
  rows: rows.map((r) => ({ ...r, events: marEvents(r.scheduled, r.administrations, ASOF, MAR_MATCH_MINUTES) })),
});

describe('MAR grid', () => {
  it('has one column per calendar day the window touches', () => {
    const days = marDays(Date.parse('2026-11-18T14:00:00Z'), Date.parse('2026-11-21T14:00:00Z'));
    expect(days.map((d) => d.label)).toEqual(['Wed 18 Nov 2026', 'Thu 19 Nov 2026', 'Fri 20 Nov 2026', 'Sat 21 Nov 2026']);
  });

  it('puts each dose in its day, flags scheduled doses nobody charted and those still due', () => {
    const grid = buildMarGrid(
      mar([
        {
          order: order('a'),
          scheduled: ['2026-11-19T09:00:00Z', '2026-11-19T21:00:00Z', '2026-11-20T09:00:00Z', '2026-11-21T09:00:00Z', '2026-11-21T13:00:00Z'],
          administrations: [
            adm('a', '2026-11-19T09:10:00Z'),
            adm('a', '2026-11-19T21:05:00Z', 'not-done', 'Patient refused'),
            adm('a', '2026-11-21T09:20:00Z', 'not-done', 'HR 48'),
          ],
          lastGiven: '2026-11-19T09:10:00Z',
          nextDue: '2026-11-21T13:00:00Z',
        },
      ]),
    );
    const [row] = grid.rows;
    const summary = row!.cells.map((events) => events.map((e) => `${e.kind}${e.detail && e.kind !== 'given' ? `(${e.detail})` : ''}`));
    expect(summary).toEqual([[], ['given', 'refused(Patient refused)'], ['not-charted'], ['held(HR 48)', 'due']]);
  });

  it('keeps a charted dose’s time as the EHR wrote it, so its clock names a zone that differs', () => {
    const grid = buildMarGrid(
      mar([{ order: order('a'), scheduled: ['2026-11-20T09:00:00Z'], administrations: [adm('a', '2026-11-19T21:05:00-05:00')], lastGiven: null, nextDue: null }]),
    );
    const events = grid.rows[0]!.cells.flat();
    const given = events.find((e) => e.kind === 'given')!;
    expect(given.source).toBe('2026-11-19T21:05:00-05:00');
    expect(formatClock(given.source ?? given.at)).toBe('02:05 UTC');
    // A computed scheduled time has no source clock: the workstation's, unnamed.
    const notCharted = events.find((e) => e.kind === 'not-charted')!;
    expect(notCharted.source).toBeUndefined();
    expect(formatClock(notCharted.at)).toBe('09:00');
  });

  it('asks for the 72 hours before the data-as-of time and the 12 after', () => {
    expect(marWindow('2026-11-21T10:00:00Z')).toEqual({ from: '2026-11-18T10:00:00.000Z', to: '2026-11-21T22:00:00.000Z' });
  });
});
