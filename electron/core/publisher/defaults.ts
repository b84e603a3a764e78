import { FULL_REFRESH_DEFAULT_DAYS } from './pull/state';

/**
 * What the publisher does where nobody said otherwise: the service's config (service.ts),
 * `lantern publish`, `lantern publisher` and the benchmarks read each from here.
 */
export const PUBLISH_DEFAULTS = {
  /** A snapshot's validity after its data-as-of time. */
  expires: '7d',
  /** Minutes between two cycles of the service. */
  intervalMinutes: 5,
  /** Full snapshots kept in each outbox (and the deltas after the oldest of them). */
  keep: 5,
  /** A full pull from the EHR when the last is older than this; between them only changes. */
  fullRefresh: `${FULL_REFRESH_DEFAULT_DAYS}d`,
  /** With deltas: a full snapshot at least every this many snapshots of a scope... */
  fullEvery: 12,
  /** ...and at least this often. */
  fullAfter: '1d',
  /** How long stations take a roster after it is issued (lantern roster build). */
  rosterExpires: '30d',
} as const;

/** The most snapshots a delta policy may let pass between two full ones. */
export const FULL_EVERY_MAX = 10_000;
