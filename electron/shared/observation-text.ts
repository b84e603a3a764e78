import type { Coded, ObservationFlag, ObservationValue } from './contract';
import { looksNumeric, NO_UNIT_TEXT, unitText, withUnit } from './unit-text';

/**
 * Results in words, the same on every screen, page and in the CLI: the flag (decided in core:
 * chart/facts/flag.ts), the value with its unit, blood pressure as systolic/diastolic, the
 * reference range, and the test's name. Display only.
 */

/** A result's flag in words (decided in core: chart/facts/flag.ts). Display only. */
const FLAG_WORDS: Record<ObservationFlag, string | null> = {
  'critical-high': 'CRITICAL HIGH', 'critical-low': 'CRITICAL LOW', critical: 'CRITICAL', 'very-high': 'VERY HIGH', 'very-low': 'VERY LOW',
  high: 'HIGH', low: 'LOW', abnormal: 'ABNORMAL', normal: null, 'no-flag-given': null,
};

/** The flag column in words, for a flag that warns (decided in core: chart/facts/flag.ts); null otherwise. */
export function flagLabel(o: Pick<ObservationValue, 'flag'>): string | null {
  return FLAG_WORDS[o.flag];
}

/** What the flag column says when nothing warns: "normal" only when the EHR's interpretation or range said so. */
export function quietFlagLabel(o: Pick<ObservationValue, 'flag'>): string {
  return o.flag === 'normal' ? 'normal' : 'no flag given';
}

// ---- blood pressure -------------------------------------------------------------------

/** LOINC systolic and diastolic blood pressure (the components of the 85354-9 / 55284-4 panels). */
export const SYSTOLIC = '8480-6';
export const DIASTOLIC = '8462-4';

type Component = ObservationValue['components'][number];
type Valued = Pick<ObservationValue, 'value' | 'unit' | 'components'>;

const isPart = (c: Component, loinc: string, word: RegExp) => c.code.code === loinc || (c.code.code === null && word.test(c.code.display));

/**
 * The systolic and diastolic parts of a blood pressure sent as components (as Synthea, the
 * generator and most EHRs send it: no top-level value), or null when it has neither.
 */
export function bloodPressureParts(o: Pick<ObservationValue, 'components'>): { systolic: Component | null; diastolic: Component | null } | null {
  const systolic = o.components.find((c) => isPart(c, SYSTOLIC, /systolic/i)) ?? null;
  const diastolic = o.components.find((c) => isPart(c, DIASTOLIC, /diastolic/i)) ?? null;
  return systolic || diastolic ? { systolic, diastolic } : null;
}

/** "128/76 mmHg"; "systolic 128 mmHg, diastolic not given" when one half is missing. */
function bloodPressureText(bp: { systolic: Component | null; diastolic: Component | null }): string {
  const s = bp.systolic?.value ?? null;
  const d = bp.diastolic?.value ?? null;
  if (s !== null && d !== null) {
    const su = unitText(bp.systolic!.unit);
    const du = unitText(bp.diastolic!.unit);
    return su === du ? withUnit(`${s}/${d}`, bp.systolic!.unit) : `${withUnit(s, bp.systolic!.unit)} / ${withUnit(d, bp.diastolic!.unit)}`;
  }
  const half = (name: string, c: Component | null) => (c?.value != null ? `${name} ${withUnit(c.value, c.unit)}` : `${name} not given`);
  return `${half('systolic', bp.systolic)}, ${half('diastolic', bp.diastolic)}`;
}

export const NO_VALUE_TEXT = 'no value given';

/**
 * A result's value as read, with its unit: "37.2 °C", "96%", "9.1 ×10³/µL", "128/76 mmHg"
 * (a blood pressure panel, from its components), "16.55 (no unit given)". Never empty, so a
 * flag always stands next to a value.
 */
export function observationValueText(o: Valued): string {
  if (o.value !== null) return withUnit(o.value, o.unit);
  const bp = bloodPressureParts(o);
  if (bp) return bloodPressureText(bp);
  const parts = o.components.filter((c) => c.value !== null).map((c) => `${testName(c.code).name} ${withUnit(c.value!, c.unit)}`);
  return parts.length ? parts.join('; ') : NO_VALUE_TEXT;
}

/**
 * The value and the unit apart, for a table with a unit column (the CLI): the unit is
 * "no unit given" for a number sent without one, '' where none is needed.
 */
export function observationValueParts(o: Valued): { value: string; unit: string } {
  const single = (value: string, unit: string | null) => {
    const u = unitText(unit);
    return { value, unit: u ?? (looksNumeric(value) ? NO_UNIT_TEXT : '') };
  };
  if (o.value !== null) return single(o.value, o.unit);
  const bp = bloodPressureParts(o);
  if (bp?.systolic?.value != null && bp.diastolic?.value != null && unitText(bp.systolic.unit) === unitText(bp.diastolic.unit)) {
    return single(`${bp.systolic.value}/${bp.diastolic.value}`, bp.systolic.unit);
  }
  return { value: observationValueText(o), unit: '' };
}

// ---- reference range ------------------------------------------------------------------

export const NO_RANGE_TEXT = 'no range given';

/**
 * The reference range as sent, its unit as read ("3.5–5.1 mmol/L", "4.5–11 ×10³/µL"), or
 * "no range given": never the word "normal" for a range the source did not send.
 */
export function rangeText(o: Pick<ObservationValue, 'referenceRange'>): string {
  const r = o.referenceRange?.trim();
  if (!r) return NO_RANGE_TEXT;
  // The unit core appended to a range built from low/high; a range sent as text keeps its words.
  return r
    .replace(/(\s)(\S+)$/, (all, space: string, unit: string) => {
      if (/^[\d.,<>≤≥–-]+$/.test(unit)) return all;
      const read = unitText(unit) ?? unit;
      return read === '%' ? read : `${space}${read}`;
    })
    .trim();
}

/**
 * The quiet side of a result, after its value: "normal" where the interpretation or the
 * range said so, else that nothing judges it ("no flag given", "no range given").
 */
export function unflaggedText(o: Pick<ObservationValue, 'flag' | 'referenceRange'>): string {
  if (o.flag === 'normal') return 'normal';
  return o.referenceRange ? quietFlagLabel(o) : NO_RANGE_TEXT;
}

/** How many results neither the source nor a range judged (no interpretation, no range). */
export function unjudgedCount(results: readonly Pick<ObservationValue, 'flag'>[]): number {
  return results.filter((r) => r.flag === 'no-flag-given').length;
}

/**
 * What an empty abnormal list says: "No abnormal results" only when every result was judged;
 * else that the rest had no range or flag to judge them by.
 */
export function noAbnormalText(results: readonly Pick<ObservationValue, 'flag'>[]): string {
  const unjudged = unjudgedCount(results);
  if (unjudged === 0) return 'No abnormal results in this snapshot.';
  return `No result is flagged abnormal by the lab or outside its range; ${unjudged} ${unjudged === 1 ? 'result has' : 'results have'} no range or flag given.`;
}

// ---- test names -----------------------------------------------------------------------

/**
 * The names nurses use for common LOINC codes, for when the export sends only the long
 * LOINC name (as Synthea and the generator do); a short name the export sends wins.
 */
const SHORT_NAMES: Record<string, string> = {
  // vital signs
  '8867-4': 'Heart rate', '8310-5': 'Temperature', '9279-1': 'Respiratory rate', '59408-5': 'SpO₂', '2708-6': 'SpO₂',
  '85354-9': 'Blood pressure', '55284-4': 'Blood pressure', '35094-2': 'Blood pressure', '8480-6': 'Systolic', '8462-4': 'Diastolic',
  '8478-0': 'Mean arterial pressure', '72514-3': 'Pain (0–10)', '29463-7': 'Weight', '3141-9': 'Weight (measured)', '8302-2': 'Height',
  '39156-5': 'BMI', '59576-9': 'BMI percentile', '8287-5': 'Head circumference', '9843-4': 'Head circumference',
  // blood count
  '6690-2': 'WBC', '789-8': 'RBC', '718-7': 'Hemoglobin', '4544-3': 'Hematocrit', '20570-8': 'Hematocrit', '787-2': 'MCV', '785-6': 'MCH',
  '786-4': 'MCHC', '21000-5': 'RDW', '777-3': 'Platelets', '32207-3': 'PDW', '32623-1': 'MPV',
  // chemistry
  '2951-2': 'Sodium', '2947-0': 'Sodium', '2823-3': 'Potassium', '6298-4': 'Potassium', '2075-0': 'Chloride', '2069-3': 'Chloride',
  '2028-9': 'CO₂, total', '20565-8': 'CO₂, total', '3094-0': 'BUN', '6299-2': 'BUN', '2160-0': 'Creatinine', '38483-4': 'Creatinine',
  '2345-7': 'Glucose', '2339-0': 'Glucose', '17861-6': 'Calcium', '49765-1': 'Calcium', '19123-9': 'Magnesium', '2777-1': 'Phosphorus',
  '2524-7': 'Lactate', '33914-3': 'eGFR', '48642-3': 'eGFR', '48643-1': 'eGFR', '62238-1': 'eGFR', '4548-4': 'Hemoglobin A1c',
  '2093-3': 'Cholesterol, total', '2571-8': 'Triglycerides', '18262-6': 'LDL cholesterol', '13457-7': 'LDL cholesterol', '2085-9': 'HDL cholesterol',
  '2885-2': 'Protein, total', '1751-7': 'Albumin', '10834-0': 'Globulin', '1975-2': 'Bilirubin, total', '6768-6': 'Alkaline phosphatase',
  '1742-6': 'ALT', '1920-8': 'AST', '2857-1': 'PSA', '2532-0': 'LDH', '2157-6': 'CK', '1988-5': 'CRP', '30934-4': 'BNP', '33762-6': 'NT-proBNP',
  '3016-3': 'TSH', '2276-4': 'Ferritin',
  // coagulation
  '6301-6': 'INR', '5902-2': 'PT', '3173-2': 'aPTT', '14979-9': 'aPTT',
};

/** Specimens a short name leaves unsaid (blood, serum, plasma); any other is named ("Glucose, urine"). */
const USUAL_SPECIMEN = /^(blood|serum|plasma|serum or plasma|ser\/plas|bld|arterial blood|venous blood|capillary blood)$/i;
/** LOINC properties the unit already says. */
const QUANTITY_PROPERTY = /volume|mass|moles|fraction|entitic|enzymatic|#|ratio|units|length|time|rate/i;

/** Whether a name has the shape of a LOINC long name ("Sodium [Moles/volume] in Serum or Plasma"). */
const isLong = (name: string) => name.includes('[') || name.length > 28;

/** "Sodium [Moles/volume] in Serum or Plasma" -> "Sodium"; "Glucose [Presence] in Urine by Test strip" -> "Glucose (presence), urine". */
function shorten(name: string): string {
  const m = /^(.+?)\s*\[([^\]]+)\](?:\s+(?:in|of)\s+(.+?))?(?:\s+by\s+.+)?$/.exec(name);
  if (!m) return name;
  const [, component, property, specimen] = m;
  const prop = QUANTITY_PROPERTY.test(property!) ? '' : ` (${property!.toLowerCase()})`;
  const where = specimen && !USUAL_SPECIMEN.test(specimen.trim()) ? `, ${specimen.trim().toLowerCase()}` : '';
  return `${component!.trim()}${prop}${where}`;
}

/**
 * A test's name as a column or row shows it — the export's own short name, else the usual
 * one for its LOINC code, else its long name shortened — and the full name with its code,
 * one click away (a title or disclosure).
 */
export function testName(code: Pick<Coded, 'code' | 'system' | 'display'>): { name: string; full: string } {
  const display = code.display.trim();
  const saysLoinc = code.system !== null && /loinc/i.test(code.system);
  // A code sent without its system is read as LOINC only when it has LOINC's shape (2160-0).
  const loinc = code.code !== null && (saysLoinc || (code.system === null && /^\d{1,7}-\d$/.test(code.code)));
  // A display that is only the code (nothing else was sent) is no name either.
  const name = !isLong(display) && display !== code.code ? display : (loinc && SHORT_NAMES[code.code!]) || shorten(display);
  const full = code.code ? `${display} (${saysLoinc ? 'LOINC' : 'code'} ${code.code})` : display;
  return { name, full };
}
