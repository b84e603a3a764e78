import type { Chart } from '../../../../electron/shared/contract';
import { DataTable } from '../../components/DataTable';
import { LoadView } from '../../components/LoadState';
import { MAR_LEGEND, MarTable } from '../../components/MarTable';
import { useRequest } from '../../hooks/useRequest';
import { MAR_HOURS, marWindow } from '../../lib/mar-grid';
import { formatDate, formatStamp } from '../../lib/time';

export function MedicationsSection({ chart }: { chart: Chart }) {
  const load = useRequest('mar', { patientId: chart.patient.id, ...marWindow(chart.asOf) });
  // In core's reading order: active, on hold, draft, then the rest, each by name.
  const orders = chart.medications;
  return (
    <>
      <h2>Medication orders</h2>
      <DataTable
        label="Medication orders"
        testId="medications-table"
        rows={orders}
        rowKey={(o) => o.id}
        empty="No medication orders in this snapshot."
        columns={[
          {
            header: 'Medication',
            width: '2.5fr',
            cell: (o) => (
              <>
                <strong>{o.medication}</strong>
                {o.prn && <span className="prn-tag">PRN</span>}
              </>
            ),
          },
          { header: 'Dose', width: '1fr', cell: (o) => o.dose ?? '—' },
          { header: 'Route', width: '5rem', cell: (o) => o.route ?? '—' },
          { header: 'Frequency', width: '1.4fr', cell: (o) => o.frequency ?? '—' },
          { header: 'Status', width: '6rem', cell: (o) => o.status },
          { header: 'Start', width: '8rem', cell: (o) => formatDate(o.start ?? o.authoredOn) },
          { header: 'Prescriber', width: '1.4fr', cell: (o) => o.prescriber ?? '—' },
          { header: 'Instructions', width: '1.6fr', cell: (o) => o.instructions ?? '—' },
        ]}
      />
      <h2>Medication administration record — last {MAR_HOURS} hours and what is due next</h2>
      <LoadView load={load} what="medication administration record">
        {(mar) => (
          <>
            <p className="mar-legend">
              {formatStamp(mar.from)} to {formatStamp(mar.to)}. {MAR_LEGEND}.
            </p>
            <MarTable mar={mar} testId="mar-grid" />
          </>
        )}
      </LoadView>
    </>
  );
}
