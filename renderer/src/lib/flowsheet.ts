import type { ObservationValue } from '../../../electron/shared/contract';
import { flagLabel, observationValueText, testName } from './series';

/** Vital signs as nurses chart them: one row per time, one column per measurement. */
export interface FlowsheetColumn {
  key: string;
  /** The short name (the export's own, else the usual one for its code). */
  label: string;
  /** The full name and code, one click on the header away. */
  title: string;
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
  const labels = new Map<string, { name: string; full: string }>();
  const byTime = new Map<string, Record<string, FlowsheetCell>>();
  for (const o of observations) {
    const key = o.code.code ?? o.code.display;
    if (!labels.has(key)) labels.set(key, testName(o.code));
    const at = o.at ?? '';
    const row = byTime.get(at) ?? {};
    // The value with its unit (blood pressure as systolic/diastolic): a flag never stands alone.
    row[key] = { value: observationValueText(o), flag: flagLabel(o) };
    byTime.set(at, row);
  }
  const rank = (k: string) => {
    const i = USUAL_ORDER.indexOf(k);
    return i < 0 ? USUAL_ORDER.length : i;
  };
  const columns = [...labels.entries()]
    .sort(([a, la], [b, lb]) => rank(a) - rank(b) || la.name.localeCompare(lb.name))
    .map(([key, label]) => ({ key, label: label.name, title: label.full }));
  const rows = [...byTime.entries()]
    .sort(([a], [b]) => b.localeCompare(a))
    .map(([at, cells]) => ({ at, cells }));
  return { columns, rows };
}
