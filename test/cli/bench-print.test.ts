import { describe, expect, it } from 'vitest';
import { printLine } from '../../scripts/bench/run';

describe('lantern bench: the unit MAR line', () => {
  it('reports the unit, its pages and the pages per patient', () => {
    expect(printLine({ seconds: 4.2, unit: 'Med-Surg 4 West', beds: 38, pages: 64, pagesPerPatient: 64 / 38, mostPagesPerPatient: 3, sheets: 64 })).toBe(
      'unit MAR print to PDF (Med-Surg 4 West): 4.20 s for 38 beds, 64 pages, 1.68 pages per patient (most 3)',
    );
  });

  it('says so when the PDF has more pages than the print view cut (a sheet overflowed its page)', () => {
    expect(printLine({ seconds: 4.2, unit: 'Med-Surg 4 West', beds: 38, pages: 66, pagesPerPatient: 66 / 38, mostPagesPerPatient: 3, sheets: 64 })).toContain(
      '; the print view cut 64 pages: some did not fit their page',
    );
    expect(printLine({ skipped: '--no-print' })).toBe('unit MAR print: skipped (--no-print)');
  });
});
