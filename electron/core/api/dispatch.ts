import { CHANNELS, isChannelName } from '../../shared/contract';
import { fail, ok, type Result } from '../../shared/result';
import { presentError } from '../home/errors';
import type { Handlers } from './handlers';

export interface DispatchOptions {
  /** Check answers against the contract too (tests and preview; cheap enough to leave on). */
  checkResponses?: boolean;
  /** The home in use: unexpected failures are written (without request data) to its lantern.log. */
  homeDir?: string | null;
  clock?: () => Date;
}

/** An answer that does not match the contract: a bug, logged like any other (by channel only). */
class ResponseContractError extends Error {
  override name = 'ResponseContractError';
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
    if (options.checkResponses && !def.response.safeParse(value).success) {
      throw new ResponseContractError(`the answer to ${channel} does not match the contract`);
    }
    return ok(value);
  } catch (error) {
    const shown = presentError(error, { surface: 'app', homeDir: options.homeDir, where: channel, clock: options.clock });
    return fail(shown.kind, shown.message, shown.audience);
  }
}
