import type { Chart, Condition } from '../../../../electron/shared/contract';
import { DataTable } from '../../components/DataTable';
import { formatDate } from '../../lib/time';

const isActive = (c: Condition) => !c.clinicalStatus || ['active', 'recurrence', 'relapse'].includes(c.clinicalStatus);

export function sortedProblems(conditions: Condition[]): Condition[] {
  return [...conditions].sort((a, b) => Number(isActive(b)) - Number(isActive(a)) || (b.onset ?? '').localeCompare(a.onset ?? ''));
}

export function ProblemsSection({ chart }: { chart: Chart }) {
  return (
    <>
      <h2>Problems</h2>
      <DataTable
        label="Problems"
        testId="problems-table"
        rows={sortedProblems(chart.conditions)}
        rowKey={(c) => c.id}
        empty="No problems recorded in this snapshot."
        columns={[
          { header: 'Problem', width: '3fr', cell: (c) => <strong>{c.code.display}</strong> },
          { header: 'Status', width: '1fr', cell: (c) => c.clinicalStatus ?? '—' },
          { header: 'Onset', width: '1fr', cell: (c) => formatDate(c.onset) },
          { header: 'Resolved', width: '1fr', cell: (c) => formatDate(c.abatement) },
          { header: 'Category', width: '1.3fr', cell: (c) => c.category ?? '—' },
        ]}
      />
    </>
  );
}
