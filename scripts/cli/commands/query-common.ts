import path from 'node:path';
import type { HomeQueries } from '../../../electron/shared/contract';
import { openHome } from '../../../electron/core/home/open';
import { CliError, EXIT, stringOption, type Values } from '../command';
import { chartModel } from '../../../electron/core/chart';
import { formatDate, formatDateTime } from '../../../electron/shared/time-text';

/** Open --home, run one query over the snapshot in use, close. */
export async function withQueries<T>(values: Values, run: (q: HomeQueries) => T): Promise<{ value: T; demo: boolean }> {
  const dir = path.resolve(stringOption(values, 'home') as string);
  const home = openHome(dir, { model: chartModel });
  try {
    const queries = home.queries();
    if (!queries) throw new CliError(`No snapshot has been ingested into ${dir} yet. Run lantern ingest first.`, EXIT.FAILED);
    return { value: run(queries), demo: home.status().demo };
  } finally {
    home.close();
  }
}

/** A plain-text table: columns padded to their widest cell. */
export function table(headers: string[], rows: (string | null | undefined)[][]): string[] {
  const cells = rows.map((r) => r.map((c) => (c ?? '').replace(/\s+/g, ' ')));
  const widths = headers.map((h, i) => Math.min(40, Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length))));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => {
        const w = widths[i] ?? 0;
        return (c.length > w ? `${c.slice(0, w - 1)}…` : c).padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return [fmt(headers), fmt(widths.map((w) => '-'.repeat(w))), ...cells.map(fmt)];
}

// The screen's and the paper's clock (electron/shared/time-text.ts): the same words for one reading.
export const day = (value: string | null | undefined) => (value ? formatDate(value) : '');
export const minute = (value: string | null | undefined) => (value ? formatDateTime(value) : '');

/** Age in whole years at `at`, from a FHIR date. */
export function age(birthDate: string | null, at: string): string {
  if (!birthDate) return '?';
  const b = new Date(birthDate);
  const now = new Date(at);
  let years = now.getUTCFullYear() - b.getUTCFullYear();
  if (now.getUTCMonth() < b.getUTCMonth() || (now.getUTCMonth() === b.getUTCMonth() && now.getUTCDate() < b.getUTCDate())) years--;
  return String(years);
}

export const sexLetter = (sex: string | null) => (sex ? sex[0]!.toUpperCase() : '?');
