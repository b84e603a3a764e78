import { useEffect, useState } from 'react';
import type { AppStatus } from '../../electron/shared/contract';
import { getApi } from './api';
import { Header } from './components/Header';

type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; status: AppStatus };

export function App() {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const api = getApi();
    if (!api) {
      setLoad({ state: 'error', message: 'Lantern’s data service is not available in this window.' });
      return;
    }
    void api.status({}).then((result) =>
      setLoad(result.ok ? { state: 'ready', status: result.value } : { state: 'error', message: result.error.message }),
    );
    const timer = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(timer);
  }, []);

  const status = load.state === 'ready' ? load.status : null;
  return (
    <div className="app">
      <Header status={status} now={now} />
      <main className="content" id="main">
        {load.state === 'loading' && <p className="notice">Loading…</p>}
        {load.state === 'error' && (
          <p className="notice notice-error" role="alert">
            {load.message}
          </p>
        )}
        {status && !status.snapshot && (
          <section className="empty-state" data-testid="empty-state">
            <h1>No chart data on this workstation yet</h1>
            <p>
              Lantern shows the copy of the chart it last received. None has arrived yet: ask IT to check that
              snapshots are being published to this workstation’s inbox.
            </p>
          </section>
        )}
      </main>
    </div>
  );
}
