/**
 * Every IPC reply is a Result: callers must look at `ok` before touching the value,
 * and errors cross the boundary as plain data (never a stack trace, never PHI).
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'NO_SNAPSHOT'
  | 'SNAPSHOT_EXPIRED'
  /** Nobody is signed in at this station (locked, timed out): the renderer shows the sign-in screen. */
  | 'SIGNED_OUT'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/** Who acts on an error: the nurse at the workstation, or IT (the home, the inbox, the publisher). */
export type Audience = 'nurse' | 'it';

export interface ErrorInfo {
  code: ErrorCode;
  /** A sentence a nurse or an IT admin can act on. */
  message: string;
  /** Whom the sentence is for: the app adds that a message for IT is to be shown to IT. */
  audience: Audience;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, audience: Audience = 'nurse'): Result<never> => ({
  ok: false,
  error: { code, message, audience },
});
