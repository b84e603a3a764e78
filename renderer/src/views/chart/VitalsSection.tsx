import type { Chart } from '../../../../electron/shared/contract';
import { DataTable } from '../../components/DataTable';
import { TrendPlots } from '../../components/TrendPlot';
import { buildFlowsheet } from '../../lib/flowsheet';
import { trendsOf } from '../../lib/series';
import { formatDateTime } from '../../lib/time';

export function VitalsSection({ chart }: { chart: Chart }) {
  const sheet = buildFlowsheet(chart.vitals);
  const trends = trendsOf(chart.vitals);
  return (
    <>
      <h2>
        Vital signs <span className="count">{sheet.rows.length} sets, newest first</span>
      </h2>
      <DataTable
        label="Vital signs"
        testId="vitals-table"
        rows={sheet.rows}
        rowKey={(r) => r.at}
        rowClass={(r) => (Object.values(r.cells).some((c) => c.flag) ? 'abnormal' : undefined)}
        empty="No vital signs in this snapshot."
        columns={[
          { header: 'Time', width: '9rem', nowrap: true, cell: (r) => formatDateTime(r.at) },
          ...sheet.columns.map((c) => ({
            header: c.label,
            key: c.key,
            title: c.title,
            width: '1fr',
            cell: (r: (typeof sheet.rows)[number]) => {
              const cell = r.cells[c.key];
              if (!cell) return <span className="muted">—</span>;
              return (
                <>
                  {cell.value}
                  {cell.flag && <strong className="flag-abnormal"> {cell.flag}</strong>}
                </>
              );
            },
          })),
        ]}
      />
      <TrendPlots trends={trends} />
    </>
  );
}
