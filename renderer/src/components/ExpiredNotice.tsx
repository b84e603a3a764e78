import type { SnapshotStatus } from '../../../electron/shared/contract';
import { formatAge, formatStamp } from '../lib/time';

/** Shown instead of any chart data once the snapshot has expired: nothing to act on. */
export function ExpiredNotice({ snapshot, now }: { snapshot: SnapshotStatus; now: number }) {
  return (
    <section className="expired-notice" role="alert" aria-labelledby="expired-title" data-testid="expired-notice">
      <h1 id="expired-title">This downtime copy has expired — do not use it</h1>
      <p>
        The chart data on this workstation is from <strong>{formatStamp(snapshot.asOf)}</strong> ({formatAge(now - Date.parse(snapshot.asOf))}{' '}
        ago) and expired at <strong>{formatStamp(snapshot.expiresAt)}</strong>. It is no longer shown or printed, because acting on
        it could harm a patient.
      </p>
      <p>Use your unit’s paper downtime procedures and call the IT service desk: this workstation has not received a new snapshot.</p>
    </section>
  );
}
