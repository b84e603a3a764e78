import type { PatientDetail } from '../../shared/contract';
import { DamagedBatchError, type ContentMapper } from '../store/content';
import { arr, ccText, codes, humanName, isObj, nameOf, obj, parseRef, str, type Json } from '../fhir/util';
import { encodeItemData } from './compact';
import { S, mapResource, patientRefOf } from './map';

/** 2: observations and administrations stored compactly (chart/compact.ts). */
export const SCHEMA_VERSION = 2;

/**
 * The stateless half of the chart writer: one NDJSON line in, one record out (a flat tuple
 * of strings and numbers, cheap to pass between threads). It touches no database and keeps
 * nothing between lines, so the ingest can run it on another thread; what needs the whole
 * picture (patient keys, counts, locations, unresolved references) is the writer's (store.ts).
 */

export const R = { MALFORMED: 0, PATIENT: 1, ENTITY: 2, ITEM: 3 } as const;

/** Location facts the bed table is built from, once every Location has been seen. */
export interface LocationInfo {
  name: string | null;
  phys: string | null;
  partOf: string | null;
  aliases: string[];
}

export type MalformedRecord = [kind: typeof R.MALFORMED, line: number, reason: string];
export type PatientRecord = [
  kind: typeof R.PATIENT, line: number, id: string, name: string, mrn: string | null, birthDate: string | null, sex: string | null,
  deceased: 0 | 1, detail: string, raw: string, tokens: string, idents: string[],
];
export type EntityRecord = [kind: typeof R.ENTITY, line: number, id: string, name: string | null, raw: string, location: LocationInfo | null];
export type ItemRecord = [
  kind: typeof R.ITEM, line: number, id: string, patient: string | null, problem: string | null, section: number, at: string | null,
  code: string | null, num: number | null, link: string | null, title: string | null, data: string, aux: string | null, raw: string | null,
];
export type ChartRecord = MalformedRecord | PatientRecord | EntityRecord | ItemRecord;

/** Lower-case, accent-free name tokens; "O'Brien" gives o, brien and obrien. */
export function nameTokens(text: string): string[] {
  const out = new Set<string>();
  for (const word of text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().split(/\s+/)) {
    const pieces = word.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    for (const p of pieces) out.add(p);
    if (pieces.length > 1) out.add(pieces.join(''));
  }
  return [...out];
}

function patientDetail(r: Json): { detail: Omit<PatientDetail, 'location'>; tokens: string[]; idents: string[] } {
  const names = arr(r['name']).filter(isObj);
  const official = names.find((n) => n['use'] === 'official' || n['use'] === 'usual') ?? names[0];
  let name = 'Name not recorded';
  if (official) {
    const family = str(official['family']);
    const given = arr(official['given']).filter((g): g is string => typeof g === 'string');
    name = family ? (given.length ? `${family}, ${given.join(' ')}` : family) : humanName(official) ?? name;
  }
  const tokens: string[] = [];
  for (const n of names) {
    const parts = [str(n['family']), ...arr(n['given']).filter((g): g is string => typeof g === 'string'), str(n['text'])];
    for (const p of parts) if (p) tokens.push(...nameTokens(p));
  }
  const identifiers = arr(r['identifier'])
    .filter(isObj)
    .filter((i) => typeof i['value'] === 'string' && i['value'])
    .map((i) => ({ system: str(i['system']), type: ccText(i['type']) ?? null, value: i['value'] as string, codes: codes(i['type']) }));
  const mr = identifiers.find((i) => i.codes.includes('mr')) ?? identifiers.find((i) => /mrn|medical record/i.test(`${i.type ?? ''} ${i.system ?? ''}`));
  const telecom = arr(r['telecom']).filter(isObj);
  const phone = telecom.find((t) => t['system'] === 'phone' && t['use'] !== 'old') ?? telecom.find((t) => t['system'] === 'phone');
  const address = obj(arr(r['address']).filter(isObj).find((a) => a['use'] !== 'old') ?? arr(r['address'])[0]);
  const addressText = address
    ? str(address['text']) ??
      ([...arr(address['line']).filter((l) => typeof l === 'string'), str(address['city']), [str(address['state']), str(address['postalCode'])].filter(Boolean).join(' ')]
        .filter(Boolean)
        .join(', ') || null)
    : null;
  const contacts = arr(r['contact'])
    .filter(isObj)
    .map((c) => {
      const t = arr(c['telecom']).filter(isObj).find((x) => x['system'] === 'phone');
      return { relationship: ccText(c['relationship']), name: humanName(c['name']) ?? (obj(c['organization']) ? str(obj(c['organization'])?.['display']) : null), phone: t ? str(t['value']) : null };
    });
  const deceasedAt = str(r['deceasedDateTime']);
  const detail = {
    id: r['id'] as string,
    name,
    mrn: mr?.value ?? identifiers[0]?.value ?? null,
    birthDate: str(r['birthDate']),
    sex: str(r['gender']),
    deceased: r['deceasedBoolean'] === true || deceasedAt !== null,
    identifiers: identifiers.map((i) => ({ system: i.system, type: i.type, value: i.value })),
    phone: phone ? str(phone['value']) : null,
    address: addressText,
    contacts,
    deceasedAt,
  };
  return { detail, tokens, idents: identifiers.map((i) => i.value.toLowerCase()) };
}

/** Keep each mapped resource's original JSON as well (diagnostics; off by default). */
const KEEP_RAW = process.env['LANTERN_KEEP_RAW'] === '1';

/** Map one NDJSON line of a file declared as `type`. Pure: same line, same record. */
export function mapLine(type: string, json: string, line: number): ChartRecord {
  let r: unknown;
  try {
    r = JSON.parse(json);
  } catch {
    return [R.MALFORMED, line, 'not valid JSON'];
  }
  if (!isObj(r)) return [R.MALFORMED, line, 'not a JSON object'];
  const rt = r['resourceType'];
  if (rt !== type) return [R.MALFORMED, line, typeof rt === 'string' ? `a ${rt.slice(0, 64)} in a file of ${type}` : 'no resourceType'];
  const id = r['id'];
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) return [R.MALFORMED, line, 'no usable id'];
  if (type === 'Patient') {
    const { detail, tokens, idents } = patientDetail(r);
    return [
      R.PATIENT, line, id, detail.name, detail.mrn, detail.birthDate, detail.sex, detail.deceased ? 1 : 0, JSON.stringify(detail), json,
      tokens.join(' '), [...new Set(idents)],
    ];
  }
  const pr = patientRefOf(type, r);
  if (pr === null) {
    let location: LocationInfo | null = null;
    if (type === 'Location') {
      const partOf = obj(r['partOf']);
      location = {
        name: str(r['name']) ?? str(r['alias']),
        phys: codes(r['physicalType'])[0] ?? null,
        partOf: partOf ? parseRef(partOf['reference'])?.id ?? null : null,
        aliases: [id, str(r['name']), ...arr(r['identifier']).map((i) => (isObj(i) ? str(i['value']) : null)), ...arr(r['alias']).map(str)]
          .filter((x): x is string => !!x),
      };
    }
    return [R.ENTITY, line, id, nameOf(r), json, location];
  }
  const row = mapResource(type, r, json);
  const raw = row.section === S.RAW;
  return [
    R.ITEM, line, id, 'id' in pr ? pr.id : null, 'problem' in pr ? `${type}: ${pr.problem}` : null, row.section, row.at, row.code, row.num,
    row.link, row.title, raw ? json : encodeItemData(row.section, row.data, id, row.at, row.link), row.aux === null ? null : JSON.stringify(row.aux), KEEP_RAW && !raw ? json : null,
  ];
}

/*
 * Records cross threads, and snapshots (mapped entries), packed into one string per batch:
 * a structured clone of thousands of small arrays costs far more than one flat string.
 * Fields are separated by U+0000 and each record ends with U+0001. JSON text (J) cannot hold
 * a raw control character (JSON.parse refuses it), so it goes as it is; other strings (S) go
 * as they are unless they hold U+0000..U+0002, then as U+0002 + JSON. U+0002 alone is null.
 * Numbers (N) as decimal text; objects (O) as JSON.
 */
const S_ = 0;
const J_ = 1;
const N_ = 2;
const O_ = 3;
/** Added to a field's kind when the field is never null (the table column is NOT NULL, or the writer needs it). */
const REQ = 4;
const FIELDS: Record<ChartRecord[0], readonly number[]> = {
  [R.MALFORMED]: [N_ | REQ, S_ | REQ],
  [R.PATIENT]: [N_ | REQ, S_ | REQ, S_ | REQ, S_, S_, S_, N_ | REQ, J_ | REQ, J_ | REQ, S_ | REQ, O_ | REQ],
  [R.ENTITY]: [N_ | REQ, S_ | REQ, S_, J_ | REQ, O_],
  [R.ITEM]: [N_ | REQ, S_ | REQ, S_, S_, N_ | REQ, S_, S_, N_, S_, S_, J_ | REQ, J_, J_],
};
const SEP = '\u0000';
const END = '\u0001';
const NULL = '\u0002';

/** Does the text hold U+0000, U+0001 or U+0002? */
function hasSeparator(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) <= 2) return true;
  return false;
}

function encode(kind: number, value: unknown): string {
  if (value === null) return NULL;
  switch (kind & 3) {
    case S_:
      return hasSeparator(value as string) ? NULL + JSON.stringify(value) : (value as string);
    case J_:
      return value as string;
    case N_:
      return String(value);
    default:
      return JSON.stringify(value);
  }
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** JSON text of an object or an array, by its first and last characters (a full parse would cost the ingest a fifth). */
function looksLikeJson(text: string): boolean {
  let a = 0;
  let b = text.length - 1;
  while (a < b && isSpace(text.charCodeAt(a))) a++;
  while (b > a && isSpace(text.charCodeAt(b))) b--;
  const first = text.charCodeAt(a);
  const last = text.charCodeAt(b);
  return b > a && ((first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d));
}

/** One field back from its text; throws for anything packRecords() would not have written. */
function decode(kind: number, text: string): unknown {
  if (text.charCodeAt(0) === 2) {
    if (text.length === 1) {
      if (kind & REQ) throw new Error('a required field is null');
      return null;
    }
    // Only strings holding a separator are written this way.
    const value: unknown = kind & 3 ? undefined : JSON.parse(text.slice(1));
    if (typeof value !== 'string') throw new Error('not a string');
    return value;
  }
  switch (kind & 3) {
    case S_:
      return text;
    case J_:
      if (!looksLikeJson(text)) throw new Error('not JSON');
      return text;
    case N_: {
      const n = Number(text);
      if (Number.isNaN(n) || text === '') throw new Error('not a number'); // records hold no NaN
      return n;
    }
    default:
      return JSON.parse(text);
  }
}

const SECTIONS = new Set<number>(Object.values(S));
const isText = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isTextList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** What the writer relies on beyond each field's type: a line number, an id, the values it switches on. */
function wellFormed(rec: unknown[]): boolean {
  const line = rec[1] as number;
  if (!Number.isInteger(line) || line < 1) return false;
  if (rec[0] === R.MALFORMED) return true;
  const id = rec[2] as string;
  if (id.length === 0 || id.length > 200) return false;
  switch (rec[0]) {
    case R.PATIENT:
      return (rec[7] === 0 || rec[7] === 1) && isTextList(rec[11]);
    case R.ENTITY: {
      const loc = rec[5] as Record<string, unknown> | null;
      return loc === null || (typeof loc === 'object' && !Array.isArray(loc) && isText(loc['name']) && isText(loc['phys']) && isText(loc['partOf']) && isTextList(loc['aliases']));
    }
    default:
      return SECTIONS.has(rec[5] as number);
  }
}

/** Records to one string (see above). */
export function packRecords(records: readonly ChartRecord[]): string {
  let out = '';
  for (let r = 0; r < records.length; r++) {
    const rec = records[r]!;
    const fields = FIELDS[rec[0]];
    out += rec[0];
    for (let i = 0; i < fields.length; i++) out += SEP + encode(fields[i]!, rec[i + 1]);
    out += END;
  }
  return out;
}

/**
 * packRecords, undone; throws DamagedBatchError for anything it would not have written: a
 * record cut short or run on, a field too many or too few, a field of the wrong type, null
 * where a value is required, an unknown kind or section. Records mapped by the publisher come
 * this way, so they are held to what the mapping of a line can give.
 */
export function unpackRecords(packed: string): ChartRecord[] {
  const out: ChartRecord[] = [];
  if (packed === '') return out;
  if (packed.charCodeAt(packed.length - 1) !== 1) throw new DamagedBatchError('the last record is not ended');
  const records = packed.split(END);
  for (let r = 0; r < records.length - 1; r++) {
    const parts = records[r]!.split(SEP);
    const kind = Number(parts[0]) as ChartRecord[0];
    const fields = FIELDS[kind];
    if (!fields || parts[0]!.length !== 1 || parts.length !== fields.length + 1) throw new DamagedBatchError(`record ${r + 1} is damaged`);
    const rec: unknown[] = [kind];
    try {
      for (let i = 0; i < fields.length; i++) rec.push(decode(fields[i]!, parts[i + 1]!));
    } catch {
      throw new DamagedBatchError(`record ${r + 1} is damaged`);
    }
    if (!wellFormed(rec)) throw new DamagedBatchError(`record ${r + 1} is damaged`);
    out.push(rec as ChartRecord);
  }
  return out;
}

/**
 * Where each record's id is in a packed batch, without unpacking it: the third field, unless
 * the record is a malformed line's (an id holding a separator: decoded). Stops at the first record it cannot read: unpackRecords()
 * refuses the batch anyway, and only what it gives is stored.
 */
export function packedIds(packed: string, each: (text: string, start: number, end: number) => void): void {
  for (let at = 0; at < packed.length; ) {
    const end = packed.indexOf(END, at);
    if (end < 0) return;
    if (packed.charCodeAt(at) !== 0x30 + R.MALFORMED) {
      const line = packed.indexOf(SEP, at);
      const id = line < 0 ? -1 : packed.indexOf(SEP, line + 1);
      const idEnd = id < 0 ? -1 : packed.indexOf(SEP, id + 1);
      if (idEnd < 0 || idEnd > end) return;
      if (packed.charCodeAt(id + 1) !== 2) each(packed, id + 1, idEnd);
      else {
        // An id holding a separator goes as JSON (see encode()); null is no id.
        let text: unknown;
        try {
          text = idEnd - id > 2 ? JSON.parse(packed.slice(id + 2, idEnd)) : null;
        } catch {
          return;
        }
        if (typeof text === 'string') each(text, 0, text.length);
      }
    }
    at = end + 1;
  }
}

/**
 * Names this exact mapping, for mapped entries in snapshots: change it whenever what
 * mapLine() or packRecords() give for a line changes (a test holds a digest of the mapping
 * of a sample hospital to it). Keeping the source JSON is part of it.
 */
const MAPPING_REVISION = 4;

export const chartMapper: ContentMapper<ChartRecord> = {
  name: 'chart',
  revision: `${SCHEMA_VERSION}.${MAPPING_REVISION}${KEEP_RAW ? '+raw' : ''}`,
  map: mapLine,
  pack: packRecords,
  id: (record) => (record[0] === R.MALFORMED ? null : record[2]),
  ids: packedIds,
};
