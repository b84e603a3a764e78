import { activeOrders } from '../../../../electron/shared/order-text';
import type { Chart } from '../../../../electron/shared/contract';
import { conditionStatusText, summaryProblems } from '../../../../electron/shared/problem-text';
import { AllergyDetail } from '../../components/Flags';
import { TestName } from '../../components/TestName';
import { flagLabel, noAbnormalText, observationValueText, rangeText, unjudgedCount } from '../../lib/series';
import { formatDate, formatDateTime } from '../../lib/time';

/** What a nurse needs first: why they are here, active problems and medications, latest vitals, abnormal labs. */
export function SummarySection({ chart }: { chart: Chart }) {
  const e = chart.encounter;
  const problems = summaryProblems(chart.conditions);
  const meds = activeOrders(chart.medications);
  const vitals = chart.latestVitals;
  // Only what the lab's interpretation or the reference range marks abnormal (chart/facts/flag.ts).
  const abnormalLabs = chart.labs.filter((l) => l.abnormal).slice(0, 10);
  const unjudged = unjudgedCount(chart.labs);
  // The flags in force, as core decided them (chart/facts/alerts.ts).
  const alerts = chart.alerts;
  return (
    <div className="summary-grid">
      <div>
        <h2>This admission</h2>
        {e ? (
          <dl className="facts">
            <dt>Admitted</dt>
            <dd>{formatDateTime(e.start)}</dd>
            <dt>Reason</dt>
            <dd>{e.reason ?? 'not recorded'}</dd>
            <dt>Type</dt>
            <dd>{[e.class, e.type].filter(Boolean).join(' · ') || '—'}</dd>
            <dt>Attending</dt>
            <dd>{e.attending ?? chart.attending ?? 'not recorded'}</dd>
          </dl>
        ) : (
          <p className="empty">No current encounter in this snapshot.</p>
        )}
        {alerts.length > 0 && (
          <>
            <h2>Alerts</h2>
            <ul data-testid="summary-alerts">
              {alerts.map((f) => (
                <li key={f.id}>
                  <strong>{f.title}</strong>
                </li>
              ))}
            </ul>
          </>
        )}
        <h2>Allergies</h2>
        <AllergyDetail summary={chart.allergySummary} />
        <h2>Active problems</h2>
        {problems.length ? (
          <ul data-testid="summary-problems">
            {problems.map((c) => (
              <li key={c.id}>
                {c.code.display} <span className="muted">since {formatDate(c.onset)}{c.standing === 'unstated' ? ` · ${conditionStatusText(c)}` : ''}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">No active problems recorded.</p>
        )}
      </div>
      <div>
        <h2>Active medications</h2>
        {meds.length ? (
          <ul data-testid="summary-medications">
            {meds.map((m) => (
              <li key={m.id}>
                <strong>{m.medication}</strong> {[m.dose, m.route, m.frequency].filter(Boolean).join(' ')}
                {m.prn && <span className="prn-tag">PRN</span>}
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">No active medication orders.</p>
        )}
        <h2>Latest vital signs</h2>
        {vitals.length ? (
          <dl className="facts" data-testid="summary-vitals">
            {vitals.map((v) => (
              <div key={v.id} className="contents">
                <dt>
                  <TestName code={v.code} />
                </dt>
                <dd>
                  {observationValueText(v)} {flagLabel(v) && <strong className="flag-abnormal">{flagLabel(v)}</strong>}{' '}
                  <span className="muted">{formatDateTime(v.at)}</span>
                </dd>
              </div>
            ))}
          </dl>
        ) : (
          <p className="empty">No vital signs recorded.</p>
        )}
        <h2>Recent abnormal results</h2>
        {abnormalLabs.length ? (
          <ul data-testid="summary-abnormal-labs">
            {abnormalLabs.map((l) => (
              <li key={l.id}>
                <strong>
                  <TestName code={l.code} />
                </strong>{' '}
                {observationValueText(l)} <strong className="flag-abnormal">{flagLabel(l)}</strong>{' '}
                <span className="muted">
                  ({l.referenceRange ? `range ${rangeText(l)}` : rangeText(l)}) {formatDateTime(l.at)}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty" data-testid="summary-no-abnormal">
            {noAbnormalText(chart.labs)}
          </p>
        )}
        {abnormalLabs.length > 0 && unjudged > 0 && (
          <p className="muted" data-testid="summary-unjudged">
            {unjudged} {unjudged === 1 ? 'result has' : 'results have'} no range or flag given: see Labs.
          </p>
        )}
      </div>
    </div>
  );
}
