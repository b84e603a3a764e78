/**
 * What a workstation does where the managed policy (policy.ts) sets nothing. The modules that
 * act on a setting, the policy's own descriptions (and so the generated template, ADMX and
 * docs/POLICY.md) and the CLI's help all read each value from here.
 */
export { DEFAULT_HEARTBEAT_MINUTES, DEFAULT_STALE_AFTER_MINUTES } from '../../shared/defaults';

/** Sign-in at the station (sign-in.ts). */
export const SIGN_IN_LIMITS = {
  /** Failed passphrases in a row before that user id is locked on the station... */
  maxAttempts: 5,
  /** ...for this many minutes. */
  lockMinutes: 15,
  /** Minutes without a key or a click before patient data is hidden. */
  autoLockMinutes: 10,
  /** How long an emergency access session lasts. */
  emergencyMinutes: 240,
} as const;

/** The audit log (audit.ts): days an entry stays at least, minutes between signed checkpoints. */
export const AUDIT_DEFAULTS = { retentionDays: 90, checkpointMinutes: 5 } as const;

/** Automatic updates (updates.ts): hours a station outside the pilot ring waits, hours between checks. */
export const UPDATE_DEFAULTS = { broadDelayHours: 72, checkEveryHours: 6 } as const;

/** Seconds between two checks of an HTTPS source's pointer (sync/https.ts, lantern watch). */
export const HTTPS_POLL_SECONDS = 60;
