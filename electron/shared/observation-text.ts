import type { ObservationFlag, ObservationValue } from './contract';

/** A result's flag in words (decided in core: chart/facts/flag.ts). Display only. */
const FLAG_WORDS: Record<ObservationFlag, string | null> = {
  'critical-high': 'CRITICAL HIGH', 'critical-low': 'CRITICAL LOW', critical: 'CRITICAL', 'very-high': 'VERY HIGH', 'very-low': 'VERY LOW',
  high: 'HIGH', low: 'LOW', abnormal: 'ABNORMAL', normal: null, 'no-flag-given': null,
};

/** The flag column in words, for a flag that warns (decided in core: chart/facts/flag.ts); null otherwise. */
export function flagLabel(o: Pick<ObservationValue, 'flag'>): string | null {
  return FLAG_WORDS[o.flag];
}

/** What the flag column says when nothing warns: "normal" only when the EHR's interpretation or range said so. */
export function quietFlagLabel(o: Pick<ObservationValue, 'flag'>): string {
  return o.flag === 'normal' ? 'normal' : 'no flag given';
}
