import type { ChannelName, LanternApi, RequestOf, ResponseOf } from '../../electron/shared/contract';
import type { ErrorInfo, Result } from '../../electron/shared/result';
import { SIGNED_OUT_EVENT } from './session';

declare global {
  interface Window {
    /** Provided by the preload (desktop) or the preview bridge; typed by the shared contract. */
    readonly lantern?: LanternApi;
  }
}

/** The typed API, or null when the page was opened outside Lantern. */
export function getApi(): LanternApi | null {
  return window.lantern ?? null;
}

const NO_API: ErrorInfo = {
  code: 'UNAVAILABLE',
  message: 'Lantern’s data service is not available in this window. Close and reopen Lantern.',
  audience: 'nurse',
};

/** One request over the contract; never throws (a broken bridge becomes an error Result). */
export async function request<C extends ChannelName>(channel: C, input: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
  const api = getApi();
  if (!api) return { ok: false, error: NO_API };
  try {
    const call = api[channel] as (req: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;
    const result = await call(input);
    // Locked on the main side (its own timer, a restart): the shell shows the sign-in at once.
    if (!result.ok && result.error.code === 'SIGNED_OUT') window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    return result;
  } catch {
    return { ok: false, error: NO_API };
  }
}
