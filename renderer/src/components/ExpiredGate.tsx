import { createContext, useContext, useEffect, useState } from 'react';
import type { ExpiredCopy, SnapshotStatus } from '../../../electron/shared/contract';
import { copyAgeInDays, expiredAcknowledgement } from '../../../electron/shared/notices';
import type { ErrorInfo } from '../../../electron/shared/result';
import { formatStamp } from '../lib/time';

/** The expired copy as core last said it (status), and the two things a closed chart can ask of the shell. */
export interface Expiry {
  copy: ExpiredCopy | null;
  snapshot: SnapshotStatus | null;
  /** Confirm the age shown of the copy shown; null when it went through. */
  acknowledge(copy: ExpiredCopy): Promise<ErrorInfo | null>;
  /** Read the status again (the API refused a query the status did not expect it to). */
  refresh(): void;
}

export const ExpiryContext = createContext<Expiry>({
  copy: null,
  snapshot: null,
  acknowledge: () => Promise.resolve(null),
  refresh: () => {},
});

/**
 * Shown instead of a chart (or a printout of one) the API refused on an expired copy: the
 * refusal's own sentence, then either the acknowledgement that states the copy's age, or — the
 * policy keeps charts closed — nothing more to do here.
 */
export function ExpiredGate({ message }: { message: string }) {
  const { copy, snapshot, acknowledge, refresh } = useContext(ExpiryContext);
  const [understood, setUnderstood] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const settled = copy !== null && copy.charts !== 'open';
  // The API knows better than the last status read: read it again.
  useEffect(() => {
    if (!settled) refresh();
  }, [settled, refresh]);
  // A new age or a new copy is confirmed afresh.
  const shown = copy ? `${copy.sequence}:${copy.ageDays}` : '';
  useEffect(() => {
    setUnderstood(false);
  }, [shown]);

  const blocked = copy?.charts === 'blocked';
  return (
    <section className="expired-notice" role="alert" aria-labelledby="expired-title" data-testid="expired-gate">
      <h1 id="expired-title" tabIndex={-1}>
        {blocked ? 'Charts are closed on this expired copy' : copy ? `This copy has expired: it is ${copyAgeInDays(copy.ageDays)} old` : 'This copy has expired'}
      </h1>
      <p data-testid="expired-reason">{message}</p>
      {snapshot && (
        <p>
          Data as of <strong>{formatStamp(snapshot.asOf)}</strong>; expired at <strong>{formatStamp(snapshot.expiresAt)}</strong>.
        </p>
      )}
      <p>
        <a href="#/protocols">Open the downtime protocols and forms</a>
      </p>
      {copy && copy.charts === 'ask' && (
        <form
          className="expired-confirm"
          onSubmit={(e) => {
            e.preventDefault();
            if (!understood) return;
            setProblem(null);
            void acknowledge(copy).then((error) => {
              if (error) setProblem(error.message);
            });
          }}
        >
          <label>
            <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} data-testid="expired-understood" />{' '}
            {expiredAcknowledgement(copy.ageDays)}
          </label>
          <button type="submit" className="primary" disabled={!understood}>
            Open the chart
          </button>
          {problem && (
            <p className="expired-problem" role="status">
              {problem}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
