import type { Administration, Mar, MarRow } from '../../../electron/shared/contract';
import { formatDay } from './time';

/**
 * The MAR grid: one row per medication order, one column per calendar day of the window,
 * and in each cell what happened at each time: given, held, refused, or a scheduled dose
 * nobody charted. Words, not only colours, so it reads the same on a black-and-white printout.
 * What happened, and which scheduled dose went uncharted, is core's (chart/facts/mar.ts, carried
 * as each row's events, in core's row order); this file only lays it out.
 */
export type MarEventKind = MarRow['events'][number]['kind'];

export interface MarEvent {
  kind: MarEventKind;
  at: number;
  /** "Given 25 mg", "HELD", "REFUSED", "Not charted", "Due". */
  label: string;
  /** Reason (held/refused), or who gave it. */
  detail: string | null;
  /** The time as the EHR wrote it, offset included, so the clock can name a zone that differs; none for a computed time. */
  source?: string;
}

export interface MarDay {
  start: number;
  end: number;
  label: string;
}

export interface MarGridRow {
  row: MarRow;
  /** One list of events per day column, oldest first. */
  cells: MarEvent[][];
}

export interface MarGrid {
  days: MarDay[];
  rows: MarGridRow[];
}

export { MAR_AHEAD_HOURS, MAR_HOURS, marWindow } from '../../../electron/shared/defaults';

function eventOf(kind: MarEventKind, a: Administration, at: number): MarEvent {
  const labels: Record<MarEventKind, string> = {
    given: a.dose ? `Given ${a.dose}` : 'Given',
    held: 'HELD',
    refused: 'REFUSED',
    'in-progress': 'In progress',
    stopped: 'Stopped',
    error: 'Entered in error',
    'not-charted': 'Not charted',
    due: 'Due',
    other: a.status,
  };
  const detail = kind === 'held' || kind === 'refused' ? (a.reason ?? 'no reason recorded') : a.performer;
  return { kind, at, label: labels[kind], detail, ...(a.at ? { source: a.at } : {}) };
}

/** Local calendar days (midnight to midnight) touched by [from, to]. */
export function marDays(from: number, to: number): MarDay[] {
  const days: MarDay[] = [];
  const first = new Date(from);
  let start = new Date(first.getFullYear(), first.getMonth(), first.getDate()).getTime();
  while (start <= to) {
    const d = new Date(start);
    const end = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
    days.push({ start, end, label: formatDay(start) });
    start = end;
  }
  return days;
}

/** `columns`: the time columns of the grid (default: the calendar days of the window). */
export function buildMarGrid(mar: Mar, columns?: MarDay[]): MarGrid {
  const days = columns ?? marDays(Date.parse(mar.from), Date.parse(mar.to));
  const rows = mar.rows.map((row): MarGridRow => {
    const byId = new Map(row.administrations.map((a) => [a.id, a]));
    const events: MarEvent[] = [];
    for (const e of row.events) {
      const at = Date.parse(e.at);
      const a = e.administrationId === null ? undefined : byId.get(e.administrationId);
      if (a) events.push(eventOf(e.kind, a, at));
      else if (e.kind === 'not-charted' || e.kind === 'due') events.push({ kind: e.kind, at, label: e.kind === 'due' ? 'Due' : 'Not charted', detail: null });
    }
    const cells = days.map((d) => events.filter((e) => e.at >= d.start && e.at < d.end));
    return { row, cells };
  });
  return { days, rows };
}
