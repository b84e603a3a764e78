/** "2 h 13 min", "45 min", "3 d 4 h": how long ago, in words a glance can read. */
export function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export type Freshness = 'fresh' | 'stale' | 'expired';

export function freshnessOf(now: number, asOf: string, expiresAt: string, staleAfterMinutes: number): Freshness {
  if (now >= Date.parse(expiresAt)) return 'expired';
  if (now - Date.parse(asOf) > staleAfterMinutes * 60_000) return 'stale';
  return 'fresh';
}

export { datedWhenOld, formatAgeAt, formatClock, formatDate, formatDateTime, formatDay, formatStamp } from '../../../electron/shared/time-text';
