import type { Chart } from '../../../../electron/shared/contract';
import { DataTable } from '../../components/DataTable';
import { TrendPlots } from '../../components/TrendPlot';
import { TestName } from '../../components/TestName';
import { flagLabel, observationValueText, quietFlagLabel, rangeText, trendsOf, unjudgedCount } from '../../lib/series';
import { formatDateTime } from '../../lib/time';

export function LabsSection({ chart }: { chart: Chart }) {
  const labs = chart.labs;
  const abnormal = labs.filter((l) => l.abnormal).length;
  const unjudged = unjudgedCount(labs);
  const trends = trendsOf(chart.labs);
  return (
    <>
      <h2>
        Laboratory results{' '}
        <span className="count">
          {labs.length} results, {abnormal} abnormal{unjudged ? `, ${unjudged} with no range or flag given` : ''}, newest first
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
          { header: 'Collected', width: '9rem', nowrap: true, cell: (l) => formatDateTime(l.at) },
          {
            header: 'Test',
            width: '2.2fr',
            cell: (l) => (
              <strong>
                <TestName code={l.code} />
              </strong>
            ),
          },
          { header: 'Result', width: '1.4fr', cell: (l) => observationValueText(l) },
          {
            header: 'Flag',
            width: '8rem',
            cell: (l) => {
              const flag = flagLabel(l);
              return flag ? <strong className="flag-abnormal">{flag}</strong> : <span className="muted">{quietFlagLabel(l)}</span>;
            },
          },
          { header: 'Reference range', width: '1.4fr', cell: (l) => rangeText(l) },
        ]}
      />
      <TrendPlots trends={trends} />
    </>
  );
}
