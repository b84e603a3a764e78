import { afterEach, describe, expect, it } from 'vitest';
import { formatAgeAt } from '../../electron/shared/time-text';
import { age } from '../../scripts/cli/commands/query-common';

const TZ = process.env.TZ;
afterEach(() => {
  if (TZ === undefined) delete process.env.TZ;
  else process.env.TZ = TZ;
});

/** [zone, birth date, now (an instant), age] */
const CASES: Array<[string, string, string, string | null]> = [
  ['UTC', '2000-03-15', '2026-03-14T23:59:00Z', '25 y'],
  ['UTC', '2000-03-15', '2026-03-15T00:00:00Z', '26 y'],
  // 23:30 on the 14th in New York is already the 15th in UTC: still the day before the birthday here.
  ['America/New_York', '2000-03-15', '2026-03-15T03:30:00Z', '25 y'],
  ['America/New_York', '2000-03-15', '2026-03-15T04:00:00Z', '26 y'],
  // 00:30 on the 15th in Tokyo is still the 14th in UTC: the birthday has come here.
  ['Asia/Tokyo', '2000-03-15', '2026-03-14T15:30:00Z', '26 y'],
  // Born on 29 February: the birthday is 1 March in other years, 29 February in leap years.
  ['UTC', '2004-02-29', '2025-02-28T12:00:00Z', '20 y'],
  ['UTC', '2004-02-29', '2025-03-01T00:00:00Z', '21 y'],
  ['UTC', '2004-02-29', '2028-02-28T23:59:00Z', '23 y'],
  ['UTC', '2004-02-29', '2028-02-29T00:00:00Z', '24 y'],
  ['UTC', '2025-12-01', '2026-11-21T10:00:00Z', '11 mo'],
  ['UTC', '2026-11-09', '2026-11-21T10:00:00Z', '12 d'],
  ['UTC', '1948', '2026-11-21T10:00:00Z', '78 y'],
  ['UTC', '2027-01-01', '2026-11-21T10:00:00Z', null],
  ['UTC', 'not a date', '2026-11-21T10:00:00Z', null],
];

describe('one age for the screens, the pages and the CLI', () => {
  it.each(CASES)('%s: born %s, at %s: %s', (zone, birth, now, want) => {
    process.env.TZ = zone;
    expect(formatAgeAt(birth, Date.parse(now))).toBe(want);
    expect(age(birth, now)).toBe(want ?? '?');
  });
  it('says "?" in the CLI when no birth date is given', () => {
    expect(age(null, '2026-11-21T10:00:00Z')).toBe('?');
  });
});
