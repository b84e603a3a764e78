import type { Administration, Mar, MarRow } from '../../../electron/shared/contract';
import { formatDay } from './time';

/**
 * The MAR grid: one row per medication order, one column per calendar day of the window,
 * and in each cell what happened at each time: given, held, refused, or a scheduled dose
 * nobody charted. Words, not only colours, so it reads the same on a black-and-white printout.
 */
export type MarEventKind = 'given' | 'held' | 'refused' | 'in-progress' | 'stopped' | 'error' | 'not-charted' | 'due' | 'other';

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

const REFUSED = /refus|declin/i;

export function classifyAdministration(a: Pick<Administration, 'status' | 'reason'>): MarEventKind {
  switch (a.status) {
    case 'completed':
      return 'given';
    case 'not-done':
      return a.reason && REFUSED.test(a.reason) ? 'refused' : 'held';
    case 'on-hold':
      return 'held';
    case 'in-progress':
      return 'in-progress';
    case 'stopped':
      return 'stopped';
    case 'entered-in-error':
      return 'error';
    default:
      return 'other';
  }
}

function eventOf(a: Administration, at: number): MarEvent {
  const kind = classifyAdministration(a);
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

/** Inactive orders and PRNs after the scheduled ones a nurse works through first. */
function rowRank(row: MarRow): number {
  const active = row.order.status === 'active' || row.order.status === 'on-hold';
  return (active ? 0 : 2) + (row.order.prn ? 1 : 0);
}

/** `columns`: the time columns of the grid (default: the calendar days of the window). */
export function buildMarGrid(mar: Mar, matchWindowMinutes = 120, columns?: MarDay[]): MarGrid {
  const from = Date.parse(mar.from);
  const to = Date.parse(mar.to);
  const asOf = Date.parse(mar.asOf);
  const days = columns ?? marDays(from, to);
  const window = matchWindowMinutes * 60_000;

  const rows = [...mar.rows]
    .sort((a, b) => rowRank(a) - rowRank(b))
    .map((row): MarGridRow => {
      const events: MarEvent[] = [];
      const matched = new Set<number>();
      const charted = row.administrations
        .map((a) => ({ a, at: a.at ? Date.parse(a.at) : NaN }))
        .filter((x) => !Number.isNaN(x.at));
      for (const { a, at } of charted) events.push(eventOf(a, at));
      for (const s of row.scheduled.map(Date.parse).filter((t) => !Number.isNaN(t)).sort((x, y) => x - y)) {
        let best = -1;
        charted.forEach((c, i) => {
          if (matched.has(i) || c.a.status === 'entered-in-error' || Math.abs(c.at - s) > window) return;
          if (best < 0 || Math.abs(c.at - s) < Math.abs(charted[best]!.at - s)) best = i;
        });
        if (best >= 0) matched.add(best);
        else events.push({ kind: s <= asOf ? 'not-charted' : 'due', at: s, label: s <= asOf ? 'Not charted' : 'Due', detail: null });
      }
      events.sort((x, y) => x.at - y.at);
      const cells = days.map((d) => events.filter((e) => e.at >= d.start && e.at < d.end));
      return { row, cells };
    });
  return { days, rows };
}
