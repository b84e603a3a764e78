import { useEffect, useMemo, useState } from 'react';
import { noteHistoryEntry, parseRoute, type Route } from '../lib/route';

/** The current screen, following the URL hash (Back and Forward work). */
export function useRoute(): Route {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => {
      noteHistoryEntry();
      setHash(window.location.hash);
    };
    window.addEventListener('hashchange', onChange);
    // A change between the first render and this subscription would otherwise be lost.
    onChange();
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return useMemo(() => parseRoute(hash), [hash]);
}
