import type { ReactNode } from 'react';
import { FOR_IT } from '../../../electron/shared/errors';
import type { Audience } from '../../../electron/shared/result';
import type { Load } from '../hooks/useRequest';

export function Loading({ what }: { what: string }) {
  return (
    <p className="notice" role="status" data-testid="loading">
      Loading {what}…
    </p>
  );
}

/** An error in its own words; one meant for IT says so, since a nurse is reading it. */
export function ErrorNotice({ title, message, audience = 'nurse' }: { title: string; message: string; audience?: Audience }) {
  return (
    <div className="notice notice-error" role="alert" data-testid="error-notice">
      <strong>{title}</strong>
      <p>{message}</p>
      {audience === 'it' && <p data-testid="error-for-it">{FOR_IT}</p>}
    </div>
  );
}

/** Loading and error made explicit: a pane is never blank. */
export function LoadView<T>({ load, what, children }: { load: Load<T>; what: string; children: (value: T) => ReactNode }) {
  if (load.state === 'loading') return <Loading what={what} />;
  if (load.state === 'error') return <ErrorNotice title={`Could not show the ${what}.`} message={load.error.message} audience={load.error.audience} />;
  return <>{children(load.value)}</>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
