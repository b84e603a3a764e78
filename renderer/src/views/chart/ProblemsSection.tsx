import type { Chart } from '../../../../electron/shared/contract';
import { conditionStatusText } from '../../../../electron/shared/problem-text';
import { DataTable } from '../../components/DataTable';
import { formatDate } from '../../lib/time';

/** Every condition, in core's order (current first, withdrawn last), with the standing core decided. */
export function ProblemsSection({ chart }: { chart: Chart }) {
  return (
    <>
      <h2>Problems</h2>
      <DataTable
        label="Problems"
        testId="problems-table"
        rows={chart.conditions}
        rowKey={(c) => c.id}
        empty="No problems recorded in this snapshot."
        columns={[
          { header: 'Problem', width: '3fr', cell: (c) => (c.standing === 'not-a-problem' ? <s>{c.code.display}</s> : c.standing === 'past' ? c.code.display : <strong>{c.code.display}</strong>) },
          { header: 'Status', width: '1fr', cell: (c) => <span data-standing={c.standing}>{conditionStatusText(c)}</span> },
          { header: 'Onset', width: '1fr', cell: (c) => formatDate(c.onset) },
          { header: 'Resolved', width: '1fr', cell: (c) => formatDate(c.abatement) },
          { header: 'Category', width: '1.3fr', cell: (c) => c.category ?? '—' },
        ]}
      />
    </>
  );
}
