import type { ReactNode } from 'react';
import type { Load } from '../hooks/useRequest';

export function Loading({ what }: { what: string }) {
  return (
    <p className="notice" role="status" data-testid="loading">
      Loading {what}…
    </p>
  );
}

export function ErrorNotice({ title, message }: { title: string; message: string }) {
  return (
    <div className="notice notice-error" role="alert" data-testid="error-notice">
      <strong>{title}</strong>
      <p>{message}</p>
    </div>
  );
}

/** Loading and error made explicit: a pane is never blank. */
export function LoadView<T>({ load, what, children }: { load: Load<T>; what: string; children: (value: T) => ReactNode }) {
  if (load.state === 'loading') return <Loading what={what} />;
  if (load.state === 'error') return <ErrorNotice title={`Could not show the ${what}.`} message={load.error.message} />;
  return <>{children(load.value)}</>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
