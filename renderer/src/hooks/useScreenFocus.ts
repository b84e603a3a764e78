import { useEffect, useRef, type RefObject } from 'react';
import { headingSelector, type Route } from '../lib/route';

/**
 * Focus `selector` inside `root` as soon as it is there (a screen's heading appears once its
 * data has loaded). Returns the cleanup that stops waiting.
 */
export function focusWhenShown(root: HTMLElement, selector: string): () => void {
  const tryFocus = (): boolean => {
    const target = root.querySelector<HTMLElement>(selector);
    if (!target) return false;
    // A heading is not focusable by itself; -1 keeps it out of the Tab order.
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus();
    return true;
  };
  if (tryFocus()) return () => {};
  const observer = new MutationObserver(() => {
    if (tryFocus()) observer.disconnect();
  });
  observer.observe(root, { childList: true, subtree: true });
  return () => observer.disconnect();
}

/**
 * After every navigation the keyboard and the screen reader start at the new screen's heading,
 * not at the top of the page; closing search returns them to the current screen's heading.
 */
export function useScreenFocus(main: RefObject<HTMLElement | null>, route: Route, searchOpen: boolean): void {
  const previous = useRef<Route | null>(null);
  useEffect(() => {
    const root = main.current;
    const before = previous.current;
    previous.current = route;
    if (!root) return;
    const sameChart = before?.name === 'chart' && route.name === 'chart' && before.patientId === route.patientId;
    // A new screen starts at its top; a section of the same chart keeps the banner in place.
    if (!sameChart) root.scrollTop = 0;
    return focusWhenShown(root, headingSelector(route, before));
  }, [main, route]);

  const wasOpen = useRef(false);
  useEffect(() => {
    const root = main.current;
    const closed = wasOpen.current && !searchOpen;
    wasOpen.current = searchOpen;
    if (!closed || !root) return;
    return focusWhenShown(root, headingSelector(route, null));
  }, [main, searchOpen, route]);
}
