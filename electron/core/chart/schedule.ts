/**
 * Medication schedules: when an order is due, from its FHIR dosage timing.
 *
 * A timing is reduced to a fixed interval anchored at the order's start (frequency per
 * period, or a common code such as BID/Q6H), or to fixed times of day. Both the MAR query
 * and the synthetic hospital use this one function, so "scheduled" means the same thing
 * everywhere. PRN orders have no schedule.
 */

export interface DoseTiming {
  /** Code from timing.code (BID, TID, Q6H, QD, ...), upper-case. */
  code: string | null;
  frequency: number | null;
  period: number | null;
  /** FHIR units: s | min | h | d | wk | mo | a */
  periodUnit: string | null;
  /** "HH:MM[:SS]" local times of day. */
  timeOfDay: string[];
}

const HOUR = 3_600_000;
const UNIT_MS: Record<string, number> = {
  s: 1000,
  min: 60_000,
  h: HOUR,
  d: 24 * HOUR,
  wk: 7 * 24 * HOUR,
  mo: 30 * 24 * HOUR,
  a: 365 * 24 * HOUR,
};

/** Intervals (ms) for the timing abbreviations EHRs use (HL7 GTSAbbreviation and common ones). */
const CODE_INTERVAL: Record<string, number> = {
  QD: 24 * HOUR,
  DAILY: 24 * HOUR,
  QDAY: 24 * HOUR,
  AM: 24 * HOUR,
  PM: 24 * HOUR,
  QHS: 24 * HOUR,
  HS: 24 * HOUR,
  BID: 12 * HOUR,
  TID: 8 * HOUR,
  QID: 6 * HOUR,
  QOD: 48 * HOUR,
  Q1H: HOUR,
  Q2H: 2 * HOUR,
  Q3H: 3 * HOUR,
  Q4H: 4 * HOUR,
  Q6H: 6 * HOUR,
  Q8H: 8 * HOUR,
  Q12H: 12 * HOUR,
  Q24H: 24 * HOUR,
  Q48H: 48 * HOUR,
  WK: 7 * 24 * HOUR,
  QWK: 7 * 24 * HOUR,
};

/** The interval between doses in ms, or null when the timing does not define one. */
export function doseInterval(t: DoseTiming): number | null {
  if (t.frequency && t.period && t.periodUnit && UNIT_MS[t.periodUnit]) {
    return (t.period * (UNIT_MS[t.periodUnit] as number)) / t.frequency;
  }
  if (t.code) {
    const known = CODE_INTERVAL[t.code];
    if (known) return known;
    const q = /^Q(\d+)H$/.exec(t.code);
    if (q) return Number(q[1]) * HOUR;
  }
  if (t.timeOfDay.length > 0) return (24 * HOUR) / t.timeOfDay.length;
  return null;
}

/** Readable frequency for the order line ("Q6H", "3 times per 1 d", "at 09:00, 21:00"). */
export function describeTiming(t: DoseTiming): string | null {
  if (t.code) return t.code;
  if (t.frequency && t.period && t.periodUnit) {
    if (t.frequency === 1) return `every ${t.period} ${t.periodUnit}`;
    return `${t.frequency} times per ${t.period} ${t.periodUnit}`;
  }
  if (t.timeOfDay.length) return `at ${t.timeOfDay.map((x) => x.slice(0, 5)).join(', ')}`;
  return null;
}

function parseTimeOfDay(value: string): number | null {
  const m = /^(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!m) return null;
  return (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0)) * 1000;
}

/**
 * Due times in [from, to] (epoch ms, ascending) for an order active from `start` until `end`
 * (null = open). `tzOffsetMinutes` places times of day (east of UTC positive).
 */
export function dueTimes(
  t: DoseTiming,
  start: number,
  end: number | null,
  from: number,
  to: number,
  tzOffsetMinutes = 0,
): number[] {
  const out: number[] = [];
  const last = end === null ? to : Math.min(to, end);
  if (last < from || last < start) return out;
  const first = Math.max(from, start);
  const times = t.timeOfDay.map(parseTimeOfDay).filter((x): x is number => x !== null);
  if (times.length > 0) {
    times.sort((a, b) => a - b);
    const offset = tzOffsetMinutes * 60_000;
    const dayMs = 24 * HOUR;
    let day = Math.floor((first + offset) / dayMs) * dayMs - offset;
    for (; day <= last; day += dayMs) {
      for (const tod of times) {
        const at = day + tod;
        if (at >= first && at <= last) out.push(at);
      }
    }
    return out;
  }
  const interval = doseInterval(t);
  if (!interval || interval < 60_000) return out;
  let at = start + Math.max(0, Math.ceil((first - start) / interval)) * interval;
  for (; at <= last && out.length < 10_000; at += interval) out.push(at);
  return out;
}
