import { describe, expect, it } from 'vitest';
import { doseOutcome, marEvents } from '../../../electron/core/chart/facts/mar';
import type { Administration, DoseOutcome } from '../../../electron/shared/contract';
import { MAR_MATCH_MINUTES } from '../../../electron/shared/defaults';

const OUTCOMES: Array<[string, string | null, string | null, DoseOutcome]> = [
  // status, statusReason text, statusReason code -> outcome
  ['completed', null, null, 'given'],
  ['completed', 'Patient refused second tablet', null, 'given'],
  ['not-done', null, null, 'held'],
  ['not-done', 'Heart rate 52', null, 'held'],
  ['not-done', 'NPO for procedure', null, 'held'],
  ['not-done', 'Patient refused', null, 'refused'],
  ['not-done', 'Declined by patient', null, 'refused'],
  ['not-done', 'Refusal of treatment by patient', '105480006', 'refused'],
  ['not-done', null, '182895007', 'refused'],
  ['not-done', 'See note', '182895007', 'refused'],
  ['not-done', 'Drug not available', '242990004', 'held'],
  ['on-hold', null, null, 'held'],
  ['on-hold', 'Patient refused', null, 'held'],
  ['in-progress', null, null, 'in-progress'],
  ['stopped', null, null, 'stopped'],
  ['entered-in-error', null, null, 'error'],
  ['unknown', null, null, 'other'],
  ['Completed', null, null, 'given'],
];

describe('what happened to a dose, decided once', () => {
  it.each(OUTCOMES)('%s (reason %s, code %s): %s', (status, reason, reasonCode, want) => {
    expect(doseOutcome({ status, reason, reasonCode })).toBe(want);
  });
});

const adm = (at: string, status = 'completed', reason: string | null = null): Administration => ({
  id: `a-${at}`, orderId: 'o', medication: 'x', status, reason, reasonCode: null, at, dose: '10 mg', route: 'PO', performer: 'A. Nurse, RN',
});
const ASOF = '2026-11-21T10:00:00Z';
const kinds = (scheduled: string[], admins: Administration[], window = MAR_MATCH_MINUTES) => marEvents(scheduled, admins, ASOF, window).map((e) => `${e.kind}@${e.at.slice(5, 16)}`);

describe('scheduled doses matched to what was charted', () => {
  it('a dose near a scheduled time answers it; passed times nobody charted are "not charted", later ones "due"', () => {
    const scheduled = ['2026-11-19T09:00:00Z', '2026-11-19T21:00:00Z', '2026-11-20T09:00:00Z', '2026-11-21T09:00:00Z', '2026-11-21T13:00:00Z'];
    const admins = [adm('2026-11-19T09:10:00Z'), adm('2026-11-19T21:05:00Z', 'not-done', 'Patient refused'), adm('2026-11-21T09:20:00Z', 'not-done', 'HR 48')];
    expect(kinds(scheduled, admins)).toEqual(['given@11-19T09:10', 'refused@11-19T21:05', 'not-charted@11-20T09:00', 'held@11-21T09:20', 'due@11-21T13:00']);
  });

  it('a dose further than the window from the scheduled time does not answer it', () => {
    expect(kinds(['2026-11-20T09:00:00Z'], [adm('2026-11-20T11:30:00Z')])).toEqual(['not-charted@11-20T09:00', 'given@11-20T11:30']);
    expect(kinds(['2026-11-20T09:00:00Z'], [adm('2026-11-20T11:00:00Z')])).toEqual(['given@11-20T11:00']);
  });

  it('an entered-in-error record answers no scheduled dose', () => {
    expect(kinds(['2026-11-20T09:00:00Z'], [adm('2026-11-20T09:00:00Z', 'entered-in-error')])).toEqual(['error@11-20T09:00', 'not-charted@11-20T09:00']);
  });

  it('one dose answers one scheduled time: the earliest it is near; of two doses near one time, the nearer', () => {
    expect(kinds(['2026-11-20T08:00:00Z', '2026-11-20T09:00:00Z'], [adm('2026-11-20T08:50:00Z')])).toEqual(['given@11-20T08:50', 'not-charted@11-20T09:00']);
    expect(kinds(['2026-11-20T09:00:00Z'], [adm('2026-11-20T08:00:00Z'), adm('2026-11-20T09:10:00Z')])).toEqual(['given@11-20T08:00', 'given@11-20T09:10']);
  });

  it('keeps a charted dose\'s time as the EHR wrote it, and names its administration', () => {
    const [e] = marEvents([], [adm('2026-11-19T21:05:00-05:00')], ASOF, MAR_MATCH_MINUTES);
    expect(e).toEqual({ kind: 'given', at: '2026-11-19T21:05:00-05:00', administrationId: 'a-2026-11-19T21:05:00-05:00' });
  });

  it('a dose without a time is left to the list', () => {
    expect(marEvents([], [{ ...adm('x'), at: null }], ASOF, MAR_MATCH_MINUTES)).toEqual([]);
  });
});
