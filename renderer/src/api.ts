import type { LanternApi } from '../../electron/shared/contract';

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
