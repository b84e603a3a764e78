import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { RowOf } from '../store/table';
import type { LocationInfo } from './mapper';
import { bedTable, censusGroupTable, censusPlaceTable, patientTable, unitTable } from './tables';
import { placePatient, resolveEncounterPlace, type CurrentEncounter, type Placement } from './facts/placement';

/**
 * Every patient's place on the census, written once at ingest (facts/placement.ts decides it):
 * a bed goes to patient.bed_id as before; anyone else gets a census_place row in one census_group
 * (the class of their current encounter and its unit, or "no bed recorded").
 *  census_group  one row per group, in the census's order (rank), with its size
 *  census_place  one row per patient without a bed (rowid = the patient's rowid), sorted by name
 */
export function createCensusPlaceSchema(db: Database): void {
  db.exec(`${censusGroupTable.create}; ${censusPlaceTable.create};`);
}

/** An active encounter as the writer keeps it while loading (its row's fields). */
export interface ActiveEncounter {
  pref: string;
  id: string;
  at: string | null;
  /** The encounter's item.locations (JSON): its location ids, the active one first. */
  locations: string;
  data: string;
}

/** Name then birth date, case and accents aside: the order a list of names is read in. */
const sortKey = (name: string, birthDate: string | null) =>
  `${name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()}\u0000${birthDate ?? ''}`;

/** Place every patient of the snapshot (after buildBeds): a bed, else a census group. */
export function placePatients(db: Database, encounters: ActiveEncounter[], locations: Map<string, LocationInfo>): void {
  const beds = new Set(db.prepare(`SELECT ${bedTable.select(['loc_id'])} FROM bed`).pluck().all() as string[]);
  const unitNames = new Map(db.prepare(`SELECT ${unitTable.select(['id', 'name'])} FROM unit`).raw().all() as [string, string][]);
  const lookup = { location: (id: string) => locations.get(id), isBed: (id: string) => beds.has(id), unitName: (id: string) => unitNames.get(id) };

  const current = new Map<string, Array<CurrentEncounter & { attending: string | null }>>();
  for (const row of encounters) {
    const enc = JSON.parse(row.data) as { attending: string | null; class: string | null; location: { bed: string | null } | null };
    const place = resolveEncounterPlace(JSON.parse(row.locations) as string[], enc.location?.bed ?? null, lookup);
    let list = current.get(row.pref);
    if (!list) current.set(row.pref, (list = []));
    list.push({ id: row.id, at: row.at, class: enc.class, attending: enc.attending, ...place });
  }

  const update = db.prepare('UPDATE patient SET bed_id = ?, enc_id = ?, admit = ?, attending = ? WHERE rowid = ?');
  const insPlace = db.prepare(censusPlaceTable.insert());
  const insGroup = db.prepare(censusGroupTable.insert());
  const insUnit = db.prepare(unitTable.insert(undefined, 'INSERT OR IGNORE'));
  const groups = new Map<string, { id: number; placement: Exclude<Placement, { kind: 'bed' }>; n: number }>();
  type Read = Pick<RowOf<typeof patientTable.columns>, 'id' | 'name' | 'birth_date'>;
  const patients = db.prepare(`SELECT rowid, ${patientTable.select(['id', 'name', 'birth_date'])} FROM patient`).raw().iterate() as Iterable<
    [number, Read['id'], Read['name'], Read['birth_date']]
  >;
  // Read all first: the updates below write to the table being read.
  for (const [rowid, id, name, birthDate] of [...patients]) {
    const mine = current.get(id) ?? [];
    const placement = placePatient(mine);
    const chosen = placement.kind === 'no-bed-recorded' ? undefined : mine.find((e) => e.id === placement.encounter);
    if (chosen) update.run(placement.kind === 'bed' ? placement.bed : null, chosen.id, chosen.at, chosen.attending, rowid);
    if (placement.kind === 'bed') continue;
    const key = placement.kind === 'encounter' ? `${placement.rank}\u0000${placement.encounterClass ?? ''}\u0000${placement.unit?.id ?? ''}` : 'none';
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { id: groups.size + 1, placement, n: 0 }));
    group.n++;
    insPlace.run(rowid, group.id, placement.kind === 'encounter' ? placement.room : null, placement.kind === 'encounter' ? placement.place : null, sortKey(name, birthDate));
  }
  for (const { id, placement, n } of groups.values()) {
    const unit = placement.kind === 'encounter' ? placement.unit : null;
    insGroup.run(id, placement.rank, placement.kind === 'encounter' ? placement.encounterClass : null, unit?.id ?? null, unit?.name ?? null, n);
    // A unit that holds patients but no bed of this export still gets its census.
    if (unit && !unitNames.has(unit.id)) {
      const aliases = [unit.id, unit.name, ...(locations.get(unit.id)?.aliases ?? [])].map((a) => a.toLowerCase());
      insUnit.run(unit.id, unit.name, JSON.stringify([...new Set(aliases)]));
    }
  }
  db.exec('CREATE INDEX census_place_group ON census_place(grp, sort)');
}
