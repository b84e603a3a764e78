import { useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { NameDisclosure } from './TestName';

export interface Column<T> {
  header: string;
  /** React key when two headers may read the same (defaults to the header). */
  key?: string;
  /** The full name behind a short header, one click on the header away. */
  title?: string;
  /** CSS grid track for the virtualized layout, e.g. "2fr" or "9rem". */
  width?: string;
  /**
   * Kept on one line in the plain table (a date and time with its zone): the column widens to
   * its text instead of wrapping a time under its date. The virtualized grid wraps it within
   * its track.
   */
  nowrap?: boolean;
  cell: (row: T) => ReactNode;
}

interface DataTableProps<T> {
  label: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  rowClass?: (row: T) => string | undefined;
  empty: string;
  /** Above this many rows only the visible rows are in the page. */
  virtualizeAbove?: number;
  testId?: string;
}

/**
 * A table that stays fast however long the list: a plain <table> for short lists, and a
 * virtualized grid (only the rows in view are rendered) for long ones.
 */
export function DataTable<T>({ label, columns, rows, rowKey, rowClass, empty, virtualizeAbove = 60, testId }: DataTableProps<T>) {
  if (rows.length === 0) return <p className="empty">{empty}</p>;
  if (rows.length <= virtualizeAbove) {
    return (
      <table className="data" aria-label={label} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key ?? c.header} scope="col" style={fixedWidth(c.width)}>
                <Header column={c} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)} className={rowClass?.(r)}>
              {columns.map((c) => (
                <td key={c.key ?? c.header} style={c.nowrap ? NOWRAP : undefined}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  return <VirtualTable label={label} columns={columns} rows={rows} rowKey={rowKey} rowClass={rowClass} testId={testId} />;
}

function Header<T>({ column }: { column: Column<T> }) {
  return column.title && column.title !== column.header ? <NameDisclosure name={column.header} full={column.title} /> : <>{column.header}</>;
}

const NOWRAP = { whiteSpace: 'nowrap' } as const;

/**
 * A column given a fixed width ("9rem": a time, a flag) has at least that in the plain table
 * too, so a date and time never wrap onto two lines however long the test names beside them.
 */
function fixedWidth(width: string | undefined): { minWidth: string } | undefined {
  return width && !width.endsWith('fr') ? { minWidth: width } : undefined;
}

function VirtualTable<T>({ label, columns, rows, rowKey, rowClass, testId }: Omit<DataTableProps<T>, 'empty' | 'virtualizeAbove'>) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 38,
    overscan: 12,
  });
  const template = columns.map((c) => c.width ?? '1fr').join(' ');
  return (
    <div
      ref={scroller}
      className="vtable"
      role="table"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      tabIndex={0}
      data-testid={testId}
      data-virtualized="true"
    >
      <div className="vtable-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div key={c.key ?? c.header} role="columnheader" className="vtable-cell">
            <Header column={c} />
          </div>
        ))}
      </div>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const r = rows[item.index]!;
          return (
            <div
              key={rowKey(r)}
              ref={virtualizer.measureElement}
              data-index={item.index}
              role="row"
              aria-rowindex={item.index + 2}
              className={`vtable-row ${rowClass?.(r) ?? ''}`}
              style={{ gridTemplateColumns: template, position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
            >
              {columns.map((c) => (
                <div key={c.key ?? c.header} role="cell" className="vtable-cell">
                  {c.cell(r)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
