import { CHANNELS, isChannelName } from '../../shared/contract';
import { LanternError } from '../../shared/errors';
import { fail, ok, type Result } from '../../shared/result';
import { describeFailure } from '../failure';
import type { Handlers } from './handlers';

export interface DispatchOptions {
  /** Check answers against the contract too (tests and preview; cheap enough to leave on). */
  checkResponses?: boolean;
  /** Told about unexpected failures; receives no request data, so no PHI. */
  onInternalError?: (channel: string, error: unknown) => void;
}

/**
 * Run one request through the handler table: unknown channel, invalid input and thrown
 * errors all come back as a Result, never as an exception across the boundary.
 */
export async function dispatch(
  handlers: Handlers,
  channel: string,
  input: unknown,
  options: DispatchOptions = {},
): Promise<Result<unknown>> {
  if (!isChannelName(channel)) return fail('BAD_REQUEST', 'Unknown request.');
  const def = CHANNELS[channel];
  const parsed = def.request.safeParse(input ?? {});
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'request';
    return fail('BAD_REQUEST', `The request was not valid (${where}).`);
  }
  try {
    const handler = handlers[channel] as (request: unknown) => unknown;
    const value = await handler(parsed.data);
    if (options.checkResponses) {
      const checked = def.response.safeParse(value);
      if (!checked.success) {
        options.onInternalError?.(channel, new Error(`response does not match the contract`));
        return fail('INTERNAL', 'Lantern produced an answer it could not check. Please report this to IT.');
      }
    }
    return ok(value);
  } catch (error) {
    if (error instanceof LanternError) return { ok: false, error: error.toInfo() };
    options.onInternalError?.(channel, error);
    // A failure of the workstation (disk, permissions, a locked database) says which.
    const failure = describeFailure(error);
    if (failure.known) return fail('UNAVAILABLE', failure.message);
    return fail('INTERNAL', 'Something went wrong inside Lantern. Please report this to IT.');
  }
}
