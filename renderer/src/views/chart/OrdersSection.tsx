import type { Chart } from '../../../../electron/shared/contract';
import { DataTable } from '../../components/DataTable';
import { formatDateTime } from '../../lib/time';

export function OrdersSection({ chart }: { chart: Chart }) {
  // In core's reading order: active orders first, each group newest first.
  const rows = chart.orders;
  return (
    <>
      <h2>Orders</h2>
      <DataTable
        label="Orders"
        testId="orders-table"
        rows={rows}
        rowKey={(o) => o.id}
        empty="No orders in this snapshot."
        columns={[
          { header: 'Ordered', width: '9rem', nowrap: true, cell: (o) => formatDateTime(o.authoredOn) },
          { header: 'Kind', width: '8rem', cell: (o) => o.kind },
          { header: 'Order', width: '3fr', cell: (o) => <strong>{o.code.display}</strong> },
          { header: 'Details', width: '2fr', cell: (o) => o.details ?? '—' },
          { header: 'Status', width: '7rem', cell: (o) => o.status ?? '—' },
          { header: 'Priority', width: '6rem', cell: (o) => (o.priority === 'stat' ? <strong>STAT</strong> : (o.priority ?? '—')) },
          { header: 'Requester', width: '1.5fr', cell: (o) => o.requester ?? '—' },
        ]}
      />
    </>
  );
}
