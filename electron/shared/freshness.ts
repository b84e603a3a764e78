/**
 * How fresh a copy is: the one place that compares its data-as-of time with the stale
 * threshold and its expiry with the clock. The header, the printed page, the CLI's status,
 * the tray, the heartbeat, the fleet report and the expired-copy gate all read it. Plain
 * arithmetic on ISO times (no Node module): it runs in the renderer too.
 */

export type Freshness = 'fresh' | 'stale' | 'expired';

export interface FreshnessInput {
  /** The copy's data-as-of time (ISO). */
  asOf: string;
  /** When the copy expires (ISO); null when the caller does not know it (the tray knows only the data-as-of time). */
  expiresAt: string | null;
  /** The clock to judge by: milliseconds since the epoch, or a Date. */
  now: number | Date;
  staleAfterMinutes: number;
}

export interface FreshnessResult {
  /** What the copy is, worst first: expired, else stale, else fresh. */
  state: Freshness;
  /** Milliseconds from the data-as-of time to `now`; negative when the as-of time is ahead of the clock (clock skew). */
  ageMs: number;
  /** The data is older than the stale threshold, expired or not (an expired copy is usually stale as well). */
  stale: boolean;
  /** The copy has expired: `now` is at or after its expiry time. */
  expired: boolean;
}

const MINUTE_MS = 60_000;

const millis = (now: number | Date) => (typeof now === 'number' ? now : now.getTime());

/** Whether a copy that expires at `expiresAt` has expired at `now`: from the expiry instant on. */
export const isExpired = (expiresAt: string, now: number | Date): boolean => millis(now) >= Date.parse(expiresAt);

/**
 * The freshness of a copy at `now`. Stale once its data is strictly older than the threshold
 * (at exactly the threshold it is still fresh); expired from the expiry instant on. A
 * data-as-of time ahead of the clock is fresh, its age negative: the snapshot checks refuse a
 * copy dated too far ahead when it arrives; later clock changes are not a staleness question.
 */
export function freshnessOf(input: FreshnessInput): FreshnessResult {
  const ageMs = millis(input.now) - Date.parse(input.asOf);
  const stale = ageMs > input.staleAfterMinutes * MINUTE_MS;
  const expired = input.expiresAt !== null && isExpired(input.expiresAt, input.now);
  return { state: expired ? 'expired' : stale ? 'stale' : 'fresh', ageMs, stale, expired };
}
