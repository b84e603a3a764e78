import { describe, expect, it } from 'vitest';
import { isAbnormalFlag, observationFlag } from '../../../electron/core/chart/facts/flag';
import { mapResource } from '../../../electron/core/chart/map';
import type { ObservationFlag, ObservationValue } from '../../../electron/shared/contract';
import type { Json } from '../../../electron/core/fhir/util';

type Case = [string, { interpretation?: string[]; numeric?: number | null; low?: number | null; high?: number | null }, ObservationFlag];

const CASES: Case[] = [
  ['H', { interpretation: ['H'] }, 'high'],
  ['HH', { interpretation: ['HH'] }, 'critical-high'],
  ['L', { interpretation: ['L'] }, 'low'],
  ['LL', { interpretation: ['LL'] }, 'critical-low'],
  ['A', { interpretation: ['A'] }, 'abnormal'],
  ['AA', { interpretation: ['AA'] }, 'critical'],
  ['HU', { interpretation: ['HU'] }, 'very-high'],
  ['LU', { interpretation: ['LU'] }, 'very-low'],
  ['N', { interpretation: ['N'] }, 'normal'],
  ['lower case h', { interpretation: ['h'] }, 'high'],
  ['the interpretation wins over the range', { interpretation: ['N'], numeric: 200, low: 70, high: 99 }, 'normal'],
  ['the worst of several interpretations', { interpretation: ['H', 'HH'] }, 'critical-high'],
  ['no interpretation, above the range', { numeric: 120, low: 70, high: 99 }, 'high'],
  ['no interpretation, below the range', { numeric: 60, low: 70, high: 99 }, 'low'],
  ['no interpretation, inside the range', { numeric: 80, low: 70, high: 99 }, 'normal'],
  ['only a low bound', { numeric: 80, low: 90 }, 'low'],
  ['an unknown interpretation falls back to the range', { interpretation: ['ZZ'], numeric: 120, high: 99 }, 'high'],
  ['no interpretation, no range: no flag given, never normal', { numeric: 80 }, 'no-flag-given'],
  ['a range but no number', { numeric: null, low: 70, high: 99 }, 'no-flag-given'],
  ['nothing at all', {}, 'no-flag-given'],
];

describe('the abnormal flag, decided once', () => {
  it.each(CASES)('%s', (_name, o, want) => {
    expect(observationFlag({ interpretation: o.interpretation ?? [], numeric: o.numeric ?? null, low: o.low ?? null, high: o.high ?? null })).toBe(want);
  });

  it('warns only for a flag that is neither normal nor silent', () => {
    expect(isAbnormalFlag('normal')).toBe(false);
    expect(isAbnormalFlag('no-flag-given')).toBe(false);
    expect(isAbnormalFlag('low')).toBe(true);
  });

  it('maps a result without interpretation or range as "no flag given", and takes the worst component', () => {
    const map = (r: Json) => mapResource('Observation', r, JSON.stringify(r)).data as ObservationValue;
    const base = { resourceType: 'Observation', subject: { reference: 'Patient/p1' }, status: 'final', category: [{ coding: [{ code: 'laboratory' }] }] };
    const bare = map({ ...base, id: 'o1', code: { text: 'Glucose' }, valueQuantity: { value: 80, unit: 'mg/dL' } });
    expect([bare.flag, bare.abnormal]).toEqual(['no-flag-given', false]);
    const bp = map({
      ...base, id: 'o2', code: { text: 'Blood pressure' },
      component: [
        { code: { text: 'Systolic' }, valueQuantity: { value: 182 }, interpretation: [{ coding: [{ code: 'HH' }] }] },
        { code: { text: 'Diastolic' }, valueQuantity: { value: 70 }, referenceRange: [{ low: { value: 60 }, high: { value: 90 } }] },
      ],
    });
    expect([bp.flag, bp.abnormal]).toEqual(['critical-high', true]);
  });
});
