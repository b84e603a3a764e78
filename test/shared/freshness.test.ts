import { describe, expect, it } from 'vitest';
import { freshnessOf, isExpired, type Freshness } from '../../electron/shared/freshness';

const asOf = '2026-11-21T10:00:00.000Z';
const expiresAt = '2026-11-24T10:00:00.000Z';
const at = (iso: string) => Date.parse(iso);

/** [case, now, stale threshold in minutes, state, past the stale threshold, expired, age in ms] */
const CASES: Array<[string, string, number, Freshness, boolean, boolean, number]> = [
  ['at the data-as-of time', '2026-11-21T10:00:00.000Z', 120, 'fresh', false, false, 0],
  ['a minute before the threshold', '2026-11-21T11:59:00.000Z', 120, 'fresh', false, false, 119 * 60_000],
  ['exactly at the threshold', '2026-11-21T12:00:00.000Z', 120, 'fresh', false, false, 120 * 60_000],
  ['a millisecond past the threshold', '2026-11-21T12:00:00.001Z', 120, 'stale', true, false, 120 * 60_000 + 1],
  ['half a minute past the threshold', '2026-11-21T12:00:30.000Z', 120, 'stale', true, false, 120 * 60_000 + 30_000],
  ['another threshold (60 min)', '2026-11-21T11:01:00.000Z', 60, 'stale', true, false, 61 * 60_000],
  ['a millisecond before expiry', '2026-11-24T09:59:59.999Z', 120, 'stale', true, false, 72 * 3_600_000 - 1],
  ['exactly at expiry', '2026-11-24T10:00:00.000Z', 120, 'expired', true, true, 72 * 3_600_000],
  ['after expiry', '2026-11-30T10:00:00.000Z', 120, 'expired', true, true, 9 * 86_400_000],
  ['expired before the threshold (a threshold longer than the copy lives)', '2026-11-24T10:00:00.000Z', 7 * 24 * 60, 'expired', false, true, 72 * 3_600_000],
  ['as-of ahead of the clock (skew)', '2026-11-21T09:55:00.000Z', 120, 'fresh', false, false, -5 * 60_000],
  ['as-of far ahead of the clock', '2026-11-20T10:00:00.000Z', 120, 'fresh', false, false, -86_400_000],
];

describe('freshnessOf', () => {
  it.each(CASES)('%s', (_, now, staleAfterMinutes, state, stale, expired, ageMs) => {
    expect(freshnessOf({ asOf, expiresAt, now: at(now), staleAfterMinutes })).toEqual({ state, stale, expired, ageMs });
    // A Date judges the same as its milliseconds.
    expect(freshnessOf({ asOf, expiresAt, now: new Date(now), staleAfterMinutes })).toEqual({ state, stale, expired, ageMs });
  });

  it('never expires a copy whose expiry is not known, and still says when it is stale', () => {
    expect(freshnessOf({ asOf, expiresAt: null, now: at('2026-12-30T10:00:00Z'), staleAfterMinutes: 120 })).toMatchObject({ state: 'stale', stale: true, expired: false });
    expect(freshnessOf({ asOf, expiresAt: null, now: at('2026-11-21T11:00:00Z'), staleAfterMinutes: 120 })).toMatchObject({ state: 'fresh' });
  });

  it('expires from the expiry instant on', () => {
    expect(isExpired(expiresAt, at(expiresAt) - 1)).toBe(false);
    expect(isExpired(expiresAt, at(expiresAt))).toBe(true);
    expect(isExpired(expiresAt, new Date(at(expiresAt) + 1))).toBe(true);
  });
});
