import { describe, expect, it } from 'vitest';
import { latestOfEachKind } from '../../../electron/core/chart/facts/latest';
import type { ObservationValue } from '../../../electron/shared/contract';

const obs = (code: string | null, display: string, at: string | null, value: string): ObservationValue => ({
  id: `${code ?? display}-${at}-${value}`, code: { code, system: null, display }, category: 'vital-signs', at, value, numeric: null, unit: null,
  referenceRange: null, referenceLow: null, referenceHigh: null, interpretation: null, flag: 'no-flag-given', abnormal: false, components: [],
});

const CASES: Array<[string, ObservationValue[], string[]]> = [
  ['nothing recorded', [], []],
  ['the newest of one kind', [obs('8867-4', 'Heart rate', '2026-11-21T06:00:00Z', '80'), obs('8867-4', 'Heart rate', '2026-11-21T10:00:00Z', '82')], ['Heart rate 82 2026-11-21T10:00:00Z']],
  ['one of each kind, newest first', [obs('8867-4', 'Heart rate', '2026-11-21T06:00:00Z', '80'), obs('8310-5', 'Temp', '2026-11-21T08:00:00Z', '37.0')],
    ['Temp 37.0 2026-11-21T08:00:00Z', 'Heart rate 80 2026-11-21T06:00:00Z']],
  ['an undated result loses to a dated one', [obs('8867-4', 'Heart rate', null, '120'), obs('8867-4', 'Heart rate', '2026-11-21T06:00:00Z', '80')], ['Heart rate 80 2026-11-21T06:00:00Z']],
  ['an undated result stands alone', [obs('8867-4', 'Heart rate', null, '120')], ['Heart rate 120 null']],
  ['without a code, by name', [obs(null, 'Pain score', '2026-11-21T06:00:00Z', '3'), obs(null, 'Pain score', '2026-11-21T09:00:00Z', '5')], ['Pain score 5 2026-11-21T09:00:00Z']],
];

describe('the latest vital sign of each kind, with its time', () => {
  it.each(CASES)('%s', (_name, list, want) => {
    expect(latestOfEachKind(list).map((o) => `${o.code.display} ${o.value} ${o.at}`)).toEqual(want);
  });
});
