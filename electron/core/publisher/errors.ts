import { LanternError } from '../../shared/errors';

/** A publishing problem: the one line the IT admin sees (no PHI). */
export class PublishError extends LanternError {
  override name = 'PublishError';
  constructor(message: string) {
    super('BAD_REQUEST', message, { code: 'PUBLISH', audience: 'it' });
  }
}
