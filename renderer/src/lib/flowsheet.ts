import type { ObservationValue } from '../../../electron/shared/contract';
import { flagLabel } from './series';

/** Vital signs as nurses chart them: one row per time, one column per measurement. */
export interface FlowsheetColumn {
  key: string;
  label: string;
}
export interface FlowsheetCell {
  value: string;
  flag: string | null;
}
export interface FlowsheetRow {
  at: string;
  cells: Record<string, FlowsheetCell>;
}

/** The usual order of a vital-signs row (LOINC), then anything else alphabetically. */
const USUAL_ORDER = ['8867-4', '85354-9', '8310-5', '9279-1', '59408-5', '2708-6', '72514-3', '29463-7', '8302-2', '39156-5'];

export function buildFlowsheet(observations: ObservationValue[]): { columns: FlowsheetColumn[]; rows: FlowsheetRow[] } {
  const labels = new Map<string, string>();
  const byTime = new Map<string, Record<string, FlowsheetCell>>();
  for (const o of observations) {
    const key = o.code.code ?? o.code.display;
    if (!labels.has(key)) labels.set(key, o.code.display);
    const at = o.at ?? '';
    const row = byTime.get(at) ?? {};
    row[key] = { value: o.value ?? (o.numeric !== null ? `${o.numeric} ${o.unit ?? ''}`.trim() : '—'), flag: flagLabel(o) };
    byTime.set(at, row);
  }
  const rank = (k: string) => {
    const i = USUAL_ORDER.indexOf(k);
    return i < 0 ? USUAL_ORDER.length : i;
  };
  const columns = [...labels.entries()]
    .sort(([a, la], [b, lb]) => rank(a) - rank(b) || la.localeCompare(lb))
    .map(([key, label]) => ({ key, label }));
  const rows = [...byTime.entries()]
    .sort(([a], [b]) => b.localeCompare(a))
    .map(([at, cells]) => ({ at, cells }));
  return { columns, rows };
}
