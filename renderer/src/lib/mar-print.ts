import type { MarDay } from './mar-grid';
import { formatClock, formatDay } from './time';

/**
 * The printed MAR's layout: half-day columns (midnight to noon, noon to midnight: a dose's
 * date is its column's, never ambiguous) and pages cut by measured row heights, so that each
 * patient's pages can be counted before printing ("Patient page 1 of 2").
 */
export interface MarBlock extends MarDay {
  /** "00:00–12:00", or the part of it inside the window ("14:20–24:00"). */
  hours: string;
}

const clock = (ms: number, end = false): string => {
  const text = formatClock(ms);
  return end && text === '00:00' ? '24:00' : text;
};

/** The local half-days touched by [from, to), clipped to it. */
export function marHalfDays(from: number, to: number): MarBlock[] {
  const blocks: MarBlock[] = [];
  const first = new Date(from);
  let start = new Date(first.getFullYear(), first.getMonth(), first.getDate(), first.getHours() < 12 ? 0 : 12).getTime();
  while (start < to) {
    const d = new Date(start);
    const end = new Date(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours() + 12).getTime();
    const a = Math.max(start, from);
    const b = Math.min(end, to);
    blocks.push({ start: a, end: b, label: formatDay(start), hours: `${clock(a)}–${clock(b, true)}` });
    start = end;
  }
  return blocks;
}

/**
 * Cut rows into pages: as many whole rows per page as fit in `room` (same unit as the
 * heights), in order. A row taller than a page gets a page of its own. At least one page.
 */
export function paginateRows(heights: readonly number[], room: number): number[][] {
  const pages: number[][] = [[]];
  let used = 0;
  heights.forEach((h, i) => {
    const page = pages[pages.length - 1]!;
    if (page.length > 0 && used + h > room) {
      pages.push([i]);
      used = h;
    } else {
      page.push(i);
      used += h;
    }
  });
  return pages;
}

export const MM_PX = 96 / 25.4;

const words = (text: string): string[] => text.toLowerCase().split(/[^\p{L}\p{N}.]+/u).filter(Boolean);

/**
 * The order's instruction text when it says more than its dose, route and frequency do:
 * "5 mg oral BID" beside "5 mg · Oral · BID" is left off the page; "hold if HR < 55" never is.
 */
export function extraInstructions(o: { dose: string | null; route: string | null; frequency: string | null; instructions: string | null }): string | null {
  if (!o.instructions) return null;
  const said = new Set(words([o.dose, o.route, o.frequency].filter(Boolean).join(' ')));
  return words(o.instructions).every((w) => said.has(w)) ? null : o.instructions;
}
