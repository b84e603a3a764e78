/**
 * Which flags are in force: the one place that decides the alerts the summary screen and the
 * printed summary list (Chart.alerts). A flag is in force while it is active as sent (the
 * mapper reads a Flag's status active or not given, a code-status Consent's status active)
 * and its period has not ended before the snapshot. Inactive, entered-in-error and ended
 * flags stay in the full list (Chart.flags), with their status, and nowhere as an alert.
 */
export interface FlagEntry<T> {
  item: T;
  /** Active as sent. */
  live: boolean;
  /** When it stops applying (a Flag's period end), if sent. */
  end: string | null;
}

/** The rule code status, isolation and alerts share: active as sent and not ended by the snapshot's time. */
export function isInForce(e: { live: boolean; end: string | null }, asOf: string): boolean {
  return e.live && (e.end === null || e.end >= asOf);
}

/** The items of the flags in force, in the order given. */
export function decideAlerts<T>(entries: Iterable<FlagEntry<T>>, asOf: string): T[] {
  const out: T[] = [];
  for (const e of entries) if (isInForce(e, asOf)) out.push(e.item);
  return out;
}
