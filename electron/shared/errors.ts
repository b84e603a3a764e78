import type { Audience, ErrorCode } from './result';

export type { Audience };

/** Exit codes IT scripts can rely on. Snapshot refusals have their own range, 10-39 (core/snapshot/refusal.ts), roster refusals 40-49 (core/home/roster.ts). */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  NOT_BUILT: 3,
} as const;

/** Said beside a message meant for IT wherever a nurse reads it (the app's notices, the start-up dialog). */
export const FOR_IT = 'This is for IT to fix: show them this message.';

export interface LanternErrorOptions {
  /** The stable code logs, state.json and scripts see; default the error's kind. Subclasses name their own (a refusal code, HOME...). */
  code?: string;
  /** Default: the nurse. */
  audience?: Audience;
  /** How the CLI exits with it; default EXIT.FAILED. */
  exitCode?: number;
  cause?: unknown;
}

/**
 * An error Lantern expected, with its own words: the message is ours and carries no PHI, so
 * it is shown and logged as is. `kind` is how it crosses IPC (the Result's code), `code` what
 * logs and scripts key on. Every other error is unexpected: core's presentError() never shows
 * its message. Subclasses live where they are thrown (SnapshotRefusal, HomeError, PublishError...).
 */
export class LanternError extends Error {
  readonly kind: ErrorCode;
  readonly code: string;
  readonly audience: Audience;
  readonly exitCode: number;

  constructor(kind: ErrorCode, message: string, options: LanternErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LanternError';
    this.kind = kind;
    this.code = options.code ?? kind;
    this.audience = options.audience ?? 'nurse';
    this.exitCode = options.exitCode ?? EXIT.FAILED;
  }
}
