import { createContext, useContext, useEffect, useRef } from 'react';
import type { Person, SessionState } from '../../electron/shared/contract';

/** The sign-in as the screens know it (null before the first answer). */
export const SessionContext = createContext<SessionState | null>(null);
export const useSession = (): SessionState | null => useContext(SessionContext);

/** How a person is named on paper and in the header: "Jane Doe (RN)". */
export const personLine = (p: Person): string => `${p.name} (${p.role})`;

/** Said by api.ts when an answer says nobody is signed in (the main side locked: timeout, restart). */
export const SIGNED_OUT_EVENT = 'lantern:signed-out';

/**
 * Prints sent and not finished yet: the automatic lock waits for them, so a print already
 * sent comes out whole (the desktop prints the window's document as it is).
 */
let printing = 0;
const afterPrint: Array<() => void> = [];
export async function whilePrinting<T>(run: () => Promise<T>): Promise<T> {
  printing++;
  try {
    return await run();
  } finally {
    printing--;
    if (printing === 0) for (const f of afterPrint.splice(0)) f();
  }
}
const whenNotPrinting = (f: () => void) => (printing === 0 ? f() : afterPrint.push(f));

const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
/** The main side hears of activity at most this often (it locks on its own clock too). */
const TOUCH_EVERY_MS = 30_000;

/**
 * Lock after `minutes` without a key, a click, a wheel or a touch: `onLock` runs at once (the
 * screens drop patient data from the page), after any print in flight. `onTouch` tells the
 * main side the person is still there, at most every 30 s.
 */
export function useAutoLock(active: boolean, minutes: number, onLock: () => void, onTouch: () => void): void {
  const lock = useRef(onLock);
  const touch = useRef(onTouch);
  lock.current = onLock;
  touch.current = onTouch;
  useEffect(() => {
    if (!active) return;
    let timer = 0;
    let trailing = 0;
    let lastTouch = Date.now();
    const arm = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => whenNotPrinting(() => lock.current()), minutes * 60_000);
    };
    const send = () => {
      trailing = 0;
      lastTouch = Date.now();
      touch.current();
    };
    // At most one touch per 30 s, the last activity always reported (late rather than never), so
    // the main side's clock never locks before this one does.
    const activity = () => {
      arm();
      const wait = TOUCH_EVERY_MS - (Date.now() - lastTouch);
      if (wait <= 0) send();
      else if (!trailing) trailing = window.setTimeout(send, wait);
    };
    arm();
    for (const e of ACTIVITY) window.addEventListener(e, activity, { capture: true, passive: true });
    return () => {
      window.clearTimeout(timer);
      window.clearTimeout(trailing);
      for (const e of ACTIVITY) window.removeEventListener(e, activity, { capture: true });
    };
  }, [active, minutes]);
}
