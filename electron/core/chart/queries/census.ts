import type { Allergy, CensusBed, HomeQueries, UnitRef } from '../../../shared/contract';
import { LanternError } from '../../../shared/errors';
import { S } from '../codes';
import { summarizeAllergies } from '../facts/allergies';
import { decideBedside, type BedsideEntry } from '../facts/bedside';
import { PATIENT_COLS, bedsideEntry, type ItemRow, type PatientRow, type QueryContext } from './context';

/** The census: every bed of a unit (or of the hospital) with its patient and bedside facts. */
export function createCensus(q: QueryContext): HomeQueries['census'] {
  const unitsAll = q.db.prepare('SELECT id, name, aliases FROM unit ORDER BY name');
  const censusBeds = q.db.prepare(
    `SELECT b.loc_id, b.bed AS bedname, b.room AS roomname, ${PATIENT_COLS} FROM bed b LEFT JOIN patient p ON p.bed_id = b.loc_id
     WHERE b.unit_id = ? OR ? IS NULL ORDER BY b.unit_name, b.sort`,
  );
  const censusFlags = q.db.prepare(
    `SELECT ${q.itemCols(['section', 'kind', 'active', 'ends', 'label', 'at'])}, CASE WHEN section = ${S.ALLERGY} THEN data END AS data FROM item
     WHERE pkey = ? AND section IN (${S.ALLERGY}, ${S.FLAG}, ${S.CODESTATUS})`,
  );

  /** The facts a census row carries, decided by the same functions the chart uses. */
  function bedsideFlags(pkey: number) {
    const allergies: Allergy[] = [];
    const bedside: BedsideEntry[] = [];
    type FlagRow = ItemRow<'section' | 'kind' | 'active' | 'ends' | 'label' | 'at'> & { data: string | null };
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

  function units(): { id: string; name: string; aliases: string[] }[] {
    return (unitsAll.all() as { id: string; name: string; aliases: string }[]).map((u) => ({ id: u.id, name: u.name, aliases: JSON.parse(u.aliases) as string[] }));
  }

  return ({ unit }) => {
    const all = units();
    let chosen: UnitRef | null = null;
    if (unit) {
      const u = unit.toLowerCase();
      const found = all.find((x) => x.id === unit) ?? all.find((x) => x.aliases.includes(u) || x.name.toLowerCase() === u);
      if (!found) throw new LanternError('NOT_FOUND', 'That unit is not in this snapshot. Choose one of the listed units.');
      chosen = { id: found.id, name: found.name };
    }
    const beds: CensusBed[] = [];
    for (const r of censusBeds.iterate(chosen?.id ?? null, chosen?.id ?? null) as Iterable<PatientRow & { loc_id: string; bedname: string; roomname: string | null }>) {
      if (r.id === null) {
        beds.push({ locationId: r.loc_id, room: r.roomname, bed: r.bedname, patient: null });
        continue;
      }
      beds.push({
        locationId: r.loc_id,
        room: r.roomname,
        bed: r.bedname,
        patient: { ...q.summary(r), ...bedsideFlags(r.pkey), admitDate: r.admit, attending: r.attending ? q.fix(r.attending) : null },
      });
    }
    return { unit: chosen, units: all.map((u) => ({ id: u.id, name: u.name })), beds, asOf: q.asOf };
  };
}
