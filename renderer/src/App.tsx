import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppInfo, AppStatus } from '../../electron/shared/contract';
import type { ErrorInfo } from '../../electron/shared/result';
import { request } from './api';
import { ExpiredNotice } from './components/ExpiredNotice';
import { Header } from './components/Header';
import { ErrorNotice, Loading } from './components/LoadState';
import { SearchDialog } from './components/SearchDialog';
import { useNow } from './hooks/useNow';
import { useRoute } from './hooks/useRoute';
import { useScreenFocus } from './hooks/useScreenFocus';
import { useSearchHotkey } from './hooks/useSearchHotkey';
import { screenTitle } from './lib/route';
import { freshnessOf } from './lib/time';
import { Screen } from './Screen';

type StatusLoad = { state: 'loading' } | { state: 'error'; error: ErrorInfo } | { state: 'ready'; status: AppStatus };

const STATUS_EVERY_MS = 30_000;

/** The shell: header on every screen, the current screen, search from anywhere. */
export function App() {
  const [load, setLoad] = useState<StatusLoad>({ state: 'loading' });
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [searchOpen, setSearchOpen] = useState(false);
  const [unitName, setUnitName] = useState<string | null>(null);
  const now = useNow(STATUS_EVERY_MS);
  const route = useRoute();

  // Status is re-read with the clock: a newly ingested snapshot shows without a restart.
  useEffect(() => {
    let current = true;
    void request('status', {}).then((r) => {
      if (!current) return;
      setLoad((old) => (r.ok ? { state: 'ready', status: r.value } : old.state === 'ready' ? old : { state: 'error', error: r.error }));
    });
    return () => {
      current = false;
    };
  }, [now]);
  useEffect(() => {
    void request('appInfo', {}).then((r) => r.ok && setInfo(r.value));
  }, []);

  const openSearch = useCallback(() => setSearchOpen(true), []);
  const closeSearch = useCallback(() => setSearchOpen(false), []);
  useSearchHotkey(openSearch);

  const status = load.state === 'ready' ? load.status : null;
  const snapshot = status?.snapshot ?? null;
  const expired = snapshot !== null && status !== null && freshnessOf(now, snapshot.asOf, snapshot.expiresAt, status.staleAfterMinutes) === 'expired';
  const showScreen = status !== null && snapshot !== null && !expired;

  const main = useRef<HTMLElement>(null);
  useScreenFocus(main, route, searchOpen);
  // The window title (the desktop app's title bar follows it) says which screen, never who.
  const title = !status ? 'Lantern' : !snapshot ? 'No chart data · Lantern' : expired ? 'Copy expired · Lantern' : screenTitle(route, unitName);
  useEffect(() => {
    document.title = title;
  }, [title]);

  return (
    <div className={`app${status?.demo ? ' demo' : ''}`}>
      <Header status={status} now={now} unitName={unitName} onSearch={openSearch} />
      <main className="content" id="main" ref={main}>
        {load.state === 'loading' && <Loading what="Lantern" />}
        {load.state === 'error' && <ErrorNotice title="Lantern cannot reach its data." message={load.error.message} audience={load.error.audience} />}
        {status && !snapshot && (
          <section className="empty-state" data-testid="empty-state">
            <h1>No chart data on this workstation yet</h1>
            <p>
              Lantern shows the copy of the chart it last received. None has arrived yet: ask IT to check that snapshots are being
              published to this workstation’s inbox.
            </p>
          </section>
        )}
        {status && snapshot && expired && <ExpiredNotice snapshot={snapshot} now={now} />}
        {showScreen && (
          <Screen route={route} status={status} snapshot={snapshot} shell={info?.shell ?? 'preview'} now={now} onUnit={setUnitName} />
        )}
      </main>
      {showScreen && searchOpen && <SearchDialog onClose={closeSearch} now={now} />}
    </div>
  );
}
