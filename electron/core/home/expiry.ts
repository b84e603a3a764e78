import type { ExpiredCharts, ExpiredCopy, QueryChannel, SnapshotStatus } from '../../shared/contract';
import { LanternError } from '../../shared/errors';
import { freshnessOf, isExpired, type Freshness } from '../../shared/freshness';
import { copyAgeInDays, expiredChartsNotice } from '../../shared/notices';
import type { AuditRecorder } from './audit';
import { appendHomeLog } from './log';

/** What an expired copy's charts do where neither the policy nor the caller says. */
export const DEFAULT_EXPIRED_CHARTS: ExpiredCharts = 'acknowledge';

const DAY_MS = 86_400_000;

type CopyOf = Pick<SnapshotStatus, 'sequence' | 'asOf' | 'expiresAt'>;

/** Whole days from the data-as-of time to `now`: the age a nurse is asked to confirm. */
export function ageInDays(asOf: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(asOf)) / DAY_MS));
}

/**
 * What the copy in use allows, decided once for every surface: null while it has not expired;
 * once it has, its age and whether charts are closed by policy ('blocked'), wait for the
 * nurse to confirm that age ('ask') or are open after that ('open').
 */
export function expiredCopy(input: { snapshot: CopyOf | null; now: Date; policy: ExpiredCharts; acknowledged: boolean }): ExpiredCopy | null {
  const { snapshot, now } = input;
  if (!snapshot || !isExpired(snapshot.expiresAt, now)) return null;
  const charts = input.policy === 'block' ? 'blocked' : input.acknowledged ? 'open' : 'ask';
  return { sequence: snapshot.sequence, ageDays: ageInDays(snapshot.asOf, now), charts };
}

/**
 * What a nurse working on paper still needs from an expired copy, without confirming its age:
 * the downtime protocols and forms, patient search (whom a paper record is for) and the census
 * (who lies in which bed). A patient's chart, MAR, trends and records need the confirmation.
 * A new query channel must be placed here (the type says so).
 */
export const OPEN_WHEN_EXPIRED = {
  search: true,
  census: true,
  protocols: true,
  protocolSearch: true,
  protocolOpen: true,
  chart: false,
  mar: false,
  series: false,
  record: false,
} as const satisfies Record<QueryChannel, boolean>;

/** Whether `channel` answers on the copy whose state is `copy` (null: not expired). */
export const queryAllowed = (channel: QueryChannel, copy: ExpiredCopy | null): boolean =>
  copy === null || copy.charts === 'open' || OPEN_WHEN_EXPIRED[channel];

/** How old the copy in use is and what that allows, for a surface that states it beside the data (the CLI). */
export interface CopyState {
  /** 'stale': data older than the home's staleAfterMinutes; 'expired': past the copy's expiry time. */
  state: Freshness;
  asOf: string;
  expiresAt: string;
  staleAfterMinutes: number;
  /** Whole minutes, and whole days, from the data-as-of time to now. */
  ageMinutes: number;
  ageDays: number;
  /** expiredCopy()'s answer: null while the copy has not expired. */
  expired: ExpiredCopy | null;
}

export function copyState(input: { snapshot: CopyOf | null; now: Date; staleAfterMinutes: number; policy: ExpiredCharts; acknowledged: boolean }): CopyState | null {
  const { snapshot, now } = input;
  if (!snapshot) return null;
  const { state, ageMs } = freshnessOf({ asOf: snapshot.asOf, expiresAt: snapshot.expiresAt, now, staleAfterMinutes: input.staleAfterMinutes });
  return {
    state,
    asOf: snapshot.asOf,
    expiresAt: snapshot.expiresAt,
    staleAfterMinutes: input.staleAfterMinutes,
    ageMinutes: Math.max(0, Math.floor(ageMs / 60_000)),
    ageDays: ageInDays(snapshot.asOf, now),
    expired: expiredCopy(input),
  };
}

/**
 * The command line's rule for an expired copy. Whoever runs it (IT, signed in where the home
 * asks) reads the copy's age on the EXPIRED line printed above the data, so its queries answer
 * as the app's do once that age is confirmed; a 'block' policy keeps charts, MARs, trends and
 * records closed there too, with the app's notice, while search, the census and the protocols
 * stay available (OPEN_WHEN_EXPIRED).
 */
export function commandLineCopy(snapshot: CopyOf | null, now: Date, staleAfterMinutes: number, policy: ExpiredCharts = DEFAULT_EXPIRED_CHARTS): CopyState | null {
  return copyState({ snapshot, now, staleAfterMinutes, policy, acknowledged: true });
}

/** Throws the app's ExpiredCopyError where `channel` does not answer on `copy` at the command line. */
export function checkCommandLineQuery(channel: QueryChannel, copy: CopyState | null): void {
  const expired = copy?.expired ?? null;
  if (!expired || queryAllowed(channel, expired)) return;
  throw new ExpiredCopyError(expiredChartsNotice(expired), expired.charts === 'blocked' ? 'EXPIRED_BLOCKED' : 'EXPIRED_ASK');
}

/**
 * A query or an acknowledgement that an expired copy does not allow: the renderer turns it
 * into the acknowledgement screen, or the closed-chart screen under a 'block' policy.
 */
export class ExpiredCopyError extends LanternError {
  override name = 'ExpiredCopyError';
  constructor(message: string, code: 'EXPIRED_ASK' | 'EXPIRED_BLOCKED' | 'EXPIRED_CHANGED') {
    super('SNAPSHOT_EXPIRED', message, { code });
  }
}

/** The expired-copy rules of one running workstation: its policy and what was acknowledged. */
export interface ExpiryGate {
  readonly policy: ExpiredCharts;
  /** The state of `snapshot` (the copy in use) at `now`. */
  state(snapshot: SnapshotStatus | null, now: Date): ExpiredCopy | null;
  /** Throws ExpiredCopyError when `channel` does not answer on `snapshot` at `now`. */
  check(channel: QueryChannel, snapshot: SnapshotStatus | null, now: Date): void;
  /**
   * The nurse confirms the age she was shown of the copy she was shown. Recorded once per copy
   * in the home's log; holds for this copy while the workstation runs (a newer copy asks again).
   */
  acknowledge(snapshot: SnapshotStatus | null, stated: { sequence: number; ageDays: number }, now: Date): ExpiredCopy | null;
}

export interface ExpiryGateOptions {
  policy?: ExpiredCharts;
  /** The home whose lantern.log records each acknowledgement (absent: recorded nowhere). */
  homeDir?: string | null;
  /** The home's audit log, which records each acknowledgement too. */
  audit?: AuditRecorder;
}

/** One copy, as acknowledgements know it: another facility, sequence or data-as-of is another copy. */
const copyKey = (s: SnapshotStatus) => JSON.stringify([s.facility.id, s.sequence, s.asOf]);

export function createExpiryGate(options: ExpiryGateOptions = {}): ExpiryGate {
  const policy = options.policy ?? DEFAULT_EXPIRED_CHARTS;
  const acknowledged = new Set<string>();
  const state = (snapshot: SnapshotStatus | null, now: Date) =>
    expiredCopy({ snapshot, now, policy, acknowledged: snapshot !== null && acknowledged.has(copyKey(snapshot)) });
  return {
    policy,
    state,
    check(channel, snapshot, now) {
      const copy = state(snapshot, now);
      if (queryAllowed(channel, copy) || !copy) return;
      throw new ExpiredCopyError(expiredChartsNotice(copy), copy.charts === 'blocked' ? 'EXPIRED_BLOCKED' : 'EXPIRED_ASK');
    },
    acknowledge(snapshot, stated, now) {
      const copy = state(snapshot, now);
      if (!copy || !snapshot || copy.charts === 'open') return copy;
      if (copy.charts === 'blocked') throw new ExpiredCopyError(expiredChartsNotice(copy), 'EXPIRED_BLOCKED');
      if (stated.sequence !== copy.sequence || stated.ageDays !== copy.ageDays) {
        throw new ExpiredCopyError(
          `The copy in use changed since its age was shown: it is now ${copyAgeInDays(copy.ageDays)} old. Read its age again and confirm it.`,
          'EXPIRED_CHANGED',
        );
      }
      acknowledged.add(copyKey(snapshot));
      // No content: when, which copy, and the age confirmed; the audit log adds who.
      options.audit?.record({ kind: 'expired-acknowledged', facility: snapshot.facility.id, sequence: snapshot.sequence, asOf: snapshot.asOf, ageDays: copy.ageDays });
      if (options.homeDir) {
        appendHomeLog(
          options.homeDir,
          { event: 'expired-acknowledged', facility: snapshot.facility.id, sequence: snapshot.sequence, asOf: snapshot.asOf, ageDays: copy.ageDays },
          { clock: () => now },
        );
      }
      return state(snapshot, now);
    },
  };
}
