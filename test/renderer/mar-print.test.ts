import { describe, expect, it } from 'vitest';
import { marWindow } from '../../electron/shared/defaults';
import { extraInstructions, marHalfDays, paginateRows } from '../../renderer/src/lib/mar-print';

process.env.TZ = 'UTC';

describe('printed MAR layout', () => {
  it('has a column per half-day of the 72-hour window and the 12 hours after it, the first and last cut to the window', () => {
    const w = marWindow('2026-11-21T10:20:00Z');
    const blocks = marHalfDays(Date.parse(w.from), Date.parse(w.to));
    expect(blocks.map((b) => `${b.label} ${b.hours}`)).toEqual([
      'Wed 18 Nov 2026 10:20–12:00',
      'Wed 18 Nov 2026 12:00–24:00',
      'Thu 19 Nov 2026 00:00–12:00',
      'Thu 19 Nov 2026 12:00–24:00',
      'Fri 20 Nov 2026 00:00–12:00',
      'Fri 20 Nov 2026 12:00–24:00',
      'Sat 21 Nov 2026 00:00–12:00',
      'Sat 21 Nov 2026 12:00–22:20',
    ]);
    expect(blocks[0]!.start).toBe(Date.parse(w.from));
    expect(blocks[blocks.length - 1]!.end).toBe(Date.parse(w.to));
    // Each block ends where the next starts: no dose falls between two columns.
    blocks.slice(1).forEach((b, i) => expect(b.start).toBe(blocks[i]!.end));
  });

  it('has exactly seven columns when the window starts on a half-day', () => {
    const w = marWindow('2026-11-21T12:00:00Z');
    expect(marHalfDays(Date.parse(w.from), Date.parse(w.to))).toHaveLength(7);
  });

  it('deals whole rows to pages in order, as many as fit, a row taller than a page on a page of its own', () => {
    expect(paginateRows([30, 30, 30, 30, 30], 100)).toEqual([[0, 1, 2], [3, 4]]);
    expect(paginateRows([50, 50, 10], 100)).toEqual([[0, 1], [2]]);
    expect(paginateRows([20, 150, 20], 100)).toEqual([[0], [1], [2]]);
    expect(paginateRows([], 100)).toEqual([[]]);
  });

  it('leaves off an instruction text that only repeats dose, route and frequency, never one that says more', () => {
    const order = { dose: '5 mg', route: 'Oral', frequency: 'BID' };
    expect(extraInstructions({ ...order, instructions: '5 mg oral BID' })).toBeNull();
    expect(extraInstructions({ ...order, instructions: '5 mg oral BID; hold if HR < 55' })).toBe('5 mg oral BID; hold if HR < 55');
    expect(extraInstructions({ ...order, instructions: '2.5 mg oral BID' })).toBe('2.5 mg oral BID');
    expect(extraInstructions({ ...order, instructions: null })).toBeNull();
  });
});
