import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppInfo, AppStatus, ExpiredCopy } from '../../electron/shared/contract';
import type { ErrorInfo } from '../../electron/shared/result';
import { request } from './api';
import { ExpiryContext, type Expiry } from './components/ExpiredGate';
import { Header } from './components/Header';
import { ErrorNotice, Loading } from './components/LoadState';
import { SearchDialog } from './components/SearchDialog';
import { useNow } from './hooks/useNow';
import { useRoute } from './hooks/useRoute';
import { useScreenFocus } from './hooks/useScreenFocus';
import { useSearchHotkey } from './hooks/useSearchHotkey';
import { screenTitle } from './lib/route';
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
  const [asked, setAsked] = useState(0);
  const refresh = useCallback(() => setAsked((n) => n + 1), []);

  // Status is re-read with the clock (and when asked): a newly ingested snapshot shows without a restart.
  useEffect(() => {
    let current = true;
    void request('status', {}).then((r) => {
      if (!current) return;
      setLoad((old) => (r.ok ? { state: 'ready', status: r.value } : old.state === 'ready' ? old : { state: 'error', error: r.error }));
    });
    return () => {
      current = false;
    };
  }, [now, asked]);
  useEffect(() => {
    void request('appInfo', {}).then((r) => r.ok && setInfo(r.value));
  }, []);

  const openSearch = useCallback(() => setSearchOpen(true), []);
  const closeSearch = useCallback(() => setSearchOpen(false), []);
  useSearchHotkey(openSearch);

  const status = load.state === 'ready' ? load.status : null;
  const snapshot = status?.snapshot ?? null;
  const expired = status?.expired ?? null;

  const acknowledge = useCallback(
    async (copy: ExpiredCopy): Promise<ErrorInfo | null> => {
      const r = await request('acknowledgeExpired', { sequence: copy.sequence, ageDays: copy.ageDays });
      if (!r.ok) {
        refresh();
        return r.error;
      }
      setLoad((old) => (old.state === 'ready' ? { state: 'ready', status: { ...old.status, expired: r.value } } : old));
      return null;
    },
    [refresh],
  );
  const expiry = useMemo<Expiry>(() => ({ copy: expired, snapshot, acknowledge, refresh }), [expired, snapshot, acknowledge, refresh]);

  const main = useRef<HTMLElement>(null);
  useScreenFocus(main, route, searchOpen);
  // The window title (the desktop app's title bar follows it) says which screen, never who.
  const title = !status ? 'Lantern' : !snapshot ? 'No chart data · Lantern' : screenTitle(route, unitName);
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
        {status && snapshot && (
          <ExpiryContext.Provider value={expiry}>
            <Screen route={route} status={status} snapshot={snapshot} shell={info?.shell ?? 'preview'} now={now} onUnit={setUnitName} />
          </ExpiryContext.Provider>
        )}
      </main>
      {status && snapshot && searchOpen && <SearchDialog onClose={closeSearch} now={now} />}
    </div>
  );
}
