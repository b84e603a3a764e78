import type { Chart, ChartItem, EncounterInfo, ObservationValue } from '../../shared/contract';
import {
  CHART_SECTIONS,
  SECTION_LIST_FIELDS,
  type ChartSectionName,
  type ListedSectionName,
  type SectionListField,
} from '../../shared/contract/sections';
import { S, type SectionCode } from './codes';
import type { FlagEntry } from './facts/alerts';
import type { BedsideEntry } from './facts/bedside';
import { byStanding } from './facts/problems';
import { bedsideEntry, byAtDesc, byMedicationStanding, byOrderStanding, byStartDesc, type ItemRow, type QueryContext } from './queries/context';

/**
 * The section registry: each chart section's stored code (S), how the chart query reads one of
 * its rows, and how the list it fills (electron/shared/contract/sections.ts) is sorted for
 * reading — the order every screen, page and the CLI show it in. The chart query routes every
 * row through it; a section missing here, a listed section with no order, or a stored code no
 * section claims, does not compile.
 */

/** The lists of a chart being read, one per listed section. */
export type ChartLists = { [F in SectionListField]: Chart[F] };
type EntryOf<N extends ChartSectionName> = N extends ListedSectionName ? ChartLists[(typeof CHART_SECTIONS)[N]['list']][number] : never;
type Comparator<E> = (a: E, b: E) => number;

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

export interface SectionSpec<E = unknown> {
  readonly code: SectionCode;
  /** How the section's own list is sorted for reading; null keeps the export's order. */
  readonly order?: Comparator<E> | null;
  /** Adds what one stored row of the section stands for to the chart being read (`own`: the section's own list). */
  read(row: ChartRow, chart: ChartReading, own: E[]): void;
}

/** What the registry holds to: a listed section has an order for its list, a section without a list none. */
export type SectionSpecs = {
  readonly [N in ChartSectionName]: N extends ListedSectionName
    ? SectionSpec<EntryOf<N>> & { readonly order: Comparator<EntryOf<N>> | null }
    : SectionSpec<never> & { readonly order?: undefined };
};

/** Rows whose contract object goes into the section's own list as stored (JSON, compact sections decoded). */
const listed =
  (compact = false) =>
  (r: ChartRow, c: ChartReading, own: unknown[]): void => {
    const data = r.data as string;
    own.push(compact ? c.q.parseItem(r.section, { id: r.id, at: r.at, order_id: r.order_id, data }) : c.q.parse(data));
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
    order: null,
    read: (r, _c, own) => void own.push({ type: r.type, id: r.id, summary: r.label ?? r.type }),
  },
  encounter: {
    code: S.ENCOUNTER,
    order: byStartDesc,
    read: (r, c, own) => {
      const e = c.q.parse<EncounterInfo>(r.data as string);
      e.location = c.place(r.location_id, e.location);
      own.push(e);
      if (r.id === c.encounterId) c.current = e;
    },
  },
  /** As the export lists them (the summary decides from all of them). */
  allergy: { code: S.ALLERGY, order: null, read: listed() },
  condition: { code: S.CONDITION, order: byStanding, read: listed() },
  medicationOrder: { code: S.MEDREQ, order: byMedicationStanding, read: listed() },
  administration: { code: S.MEDADMIN, order: byAtDesc, read: listed(true) },
  vitalSign: { code: S.VITAL, order: byAtDesc, read: listed(true) },
  lab: { code: S.LAB, order: byAtDesc, read: listed(true) },
  observation: { code: S.OBS, order: byAtDesc, read: listed(true) },
  report: { code: S.REPORT, order: byAtDesc, read: listed() },
  note: { code: S.NOTE, order: byAtDesc, read: listed() },
  order: { code: S.ORDER, order: byOrderStanding, read: listed() },
  carePlan: { code: S.CAREPLAN, order: byAtDesc, read: listed() },
  careTeam: {
    code: S.CARETEAM,
    order: null,
    read: (r, c, own) => void (r.active === 1 ? own : c.inactiveTeam).push(...c.q.parse<Chart['careTeam']>(r.data as string)),
  },
  procedure: { code: S.PROCEDURE, order: byAtDesc, read: listed() },
  immunization: { code: S.IMMUNIZATION, order: byAtDesc, read: listed() },
  flag: {
    code: S.FLAG,
    order: byAtDesc,
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
} as const satisfies SectionSpecs;

/** Every stored code is some section's (a new code in S without an entry above does not compile). */
type Claimed = (typeof SECTIONS)[ChartSectionName]['code'];
const everyCodeClaimed: [Exclude<SectionCode, Claimed>] extends [never] ? true : false = true;
void everyCodeClaimed;

/** A section as the chart query meets it: its spec and the list it fills (null for none). */
export interface RegisteredSection {
  readonly spec: SectionSpec;
  readonly list: SectionListField | null;
}

/** Section by stored code, built once. */
export const SECTION_BY_CODE: readonly (RegisteredSection | undefined)[] = (() => {
  const out: RegisteredSection[] = [];
  for (const [name, spec] of Object.entries(SECTIONS) as [ChartSectionName, SectionSpec][]) {
    if (out[spec.code]) throw new Error(`stored section code ${spec.code} is claimed twice (${name})`);
    out[spec.code] = { spec, list: CHART_SECTIONS[name].list };
  }
  return out;
})();

/** Each list that has a reading order, with it. */
export const LIST_ORDERS: readonly [SectionListField, Comparator<unknown>][] = (Object.entries(SECTIONS) as [ChartSectionName, SectionSpec][]).flatMap(
  ([name, spec]) => {
    const list = CHART_SECTIONS[name].list;
    return list && spec.order ? [[list, spec.order] as [SectionListField, Comparator<unknown>]] : [];
  },
);

/** A chart's lists before its rows are read: one empty list per listed section. */
export const emptyLists = (): ChartLists => Object.fromEntries(SECTION_LIST_FIELDS.map((f) => [f, []])) as unknown as ChartLists;
