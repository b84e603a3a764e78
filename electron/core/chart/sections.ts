import type { Chart, ChartItem, EncounterInfo, ObservationValue } from '../../shared/contract';
import type { ChartSectionName } from '../../shared/contract/sections';
import { S, type SectionCode } from './codes';
import type { FlagEntry } from './facts/alerts';
import type { BedsideEntry } from './facts/bedside';
import { bedsideEntry, type ItemRow, type QueryContext } from './queries/context';

/**
 * The section registry: each chart section's stored code (S) and how the chart query reads one
 * of its rows into the Chart field it fills (electron/shared/contract/sections.ts names them).
 * The chart query routes every row through it; a section missing here, or a stored code no
 * section claims, does not compile.
 */

/** The fields of Chart that are lists of what the rows stand for. */
export type ListField = { [K in keyof Chart]: Chart[K] extends readonly unknown[] ? K : never }[keyof Chart];
export type ChartLists = { [F in Exclude<ListField, 'latestVitals' | 'latestLabs' | 'isolation' | 'alerts'>]: Chart[F] };

/** A row as the chart query reads it (an unmapped record's data is left in the database). */
export type ChartRow = ItemRow<'section' | 'type' | 'id' | 'at' | 'code' | 'active' | 'order_id' | 'ends' | 'location_id' | 'kind' | 'label'> & { data: string | null };

/** One chart being read: its lists, and what the sections beyond their own list need. */
export interface ChartReading {
  readonly q: QueryContext;
  readonly lists: ChartLists;
  /** Code-status and isolation statements, for decideBedside. */
  readonly bedside: BedsideEntry[];
  /** Every listed flag with whether it is active as sent and when it ends, for decideAlerts. */
  readonly flagEntries: FlagEntry<ChartItem>[];
  /** Members of care teams no longer in force: shown only when no team is. */
  readonly inactiveTeam: Chart['careTeam'];
  /** The encounter the patient is placed by (patient.enc_id), and once read, it. */
  readonly encounterId: string | null;
  current: EncounterInfo | null;
  /** Where an encounter took place, from its location id (else what the encounter itself said). */
  place(locationId: string | null, fallback: EncounterInfo['location']): EncounterInfo['location'];
}

export interface SectionSpec {
  readonly code: SectionCode;
  /** Adds what one stored row of the section stands for to the chart being read. */
  read(row: ChartRow, chart: ChartReading): void;
}

type Entry<F extends keyof ChartLists> = ChartLists[F][number];

/** Rows whose contract object goes into one list as stored (JSON, compact sections decoded). */
const listed =
  <F extends keyof ChartLists>(field: F, compact = false) =>
  (r: ChartRow, c: ChartReading): void => {
    const data = r.data as string;
    const value = compact ? c.q.parseItem<Entry<F>>(r.section, { id: r.id, at: r.at, order_id: r.order_id, data }) : c.q.parse<Entry<F>>(data);
    (c.lists[field] as Entry<F>[]).push(value);
  };

const bedside = (r: ChartRow, c: ChartReading) => {
  const e = bedsideEntry(r);
  if (e) c.bedside.push(e);
};

/** A flag for the full list, and with its status and end for decideAlerts. */
const flag = (item: ChartItem, r: ChartRow, c: ChartReading) => {
  c.lists.flags.push(item);
  c.flagEntries.push({ item, live: r.active === 1, end: r.ends });
};

export const SECTIONS = {
  unmapped: {
    code: S.RAW,
    read: (r, c) => void c.lists.other.push({ type: r.type, id: r.id, summary: r.label ?? r.type }),
  },
  encounter: {
    code: S.ENCOUNTER,
    read: (r, c) => {
      const e = c.q.parse<EncounterInfo>(r.data as string);
      e.location = c.place(r.location_id, e.location);
      c.lists.encounters.push(e);
      if (r.id === c.encounterId) c.current = e;
    },
  },
  allergy: { code: S.ALLERGY, read: listed('allergies') },
  condition: { code: S.CONDITION, read: listed('conditions') },
  medicationOrder: { code: S.MEDREQ, read: listed('medications') },
  administration: { code: S.MEDADMIN, read: listed('administrations', true) },
  vitalSign: { code: S.VITAL, read: listed('vitals', true) },
  lab: { code: S.LAB, read: listed('labs', true) },
  observation: { code: S.OBS, read: listed('otherObservations', true) },
  report: { code: S.REPORT, read: listed('reports') },
  note: { code: S.NOTE, read: listed('notes') },
  order: { code: S.ORDER, read: listed('orders') },
  carePlan: { code: S.CAREPLAN, read: listed('carePlans') },
  careTeam: {
    code: S.CARETEAM,
    read: (r, c) => void (r.active === 1 ? c.lists.careTeam : c.inactiveTeam).push(...c.q.parse<Chart['careTeam']>(r.data as string)),
  },
  procedure: { code: S.PROCEDURE, read: listed('procedures') },
  immunization: { code: S.IMMUNIZATION, read: listed('immunizations') },
  flag: {
    code: S.FLAG,
    read: (r, c) => {
      flag(c.q.parse<ChartItem>(r.data as string), r, c);
      bedside(r, c);
    },
  },
  codeStatus: {
    code: S.CODESTATUS,
    read: (r, c) => {
      // An Observation stating the code status is listed with the observations, a Consent with the flags.
      const v = c.q.parse<ObservationValue | ChartItem>(r.data as string);
      if ('code' in v) c.lists.otherObservations.push(v);
      else flag(v, r, c);
      bedside(r, c);
    },
  },
} as const satisfies { readonly [N in ChartSectionName]: SectionSpec };

/** Every stored code is some section's (a new code in S without an entry above does not compile). */
type Claimed = (typeof SECTIONS)[ChartSectionName]['code'];
const everyCodeClaimed: [Exclude<SectionCode, Claimed>] extends [never] ? true : false = true;
void everyCodeClaimed;

/** Section by stored code, built once. */
export const SECTION_BY_CODE: readonly (SectionSpec | undefined)[] = (() => {
  const out: SectionSpec[] = [];
  for (const [name, spec] of Object.entries(SECTIONS) as [ChartSectionName, SectionSpec][]) {
    if (out[spec.code]) throw new Error(`stored section code ${spec.code} is claimed twice (${name})`);
    out[spec.code] = spec;
  }
  return out;
})();
