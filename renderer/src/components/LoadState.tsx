import type { ReactNode } from 'react';
import { FOR_IT } from '../../../electron/shared/errors';
import type { Audience, ErrorInfo } from '../../../electron/shared/result';
import type { Load } from '../hooks/useRequest';
import { ExpiredGate } from './ExpiredGate';

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

/** A refused request: an expired copy's closed chart gets its own screen, anything else its sentence. */
export function ProblemNotice({ title, error }: { title: string; error: ErrorInfo }) {
  if (error.code === 'SNAPSHOT_EXPIRED') return <ExpiredGate message={error.message} />;
  return <ErrorNotice title={title} message={error.message} audience={error.audience} />;
}

/** Loading and error made explicit: a pane is never blank. */
export function LoadView<T>({ load, what, children }: { load: Load<T>; what: string; children: (value: T) => ReactNode }) {
  if (load.state === 'loading') return <Loading what={what} />;
  if (load.state === 'error') return <ProblemNotice title={`Could not show the ${what}.`} error={load.error} />;
  return <>{children(load.value)}</>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
