import { describe, expect, it } from 'vitest';
import { isCurrentEncounter } from '../../../electron/core/chart/facts/encounter';

const CASES: Array<[string | null, boolean]> = [
  ['in-progress', true],
  ['arrived', true],
  ['triaged', true],
  ['onleave', true],
  ['planned', false],
  ['finished', false],
  ['cancelled', false],
  ['entered-in-error', false],
  ['unknown', false],
  [null, false],
];

describe('which encounters are current, decided once', () => {
  it.each(CASES)('%s: %s', (status, want) => {
    expect(isCurrentEncounter(status)).toBe(want);
  });
});
