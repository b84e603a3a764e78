import type { ErrorCode, ErrorInfo } from './result';

/** An error whose message is safe to show to a user and to log (it carries no PHI). */
export class LanternError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LanternError';
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}
