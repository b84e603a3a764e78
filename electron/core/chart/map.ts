import type {
  Administration,
  Allergy,
  ChartItem,
  Condition,
  EncounterInfo,
  MedicationOrder,
  Note,
  ObservationValue,
  Order,
} from '../../shared/contract';
import {
  arr,
  attachmentText,
  ccText,
  coded,
  codes,
  coding,
  containedMap,
  first,
  htmlToText,
  isObj,
  nameOf,
  num,
  obj,
  parseRef,
  period,
  quantity,
  refLabel,
  str,
  type Json,
} from '../fhir/util';
import { isNoKnownAllergy } from './facts/allergies';
import { isCurrentEncounter } from './facts/encounter';
import { isAbnormalFlag, observationFlag, worstFlag } from './facts/flag';
import { BEDSIDE, S, type SectionCode } from './codes';
import { describeTiming, type DoseTiming } from './schedule';
import type { ItemColumns } from './tables';

/** A Condition as stored: its standing is decided when the chart is read. */
type StoredCondition = Omit<Condition, 'standing'>;

export { S } from './codes';

/**
 * One mapped row of the item table: its section, the time it sorts by and the contract object
 * (or the line itself for an unmapped record), and those of the item columns it has; the rest
 * are NULL (chart/tables.ts says what each means).
 */
export type Row = { section: SectionCode; at: string | null; data: unknown } & Partial<
  Pick<ItemColumns, 'code' | 'value' | 'active' | 'order_id' | 'ends' | 'location_id' | 'kind' | 'label'>
> & {
  /** A medication order's dose schedule. */
  schedule?: OrderAux;
  /** Every location an encounter names, most specific first. */
  locations?: string[];
};

export interface OrderAux {
  timing: DoseTiming;
  start: string | null;
  end: string | null;
}

/** The patient id a resource is about, or why it has none. */
export function patientRefOf(type: string, r: Json): { id: string } | { problem: string } | null {
  const field = type === 'Coverage' ? r['beneficiary'] ?? r['subscriber'] : r['subject'] ?? r['patient'];
  if (field === undefined) {
    if (type === 'Consent' || type === 'Flag' || type === 'Appointment') {
      for (const p of arr(r['participant'])) {
        const actor = isObj(p) ? obj(p['actor']) : null;
        const pr = actor ? parseRef(actor['reference']) : null;
        if (pr && pr.type === 'Patient') return { id: pr.id };
      }
    }
    return PATIENT_TYPES.has(type) ? { problem: 'no patient (subject) reference' } : null;
  }
  const ref = obj(first(field));
  if (!ref) return { problem: 'patient reference is not a Reference' };
  const reference = str(ref['reference']);
  if (!reference) return { problem: 'patient reference has no target (display or identifier only)' };
  if (reference.startsWith('#')) return { problem: 'patient reference points to a contained resource' };
  const p = parseRef(reference);
  if (!p) return { problem: 'patient reference cannot be parsed' };
  if (p.type !== null && p.type !== 'Patient') return PATIENT_TYPES.has(type) ? { problem: `subject is a ${p.type}, not a Patient` } : null;
  return { id: p.id };
}

const VITAL_CODES = new Set([
  '85353-1', '8867-4', '9279-1', '8310-5', '59408-5', '2708-6', '85354-9', '8480-6', '8462-4', '29463-7', '8302-2',
  '39156-5', '9843-4', '8287-5', '72514-3', '3141-9', '8306-3', '8478-0',
]);
const CODE_STATUS_CODES = new Set(['75320-2', '100822-6', '78823-1', '304251008', '304252001', '304253006', '450476008']);
const CODE_STATUS_TEXT = /\b(code status|resuscitat|dnr|dni|do not resuscitate|full code|no code|allow natural death|polst|molst)\b/i;
const ISOLATION_TEXT = /isolat|precaution|\bcontact\b|droplet|airborne|mrsa|vre\b|c\.? ?diff|tubercul|neutropenic/i;

export function isIsolation(text: string): boolean {
  return ISOLATION_TEXT.test(text);
}

function timingOf(dosage: Json | null): DoseTiming {
  const timing = dosage ? obj(dosage['timing']) : null;
  const repeat = timing ? obj(timing['repeat']) : null;
  const c = timing ? coding(timing['code']) : { code: null };
  const codeText = timing ? ccText(timing['code']) : null;
  const code = (c.code ?? (codeText && /^[A-Z0-9]{2,6}$/i.test(codeText) ? codeText : null))?.toUpperCase() ?? null;
  return {
    code,
    frequency: repeat ? num(repeat['frequency']) : null,
    period: repeat ? num(repeat['period']) : null,
    periodUnit: repeat ? str(repeat['periodUnit']) : null,
    timeOfDay: repeat ? arr(repeat['timeOfDay']).filter((t): t is string => typeof t === 'string') : [],
  };
}

function doseText(dosage: Json | null): string | null {
  if (!dosage) return null;
  for (const dr of arr(dosage['doseAndRate'])) {
    if (!isObj(dr)) continue;
    const q = quantity(dr['doseQuantity']);
    if (q) return q;
    const range = obj(dr['doseRange']);
    if (range) {
      const lo = quantity(range['low']);
      const hi = quantity(range['high']);
      if (lo || hi) return `${lo ?? ''}–${hi ?? ''}`;
    }
    const rate = quantity(dr['rateQuantity']);
    if (rate) return `rate ${rate}`;
  }
  return quantity(dosage['dose']);
}

function medicationName(r: Json, contained?: Map<string, Json>): string {
  const concept = r['medicationCodeableConcept'];
  if (concept) return ccText(concept) ?? 'Medication (not named in the extract)';
  const ref = obj(r['medicationReference']);
  if (ref) {
    const reference = str(ref['reference']);
    if (reference?.startsWith('#') && contained) {
      const c = contained.get(reference.slice(1));
      if (c) return nameOf(c) ?? 'Medication (not named in the extract)';
    }
    return refLabel(ref, contained) ?? 'Medication (not named in the extract)';
  }
  // R5-style CodeableReference
  const med = obj(r['medication']);
  if (med) return ccText(med['concept']) ?? refLabel(med['reference'], contained) ?? 'Medication (not named in the extract)';
  return 'Medication (not named in the extract)';
}

function whenOf(r: Json, ...fields: string[]): string | null {
  for (const f of fields) {
    const v = r[f];
    if (typeof v === 'string' && v) return v;
    if (isObj(v)) {
      const s = str(v['start']) ?? str(v['end']);
      if (s) return s;
    }
  }
  return null;
}

function valueOf(r: Json): { value: string | null; numeric: number | null; unit: string | null } {
  const q = obj(r['valueQuantity']);
  if (q) {
    const n = num(q['value']);
    const unit = str(q['unit']) ?? str(q['code']);
    const comparator = str(q['comparator']) ?? '';
    return { value: n === null ? null : `${comparator}${n}`, numeric: comparator ? null : n, unit };
  }
  if (r['valueCodeableConcept']) return { value: ccText(r['valueCodeableConcept']), numeric: null, unit: null };
  if (typeof r['valueString'] === 'string') return { value: r['valueString'], numeric: null, unit: null };
  if (typeof r['valueBoolean'] === 'boolean') return { value: r['valueBoolean'] ? 'Yes' : 'No', numeric: null, unit: null };
  if (typeof r['valueInteger'] === 'number') return { value: String(r['valueInteger']), numeric: r['valueInteger'], unit: null };
  if (typeof r['valueDateTime'] === 'string') return { value: r['valueDateTime'], numeric: null, unit: null };
  if (typeof r['valueTime'] === 'string') return { value: r['valueTime'], numeric: null, unit: null };
  const range = obj(r['valueRange']);
  if (range) return { value: `${quantity(range['low']) ?? ''}–${quantity(range['high']) ?? ''}`, numeric: null, unit: null };
  const ratio = obj(r['valueRatio']);
  if (ratio) return { value: `${quantity(ratio['numerator']) ?? '?'}/${quantity(ratio['denominator']) ?? '?'}`, numeric: null, unit: null };
  const sampled = obj(r['valueSampledData']);
  if (sampled) return { value: '[sampled data]', numeric: null, unit: null };
  if (r['dataAbsentReason']) return { value: `Not available: ${ccText(r['dataAbsentReason']) ?? 'no reason given'}`, numeric: null, unit: null };
  return { value: null, numeric: null, unit: null };
}

function rangeText(r: Json): string | null {
  const rr = obj(first(r['referenceRange']));
  if (!rr) return null;
  const text = str(rr['text']);
  if (text) return text;
  const lo = obj(rr['low']);
  const hi = obj(rr['high']);
  const l = lo ? num(lo['value']) : null;
  const h = hi ? num(hi['value']) : null;
  const unit = (lo && str(lo['unit'])) ?? (hi && str(hi['unit'])) ?? null;
  if (l === null && h === null) return null;
  const core = l !== null && h !== null ? `${l}–${h}` : l !== null ? `≥ ${l}` : `≤ ${h}`;
  return unit ? `${core} ${unit}` : core;
}

function rangeBounds(r: Json): { low: number | null; high: number | null } {
  const rr = obj(first(r['referenceRange']));
  const lo = rr ? obj(rr['low']) : null;
  const hi = rr ? obj(rr['high']) : null;
  return { low: lo ? num(lo['value']) : null, high: hi ? num(hi['value']) : null };
}

function observation(r: Json): { obs: ObservationValue; section: SectionCode } {
  const v = valueOf(r);
  const interp = coding(r['interpretation']).code ?? ccText(r['interpretation']);
  const interpretationOf = (x: Json) => {
    const cs = codes(x['interpretation']);
    const t = cs.length ? null : ccText(x['interpretation']);
    return t ? [t] : cs;
  };
  const bounds = rangeBounds(r);
  let flag = observationFlag({ interpretation: interpretationOf(r), numeric: v.numeric, ...bounds });
  const catCodes = codes(r['category']);
  const code = coded(r['code']);
  let section: SectionCode = S.OBS;
  if (catCodes.includes('vital-signs')) section = S.VITAL;
  else if (catCodes.includes('laboratory')) section = S.LAB;
  else if (!catCodes.length && code.code && VITAL_CODES.has(code.code)) section = S.VITAL;
  const components = arr(r['component'])
    .filter(isObj)
    .map((c) => {
      const cv = valueOf(c);
      const cf = observationFlag({ interpretation: interpretationOf(c), numeric: cv.numeric, ...rangeBounds(c) });
      if (cf !== 'no-flag-given') flag = flag === 'no-flag-given' ? cf : worstFlag(flag, cf);
      return { code: coded(c['code']), value: cv.value, numeric: cv.numeric, unit: cv.unit };
    });
  return {
    section,
    obs: {
      id: r['id'] as string,
      code,
      category: ccText(r['category']) ?? (section === S.VITAL ? 'Vital Signs' : 'Observation'),
      at: whenOf(r, 'effectiveDateTime', 'effectivePeriod', 'effectiveInstant', 'issued'),
      value: v.value,
      numeric: v.numeric,
      unit: v.unit,
      referenceRange: rangeText(r),
      referenceLow: bounds.low,
      referenceHigh: bounds.high,
      interpretation: interp,
      flag,
      abnormal: isAbnormalFlag(flag),
      components,
    },
  };
}

/** Is this Observation a code-status (resuscitation) statement? */
function isCodeStatusObservation(r: Json): boolean {
  const cs = codes(r['code']);
  if (cs.some((c) => CODE_STATUS_CODES.has(c))) return true;
  const t = ccText(r['code']);
  return t !== null && /code status|resuscitation status|resuscitation order/i.test(t);
}

function item(r: Json, type: string, title: string, status: string | null, at: string | null, detail: string | null): ChartItem {
  return { id: r['id'] as string, type, title, status, at, detail };
}

const encounterClass = (r: Json): string | null => {
  const c = obj(first(r['class']));
  return c ? str(c['code']) ?? str(c['display']) : null;
};

/** What a mapper is given beside the resource: its type, its line as sent, its contained resources and its status. */
interface MapInput {
  readonly type: string;
  readonly line: string;
  readonly contained: Map<string, Json> | undefined;
  readonly status: string | null;
}
type Mapper = (r: Json, m: MapInput) => Row;

/** An order other than a medication order (a service, a diet or a device request). */
const mapOrder: Mapper = (r, { contained, status, type }) => {
  const details = [
    ...arr(r['orderDetail']).map(ccText),
    ...arr(r['note']).map((n) => (isObj(n) ? str(n['text']) : null)),
    str(r['patientInstruction']),
    ccText(r['reasonCode']),
    r['occurrenceDateTime'] ? `When: ${String(r['occurrenceDateTime'])}` : null,
  ].filter((x): x is string => !!x);
  const code =
    type === 'NutritionOrder'
      ? coded(obj(r['oralDiet'])?.['type'], 'Diet order')
      : type === 'DeviceRequest'
        ? coded(r['codeCodeableConcept'], 'Device request')
        : coded(r['code'], 'Order');
  const data: Order = {
    id: r['id'] as string,
    kind: type === 'ServiceRequest' ? ccText(r['category']) ?? 'Order' : type === 'NutritionOrder' ? 'Diet' : 'Device',
    code,
    status,
    intent: str(r['intent']),
    priority: str(r['priority']),
    requester: refLabel(r['requester'] ?? r['orderer'], contained),
    authoredOn: str(r['authoredOn']) ?? str(r['dateTime']),
    details: details.join('; ') || null,
  };
  return { section: S.ORDER, at: data.authoredOn, code: code.code, data };
};

/** How each resource type the chart maps becomes a row; every other type is kept as sent (a RAW row). */
const MAPPERS: Record<string, Mapper> = {
  Encounter: (r, { contained, status }) => {
    const p = period(r['period']);
    const participants: string[] = [];
    let attending: string | null = null;
    for (const part of arr(r['participant'])) {
      if (!isObj(part)) continue;
      const who = refLabel(part['individual'] ?? part['actor'], contained);
      if (!who) continue;
      const roles = codes(part['type']);
      const role = ccText(part['type']);
      if (!attending && (roles.includes('atnd') || roles.includes('attender'))) attending = who;
      participants.push(role ? `${who} (${role})` : who);
    }
    const locs: { id: string; status: string | null; display: string | null }[] = [];
    for (const l of arr(r['location'])) {
      if (!isObj(l)) continue;
      const ref = obj(l['location']);
      const pr = ref ? parseRef(ref['reference']) : null;
      if (pr) locs.push({ id: pr.id, status: str(l['status']), display: ref ? str(ref['display']) : null });
    }
    // Most specific current location first: an active one, else the last listed.
    locs.sort((a, b) => Number(b.status === 'active') - Number(a.status === 'active'));
    const active = isCurrentEncounter(status);
    const data: EncounterInfo = {
      id: r['id'] as string,
      class: encounterClass(r),
      type: ccText(r['type']),
      status,
      start: p.start,
      end: p.end,
      location: locs[0]?.display ? { unit: null, room: null, bed: locs[0].display } : null,
      attending,
      participants,
      reason: ccText(r['reasonCode']) ?? refLabel(r['reasonReference'], contained),
    };
    return { section: S.ENCOUNTER, at: p.start, active: active ? 1 : 0, location_id: locs[0]?.id ?? null, locations: locs.map((l) => l.id), data };
  },
  AllergyIntolerance: (r) => {
    const nka = isNoKnownAllergy(codes(r['code']), ccText(r['code']));
    const clinical = ccText(r['clinicalStatus']) ? coding(r['clinicalStatus']).code ?? ccText(r['clinicalStatus']) : null;
    const verification = coding(r['verificationStatus']).code ?? ccText(r['verificationStatus']);
    const reactions: string[] = [];
    let severity: string | null = null;
    for (const re of arr(r['reaction'])) {
      if (!isObj(re)) continue;
      for (const m of arr(re['manifestation'])) {
        const t = ccText(m);
        if (t) reactions.push(t);
      }
      const d = str(re['description']);
      if (d && !reactions.length) reactions.push(d);
      severity ??= str(re['severity']);
    }
    const data: Allergy = {
      id: r['id'] as string,
      substance: ccText(r['code']) ?? ccText(obj(first(r['reaction']))?.['substance']) ?? 'Substance not recorded',
      category: arr(r['category']).filter((c) => typeof c === 'string').join(', ') || null,
      criticality: str(r['criticality']),
      severity,
      reactions,
      clinicalStatus: clinical,
      verificationStatus: verification,
      recordedDate: str(r['recordedDate']) ?? str(r['onsetDateTime']),
      noKnownAllergy: nka,
    };
    // What the entries mean is decided at query time (facts/allergies.ts), from all of them.
    return { section: S.ALLERGY, at: data.recordedDate, code: coding(r['code']).code, data };
  },
  Condition: (r) => {
    // Its standing (current, past ...) is decided when read (chart/facts/problems.ts), so a stored row never holds an old answer.
    const data: StoredCondition = {
      id: r['id'] as string,
      code: coded(r['code']),
      clinicalStatus: coding(r['clinicalStatus']).code ?? ccText(r['clinicalStatus']),
      verificationStatus: coding(r['verificationStatus']).code ?? ccText(r['verificationStatus']),
      onset: whenOf(r, 'onsetDateTime', 'onsetPeriod', 'recordedDate') ?? str(r['onsetString']),
      abatement: whenOf(r, 'abatementDateTime', 'abatementPeriod') ?? str(r['abatementString']),
      category: ccText(r['category']),
    };
    return { section: S.CONDITION, at: data.onset, code: data.code.code, data };
  },
  MedicationRequest: (r, { contained, status }) => {
    const dosage = obj(first(r['dosageInstruction']));
    const timing = timingOf(dosage);
    const repeat = dosage ? obj(obj(dosage['timing'])?.['repeat']) : null;
    const bounds = repeat ? period(repeat['boundsPeriod']) : { start: null, end: null };
    const validity = obj(obj(r['dispenseRequest'])?.['validityPeriod']);
    const prn = dosage ? dosage['asNeededBoolean'] === true || isObj(dosage['asNeededCodeableConcept']) : false;
    const data: MedicationOrder = {
      id: r['id'] as string,
      medication: medicationName(r, contained),
      dose: doseText(dosage),
      route: dosage ? ccText(dosage['route']) : null,
      frequency: (() => {
        const t = dosage ? ccText(obj(dosage['timing'])?.['code']) : null;
        const d = t ?? describeTiming(timing);
        if (!prn) return d;
        // Timing codes such as "Q6H PRN" already say it; say it once.
        const base = d && /\bPRN\b/i.test(d) ? d : `${d ?? ''} PRN`.trim();
        const reason = dosage && isObj(dosage['asNeededCodeableConcept']) ? ccText(dosage['asNeededCodeableConcept']) : null;
        return reason ? `${base} (${reason})` : base;
      })(),
      prn,
      status: status ?? 'unknown',
      intent: str(r['intent']),
      prescriber: refLabel(r['requester'], contained),
      authoredOn: str(r['authoredOn']),
      start: bounds.start ?? (validity ? str(validity['start']) : null),
      end: bounds.end ?? (validity ? str(validity['end']) : null),
      instructions: (dosage && (str(dosage['text']) ?? str(dosage['patientInstruction']))) ?? null,
    };
    const schedule: OrderAux = { timing: prn ? { code: null, frequency: null, period: null, periodUnit: null, timeOfDay: [] } : timing, start: data.start ?? data.authoredOn, end: data.end };
    return { section: S.MEDREQ, at: data.authoredOn, data, schedule };
  },
  MedicationAdministration: (r, { contained, status }) => {
    const dosage = obj(r['dosage']);
    const reqRef = obj(r['request']);
    const reqId = reqRef ? parseRef(reqRef['reference'])?.id ?? null : null;
    const performer = obj(first(r['performer']));
    const reason = ccText(r['statusReason']) ?? (status === 'not-done' ? null : null);
    const data: Administration = {
      id: r['id'] as string,
      orderId: reqId,
      medication: medicationName(r, contained),
      status: status ?? 'unknown',
      reason,
      reasonCode: coding(r['statusReason']).code,
      at: whenOf(r, 'effectiveDateTime', 'effectivePeriod', 'occurenceDateTime', 'occurrenceDateTime'),
      dose: dosage ? quantity(dosage['dose']) ?? quantity(dosage['rateQuantity']) : null,
      route: dosage ? ccText(dosage['route']) : null,
      performer: performer ? refLabel(performer['actor'], contained) : null,
    };
    return { section: S.MEDADMIN, at: data.at, order_id: reqId, data };
  },
  Observation: (r, { status }) => {
    if (isCodeStatusObservation(r)) {
      const { obs } = observation(r);
      const live = status !== 'entered-in-error' && status !== 'cancelled';
      return { section: S.CODESTATUS, at: obs.at, code: obs.code.code, active: live ? 1 : 0, kind: BEDSIDE.CODE_STATUS, label: obs.value ?? ccText(r['code']), data: obs };
    }
    const { obs, section } = observation(r);
    return { section, at: obs.at, code: obs.code.code ?? obs.code.display, value: obs.numeric, data: obs };
  },
  DiagnosticReport: (r, { status }) => {
    const parts: string[] = [];
    const conclusion = str(r['conclusion']);
    if (conclusion) parts.push(conclusion);
    for (const f of arr(r['presentedForm'])) {
      const t = attachmentText(f);
      if (t) parts.push(t);
    }
    if (!parts.length) {
      const results = arr(r['result']).map((x) => (isObj(x) ? str(x['display']) : null)).filter((x): x is string => !!x);
      if (results.length) parts.push(`Results: ${results.join('; ')}`);
    }
    const data = item(r, ccText(r['category']) ?? 'Report', ccText(r['code']) ?? 'Report', status, whenOf(r, 'effectiveDateTime', 'effectivePeriod', 'issued'), parts.join('\n\n') || null);
    return { section: S.REPORT, at: data.at, code: coding(r['code']).code, data };
  },
  DocumentReference: (r, { contained, status }) => {
    const texts: string[] = [];
    for (const c of arr(r['content'])) {
      const t = isObj(c) ? attachmentText(c['attachment']) : null;
      if (t) texts.push(t);
    }
    if (!texts.length) {
      const div = obj(r['text']);
      const d = div ? str(div['div']) : null;
      if (d) texts.push(htmlToText(d));
      const desc = str(r['description']);
      if (desc) texts.push(desc);
    }
    const context = obj(r['context']);
    const data: Note = {
      id: r['id'] as string,
      type: ccText(r['type']) ?? ccText(r['category']) ?? 'Note',
      author: refLabel(r['author'], contained) ?? refLabel(r['authenticator'], contained),
      at: str(r['date']) ?? (context ? period(context['period']).start : null),
      status: str(r['docStatus']) ?? status,
      text: texts.join('\n\n') || '(no text in the extract)',
    };
    return { section: S.NOTE, at: data.at, data };
  },
  CarePlan: (r, { status }) => {
    const acts = arr(r['activity'])
      .map((a) => (isObj(a) ? obj(a['detail']) : null))
      .map((d) => (d ? str(d['description']) ?? ccText(d['code']) : null))
      .filter((x): x is string => !!x);
    const detail = [str(r['description']), ...acts.map((a) => `• ${a}`)].filter((x): x is string => !!x).join('\n') || null;
    const data = item(r, 'Care plan', str(r['title']) ?? ccText(r['category']) ?? 'Care plan', status, period(r['period']).start ?? str(r['created']), detail);
    return { section: S.CAREPLAN, at: data.at, data };
  },
  CareTeam: (r, { contained, status }) => {
    const team = str(r['name']) ?? ccText(r['category']);
    const members = arr(r['participant'])
      .filter(isObj)
      .map((p) => ({ name: refLabel(p['member'], contained) ?? 'Not named', role: ccText(p['role']), team }))
      .filter((m) => m.role !== 'Patient');
    const active = status === null || status === 'active' || status === 'proposed';
    return { section: S.CARETEAM, at: period(r['period']).start, active: active ? 1 : 0, data: members };
  },
  Procedure: (r, { status }) => {
    const data = item(r, 'Procedure', ccText(r['code']) ?? 'Procedure', status, whenOf(r, 'performedDateTime', 'performedPeriod', 'performedString'),
      [ccText(r['bodySite']), ccText(r['outcome']), ccText(r['reasonCode']), ...arr(r['note']).map((n) => (isObj(n) ? str(n['text']) : null))].filter((x): x is string => !!x).join('; ') || null);
    return { section: S.PROCEDURE, at: data.at, code: coding(r['code']).code, data };
  },
  Immunization: (r, { status }) => {
    const data = item(r, 'Immunization', ccText(r['vaccineCode']) ?? 'Vaccine', status, whenOf(r, 'occurrenceDateTime') ?? str(r['occurrenceString']),
      [str(r['lotNumber']) ? `Lot ${String(r['lotNumber'])}` : null, quantity(r['doseQuantity']), ccText(r['site']), ccText(r['statusReason'])].filter((x): x is string => !!x).join('; ') || null);
    return { section: S.IMMUNIZATION, at: data.at, code: coding(r['vaccineCode']).code, data };
  },
  Flag: (r, { status }) => {
    const text = ccText(r['code']) ?? 'Flag';
    const p = period(r['period']);
    const active = status === null || status === 'active';
    const data = item(r, ccText(r['category']) ?? 'Flag', text, status, p.start, p.end ? `Until ${p.end}` : null);
    const cs = CODE_STATUS_TEXT.test(text) || codes(r['code']).some((c) => CODE_STATUS_CODES.has(c));
    // Code-status flags are both a flag and the code status.
    return {
      section: S.FLAG,
      at: data.at,
      code: coding(r['code']).code,
      active: active ? 1 : 0,
      ends: p.end,
      kind: cs ? BEDSIDE.CODE_STATUS : isIsolation(text) ? BEDSIDE.ISOLATION : null,
      label: text,
      data,
    };
  },
  Consent: (r, { status, type, line }) => {
    const scope = codes(r['scope']);
    const cats = codes(r['category']);
    const provision = obj(r['provision']);
    const texts = [
      ccText(r['category']),
      provision ? ccText(provision['code']) : null,
      ...arr(provision?.['provision']).map((p) => (isObj(p) ? ccText(p['code']) : null)),
      ...arr(r['policy']).map((p) => (isObj(p) ? str(p['uri']) : null)),
      ccText(r['policyRule']),
    ].filter((x): x is string => !!x);
    const isCode = cats.includes('dnr') || scope.includes('adr') || texts.some((t) => CODE_STATUS_TEXT.test(t));
    if (isCode) {
      const title = texts.find((t) => CODE_STATUS_TEXT.test(t)) ?? texts[0] ?? 'Advance directive on file';
      const live = status === 'active';
      const data = item(r, 'Consent', title, status, str(r['dateTime']), texts.join('; ') || null);
      return { section: S.CODESTATUS, at: data.at, active: live ? 1 : 0, kind: BEDSIDE.CODE_STATUS, label: title, data };
    }
    return raw(type, r, line);
  },
  ServiceRequest: mapOrder,
  NutritionOrder: mapOrder,
  DeviceRequest: mapOrder,
};

/**
 * Resource types that are about one patient and must name one: every type the chart maps, and
 * these, which it keeps as sent.
 */
const KEPT_PATIENT_TYPES = [
  'MedicationStatement', 'Claim', 'ExplanationOfBenefit', 'Coverage', 'ImagingStudy', 'Goal', 'Composition',
  'ClinicalImpression', 'RiskAssessment', 'FamilyMemberHistory', 'MedicationDispense', 'Specimen', 'EpisodeOfCare',
  'QuestionnaireResponse', 'AdverseEvent', 'DetectedIssue', 'Appointment', 'Communication', 'CommunicationRequest',
  'Task', 'BodyStructure', 'List',
];
export const PATIENT_TYPES: ReadonlySet<string> = new Set([...Object.keys(MAPPERS), ...KEPT_PATIENT_TYPES]);

/**
 * Map one resource (already checked: an object with a string id) to a chart row. Returns a
 * RAW row for every type the chart does not map.
 */
export function mapResource(type: string, r: Json, line: string): Row {
  const mapper = MAPPERS[type];
  return mapper ? mapper(r, { type, line, contained: containedMap(r), status: str(r['status']) }) : raw(type, r, line);
}

/** A one-line summary of an unmapped resource, for the raw record list. */
export function summarize(type: string, r: Json): string {
  const what =
    ccText(r['code']) ??
    ccText(r['type']) ??
    ccText(r['vaccineCode']) ??
    ccText(r['category']) ??
    str(r['description']) ??
    str(r['title']) ??
    (Array.isArray(r['deviceName']) ? nameOf({ name: (obj(first(r['deviceName'])) ?? {})['name'] }) : null) ??
    str(r['status']) ??
    type;
  const when =
    whenOf(r, 'effectiveDateTime', 'effectivePeriod', 'created', 'billablePeriod', 'started', 'date', 'period', 'authoredOn', 'recorded', 'issued');
  return when ? `${what} (${when.slice(0, 10)})` : what;
}

function raw(type: string, r: Json, line: string): Row {
  return { section: S.RAW, at: null, label: summarize(type, r), data: line };
}
