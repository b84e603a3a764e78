import type { Allergy, CensusBed, CensusGroup, CensusPatient, HomeQueries, UnitRef } from '../../../shared/contract';
import { CENSUS_GROUP_LIMIT, CENSUS_GROUP_MAX } from '../../../shared/defaults';
import { LanternError } from '../../../shared/errors';
import { S } from '../codes';
import { summarizeAllergies } from '../facts/allergies';
import { decideBedside, type BedsideEntry } from '../facts/bedside';
import { NO_BED_RECORDED_RANK } from '../facts/placement';
import type { RowOf } from '../../store/table';
import { bedTable, censusGroupTable, unitTable } from '../tables';
import { PATIENT_COLS, PLACED_PATIENT_COLS, bedsideEntry, type ItemRow, type PatientRow, type QueryContext } from './context';

type UnitRow = RowOf<typeof unitTable.columns>;
type BedRow = RowOf<typeof bedTable.columns>;
/** A census bed: the bed's own id, name and room (read as bedname, roomname beside the patient's place), and its patient's columns. */
type CensusBedRow = PatientRow & Pick<BedRow, 'loc_id'> & { bedname: BedRow['bed']; roomname: BedRow['room'] };
const CENSUS_BED_COLS = bedTable.select(['loc_id', 'bed', 'room'], { alias: 'b', as: { bed: 'bedname', room: 'roomname' } });

/** The census: every bed of a unit (or of the hospital) with its patient and bedside facts, then the patients without a bed. */
export function createCensus(q: QueryContext): HomeQueries['census'] {
  const unitsAll = q.db.prepare(`SELECT ${unitTable.select()} FROM unit ORDER BY name`);
  const censusBeds = q.db.prepare(
    `SELECT ${CENSUS_BED_COLS}, ${PATIENT_COLS} FROM bed b LEFT JOIN patient p ON p.bed_id = b.loc_id
     WHERE b.unit_id = ? OR ? IS NULL ORDER BY b.unit_name, b.sort`,
  );
  const censusFlags = q.db.prepare(
    `SELECT ${q.itemCols(['section', 'kind', 'active', 'ends', 'label', 'at', 'code'])}, CASE WHEN section = ${S.ALLERGY} THEN data END AS data FROM item
     WHERE pkey = ? AND section IN (${S.ALLERGY}, ${S.FLAG}, ${S.CODESTATUS})`,
  );
  const withoutBed = createWithoutBed(q);

  /** The facts a census row carries, decided by the same functions the chart uses. */
  function bedsideFlags(pkey: number) {
    const allergies: Allergy[] = [];
    const bedside: BedsideEntry[] = [];
    type FlagRow = ItemRow<'section' | 'kind' | 'active' | 'ends' | 'label' | 'at' | 'code'> & { data: string | null };
    for (const r of censusFlags.iterate(pkey) as Iterable<FlagRow>) {
      if (r.section === S.ALLERGY) {
        if (r.data) allergies.push(q.parse<Allergy>(r.data));
      } else {
        const e = bedsideEntry(r);
        if (e) bedside.push(e);
      }
    }
    return { allergies: summarizeAllergies(allergies), ...decideBedside(bedside, q.asOf) };
  }
  const censusPatient = (r: PatientRow): CensusPatient => ({
    ...q.summary(r),
    ...bedsideFlags(r.pkey),
    admitDate: r.admit,
    attending: r.attending ? q.fix(r.attending) : null,
  });

  function units(): { id: string; name: string; aliases: string[] }[] {
    return (unitsAll.all() as UnitRow[]).map((u) => ({ id: u.id, name: u.name, aliases: JSON.parse(u.aliases) as string[] }));
  }

  return ({ unit, groupLimit }) => {
    // The contract bounds the request; a caller in core (the CLI, the bench) is held to the same bound.
    const limit = Math.min(Math.max(1, Math.floor(groupLimit ?? CENSUS_GROUP_LIMIT)), CENSUS_GROUP_MAX);
    const all = units();
    let chosen: UnitRef | null = null;
    if (unit) {
      const u = unit.toLowerCase();
      const found = all.find((x) => x.id === unit) ?? all.find((x) => x.aliases.includes(u) || x.name.toLowerCase() === u);
      if (!found) throw new LanternError('NOT_FOUND', 'That unit is not in this snapshot. Choose one of the listed units.');
      chosen = { id: found.id, name: found.name };
    }
    const beds: CensusBed[] = [];
    for (const r of censusBeds.iterate(chosen?.id ?? null, chosen?.id ?? null) as Iterable<CensusBedRow>) {
      if (r.id === null) {
        beds.push({ locationId: r.loc_id, room: r.roomname, bed: r.bedname, patient: null });
        continue;
      }
      beds.push({ locationId: r.loc_id, room: r.roomname, bed: r.bedname, patient: censusPatient(r) });
    }
    const { groups, withoutUnit } = withoutBed(chosen, censusPatient, limit);
    return { unit: chosen, units: all.map((u) => ({ id: u.id, name: u.name })), beds, groups, withoutUnit, asOf: q.asOf };
  };
}

type PlacedRow = PatientRow & { place: string | null };

/**
 * The groups of patients without a bed (census-place.ts wrote them at ingest), each listing at
 * most `limit` by name. A database written before those tables lists every patient
 * without a bed in one "no bed recorded" group.
 */
function createWithoutBed(q: QueryContext) {
  if (!q.placed) {
    const count = q.db.prepare('SELECT count(*) FROM patient WHERE bed_id IS NULL').pluck();
    const rows = q.db.prepare(
      `SELECT ${PATIENT_COLS}, NULL AS place FROM patient p LEFT JOIN bed b ON b.loc_id = p.bed_id WHERE p.bed_id IS NULL ORDER BY lower(p.name), p.birth_date LIMIT ?`,
    );
    return (chosen: UnitRef | null, row: (r: PatientRow) => CensusPatient, limit: number): { groups: CensusGroup[]; withoutUnit: number } => {
      const total = count.get() as number;
      if (chosen || total === 0) return { groups: [], withoutUnit: total };
      const patients = (rows.all(limit) as PlacedRow[]).map((r) => ({ ...row(r), place: null }));
      return { groups: [{ kind: 'no-bed-recorded', encounterClass: null, unit: null, total, patients }], withoutUnit: total };
    };
  }
  const groupsOf = q.db.prepare(
    `SELECT ${censusGroupTable.select()} FROM census_group WHERE unit_id = ? OR ? IS NULL ORDER BY rank, class, unit_name IS NULL, unit_name`,
  );
  const withoutUnit = q.db.prepare('SELECT coalesce(sum(n), 0) FROM census_group WHERE unit_id IS NULL').pluck();
  const members = q.db.prepare(
    `SELECT ${PLACED_PATIENT_COLS}, c.place FROM census_place c JOIN census_group g ON g.id = c.grp JOIN patient p ON p.rowid = c.rowid
     LEFT JOIN bed b ON b.loc_id = p.bed_id WHERE c.grp = ? ORDER BY c.sort LIMIT ?`,
  );
  return (chosen: UnitRef | null, row: (r: PatientRow) => CensusPatient, limit: number): { groups: CensusGroup[]; withoutUnit: number } => {
    const groups: CensusGroup[] = [];
    for (const g of groupsOf.all(chosen?.id ?? null, chosen?.id ?? null) as RowOf<typeof censusGroupTable.columns>[]) {
      groups.push({
        kind: g.rank === NO_BED_RECORDED_RANK ? 'no-bed-recorded' : 'encounter',
        encounterClass: g.class,
        unit: g.unit_id ? { id: g.unit_id, name: g.unit_name ?? g.unit_id } : null,
        total: g.n,
        patients: (members.all(g.id, limit) as PlacedRow[]).map((r) => ({ ...row(r), place: r.place })),
      });
    }
    return { groups, withoutUnit: withoutUnit.get() as number };
  };
}
