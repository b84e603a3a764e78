import { describe, expect, it } from 'vitest';
import { formatStampWithZone } from '../../electron/shared/time-text';

describe('formatStampWithZone (the fleet report, read in another building or zone)', () => {
  it('always names the zone, with the year, across a daylight-saving change', () => {
    expect(formatStampWithZone('2026-12-02T05:40:00.000Z', { timeZone: 'UTC' })).toBe('02 Dec 2026 05:40 UTC');
    expect(formatStampWithZone('2026-12-02T05:40:00.000Z', { timeZone: 'America/New_York' })).toBe('02 Dec 2026 00:40 UTC-05:00');
    expect(formatStampWithZone('2026-07-02T05:40:00.000Z', { timeZone: 'America/New_York' })).toBe('02 Jul 2026 01:40 UTC-04:00');
    expect(formatStampWithZone('2026-12-31T20:00:00.000Z', { timeZone: 'Asia/Kolkata' })).toBe('01 Jan 2027 01:30 UTC+05:30');
    expect(formatStampWithZone(null)).toBe('—');
  });
});
