import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Chart, Mar } from '../../../electron/shared/contract';
import { MAR_LEGEND } from '../components/MarTable';
import { buildMarGrid, type MarEvent, type MarGridRow } from '../lib/mar-grid';
import { extraInstructions, MM_PX, marHalfDays, paginateRows, type MarBlock } from '../lib/mar-print';
import { allergyLine, dobWithAge, mrnLabel } from '../lib/patient';
import { formatClock, formatDateTime, formatStamp } from '../lib/time';
import { PAGE_MARGIN_MM, patientPageName, type PagePatient } from './page-css';
import { PrintContext, usePrintInfo, type PrintInfo } from './PrintContext';
import { PrintPageHead, type PrintPatient } from './PrintPageHead';

export function printPatientOf(chart: Chart): PrintPatient {
  return {
    patient: chart.patient,
    allergies: chart.allergySummary,
    codeStatus: chart.codeStatus,
    isolation: chart.isolation,
    weight: chart.weight,
    weightAt: chart.weightAt,
  };
}

/** What the page margins say about a patient: identifiers, DOB, allergies. */
export function pagePatientOf(chart: Chart, now: number): PagePatient {
  const p = chart.patient;
  return { identity: `${p.name} · ${mrnLabel(p.mrn)} · DOB ${dobWithAge(p.birthDate, now)}`, allergies: allergyLine(chart.allergySummary) };
}

export interface MarPrintItem {
  chart: Chart;
  mar: Mar;
}

/**
 * A sheet is one landscape page: the page box of the smaller of A4 and Letter (277 × 178 mm on
 * A4, 259 × 184 mm on Letter, inside the margins), less a little for rounding.
 */
const SHEET_WIDTH_MM = 279.4 - 2 * PAGE_MARGIN_MM.side;
const SHEET_HEIGHT_MM = 210 - PAGE_MARGIN_MM.top - PAGE_MARGIN_MM.bottom - 5;
const ORDER_MM = 56;
const EDGE_MM = 25;
const MIN_BLOCK_MM = 12;

/** Column widths in mm: each half-day by its hours, never narrower than MIN_BLOCK_MM. */
function blockWidths(blocks: MarBlock[]): number[] {
  const room = SHEET_WIDTH_MM - ORDER_MM - EDGE_MM - 1;
  const total = blocks.reduce((s, b) => s + (b.end - b.start), 0) || 1;
  const raw = blocks.map((b) => ((b.end - b.start) / total) * room);
  const short = raw.filter((w) => w < MIN_BLOCK_MM).length;
  const spare = room - short * MIN_BLOCK_MM;
  const long = raw.filter((w) => w >= MIN_BLOCK_MM).reduce((s, w) => s + w, 0) || 1;
  return raw.map((w) => (w < MIN_BLOCK_MM ? MIN_BLOCK_MM : (w / long) * spare));
}

function Event({ e }: { e: MarEvent }) {
  const reason = (e.kind === 'held' || e.kind === 'refused') && e.detail;
  return (
    <div className="mar-ev" data-kind={e.kind}>
      <b>{formatClock(e.source ?? e.at)}</b> <span className={`mar-${e.kind}`}>{e.label}</span>
      {reason && <span> {reason}</span>}
    </div>
  );
}

function Row({ row, cells }: MarGridRow) {
  const o = row.order;
  const instructions = extraInstructions(o);
  return (
    <tr className="mar-print-row" data-testid="mar-print-row">
      <th scope="row">
        <strong>{o.medication}</strong>
        {o.prn && <span className="prn-tag">PRN</span>}
        <div>{[o.dose, o.route, o.frequency].filter(Boolean).join(' · ')}</div>
        {instructions && <div className="mar-instructions">{instructions}</div>}
        {o.status !== 'active' && <div className="mar-order-status">Order {o.status}</div>}
      </th>
      {cells.map((events, i) => (
        <td key={i}>
          {events.map((e) => (
            <Event key={`${e.kind}-${e.at}`} e={e} />
          ))}
        </td>
      ))}
      <td>
        <div>Last: {row.lastGiven ? formatDateTime(row.lastGiven) : 'not in window'}</div>
        <div>
          Next: <strong>{row.nextDue ? formatStamp(row.nextDue) : o.prn ? 'as needed' : '—'}</strong>
        </div>
      </td>
    </tr>
  );
}

/** A patient's printed grid: half-day columns, a row per order. */
function printGrid(mar: Mar): { blocks: MarBlock[]; rows: MarGridRow[] } {
  const blocks = marHalfDays(Date.parse(mar.from), Date.parse(mar.to));
  return { blocks, rows: buildMarGrid(mar, blocks).rows };
}

/** One printed page of a patient's MAR: the head (who, when, which page), then its rows. */
function MarSheet({ chart, mar, blocks, rows, n, page }: { chart: Chart; mar: Mar; blocks: MarBlock[]; rows: MarGridRow[]; n: number; page: string }) {
  const widths = blockWidths(blocks);
  return (
    <section className="mar-sheet" data-page={patientPageName(n)} data-testid="print-patient" aria-label={`MAR for ${chart.patient.name}, ${page}`}>
      <PrintPageHead title={`MAR ${formatStamp(mar.from)} – ${formatStamp(mar.to)}`} who={printPatientOf(chart)} page={page} />
      <table className="mar-print" aria-label="Medication administration record">
        <colgroup>
          <col style={{ width: `${ORDER_MM}mm` }} />
          {widths.map((w, i) => (
            <col key={i} style={{ width: `${w}mm` }} />
          ))}
          <col style={{ width: `${EDGE_MM}mm` }} />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Medication order</th>
            {blocks.map((b) => (
              <th scope="col" key={b.start}>
                {b.label}
                <div className="mar-hours">{b.hours}</div>
              </th>
            ))}
            <th scope="col">Last given / next due</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={blocks.length + 2}>No medication orders in this snapshot for this patient.</td>
            </tr>
          )}
          {rows.map((r) => (
            <Row key={r.row.order.id} {...r} />
          ))}
        </tbody>
      </table>
      <p className="mar-print-legend">{MAR_LEGEND}. Who charted each dose is on the screen MAR.</p>
    </section>
  );
}

/** The longest wording a page head can take by printing time: pages are cut with room for it. */
function measuringInfo(info: PrintInfo): PrintInfo {
  return { ...info, freshness: { state: 'expired', age: '888 d 88 h', expiresAt: '88 Mmm 8888 88:88' } };
}

/**
 * The MARs of one or more patients, each starting a new page and cut into landscape pages by
 * measurement: every row is laid out once at the sheet's width, the rows are dealt to pages,
 * then the pages are drawn, each saying which of its patient's pages it is.
 */
export function MarPrintDocument({ items }: { items: MarPrintItem[] }) {
  const info = usePrintInfo();
  const measure = useRef<HTMLDivElement>(null);
  const [layout, setLayout] = useState<{ items: MarPrintItem[]; pages: number[][][] } | null>(null);
  const current = layout?.items === items ? layout : null;
  const grids = useMemo(() => items.map((item) => printGrid(item.mar)), [items]);

  useLayoutEffect(() => {
    if (current || !measure.current) return;
    const room = SHEET_HEIGHT_MM * MM_PX;
    const sheets = [...measure.current.querySelectorAll<HTMLElement>('.mar-sheet')];
    const pages = sheets.map((sheet) => {
      const rows = [...sheet.querySelectorAll<HTMLElement>('tbody > tr.mar-print-row')].map((r) => r.getBoundingClientRect().height);
      const fixed = sheet.getBoundingClientRect().height - rows.reduce((s, h) => s + h, 0);
      return paginateRows(rows, room - fixed);
    });
    setLayout({ items, pages });
  }, [current, items]);

  if (!current) {
    return (
      <PrintContext.Provider value={measuringInfo(info)}>
        <div ref={measure} className="mar-measure" aria-hidden="true">
          {items.map((item, n) => (
            <MarSheet key={item.mar.patient.id} {...item} {...grids[n]!} n={n} page="Patient page 88 of 88" />
          ))}
        </div>
      </PrintContext.Provider>
    );
  }
  return (
    <>
      {items.length === 0 && <p>No patients on this unit in the snapshot.</p>}
      {items.map((item, n) => {
        const { blocks, rows } = grids[n]!;
        const pages = current.pages[n] ?? [[]];
        return pages.map((indices, k) => (
          <MarSheet
            key={`${item.mar.patient.id}-${k}`}
            {...item}
            blocks={blocks}
            rows={indices.map((i) => rows[i]!)}
            n={n}
            page={`Patient page ${k + 1} of ${pages.length}`}
          />
        ));
      })}
    </>
  );
}
