import type { BedLocation, Chart, HomeQueries, ObservationValue, PatientDetail } from '../../../shared/contract';
import { S } from '../codes';
import { decideAlerts } from '../facts/alerts';
import { summarizeAllergies } from '../facts/allergies';
import { decideBedside } from '../facts/bedside';
import { isCurrentEncounter } from '../facts/encounter';
import { latestOfEachKind } from '../facts/latest';
import { conditionStanding } from '../facts/problems';
import { emptyLists, LIST_ORDERS, SECTION_BY_CODE, type ChartReading, type ChartRow } from '../sections';
import type { RowOf } from '../../store/table';
import { bedTable } from '../tables';
import { byAtDesc, byStartDesc, type QueryContext } from './context';

const PLACE_READ = ['bed', 'room', 'unit_id', 'unit_name'] as const;
type PlaceRow = Pick<RowOf<typeof bedTable.columns>, (typeof PLACE_READ)[number]>;

/** A section with no list of its own is handed this; it fills other sections' lists. */
const NO_LIST: never[] = [];

/** One patient's whole chart, each stored row routed by its section (chart/sections.ts) and sorted for reading. */
export function createChart(q: QueryContext): HomeQueries['chart'] {
  const itemsOf = q.db.prepare(
    `SELECT ${q.itemCols(['section', 'type', 'id', 'at', 'code', 'active', 'order_id', 'ends', 'location_id', 'kind', 'label'])},
     CASE WHEN section = ${S.RAW} THEN NULL ELSE data END AS data FROM item WHERE pkey = ?`,
  );
  const bedById = q.db.prepare(`SELECT ${bedTable.select(PLACE_READ)} FROM bed WHERE loc_id = ?`);
  /** Where an encounter took place: its bed, else the named location, else what the encounter said. */
  const place = (locationId: string | null, fallback: BedLocation | null): BedLocation | null => {
    if (!locationId) return fallback;
    const b = bedById.get(locationId) as PlaceRow | undefined;
    if (b) return { unit: b.unit_id ? { id: b.unit_id, name: b.unit_name ?? b.unit_id } : null, room: b.room, bed: b.bed };
    const n = q.entityName.get(locationId, 'Location', 'Location') as string | undefined;
    return n ? { unit: null, room: null, bed: n } : fallback;
  };

  return ({ patientId }) => {
    const p = q.requirePatient(patientId);
    const detail = JSON.parse(p.data) as Omit<PatientDetail, 'location'>;
    const location = q.locationOf(p);
    const patient: PatientDetail = { ...detail, location };
    const counts: Record<string, number> = { Patient: 1 };
    const reading: ChartReading = { q, lists: emptyLists(), bedside: [], flagEntries: [], inactiveTeam: [], encounterId: p.enc_id, current: null, place };
    for (const r of itemsOf.iterate(p.pkey) as Iterable<ChartRow>) {
      counts[r.type] = (counts[r.type] ?? 0) + 1;
      const section = SECTION_BY_CODE[r.section];
      section?.spec.read(r, reading, section.list ? reading.lists[section.list] : NO_LIST);
    }
    const lists = reading.lists;
    let current = reading.current;
    if (!current && lists.encounters.length) {
      const active = lists.encounters.filter((e) => isCurrentEncounter(e.status));
      current = active.sort(byStartDesc)[0] ?? null;
    }
    // Stored conditions carry their statuses; what they mean is decided here, for every reader.
    for (const c of lists.conditions) c.standing = conditionStanding(c);
    for (const [field, order] of LIST_ORDERS) (lists[field] as unknown[]).sort(order);
    const fmt = (o: ObservationValue | null) => (o && o.value ? `${o.value}${o.unit ? ` ${o.unit}` : ''}` : null);
    const { codeStatus, codeStatusLimits, isolation } = decideBedside(reading.bedside, q.asOf);
    const latestVitals = latestOfEachKind(lists.vitals);
    const latestOf = (loinc: string) => latestVitals.find((o) => o.code.code === loinc) ?? null;
    const chart: Chart = {
      patient,
      encounter: current,
      codeStatus,
      codeStatusLimits,
      isolation,
      weight: fmt(latestOf('29463-7')),
      weightAt: latestOf('29463-7')?.at ?? null,
      height: fmt(latestOf('8302-2')),
      heightAt: latestOf('8302-2')?.at ?? null,
      attending: current?.attending ?? (p.attending ? q.fix(p.attending) : null),
      ...lists,
      alerts: decideAlerts(reading.flagEntries, q.asOf).sort(byAtDesc),
      allergySummary: summarizeAllergies(lists.allergies),
      latestVitals,
      latestLabs: latestOfEachKind(lists.labs),
      careTeam: lists.careTeam.length ? lists.careTeam : reading.inactiveTeam,
      counts,
      asOf: q.asOf,
    };
    return chart;
  };
}
