import type { PatientDetail } from '../../shared/contract';
import type { ContentMapper } from '../store/content';
import { END, SEP, createPacker } from '../store/packing';
import { arr, ccText, codes, humanName, isObj, nameOf, obj, parseRef, str, type Json } from '../fhir/util';
import { BEDSIDE, R, S } from './codes';
import { encodeItemData } from './compact';
import { mapResource, patientRefOf } from './map';
import { ENTITY, ITEM, ITEM_STORED, PATIENT, RECORDS, SCHEMA_VERSION, type ChartRecord, type ItemColumns, type LocationInfo } from './tables';

export { SCHEMA_VERSION } from './tables';
export { R } from './codes';
export type { ChartRecord, LocationInfo } from './tables';

/**
 * The stateless half of the chart writer: one NDJSON line in, one record out (a flat tuple
 * of strings and numbers, cheap to pass between threads). It touches no database and keeps
 * nothing between lines, so the ingest can run it on another thread; what needs the whole
 * picture (patient keys, counts, locations, unresolved references) is the writer's (store.ts).
 */

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
  const orderId = row.order_id ?? null;
  const stored: Omit<ItemColumns, 'pkey' | 'type' | 'src' | 'line' | 'id'> = {
    section: row.section,
    at: row.at,
    code: row.code ?? null,
    value: row.value ?? null,
    active: row.active ?? null,
    order_id: orderId,
    ends: row.ends ?? null,
    location_id: row.location_id ?? null,
    kind: row.kind ?? null,
    label: row.label ?? null,
    data: raw ? json : encodeItemData(row.section, row.data, id, row.at, orderId),
    schedule: row.schedule ? JSON.stringify(row.schedule) : null,
    locations: row.locations ? JSON.stringify(row.locations) : null,
    raw: KEEP_RAW && !raw ? json : null,
  };
  const rec: unknown[] = new Array(ITEM_FIRST + ITEM_STORED.length);
  rec[0] = R.ITEM;
  rec[ITEM.at.line] = line;
  rec[ITEM.at.id] = id;
  rec[ITEM.at.patient] = 'id' in pr ? pr.id : null;
  rec[ITEM.at.problem] = 'problem' in pr ? `${type}: ${pr.problem}` : null;
  for (let i = 0; i < ITEM_STORED.length; i++) rec[ITEM_FIRST + i] = stored[ITEM_STORED[i]!];
  return rec as ChartRecord;
}

const SECTIONS = new Set<number>(Object.values(S));
const isText = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isTextList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

const BEDSIDE_KINDS = new Set<unknown>([null, ...Object.values(BEDSIDE)]);
const isFlag = (v: unknown, nullable: boolean) => v === 0 || v === 1 || (nullable && v === null);

/** What the writer relies on beyond each field's type: a line number, an id, the values it switches on. */
function wellFormed(rec: unknown[]): boolean {
  const line = rec[1] as number;
  if (!Number.isInteger(line) || line < 1) return false;
  if (rec[0] === R.MALFORMED) return true;
  const id = rec[2] as string;
  if (id.length === 0 || id.length > 200) return false;
  switch (rec[0]) {
    case R.PATIENT:
      return isFlag(rec[PATIENT.at.deceased], false) && isTextList(rec[PATIENT.at.idents]);
    case R.ENTITY: {
      const loc = rec[ENTITY.at.location] as Record<string, unknown> | null;
      return loc === null || (typeof loc === 'object' && !Array.isArray(loc) && isText(loc['name']) && isText(loc['phys']) && isText(loc['partOf']) && isTextList(loc['aliases']));
    }
    default:
      return SECTIONS.has(rec[ITEM.at.section] as number) && isFlag(rec[ITEM.at.active], true) && BEDSIDE_KINDS.has(rec[ITEM.at.kind]);
  }
}

/** Where an item record's stored columns start (they follow in the table's order). */
const ITEM_FIRST = ITEM.at[ITEM_STORED[0]];

const packer = createPacker<ChartRecord>(RECORDS, wellFormed);

/** Records to one string (store/packing.ts), each field as its description says (chart/tables.ts). */
export const packRecords = (records: readonly ChartRecord[]): string => packer.pack(records);

/**
 * packRecords, undone; throws DamagedBatchError for anything it would not have written. Records
 * mapped by the publisher come this way, so they are held to what the mapping of a line can give.
 */
export const unpackRecords = (packed: string): ChartRecord[] => packer.unpack(packed);

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
const MAPPING_REVISION = 8;

export const chartMapper: ContentMapper<ChartRecord> = {
  name: 'chart',
  revision: `${SCHEMA_VERSION}.${MAPPING_REVISION}${KEEP_RAW ? '+raw' : ''}`,
  map: mapLine,
  pack: packRecords,
  id: (record) => (record[0] === R.MALFORMED ? null : record[2]),
  ids: packedIds,
};
