import { describe, expect, it } from 'vitest';
import { datedWhenOld, formatClock, formatDate, formatDateTime, formatDay, formatStamp, zoneName } from '../../electron/shared/time-text';

const NY = { timeZone: 'America/New_York' };
const UTC = { timeZone: 'UTC' };
const LONDON = { timeZone: 'Europe/London' };
const KOLKATA = { timeZone: 'Asia/Kolkata' };

type Case = [string, string | null, { timeZone: string }, string];

describe('dates and times: one clock, every year, the zone when the source differs', () => {
  const dateTimes: Case[] = [
    // A Synthea-style offset in the workstation's own zone: no zone named.
    ['same offset (EDT) in New York', '2015-04-30T21:48:13-04:00', NY, '30 Apr 2015 21:48'],
    ['same offset (EST, winter) in New York', '2015-01-05T08:02:00-05:00', NY, '05 Jan 2015 08:02'],
    // The source's offset differs: shown in the workstation's zone, which is named.
    ['EDT source on a UTC workstation crosses midnight', '2015-04-30T21:48:13-04:00', UTC, '01 May 2015 01:48 UTC'],
    ['UTC source in New York', '2015-05-01T01:48:13Z', NY, '30 Apr 2015 21:48 UTC-04:00'],
    ['UTC source in London in summer', '2019-07-01T12:00:00Z', LONDON, '01 Jul 2019 13:00 UTC+01:00'],
    ['UTC source in London in winter is the same clock', '2019-01-01T12:00:00Z', LONDON, '01 Jan 2019 12:00'],
    ['half-hour zone', '2019-01-01T12:00:00+00:00', KOLKATA, '01 Jan 2019 17:30 UTC+05:30'],
    ['EST source in New York after the spring change', '2015-03-09T10:00:00-05:00', NY, '09 Mar 2015 11:00 UTC-04:00'],
    ['offset without a colon', '2015-04-30T21:48:13-0400', NY, '30 Apr 2015 21:48'],
    ['fractional seconds', '2026-11-21T14:05:09.123Z', UTC, '21 Nov 2026 14:05'],
    // Date-only values stay dates: no invented time, no zone shift.
    ['date only', '2019-03-12', NY, '12 Mar 2019'],
    ['date only, east of UTC', '2019-03-12', KOLKATA, '12 Mar 2019'],
    ['year and month', '1948-02', NY, 'Feb 1948'],
    ['year only', '1948', NY, '1948'],
    // A time with no offset: its zone is unknown, so it is shown as written.
    ['no offset', '2015-04-30T21:48:00', UTC, '30 Apr 2015 21:48'],
    ['missing', null, UTC, '—'],
    ['unreadable text is shown as sent', 'last Tuesday', UTC, 'last Tuesday'],
  ];
  it.each(dateTimes)('formatDateTime: %s', (_name, value, zone, want) => {
    expect(formatDateTime(value, zone)).toBe(want);
  });

  const dates: Case[] = [
    ['date only', '2019-03-12', KOLKATA, '12 Mar 2019'],
    ['date-time: the workstation’s calendar day', '2015-04-30T21:48:13-04:00', UTC, '01 May 2015'],
    ['date-time in its own zone', '2015-04-30T21:48:13-04:00', NY, '30 Apr 2015'],
    ['birth date before 1970', '1948-02-17', NY, '17 Feb 1948'],
  ];
  it.each(dates)('formatDate: %s', (_name, value, zone, want) => {
    expect(formatDate(value, zone)).toBe(want);
  });

  it('always carries the year, whatever the value', () => {
    for (const [, value, zone] of [...dateTimes, ...dates]) {
      if (!value || !/^\d{4}/.test(value)) continue;
      expect(formatDateTime(value, zone), value).toMatch(/\b\d{4}\b/);
      expect(formatDate(value, zone), value).toMatch(/\b\d{4}\b/);
    }
  });

  it('names the zone on a clock time only when the source’s offset differs', () => {
    expect(formatClock('2015-04-30T21:48:13-04:00', NY)).toBe('21:48');
    expect(formatClock('2015-04-30T21:48:13-04:00', UTC)).toBe('01:48 UTC');
    // A computed moment (a number) has no source offset: the workstation's clock, unnamed.
    expect(formatClock(Date.parse('2015-05-01T01:48:00Z'), NY)).toBe('21:48');
  });

  it('shows the system’s own moments (as of, printed, MAR window) on the workstation clock without a zone', () => {
    expect(formatStamp('2026-11-21T14:05:00.000Z', NY)).toBe('21 Nov 2026 09:05');
    expect(formatStamp(Date.parse('2026-11-21T14:05:00Z'), UTC)).toBe('21 Nov 2026 14:05');
    expect(formatStamp(null, UTC)).toBe('—');
  });

  it('heads a MAR day column with weekday, date and year in the workstation’s calendar', () => {
    expect(formatDay(Date.parse('2026-11-21T03:00:00Z'), UTC)).toBe('Sat 21 Nov 2026');
    expect(formatDay(Date.parse('2026-11-21T03:00:00Z'), NY)).toBe('Fri 20 Nov 2026');
  });

  it('dates a banner measurement once it is more than a day old', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(datedWhenOld('61.2 kg', '2019-03-12T09:30:00-04:00', now, NY)).toBe('61.2 kg (12 Mar 2019)');
    expect(datedWhenOld('61.2 kg', '2019-03-12', now, NY)).toBe('61.2 kg (12 Mar 2019)');
    expect(datedWhenOld('61.2 kg', '2026-12-01T06:00:00Z', now, NY)).toBe('61.2 kg');
    expect(datedWhenOld('61.2 kg', null, now, NY)).toBe('61.2 kg (date not recorded)');
  });

  it('names zones by their offset', () => {
    expect(zoneName(0)).toBe('UTC');
    expect(zoneName(-240)).toBe('UTC-04:00');
    expect(zoneName(330)).toBe('UTC+05:30');
  });
});
