import type { ObservationValue } from '../../../shared/contract';

/**
 * The latest result of each kind (by code, else by name), with its time: what the summary's
 * "latest vital signs", its printed copy and the banner's weight and height show. Newest
 * first; an undated result only stands when its kind has no dated one.
 */
export function latestOfEachKind(observations: readonly ObservationValue[]): ObservationValue[] {
  const latest = new Map<string, ObservationValue>();
  for (const o of observations) {
    const key = o.code.code ?? o.code.display;
    const seen = latest.get(key);
    if (!seen || (o.at ?? '') > (seen.at ?? '')) latest.set(key, o);
  }
  return [...latest.values()].sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''));
}
