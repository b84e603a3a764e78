/**
 * How old the copy in use is, by one rule for the screens, the printed pages and the CLI:
 * expired from its expiry time on, stale once its data is older than the home's
 * staleAfterMinutes, fresh before that.
 */
export type Freshness = 'fresh' | 'stale' | 'expired';

export function freshnessOf(now: number, asOf: string, expiresAt: string, staleAfterMinutes: number): Freshness {
  if (now >= Date.parse(expiresAt)) return 'expired';
  if (now - Date.parse(asOf) > staleAfterMinutes * 60_000) return 'stale';
  return 'fresh';
}
