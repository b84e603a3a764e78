import type { Administration, ObservationFlag, ObservationValue } from '../../shared/contract';
import { isAbnormalFlag } from './facts/flag';
import { S } from './codes';

/**
 * The item table's data column for its two largest sections — observations (vitals, labs,
 * other) and medication administrations — holds the contract object as a JSON array of its
 * values, without key names and without what the row's own columns already hold (the id,
 * `at`, and an administration's orderId, which is the row's order_id). A third of the bytes of a
 * snapshot database go, and with them a third of its page encryption and of the integrity
 * check's reading. Anything of another shape (a value that is not a string or null, say) is
 * stored as the JSON object, as every other section is; readers tell the two apart by the
 * first character, so databases written before this encoding read the same.
 */

type Row = { id: string; at: string | null; order_id: string | null; data: string };

const isText = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isNumber = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0));
const codedOk = (c: { code: unknown; system: unknown; display: unknown } | null | undefined): boolean =>
  !!c && isText(c.code) && isText(c.system) && typeof c.display === 'string';

// The arrays hold every field of the contract types below, in their order: adding a field to
// one of them fails to compile here until the encoding (and its decoding) knows it.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const observationFields: Same<keyof ObservationValue, 'id' | 'code' | 'category' | 'at' | 'value' | 'numeric' | 'unit' | 'referenceRange' | 'referenceLow' | 'referenceHigh' | 'interpretation' | 'flag' | 'abnormal' | 'components'> = true;
const componentFields: Same<keyof ObservationValue['components'][number], 'code' | 'value' | 'numeric' | 'unit'> = true;
const codedFields: Same<keyof ObservationValue['code'], 'code' | 'system' | 'display'> = true;
const administrationFields: Same<keyof Administration, 'id' | 'orderId' | 'medication' | 'status' | 'reason' | 'reasonCode' | 'at' | 'dose' | 'route' | 'performer'> = true;
void [observationFields, componentFields, codedFields, administrationFields];

/** Is this section stored compactly when its object has the expected shape? */
export const isCompactSection = (section: number): boolean =>
  section === S.VITAL || section === S.LAB || section === S.OBS || section === S.MEDADMIN;

/*
 * The mapper (map.ts) builds these objects as literals in the contract's key order, so the
 * types above fix the keys; what is checked at run time is each value (a value that JSON would
 * drop or change, such as undefined or NaN, keeps the object as JSON).
 */
function observationArray(o: ObservationValue, id: string, at: string | null): unknown[] | null {
  if (o.id !== id || o.at !== at || !codedOk(o.code) || typeof o.category !== 'string' || !isText(o.value) || !isNumber(o.numeric)) return null;
  if (!isText(o.unit) || !isText(o.referenceRange) || !isNumber(o.referenceLow) || !isNumber(o.referenceHigh) || !isText(o.interpretation) || typeof o.flag !== 'string' || o.abnormal !== isAbnormalFlag(o.flag) || !Array.isArray(o.components)) return null;
  const out: unknown[] = [o.code.code, o.code.system, o.code.display, o.category, o.value, o.numeric, o.unit, o.referenceRange, o.interpretation, o.flag];
  const n = o.components.length;
  const bounded = o.referenceLow !== null || o.referenceHigh !== null;
  if (n === 0 && !bounded) return out;
  const components: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = o.components[i]!;
    if (!codedOk(c.code) || !isText(c.value) || !isNumber(c.numeric) || !isText(c.unit)) return null;
    components[i] = [c.code.code, c.code.system, c.code.display, c.value, c.numeric, c.unit];
  }
  out.push(components);
  // The range's bounds follow the components (rows written before they were kept end there).
  if (bounded) out.push(o.referenceLow, o.referenceHigh);
  return out;
}

function administrationArray(a: Administration, id: string, at: string | null, orderId: string | null): unknown[] | null {
  if (a.id !== id || a.at !== at || a.orderId !== orderId) return null;
  if (typeof a.medication !== 'string' || typeof a.status !== 'string' || !isText(a.reason) || !isText(a.reasonCode) || !isText(a.dose) || !isText(a.route) || !isText(a.performer)) return null;
  return [a.medication, a.status, a.reason, a.dose, a.route, a.performer, a.reasonCode];
}

/** The data column for a mapped item: compact for the sections above, else the JSON object. */
export function encodeItemData(section: number, data: unknown, id: string, at: string | null, orderId: string | null): string {
  if (section === S.MEDADMIN) {
    const a = administrationArray(data as Administration, id, at, orderId);
    if (a) return JSON.stringify(a);
  } else if (section === S.VITAL || section === S.LAB || section === S.OBS) {
    const a = observationArray(data as ObservationValue, id, at);
    if (a) return JSON.stringify(a);
  }
  return JSON.stringify(data);
}

const coded = (v: unknown[], i: number) => ({ code: v[i] as string | null, system: v[i + 1] as string | null, display: v[i + 2] as string });

/** The contract object of an item row's data (the inverse of encodeItemData), before names are resolved. */
export function decodeItemData<T>(section: number, row: Row): T {
  const parsed = JSON.parse(row.data) as unknown;
  if (!Array.isArray(parsed) || !isCompactSection(section)) return parsed as T;
  const v = parsed;
  if (section === S.MEDADMIN) {
    const a: Administration = {
      id: row.id, orderId: row.order_id, medication: v[0] as string, status: v[1] as string, reason: v[2] as string | null,
      // Rows written before the reason's code was kept have none.
      reasonCode: (v[6] as string | null | undefined) ?? null, at: row.at,
      dose: v[3] as string | null, route: v[4] as string | null, performer: v[5] as string | null,
    };
    return a as T;
  }
  // Rows written before the flag was kept hold 1 or 0 (abnormal or not) in its place.
  const flag: ObservationFlag = typeof v[9] === 'string' ? (v[9] as ObservationFlag) : v[9] === 1 ? 'abnormal' : 'no-flag-given';
  const o: ObservationValue = {
    id: row.id,
    code: coded(v, 0),
    category: v[3] as string,
    at: row.at,
    value: v[4] as string | null,
    numeric: v[5] as number | null,
    unit: v[6] as string | null,
    referenceRange: v[7] as string | null,
    referenceLow: (v[11] as number | null | undefined) ?? null,
    referenceHigh: (v[12] as number | null | undefined) ?? null,
    interpretation: v[8] as string | null,
    flag,
    abnormal: isAbnormalFlag(flag),
    components: ((v[10] ?? []) as unknown[][]).map((c) => ({ code: coded(c, 0), value: c[3] as string | null, numeric: c[4] as number | null, unit: c[5] as string | null })),
  };
  return o as T;
}

/** The data column as the JSON object it stands for (the record view shows it when no source JSON is kept). */
export function itemDataJson(section: number, row: Row): string {
  return row.data.charCodeAt(0) === 0x5b && isCompactSection(section) ? JSON.stringify(decodeItemData(section, row)) : row.data;
}
