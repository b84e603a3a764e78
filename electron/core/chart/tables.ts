import type { ProtocolInfo } from '../../shared/contract';
import { col, defineRecord, defineTable, fieldsOf, maybe, since, type RecordOf, type RowOf } from '../store/table';
import { BEDSIDE, R, S } from './codes';

/**
 * The chart model's stored rows, each described once (store/table.ts): store.ts creates the
 * tables and inserts from these descriptions, the mapper packs its records by them and the
 * queries read them by them. Every column means one thing; a section that has none of it
 * leaves it NULL. Full-text tables (patient_name, protocol_text) are SQLite's own.
 */

/** Schema 3: the item table's columns each mean one thing (value, active, order_id, ends, location_id, kind, label, schedule, locations). */
export const SCHEMA_VERSION = 3;

const sections = (...codes: number[]) => `section IN (${codes.join(', ')})`;

export const chartMeta = defineTable('chart_meta', { key: col.text, value: col.text }, ['PRIMARY KEY(key)']);

/** One row per Patient: the search columns, the PatientDetail as JSON, and where the patient is now (placed in finish()). */
export const patientTable = defineTable('patient', {
  /** The number standing for this patient's id in item.pkey. */
  pkey: col.integer,
  id: col.text,
  name: col.text,
  mrn: maybe(col.text),
  birth_date: maybe(col.text),
  sex: maybe(col.text),
  deceased: col.flag,
  /** The PatientDetail (without its location) as JSON. */
  data: col.jsonText,
  /** The Patient resource as the export sent it. */
  raw: col.jsonText,
  bed_id: maybe(col.text),
  enc_id: maybe(col.text),
  admit: maybe(col.text),
  attending: maybe(col.text),
});

/** Identifier values (lower case) of each patient, for search by MRN and other identifiers. */
export const identTable = defineTable('ident', { value: col.text, pid: col.integer });

/**
 * One row per patient-linked resource. pkey is a number standing for the referenced patient id
 * (the same number the Patient row gets, whenever it comes), so file order does not matter and
 * nothing is attached by guess. `was`: how a database of schema 2 (generic code, num, link,
 * title and aux columns) gives each column, so copies kept from before still read.
 */
export const itemTable = defineTable('item', {
  pkey: maybe(col.integer),
  type: col.text,
  /** Which export file (in the writer's list) and line, for reporting unresolved patients. */
  src: col.integer,
  line: col.integer,
  id: col.text,
  /** The chart section (S): what the row is, for routing. */
  section: col.integer,
  /** The time the chart sorts it by. */
  at: maybe(col.text),
  /** The resource's code (an observation's, else its text): what a trend is asked by. */
  code: since(maybe(col.text), `CASE WHEN ${sections(S.ALLERGY, S.FLAG, S.ENCOUNTER)} OR code = 'Consent' THEN NULL ELSE code END`),
  /** An observation's numeric value. */
  value: since(maybe(col.real), `CASE WHEN ${sections(S.VITAL, S.LAB, S.OBS)} THEN num END`),
  /** 1 when an encounter, flag, care team or code-status statement is in force, else 0. */
  active: since(maybe(col.flag), `CASE WHEN ${sections(S.ENCOUNTER, S.FLAG, S.CARETEAM, S.CODESTATUS)} THEN num END`),
  /** An administration's medication order (id). */
  order_id: since(maybe(col.text), `CASE WHEN section = ${S.MEDADMIN} THEN link END`),
  /** A flag's period end. */
  ends: since(maybe(col.text), `CASE WHEN section = ${S.FLAG} THEN link END`),
  /** An encounter's current location (id). */
  location_id: since(maybe(col.text), `CASE WHEN section = ${S.ENCOUNTER} THEN link END`),
  /** What the row says at the bedside (BEDSIDE): a code-status statement or an isolation flag. */
  kind: since(
    maybe(col.oneOf(BEDSIDE)),
    `CASE WHEN section = ${S.CODESTATUS} OR (section = ${S.FLAG} AND code = 'CODESTATUS') THEN '${BEDSIDE.CODE_STATUS}' WHEN section = ${S.FLAG} AND code = 'ISOLATION' THEN '${BEDSIDE.ISOLATION}' END`,
  ),
  /** A display title: a flag's or code-status statement's text, an unmapped record's summary. */
  label: since(maybe(col.text), 'title'),
  /** The contract object as JSON (compact for some sections, chart/compact.ts), or the line itself for an unmapped record. */
  data: col.jsonText,
  /** A medication order's dose schedule (OrderAux) as JSON. */
  schedule: since(maybe(col.jsonText), `CASE WHEN section = ${S.MEDREQ} THEN aux END`),
  /** Every location an encounter names (ids, most specific first) as JSON, for placing patients in beds. */
  locations: since(maybe(col.jsonText), `CASE WHEN section = ${S.ENCOUNTER} THEN json_extract(aux, '$.locations') END`),
  /** The resource as the export sent it, when kept (LANTERN_KEEP_RAW). */
  raw: maybe(col.jsonText),
});
export type ItemColumns = RowOf<typeof itemTable.columns>;

/** Resources about no patient (Practitioner, Organization, Location, Medication, ...). */
export const entityTable = defineTable('entity', { type: col.text, id: col.text, name: maybe(col.text), raw: col.jsonText });

/** Bed locations resolved through Location.partOf (bed -> room -> unit). */
export const bedTable = defineTable(
  'bed',
  { loc_id: col.text, bed: col.text, room: maybe(col.text), unit_id: maybe(col.text), unit_name: maybe(col.text), sort: col.text },
  ['PRIMARY KEY(loc_id)'],
);

export const unitTable = defineTable('unit', { id: col.text, name: col.text, aliases: col.jsonText }, ['PRIMARY KEY(id)']);

/** The census's groups of patients without a bed (census-place.ts), in the census's order (rank). */
export const censusGroupTable = defineTable(
  'census_group',
  { id: col.integer, rank: col.integer, class: maybe(col.text), unit_id: maybe(col.text), unit_name: maybe(col.text), n: col.integer },
  ['PRIMARY KEY(id)'],
);

/** One row per patient without a bed (rowid = the patient's rowid): its group, room, recorded place, name sort key. */
export const censusPlaceTable = defineTable(
  'census_place',
  { rowid: col.integer, grp: col.integer, room: maybe(col.text), place: maybe(col.text), sort: col.text },
  ['PRIMARY KEY(rowid)'],
);

export const typeCountTable = defineTable('type_count', { type: col.text, n: col.integer }, ['PRIMARY KEY(type)']);

export const protocolTable = defineTable(
  'protocol',
  {
    id: col.text,
    title: col.text,
    category: col.text,
    kind: col.oneOf<ProtocolInfo['kind']>({ pdf: 'pdf', markdown: 'markdown', html: 'html', text: 'text' }),
    size: col.integer,
    text: maybe(col.text),
    bytes: maybe(col.blob),
  },
  ['PRIMARY KEY(id)'],
);

/** Name, birth date and name tokens of each patient, under the patient's rowid, for ranking (search.ts). */
export const searchTable = defineTable(
  'patient_search',
  { rowid: col.integer, name: col.text, birth_date: maybe(col.text), tokens: col.text },
  ['PRIMARY KEY(rowid)'],
);

/** Location facts the bed table is built from, once every Location has been seen. */
export interface LocationInfo {
  name: string | null;
  phys: string | null;
  partOf: string | null;
  aliases: string[];
}

/*
 * The mapper's records (mapper.ts): one per NDJSON line, a flat tuple [kind, line, id, ...] (the id
 * third in every kind but a malformed line's: packedIds reads it there), packed
 * by these descriptions (store/packing.ts). The columns a record carries as they are stored come
 * from the tables above, in the table's order, so the writer binds them as they come.
 */

/** The patient columns a Patient record carries, in the table's order. */
export const PATIENT_STORED = ['id', 'name', 'mrn', 'birth_date', 'sex', 'deceased', 'data', 'raw'] as const;
/** The entity columns an entity record carries after its id (the type is its file's). */
export const ENTITY_STORED = ['id', 'name', 'raw'] as const;
/** The item columns an item record carries after its id, in the table's order (the writer adds pkey, type, src and line). */
export const ITEM_STORED = [
  'section', 'at', 'code', 'value', 'active', 'order_id', 'ends', 'location_id', 'kind', 'label', 'data', 'schedule', 'locations', 'raw',
] as const;

const line = ['line', col.integer] as const;

export const MALFORMED = defineRecord(R.MALFORMED, [line, ['reason', col.text]] as const);
export const PATIENT = defineRecord(R.PATIENT, [
  line,
  ...fieldsOf(patientTable, PATIENT_STORED),
  ['tokens', col.text],
  ['idents', col.value<string[]>()],
] as const);
export const ENTITY = defineRecord(R.ENTITY, [line, ...fieldsOf(entityTable, ENTITY_STORED), ['location', maybe(col.value<LocationInfo>())]] as const);
export const ITEM = defineRecord(R.ITEM, [
  line,
  ...fieldsOf(itemTable, ['id']),
  /** The referenced patient's id, or null with the reason in `problem`. */
  ['patient', maybe(col.text)],
  ['problem', maybe(col.text)],
  ...fieldsOf(itemTable, ITEM_STORED),
] as const);

export type MalformedRecord = RecordOf<typeof MALFORMED>;
export type PatientRecord = RecordOf<typeof PATIENT>;
export type EntityRecord = RecordOf<typeof ENTITY>;
export type ItemRecord = RecordOf<typeof ITEM>;
export type ChartRecord = MalformedRecord | PatientRecord | EntityRecord | ItemRecord;
export const RECORDS = [MALFORMED, PATIENT, ENTITY, ITEM] as const;
