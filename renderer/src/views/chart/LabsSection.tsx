import type { Chart } from '../../../../electron/shared/contract';
import { DataTable } from '../../components/DataTable';
import { TrendPlots } from '../../components/TrendPlot';
import { flagLabel, newestFirst, quietFlagLabel, trendsOf } from '../../lib/series';
import { formatDateTime } from '../../lib/time';

export function LabsSection({ chart }: { chart: Chart }) {
  const labs = newestFirst(chart.labs);
  const abnormal = labs.filter((l) => l.abnormal).length;
  const trends = trendsOf(chart.labs);
  return (
    <>
      <h2>
        Laboratory results{' '}
        <span className="count">
          {labs.length} results, {abnormal} abnormal, newest first
        </span>
      </h2>
      <DataTable
        label="Laboratory results"
        testId="labs-table"
        rows={labs}
        rowKey={(l) => l.id}
        rowClass={(l) => (l.abnormal ? 'abnormal' : undefined)}
        empty="No laboratory results in this snapshot."
        columns={[
          { header: 'Collected', width: '9rem', cell: (l) => formatDateTime(l.at) },
          { header: 'Test', width: '2.2fr', cell: (l) => <strong>{l.code.display}</strong> },
          {
            header: 'Result',
            width: '1.4fr',
            cell: (l) => l.value ?? (l.components.map((c) => `${c.code.display}: ${c.value ?? '—'}`).join('; ') || '—'),
          },
          {
            header: 'Flag',
            width: '8rem',
            cell: (l) => {
              const flag = flagLabel(l);
              return flag ? <strong className="flag-abnormal">{flag}</strong> : <span className="muted">{quietFlagLabel(l)}</span>;
            },
          },
          { header: 'Reference range', width: '1.4fr', cell: (l) => l.referenceRange ?? '—' },
        ]}
      />
      <TrendPlots trends={trends} />
    </>
  );
}
