import type {
  Administration,
  Allergy,
  BedLocation,
  ChartItem,
  Condition,
  EncounterInfo,
  HomeQueries,
  MedicationOrder,
  Note,
  ObservationValue,
  Order,
  PatientDetail,
  RawRecordRef,
} from '../../../shared/contract';
import { S } from '../map';
import { summarizeAllergies } from '../facts/allergies';
import { decideBedside, type BedsideEntry } from '../facts/bedside';
import { latestOfEachKind } from '../facts/latest';
import { bedsideEntry, byAtDesc, medRank, type ItemRow, type QueryContext } from './context';

/** One patient's whole chart, each stored row routed to its section and sorted for reading. */
export function createChart(q: QueryContext): HomeQueries['chart'] {
  const itemsOf = q.db.prepare(
    `SELECT section, type, id, at, code, num, link, title, CASE WHEN section = ${S.RAW} THEN NULL ELSE data END AS data, aux FROM item WHERE pkey = ?`,
  );
  const bedById = q.db.prepare('SELECT bed, room, unit_id, unit_name FROM bed WHERE loc_id = ?');
  /** Where an encounter took place: its bed, else the named location, else what the encounter said. */
  const encounterLocation = (link: string | null, fallback: BedLocation | null): BedLocation | null => {
    if (!link) return fallback;
    const b = bedById.get(link) as { bed: string; room: string | null; unit_id: string | null; unit_name: string | null } | undefined;
    if (b) return { unit: b.unit_id ? { id: b.unit_id, name: b.unit_name ?? b.unit_id } : null, room: b.room, bed: b.bed };
    const n = q.entityName.get(link, 'Location', 'Location') as string | undefined;
    return n ? { unit: null, room: null, bed: n } : fallback;
  };

  return ({ patientId }) => {
    const p = q.requirePatient(patientId);
    const detail = JSON.parse(p.data) as Omit<PatientDetail, 'location'>;
    const location = q.locationOf(p);
    const patient: PatientDetail = { ...detail, location };
    const counts: Record<string, number> = { Patient: 1 };
    const allergies: Allergy[] = [];
    const conditions: Condition[] = [];
    const medications: MedicationOrder[] = [];
    const administrations: Administration[] = [];
    const vitals: ObservationValue[] = [];
    const labs: ObservationValue[] = [];
    const otherObservations: ObservationValue[] = [];
    const notes: Note[] = [];
    const orders: Order[] = [];
    const encounters: EncounterInfo[] = [];
    const procedures: ChartItem[] = [];
    const immunizations: ChartItem[] = [];
    const carePlans: ChartItem[] = [];
    const flags: ChartItem[] = [];
    const reports: ChartItem[] = [];
    const careTeam: { name: string; role: string | null; team: string | null }[] = [];
    const inactiveTeam: typeof careTeam = [];
    const other: RawRecordRef[] = [];
    const bedside: BedsideEntry[] = [];
    let current: EncounterInfo | null = null;
    for (const r of itemsOf.iterate(p.pkey) as Iterable<ItemRow>) {
      counts[r.type] = (counts[r.type] ?? 0) + 1;
      const data = r.data as string;
      switch (r.section) {
        case S.RAW:
          other.push({ type: r.type, id: r.id, summary: r.title ?? r.type });
          break;
        case S.ENCOUNTER: {
          const e = q.parse<EncounterInfo>(data);
          e.location = encounterLocation(r.link, e.location);
          encounters.push(e);
          if (r.id === p.enc_id) current = e;
          break;
        }
        case S.ALLERGY:
          allergies.push(q.parse<Allergy>(data));
          break;
        case S.CONDITION:
          conditions.push(q.parse<Condition>(data));
          break;
        case S.MEDREQ:
          medications.push(q.parse<MedicationOrder>(data));
          break;
        case S.MEDADMIN:
          administrations.push(q.parseItem<Administration>(S.MEDADMIN, r));
          break;
        case S.VITAL: {
          const o = q.parseItem<ObservationValue>(S.VITAL, r);
          vitals.push(o);
          break;
        }
        case S.LAB:
          labs.push(q.parseItem<ObservationValue>(S.LAB, r));
          break;
        case S.OBS:
          otherObservations.push(q.parseItem<ObservationValue>(S.OBS, r));
          break;
        case S.CODESTATUS: {
          const v = q.parse<ObservationValue | ChartItem>(data);
          if ('code' in v) otherObservations.push(v);
          else flags.push(v);
          const e = bedsideEntry(r);
          if (e) bedside.push(e);
          break;
        }
        case S.REPORT:
          reports.push(q.parse<ChartItem>(data));
          break;
        case S.NOTE:
          notes.push(q.parse<Note>(data));
          break;
        case S.ORDER:
          orders.push(q.parse<Order>(data));
          break;
        case S.CAREPLAN:
          carePlans.push(q.parse<ChartItem>(data));
          break;
        case S.CARETEAM:
          (r.num === 1 ? careTeam : inactiveTeam).push(...q.parse<typeof careTeam>(data));
          break;
        case S.PROCEDURE:
          procedures.push(q.parse<ChartItem>(data));
          break;
        case S.IMMUNIZATION:
          immunizations.push(q.parse<ChartItem>(data));
          break;
        case S.FLAG: {
          flags.push(q.parse<ChartItem>(data));
          const e = bedsideEntry(r);
          if (e) bedside.push(e);
          break;
        }
        default:
          break;
      }
    }
    if (!current && encounters.length) {
      const active = encounters.filter((e) => ['in-progress', 'arrived', 'triaged', 'onleave'].includes(e.status ?? ''));
      current = active.sort(byAtStart)[0] ?? null;
    }
    for (const list of [allergies, administrations, vitals, labs, otherObservations, notes, procedures, immunizations, carePlans, flags, reports]) {
      (list as { at: string | null }[]).sort(byAtDesc);
    }
    medications.sort((a, b) => medRank(a) - medRank(b) || a.medication.localeCompare(b.medication));
    conditions.sort((a, b) => (a.clinicalStatus === 'active' ? 0 : 1) - (b.clinicalStatus === 'active' ? 0 : 1) || (b.onset ?? '').localeCompare(a.onset ?? ''));
    orders.sort((a, b) => (b.authoredOn ?? '').localeCompare(a.authoredOn ?? ''));
    encounters.sort(byAtStart);
    const fmt = (o: ObservationValue | null) => (o && o.value ? `${o.value}${o.unit ? ` ${o.unit}` : ''}` : null);
    const { codeStatus, isolation } = decideBedside(bedside, q.asOf);
    const latestVitals = latestOfEachKind(vitals);
    const latestOf = (loinc: string) => latestVitals.find((o) => o.code.code === loinc) ?? null;
    return {
      patient,
      encounter: current,
      codeStatus,
      isolation,
      weight: fmt(latestOf('29463-7')),
      weightAt: latestOf('29463-7')?.at ?? null,
      height: fmt(latestOf('8302-2')),
      heightAt: latestOf('8302-2')?.at ?? null,
      attending: current?.attending ?? (p.attending ? q.fix(p.attending) : null),
      allergies,
      allergySummary: summarizeAllergies(allergies),
      conditions,
      medications,
      administrations,
      vitals,
      latestVitals,
      labs,
      latestLabs: latestOfEachKind(labs),
      otherObservations,
      notes,
      orders,
      encounters,
      procedures,
      immunizations,
      carePlans,
      flags,
      reports,
      careTeam: careTeam.length ? careTeam : inactiveTeam,
      other,
      counts,
      asOf: q.asOf,
    };
  };
}

function byAtStart(a: EncounterInfo, b: EncounterInfo): number {
  return (b.start ?? '').localeCompare(a.start ?? '');
}
