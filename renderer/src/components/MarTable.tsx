import type { Mar, MedicationOrder } from '../../../electron/shared/contract';
import { buildMarGrid, type MarEvent } from '../lib/mar-grid';
import { formatClock, formatDateTime, formatStamp } from '../lib/time';

/** "Metoprolol tartrate 25 mg PO twice daily" */
export function orderLine(o: MedicationOrder): string {
  return [o.medication, o.dose, o.route, o.frequency].filter(Boolean).join(' ');
}

function Event({ e }: { e: MarEvent }) {
  return (
    <span className="mar-event" data-kind={e.kind}>
      <span className="t">{formatClock(e.source ?? e.at)}</span>
      <span className={`mar-${e.kind}`}>{e.label}</span>
      {e.detail && <span className="muted"> — {e.detail}</span>}
    </span>
  );
}

/**
 * The medication administration record: an order per row, a day per column, every dose
 * given, held or refused with its time, scheduled doses nobody charted, and when each order
 * is next due. On paper it is print/MarPrint.tsx: half-day columns on measured landscape pages.
 */
export function MarTable({ mar, testId }: { mar: Mar; testId?: string }) {
  const grid = buildMarGrid(mar);
  const columns = grid.days.length + 3;
  return (
    <table className="data mar-table" data-testid={testId} aria-label="Medication administration record">
      <thead>
        <tr>
          <th scope="col" className="mar-order">
            Medication order
          </th>
          {grid.days.map((d) => (
            <th scope="col" key={d.start}>
              {d.label}
            </th>
          ))}
          <th scope="col" className="mar-edge">
            Last given
          </th>
          <th scope="col" className="mar-edge">
            Next due
          </th>
        </tr>
      </thead>
      <tbody>
        {grid.rows.length === 0 && (
          <tr>
            <td colSpan={columns} className="empty">
              No medication orders in this snapshot for this patient.
            </td>
          </tr>
        )}
        {grid.rows.map(({ row, cells }) => (
          <tr key={row.order.id} data-testid="mar-row" className="mar-row">
            <th scope="row" className="mar-order">
              <strong>{row.order.medication}</strong>
              {row.order.prn && <span className="prn-tag">PRN</span>}
              <div>{[row.order.dose, row.order.route, row.order.frequency].filter(Boolean).join(' · ')}</div>
              {row.order.instructions && <div className="muted">{row.order.instructions}</div>}
              {row.order.status !== 'active' && <div className="flag-abnormal">Order {row.order.status}</div>}
            </th>
            {cells.map((events, i) => (
              <td key={grid.days[i]!.start}>
                {events.map((e) => (
                  <Event key={`${e.kind}-${e.at}`} e={e} />
                ))}
              </td>
            ))}
            <td>{row.lastGiven ? formatDateTime(row.lastGiven) : <span className="muted">not in window</span>}</td>
            <td>{row.nextDue ? <strong>{formatStamp(row.nextDue)}</strong> : <span className="muted">{row.order.prn ? 'as needed' : '—'}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export const MAR_LEGEND =
  'Given = charted as given · HELD / REFUSED = not given, with the reason · Not charted = scheduled, no record in this copy · Due = scheduled after the data-as-of time';
