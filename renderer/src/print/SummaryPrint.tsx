import { activeOrders } from '../../../electron/shared/order-text';
import type { ReactNode } from 'react';
import type { Chart } from '../../../electron/shared/contract';
import { conditionStatusText, summaryProblems } from '../../../electron/shared/problem-text';
import { AllergyDetail } from '../components/Flags';
import { flagLabel, observationValueText, rangeText, testName, unflaggedText } from '../lib/series';
import { formatDateTime } from '../lib/time';
import { printPatientOf } from './MarPrint';
import { patientPageName } from './page-css';
import { PrintPageHead } from './PrintPageHead';

function Block({ title, children }: { title: string; children: ReactNode }) {
  return (
    <tr className="print-block">
      <td>
        <h2>{title}</h2>
        {children}
      </td>
    </tr>
  );
}

/** A patient summary on paper: the things a covering nurse needs, each page headed by who it is. */
export function SummaryPrint({ chart }: { chart: Chart }) {
  const e = chart.encounter;
  const meds = activeOrders(chart.medications);
  const problems = summaryProblems(chart.conditions);
  const vitals = chart.latestVitals;
  const labs = chart.latestLabs;
  const notes = chart.notes.slice(0, 3);
  const orders = activeOrders(chart.orders);
  return (
    <table className="print-table summary-print" data-testid="summary-print" data-page={patientPageName(0)}>
      <thead>
        <tr className="page-head-row">
          <th className="page-head-cell">
            <PrintPageHead title="Patient summary" who={printPatientOf(chart)} />
          </th>
        </tr>
      </thead>
      <tbody>
        <Block title="This admission">
          {e ? (
            <p>
              Admitted {formatDateTime(e.start)} · {e.reason ?? 'reason not recorded'} · Attending {e.attending ?? chart.attending ?? '—'}
            </p>
          ) : (
            <p>No current encounter in this snapshot.</p>
          )}
          {chart.alerts.length > 0 && <p>Alerts: {chart.alerts.map((f) => f.title).join('; ')}</p>}
        </Block>
        <Block title="Allergies">
          <AllergyDetail summary={chart.allergySummary} />
        </Block>
        <Block title="Active problems">
          <p>{problems.map((c) => (c.standing === 'unstated' ? `${c.code.display} (${conditionStatusText(c)})` : c.code.display)).join('; ') || 'None recorded.'}</p>
        </Block>
        <Block title="Active medications">
          {meds.length ? (
            <ul>
              {meds.map((m) => (
                <li key={m.id}>
                  <strong>{m.medication}</strong> {[m.dose, m.route, m.frequency].filter(Boolean).join(' ')}
                  {m.prn ? ' (PRN)' : ''}
                </li>
              ))}
            </ul>
          ) : (
            <p>None.</p>
          )}
        </Block>
        <Block title="Latest vital signs">
          <p>
            {vitals.map((v) => `${testName(v.code).name} ${observationValueText(v)}${flagLabel(v) ? ` ${flagLabel(v)}` : ''} (${formatDateTime(v.at)})`).join(' · ') ||
              'None recorded.'}
          </p>
        </Block>
        <Block title="Latest laboratory results">
          {labs.length ? (
            <ul>
              {labs.map((l) => (
                <li key={l.id}>
                  <strong>{testName(l.code).name}</strong> {observationValueText(l)} · {flagLabel(l) ? <strong>{flagLabel(l)}</strong> : unflaggedText(l)}
                  {l.referenceRange ? ` · range ${rangeText(l)}` : ''} · {formatDateTime(l.at)}
                </li>
              ))}
            </ul>
          ) : (
            <p>None.</p>
          )}
        </Block>
        <Block title="Active orders">
          <p>{orders.map((o) => `${o.code.display}${o.details ? ` (${o.details})` : ''}`).join('; ') || 'None.'}</p>
        </Block>
        <Block title="Recent notes">
          {notes.length === 0 && <p>None.</p>}
          {notes.map((n) => (
            <div key={n.id} className="print-note">
              <strong>
                {formatDateTime(n.at)} · {n.type} · {n.author ?? '—'}
              </strong>
              <pre className="note-text">{n.text}</pre>
            </div>
          ))}
        </Block>
        <Block title="Care team">
          <p>{chart.careTeam.map((m) => `${m.name}${m.role ? ` (${m.role})` : ''}`).join('; ') || 'None recorded.'}</p>
        </Block>
      </tbody>
    </table>
  );
}
