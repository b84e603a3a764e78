import type { AppStatus } from '../../../electron/shared/contract';
import { formatAge, formatDateTime, freshnessOf } from '../time';

export function Header({ status, now }: { status: AppStatus | null; now: number }) {
  const snapshot = status?.snapshot ?? null;
  const freshness = snapshot
    ? freshnessOf(now, snapshot.asOf, snapshot.expiresAt, status!.staleAfterMinutes)
    : null;
  return (
    <header className="app-header" role="banner">
      <div className="brand">
        <span className="brand-name">Lantern</span>
        {status?.demo && (
          <span className="demo-badge" data-testid="demo-badge" title="Synthetic demo data, not real patients">
            DEMO
          </span>
        )}
      </div>
      <div className="facility" data-testid="facility">
        {snapshot ? snapshot.facility.name : 'No snapshot'}
      </div>
      <div className="read-only" data-testid="read-only">DOWNTIME COPY — READ ONLY</div>
      <div className={`as-of as-of-${freshness ?? 'none'}`} data-testid="as-of">
        {snapshot ? (
          <>
            as of {formatDateTime(snapshot.asOf)} · {formatAge(now - Date.parse(snapshot.asOf))} ago
            {freshness === 'stale' && <strong className="stale-flag"> · STALE DATA</strong>}
          </>
        ) : (
          'no data yet'
        )}
      </div>
    </header>
  );
}
