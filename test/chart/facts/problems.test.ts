import { describe, expect, it } from 'vitest';
import { byStanding, conditionStanding } from '../../../electron/core/chart/facts/problems';
import type { Condition, ConditionStanding } from '../../../electron/shared/contract';

const CASES: Array<[string | null, string | null, string | null, ConditionStanding]> = [
  // clinicalStatus, verificationStatus, abatement -> standing
  ['active', 'confirmed', null, 'current'],
  ['recurrence', 'confirmed', null, 'current'],
  ['relapse', 'confirmed', null, 'current'],
  ['relapse', null, null, 'current'],
  ['Active', null, null, 'current'],
  ['active', 'unconfirmed', null, 'current'],
  ['active', 'provisional', null, 'current'],
  ['active', 'differential', null, 'current'],
  ['inactive', 'confirmed', null, 'past'],
  ['remission', 'confirmed', null, 'past'],
  ['resolved', 'confirmed', '2025-01-01', 'past'],
  ['active', 'refuted', null, 'not-a-problem'],
  ['active', 'entered-in-error', null, 'not-a-problem'],
  [null, 'entered-in-error', null, 'not-a-problem'],
  ['resolved', 'refuted', null, 'not-a-problem'],
  [null, 'confirmed', null, 'unstated'],
  [null, null, null, 'unstated'],
  ['something else', null, null, 'unstated'],
  [null, null, '2025-06-01', 'past'],
];

describe('a condition\'s standing, decided once', () => {
  it.each(CASES)('clinical %s, verification %s, abated %s: %s', (clinicalStatus, verificationStatus, abatement, want) => {
    expect(conditionStanding({ clinicalStatus, verificationStatus, abatement })).toBe(want);
  });

  it('orders current, unstated, past, withdrawn; newest onset first within each', () => {
    const c = (id: string, standing: ConditionStanding, onset: string | null): Condition => ({
      id, code: { code: null, system: null, display: id }, clinicalStatus: null, verificationStatus: null, onset, abatement: null, category: null, standing,
    });
    const list = [c('gone', 'not-a-problem', '2026-01-01'), c('old', 'past', '2026-01-01'), c('a', 'current', '2020-01-01'), c('b', 'current', '2024-01-01'), c('u', 'unstated', null)];
    expect(list.sort(byStanding).map((x) => x.id)).toEqual(['b', 'a', 'u', 'old', 'gone']);
  });
});
