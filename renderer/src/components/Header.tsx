import type { AppStatus } from '../../../electron/shared/contract';
import { freshnessOf } from '../../../electron/shared/freshness';
import { expiredBanner, fallbackNotice, heldBackNotice, staleDetail, staleHeadline } from '../../../electron/shared/notices';
import { formatAge, formatStamp } from '../lib/time';

interface HeaderProps {
  status: AppStatus | null;
  now: number;
  /** The unit the screen is about, when there is one. */
  unitName: string | null;
  onSearch: () => void;
}

/** On every screen: where, read-only, how old the data is (and loudly when too old), DEMO. */
export function Header({ status, now, unitName, onSearch }: HeaderProps) {
  const snapshot = status?.snapshot ?? null;
  const judged = snapshot && status ? freshnessOf({ asOf: snapshot.asOf, expiresAt: snapshot.expiresAt, now, staleAfterMinutes: status.staleAfterMinutes }) : null;
  const freshness = judged?.state ?? null;
  const age = judged ? formatAge(judged.ageMs) : null;
  return (
    <header className="app-header no-print">
      <div className="header-row">
        <div className="brand">
          <span className="brand-name">Lantern</span>
          {status?.demo && (
            <span className="demo-badge" data-testid="demo-badge" title="Synthetic demo data, not real patients">
              DEMO
            </span>
          )}
        </div>
        <div className="facility" data-testid="facility" title={snapshot ? [snapshot.facility.name, unitName].filter(Boolean).join(' · ') : undefined}>
          {snapshot ? snapshot.facility.name : 'No snapshot'}
          {unitName && <span className="unit-name"> · {unitName}</span>}
        </div>
        <div className="read-only" data-testid="read-only">DOWNTIME COPY — READ ONLY</div>
        <nav className="header-nav" aria-label="Main">
          <a href="#/census">Census</a>
          <a href="#/protocols">Protocols</a>
          <button type="button" className="search-button" onClick={onSearch} aria-keyshortcuts="Control+K /">
            Search patients <kbd>Ctrl K</kbd>
          </button>
        </nav>
        <div className={`as-of as-of-${freshness ?? 'none'}`} data-testid="as-of">
          {snapshot ? (
            <>
              as of <time dateTime={snapshot.asOf}>{formatStamp(snapshot.asOf)}</time> · {age} ago
            </>
          ) : (
            'no data yet'
          )}
        </div>
      </div>
      {status?.demo && (
        <div className="demo-strip" data-testid="demo-strip">
          DEMO DATA — synthetic patients for training and testing; not real people
        </div>
      )}
      {snapshot && status?.fallback && (
        <div className={`copy-notice copy-notice-${status.fallback.kind}`} role={status.fallback.kind === 'damaged' ? 'alert' : 'status'} data-testid="fallback-notice">
          {fallbackNotice(status.fallback, formatStamp(snapshot.asOf))}
        </div>
      )}
      {snapshot && status?.heldBack && (
        <div className="copy-notice copy-notice-held" role="status" data-testid="held-back-notice">
          {heldBackNotice(status.heldBack)}
        </div>
      )}
      {status?.lastFailure && (
        <div className="local-failure" role="status" data-testid="local-failure">
          <strong>The last update of this copy failed</strong> ({formatStamp(status.lastFailure.at)}): {status.lastFailure.message}{' '}
          Tell IT.
        </div>
      )}
      {snapshot && status?.expired && (
        <div className="expired-banner" role="alert" data-testid="expired-banner">
          {expiredBanner(status.expired, formatStamp(snapshot.asOf))}
        </div>
      )}
      {snapshot && freshness === 'stale' && !status?.expired && (
        <div className="stale-warning" role="alert" data-testid="stale-warning">
          <strong>{staleHeadline(age ?? '')}</strong> {staleDetail(formatStamp(snapshot.asOf))}
          {status?.lastRejection && <> The last snapshot received was refused: {status.lastRejection.reason}</>}
        </div>
      )}
    </header>
  );
}
