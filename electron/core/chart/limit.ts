import { utf8Prefix } from '../files/utf8';
import { DamagedBatchError } from '../store/content';
import type { Field } from '../store/table';
import { R } from './codes';
import { ENTITY, ITEM, PATIENT, type ChartRecord } from './tables';

/**
 * One value longer than the home's limit (home.json limits.maxFieldBytes) is cut before it is
 * stored, with a mark at the end that says so: a 50 MB note would take seconds to store and
 * far longer to show, and a nurse must see that text is missing rather than think it ends
 * there. The writer applies it to every record, mapped on this workstation or by the
 * publisher: a workstation does not rely on the publisher to have cut. The check is a few
 * length comparisons a record; only a record with a long value is parsed and rebuilt.
 */

type StoredRecord = Exclude<ChartRecord, { 0: typeof R.MALFORMED }>;

/** Positions of a record kind's fields that hold JSON text, from their descriptions. */
const jsonFields = (kind: { fields: readonly (readonly [string, Field])[] }): number[] =>
  kind.fields.flatMap(([, f], i) => (f.codec === 'json-text' ? [i + 1] : []));
/** Fields that hold JSON text (cut inside, value by value), by record kind. */
const JSON_FIELDS: Record<StoredRecord[0], readonly number[]> = {
  [R.PATIENT]: jsonFields(PATIENT),
  [R.ENTITY]: jsonFields(ENTITY),
  [R.ITEM]: jsonFields(ITEM),
};
/** The field holding the resource's source JSON, when the record keeps it. */
const SOURCE_FIELD: Record<StoredRecord[0], number> = {
  [R.PATIENT]: PATIENT.at.raw,
  [R.ENTITY]: ENTITY.at.raw,
  [R.ITEM]: ITEM.at.raw,
};
/** Fields only searched, never shown (the name tokens, the identifier keys): cut without a mark. */
const SEARCH_FIELDS: Record<StoredRecord[0], readonly number[]> = {
  [R.PATIENT]: [PATIENT.at.tokens, PATIENT.at.idents],
  [R.ENTITY]: [],
  [R.ITEM]: [],
};

const MB = 1_000_000;
/** "50.0 MB", "512.0 kB": sizes as IT and nurses read them. */
export const sizeText = (bytes: number): string => (bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${(bytes / 1000).toFixed(1)} kB`);

/** What ends a cut value: what happened, how much there was, how much is shown. */
export const truncationMark = (bytes: number, max: number): string =>
  ` … [truncated by Lantern: ${sizeText(bytes)} in the export, first ${sizeText(max)} shown]`;

/** UTF-8 bytes of `text`, or just "more than max" when its length alone says so. */
function bytesOver(text: string, max: number): number {
  // Each UTF-16 unit is 1 to 3 UTF-8 bytes: the length decides most cases without counting.
  if (text.length * 3 <= max) return 0;
  const bytes = Buffer.byteLength(text);
  return bytes > max ? bytes : 0;
}

function over(value: unknown, max: number): boolean {
  if (typeof value === 'string') return value.length * 3 > max && bytesOver(value, max) > 0;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => over(v, max));
  return Object.values(value).some((v) => over(v, max));
}

/** Does any value of this record exceed `max` bytes? Cheap: lengths only, for all but long values. */
export function recordOver(rec: StoredRecord, max: number): boolean {
  for (let i = 2; i < rec.length; i++) {
    const v = rec[i];
    if (typeof v === 'string' ? v.length * 3 > max && bytesOver(v, max) > 0 : v !== null && typeof v === 'object' && over(v, max)) return true;
  }
  return false;
}

interface Cut {
  values: number;
  largest: number;
}

/** The first `max` bytes of `text`, cut between characters, marked unless `quiet`. */
function cutText(text: string, max: number, cut: Cut, quiet: boolean): string {
  const bytes = bytesOver(text, max);
  if (bytes === 0) return text;
  cut.values++;
  cut.largest = Math.max(cut.largest, bytes);
  const kept = utf8Prefix(text, max);
  return quiet ? kept : kept + truncationMark(bytes, max);
}

function cutValue(value: unknown, max: number, cut: Cut, quiet: boolean): unknown {
  if (typeof value === 'string') return cutText(value, max, cut, quiet);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => cutValue(v, max, cut, quiet));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cutValue(v, max, cut, quiet);
  return out;
}

function cutJson(text: string, max: number, cut: Cut): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DamagedBatchError('a JSON field does not parse');
  }
  const before = cut.values;
  const out = cutValue(parsed, max, cut, false);
  return cut.values === before ? text : JSON.stringify(out);
}

/**
 * The record with each value over `max` bytes cut and marked. `values` counts the values cut
 * as the export had them, though one long text may be stored in several fields (a patient's
 * name in its name, its detail and its source JSON): those of the source JSON when the record
 * keeps it and any were cut, else the most cut in any one field.
 */
export function cutRecord(rec: StoredRecord, max: number): { record: StoredRecord; values: number; largest: number } {
  const out = [...rec] as unknown[];
  const json = JSON_FIELDS[rec[0]];
  const search = SEARCH_FIELDS[rec[0]];
  let most = 0;
  let source = 0;
  let largest = 0;
  for (let i = 2; i < out.length; i++) {
    const v = out[i];
    if (v === null || typeof v === 'number') continue;
    const cut: Cut = { values: 0, largest: 0 };
    out[i] = json.includes(i) && typeof v === 'string' ? cutJson(v, max, cut) : cutValue(v, max, cut, search.includes(i));
    most = Math.max(most, cut.values);
    if (i === SOURCE_FIELD[rec[0]]) source = cut.values;
    largest = Math.max(largest, cut.largest);
  }
  return { record: out as StoredRecord, values: source || most, largest };
}
