import type { BedLocation, Chart, EncounterInfo, HomeQueries, ObservationValue, PatientDetail } from '../../../shared/contract';
import { S } from '../codes';
import { decideAlerts } from '../facts/alerts';
import { summarizeAllergies } from '../facts/allergies';
import { decideBedside } from '../facts/bedside';
import { isCurrentEncounter } from '../facts/encounter';
import { latestOfEachKind } from '../facts/latest';
import { byStanding, conditionStanding } from '../facts/problems';
import { SECTION_BY_CODE, type ChartLists, type ChartReading, type ChartRow } from '../sections';
import type { RowOf } from '../../store/table';
import { bedTable } from '../tables';
import { byAtDesc, medRank, type QueryContext } from './context';

const PLACE_READ = ['bed', 'room', 'unit_id', 'unit_name'] as const;
type PlaceRow = Pick<RowOf<typeof bedTable.columns>, (typeof PLACE_READ)[number]>;

/** How each list of the chart is sorted for reading: newest first unless said otherwise. */
const ORDER: { [F in keyof ChartLists]: ((a: ChartLists[F][number], b: ChartLists[F][number]) => number) | null } = {
  /** As the export lists them (the summary decides from all of them). */
  allergies: null,
  conditions: byStanding,
  medications: (a, b) => medRank(a) - medRank(b) || a.medication.localeCompare(b.medication),
  administrations: byAtDesc,
  vitals: byAtDesc,
  labs: byAtDesc,
  otherObservations: byAtDesc,
  notes: byAtDesc,
  orders: (a, b) => (b.authoredOn ?? '').localeCompare(a.authoredOn ?? ''),
  encounters: byAtStart,
  procedures: byAtDesc,
  immunizations: byAtDesc,
  carePlans: byAtDesc,
  flags: byAtDesc,
  reports: byAtDesc,
  careTeam: null,
  other: null,
};

const SORTS = (Object.entries(ORDER) as [keyof ChartLists, ((a: unknown, b: unknown) => number) | null][]).filter(
  (e): e is [keyof ChartLists, (a: unknown, b: unknown) => number] => e[1] !== null,
);

const emptyLists = (): ChartLists => ({
  allergies: [], conditions: [], medications: [], administrations: [], vitals: [], labs: [], otherObservations: [], notes: [], orders: [],
  encounters: [], procedures: [], immunizations: [], carePlans: [], flags: [], reports: [], careTeam: [], other: [],
});

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
      SECTION_BY_CODE[r.section]?.read(r, reading);
    }
    const lists = reading.lists;
    let current = reading.current;
    if (!current && lists.encounters.length) {
      const active = lists.encounters.filter((e) => isCurrentEncounter(e.status));
      current = active.sort(byAtStart)[0] ?? null;
    }
    // Stored conditions carry their statuses; what they mean is decided here, for every reader.
    for (const c of lists.conditions) c.standing = conditionStanding(c);
    for (const [field, order] of SORTS) (lists[field] as unknown[]).sort(order);
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

function byAtStart(a: EncounterInfo, b: EncounterInfo): number {
  return (b.start ?? '').localeCompare(a.start ?? '');
}
