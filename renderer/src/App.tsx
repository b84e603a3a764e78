import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppInfo, AppStatus, ExpiredCopy, SessionState } from '../../electron/shared/contract';
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
import { SessionBar } from './components/SessionBar';
import { SessionContext, SIGNED_OUT_EVENT, useAutoLock } from './session';
import { SignInView } from './views/SignInView';

/** The same session, locked here at once (before the main side answers): the screens unmount. */
const lockedNow = (s: SessionState | null, why: NonNullable<SessionState['locked']>['why']): SessionState | null =>
  s && s.person ? { ...s, person: null, until: null, locked: { ...s.person, why } } : s;

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
  const [session, setSession] = useState<SessionState | null>(null);

  // Sign-in: read with the status, and at once when an answer says the main side locked.
  useEffect(() => {
    void request('session', {}).then((r) => r.ok && setSession(r.value));
  }, [now, asked]);
  useEffect(() => {
    const signedOut = () => {
      setSession((s) => lockedNow(s, 'inactivity'));
      void request('session', {}).then((r) => r.ok && setSession(r.value));
    };
    window.addEventListener(SIGNED_OUT_EVENT, signedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, signedOut);
  }, []);
  const lock = useCallback((why: 'inactivity' | 'lock' | 'switch-user') => {
    setSearchOpen(false);
    setSession((s) => lockedNow(s, why));
    void request('lock', { why }).then((r) => r.ok && setSession(r.value));
  }, []);
  const touch = useCallback(() => void request('touch', {}).then((r) => r.ok && !r.value.person && setSession(r.value)), []);
  const signedIn = useCallback((next: SessionState) => {
    setSession((old) => {
      // Someone else at the station starts from the census, not the last person's patient.
      if (old?.locked && next.person && old.locked.id !== next.person.id) window.location.hash = '#/census';
      return next;
    });
  }, []);
  const gated = session !== null && session.required && !session.person;
  useAutoLock(!!session?.person, session?.autoLockMinutes ?? 10, () => lock('inactivity'), touch);

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
  const title = !status ? 'Lantern' : gated ? 'Sign in · Lantern' : !snapshot ? 'No chart data · Lantern' : screenTitle(route, unitName);
  useEffect(() => {
    document.title = title;
  }, [title]);

  return (
    <SessionContext.Provider value={session}>
    <div className={`app${status?.demo ? ' demo' : ''}${session?.person?.how === 'emergency' ? ' emergency' : ''}`}>
      <Header status={status} now={now} unitName={gated ? null : unitName} onSearch={openSearch} />
      {session && <SessionBar session={session} onLock={lock} />}
      <main className="content" id="main" ref={main}>
        {status && session && gated && <SignInView key={session.locked?.id ?? 'none'} session={session} onSession={signedIn} />}
        {load.state === 'loading' && <Loading what="Lantern" />}
        {load.state === 'error' && <ErrorNotice title="Lantern cannot reach its data." message={load.error.message} audience={load.error.audience} />}
        {status && !gated && session && !snapshot && (
          <section className="empty-state" data-testid="empty-state">
            <h1>No chart data on this workstation yet</h1>
            <p>
              Lantern shows the copy of the chart it last received. None has arrived yet: ask IT to check that snapshots are being
              published to this workstation’s inbox.
            </p>
          </section>
        )}
        {status && !gated && session && snapshot && (
          <ExpiryContext.Provider value={expiry}>
            <Screen route={route} status={status} snapshot={snapshot} shell={info?.shell ?? 'preview'} now={now} onUnit={setUnitName} />
          </ExpiryContext.Provider>
        )}
      </main>
      {status && !gated && session && snapshot && searchOpen && <SearchDialog onClose={closeSearch} now={now} />}
    </div>
    </SessionContext.Provider>
  );
}
