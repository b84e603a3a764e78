import { acquireLock } from './ingest';
import { HomeError, homeLimits, readConfig, readState, writeState, type SequenceReset } from './layout';

/** Resets kept in state.json: enough to see what was done by hand, not a log. */
const RESETS_KEPT = 20;

export interface SequenceResetPlan {
  facility: string;
  /** The mark now; null when the facility has none yet. */
  from: number | null;
  to: number;
  /** How far above the mark the next snapshot may be (the home's maxSequenceJump). */
  maxSequenceJump: number;
}

export interface SequenceResetResult extends SequenceResetPlan {
  changed: boolean;
}

/** What a reset of `facility`'s high-water mark to `to` would change; changes nothing. */
export function planSequenceReset(dir: string, facility: string, to: number): SequenceResetPlan {
  const config = readConfig(dir);
  if (config.facility !== null && config.facility !== facility) {
    throw new HomeError(`This home holds facility "${config.facility}", not "${facility}"; nothing was changed.`);
  }
  if (!Number.isSafeInteger(to) || to < 0) throw new HomeError(`The new high-water mark must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}.`);
  return { facility, from: readState(dir).highWater[facility] ?? null, to, maxSequenceJump: homeLimits(config).maxSequenceJump };
}

/**
 * Set a facility's sequence high-water mark by hand: after a snapshot with a runaway
 * sequence number (which would shut the real publisher out), or to start a fresh home at
 * the publisher's counter. The next snapshot must be above `to` (and within the home's
 * jump limit). The snapshot in use is kept. Recorded in state.json; holds the ingest lock.
 */
export function resetSequence(dir: string, options: { facility: string; to: number; clock?: () => Date }): SequenceResetResult {
  planSequenceReset(dir, options.facility, options.to);
  const release = acquireLock(dir);
  try {
    const plan = planSequenceReset(dir, options.facility, options.to);
    if (plan.from === plan.to) return { ...plan, changed: false };
    const state = readState(dir);
    const reset: SequenceReset = { at: (options.clock ?? (() => new Date()))().toISOString(), facility: plan.facility, from: plan.from, to: plan.to };
    writeState(dir, {
      ...state,
      highWater: { ...state.highWater, [plan.facility]: plan.to },
      sequenceResets: [...state.sequenceResets, reset].slice(-RESETS_KEPT),
    });
    return { ...plan, changed: true };
  } finally {
    release();
  }
}
