import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { BedLocation, EncounterInfo, MedicationOrder, Order, PatientSummary } from '../../../shared/contract';
import { LanternError } from '../../../shared/errors';
import type { SnapshotMeta } from '../../store/content';
import type { RowOf } from '../../store/table';
import { decodeItemData } from '../compact';
import type { BedsideEntry } from '../facts/bedside';
import { bedTable, chartMeta, entityTable, itemTable, patientTable, type ItemColumns } from '../tables';

/**
 * What every query file shares: the patient and item rows as read, the statements more than one
 * of them runs, and turning stored JSON back into contract objects (names of practitioners,
 * organizations and locations referenced without a display are resolved here, once).
 */

const PATIENT_READ = ['pkey', 'id', 'name', 'mrn', 'birth_date', 'sex', 'deceased', 'bed_id', 'enc_id', 'admit', 'attending'] as const;
const BED_READ = ['bed', 'room', 'unit_id', 'unit_name'] as const;

/** A patient as the queries read it: its columns, its rowid, and its bed's. */
export type PatientRow = { rowid: number } & Pick<RowOf<typeof patientTable.columns>, (typeof PATIENT_READ)[number]> &
  { [K in (typeof BED_READ)[number]]: RowOf<typeof bedTable.columns>[K] | null };

/** The item columns the queries read, and a row of them. */
export type ItemRead = keyof ItemColumns;
export type ItemRow<K extends ItemRead = 'section' | 'type' | 'id' | 'at' | 'code' | 'value' | 'active' | 'order_id' | 'ends' | 'location_id' | 'kind' | 'label' | 'data' | 'schedule'> =
  Pick<ItemColumns, K>;
export const ITEM_ROW = ['section', 'type', 'id', 'at', 'code', 'value', 'active', 'order_id', 'ends', 'location_id', 'kind', 'label', 'data', 'schedule'] as const satisfies readonly ItemRead[];

const PATIENT_OWN_COLS = `p.rowid AS rowid, ${patientTable.select(PATIENT_READ, { alias: 'p' })}`;
export const PATIENT_COLS = `${PATIENT_OWN_COLS}, ${bedTable.select(BED_READ, { alias: 'b' })}`;
/**
 * The patient's columns with their place: the bed's room and unit, else (c = census_place,
 * g = census_group, census-place.ts) the unit and room of their current encounter.
 */
export const PLACED_PATIENT_COLS = `${PATIENT_OWN_COLS}, b.bed, coalesce(b.room, c.room) AS room, coalesce(b.unit_id, g.unit_id) AS unit_id,
  coalesce(b.unit_name, g.unit_name) AS unit_name`;
const PLACE_JOIN = 'LEFT JOIN census_place c ON c.rowid = p.rowid LEFT JOIN census_group g ON g.id = c.grp';
/** Whether the database places patients without a bed (written since census_place). */
export const hasCensusPlaces = (db: Database): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'census_place'").get() !== undefined;
export const HOUR = 3_600_000;
const NOT_FOUND = 'That patient is not in this snapshot. Search again by name, MRN or bed.';

export const byAtDesc = <T extends { at: string | null }>(a: T, b: T) => (a.at === b.at ? 0 : a.at === null ? 1 : b.at === null ? -1 : a.at < b.at ? 1 : -1);
export const ms = (iso: string | null): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

/** Active orders first, then on-hold, then the rest. */
export function medRank(o: MedicationOrder): number {
  return o.status === 'active' ? 0 : o.status === 'on-hold' ? 1 : o.status === 'draft' ? 2 : 3;
}

/** Medication orders as the chart lists them: by medRank, then by name. */
export const byMedicationStanding = (a: MedicationOrder, b: MedicationOrder): number => medRank(a) - medRank(b) || a.medication.localeCompare(b.medication);

/** Other orders: active ones first, each group newest first. */
export const byOrderStanding = (a: Order, b: Order): number =>
  Number(b.status === 'active') - Number(a.status === 'active') || (b.authoredOn ?? '').localeCompare(a.authoredOn ?? '');

/** Encounters: the latest start first. */
export const byStartDesc = (a: EncounterInfo, b: EncounterInfo): number => (b.start ?? '').localeCompare(a.start ?? '');

/** What a code-status or isolation row says, for decideBedside (facts/bedside.ts); null for other rows. */
export function bedsideEntry(r: ItemRow<'kind' | 'active' | 'at' | 'ends' | 'label' | 'code'>): BedsideEntry | null {
  return r.kind ? { kind: r.kind, live: r.active === 1, at: r.at, end: r.ends, text: r.label, code: r.code } : null;
}

export type QueryContext = ReturnType<typeof createQueryContext>;

export function createQueryContext(db: Database, meta: SnapshotMeta) {
  // A database of schema 2 has the generic columns (code, num, link, title, aux) the item table's
  // description reads its columns from (chart/tables.ts).
  const version = Number(db.prepare(`SELECT value FROM ${chartMeta.name} WHERE key = 'schemaVersion'`).pluck().get() ?? 0);
  /** A SELECT list of item columns for this database. */
  const itemCols = (names: readonly ItemRead[] = ITEM_ROW): string => itemTable.select(names, { legacy: version < 3 });
  const placed = hasCensusPlaces(db);
  const [cols, join] = placed ? [PLACED_PATIENT_COLS, PLACE_JOIN] : [PATIENT_COLS, ''];
  const patientById = db.prepare(`SELECT ${cols}, p.data FROM patient p LEFT JOIN bed b ON b.loc_id = p.bed_id ${join} WHERE p.id = ? ORDER BY p.rowid DESC LIMIT 1`);
  const patientByRowid = db.prepare(`SELECT ${cols} FROM patient p LEFT JOIN bed b ON b.loc_id = p.bed_id ${join} WHERE p.rowid = ?`);
  const sectionOf = db.prepare(`SELECT ${itemCols()} FROM item WHERE pkey = ? AND section = ?`);
  const entityName = db.prepare(`SELECT ${entityTable.select(['name'])} FROM entity WHERE id = ? AND (type = ? OR ? = '') LIMIT 1`).pluck();

  const names = new Map<string, string>();
  const resolveName = (marker: string): string => {
    let n = names.get(marker);
    if (n === undefined) {
      const body = marker.slice(1);
      const slash = body.indexOf('/');
      const type = body.slice(0, slash);
      const id = body.slice(slash + 1);
      n = (entityName.get(id, type, type) as string | undefined) ?? (type ? `${type}/${id}` : id);
      names.set(marker, n);
    }
    return n;
  };
  /** Resolve the name markers (\u0001Type/id) left in a value by the mapper. */
  const fix = <T>(value: T): T => {
    if (typeof value === 'string') return (value.charCodeAt(0) === 1 ? resolveName(value) : value) as T;
    if (Array.isArray(value)) return value.map(fix) as T;
    if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        const v = o[k];
        if (typeof v === 'string') {
          if (v.charCodeAt(0) === 1) o[k] = resolveName(v);
        } else if (v && typeof v === 'object') o[k] = fix(v);
      }
    }
    return value;
  };
  const parse = <T>(data: string): T => {
    const v = JSON.parse(data) as T;
    return data.includes('\\u0001') ? fix(v) : v;
  };
  /** An item's contract object from its row (compact sections too, see compact.ts), names resolved. */
  const parseItem = <T>(section: number, r: ItemRow<'id' | 'at' | 'order_id' | 'data'>): T => {
    const data = r.data as string;
    const v = decodeItemData<T>(section, { id: r.id, at: r.at, order_id: r.order_id, data });
    return data.includes('\\u0001') ? fix(v) : v;
  };

  const locationOf = (row: Pick<PatientRow, 'bed' | 'room' | 'unit_id' | 'unit_name'>): BedLocation | null =>
    row.bed === null && row.unit_id === null && row.room === null
      ? null
      : { unit: row.unit_id ? { id: row.unit_id, name: row.unit_name ?? row.unit_id } : null, room: row.room, bed: row.bed };
  const summary = (row: PatientRow): PatientSummary => ({
    id: row.id,
    name: row.name,
    mrn: row.mrn,
    birthDate: row.birth_date,
    sex: row.sex,
    deceased: row.deceased === 1,
    location: locationOf(row),
  });
  const requirePatient = (id: string): PatientRow & { data: string } => {
    const row = patientById.get(id) as (PatientRow & { data: string }) | undefined;
    if (!row) throw new LanternError('NOT_FOUND', NOT_FOUND);
    return row;
  };
  const patientByRow = (rowid: number): PatientRow | undefined => patientByRowid.get(rowid) as PatientRow | undefined;
  /** One patient's rows of one chart section. */
  const rowsOf = (pkey: number, section: number): Iterable<ItemRow> => sectionOf.iterate(pkey, section) as Iterable<ItemRow>;

  return { db, placed, itemCols, asOf: meta.asOf, asOfMs: Date.parse(meta.asOf), entityName, fix, parse, parseItem, locationOf, summary, requirePatient, patientByRow, rowsOf };
}
