import type { ObservationFlag } from '../../../shared/contract';

/**
 * The abnormal flag of a result: the one place that decides it. From the interpretation the
 * EHR sent; else from the value against the reference range; else "no flag given" — never
 * "normal" without an interpretation or a range that says so.
 */

const BY_INTERPRETATION: Record<string, ObservationFlag> = {
  hh: 'critical-high', ll: 'critical-low', aa: 'critical',
  hu: 'very-high', lu: 'very-low',
  h: 'high', hx: 'high', '>': 'high',
  l: 'low', lx: 'low', '<': 'low',
  a: 'abnormal', pos: 'abnormal', det: 'abnormal', r: 'abnormal', w: 'abnormal',
  n: 'normal', neg: 'normal', nd: 'normal', s: 'normal',
};

/** Worst first: what a row shows when the result or one of its components says more than one thing. */
const RANK: ObservationFlag[] = ['critical-high', 'critical-low', 'critical', 'very-high', 'very-low', 'high', 'low', 'abnormal', 'normal', 'no-flag-given'];

export interface FlagInput {
  /** Interpretation codes as sent (any case). */
  interpretation: readonly string[];
  numeric: number | null;
  low: number | null;
  high: number | null;
}

export function observationFlag(o: FlagInput): ObservationFlag {
  let known: ObservationFlag | null = null;
  for (const c of o.interpretation) {
    const f = BY_INTERPRETATION[c.trim().toLowerCase()];
    if (f) known = known === null ? f : worstFlag(known, f);
  }
  if (known) return known;
  if (o.numeric !== null && (o.low !== null || o.high !== null)) {
    if (o.low !== null && o.numeric < o.low) return 'low';
    if (o.high !== null && o.numeric > o.high) return 'high';
    return 'normal';
  }
  return 'no-flag-given';
}

export function worstFlag(a: ObservationFlag, b: ObservationFlag): ObservationFlag {
  return RANK.indexOf(a) <= RANK.indexOf(b) ? a : b;
}

/** Whether a flag warns (critical, high, low or abnormal). */
export function isAbnormalFlag(f: ObservationFlag): boolean {
  return f !== 'normal' && f !== 'no-flag-given';
}
