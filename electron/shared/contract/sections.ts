import { z } from 'zod';
import { Administration, Allergy, CareTeamMember, ChartItem, Condition, EncounterInfo, MedicationOrder, Note, ObservationValue, Order, RawRecordRef } from './records';

/**
 * The chart's sections: every stored row of a patient's chart belongs to one. Each names the
 * list of Chart it fills and the schema of one entry of it, and the Chart schema takes its lists
 * from here (chart.ts). Core's registry (electron/core/chart/sections.ts) gives each section its
 * stored code, how its rows are read and how its list is sorted; the renderer's
 * (renderer/src/views/chart/sections.ts) the view that shows it. A section added here without
 * either does not compile.
 */
export const CHART_SECTIONS = {
  encounter: { list: 'encounters', entry: EncounterInfo },
  /** Every allergy entry as sent, for the allergy list; Chart.allergySummary says what they mean. */
  allergy: { list: 'allergies', entry: Allergy },
  condition: { list: 'conditions', entry: Condition },
  medicationOrder: { list: 'medications', entry: MedicationOrder },
  administration: { list: 'administrations', entry: Administration },
  vitalSign: { list: 'vitals', entry: ObservationValue },
  lab: { list: 'labs', entry: ObservationValue },
  observation: { list: 'otherObservations', entry: ObservationValue },
  report: { list: 'reports', entry: ChartItem },
  note: { list: 'notes', entry: Note },
  order: { list: 'orders', entry: Order },
  carePlan: { list: 'carePlans', entry: ChartItem },
  careTeam: { list: 'careTeam', entry: CareTeamMember },
  procedure: { list: 'procedures', entry: ChartItem },
  immunization: { list: 'immunizations', entry: ChartItem },
  /** Every flag as sent (Flag resources, and code-status Consents), with its status; Chart.alerts holds those in force. */
  flag: { list: 'flags', entry: ChartItem },
  /** Decides Chart.codeStatus; each statement is also listed among the observations or the flags. */
  codeStatus: { list: null },
  /** Resources the chart does not map, kept as sent. */
  unmapped: { list: 'other', entry: RawRecordRef },
} as const satisfies Record<string, { readonly list: string; readonly entry: z.ZodType } | { readonly list: null }>;

export type ChartSectionName = keyof typeof CHART_SECTIONS;
type Sections = typeof CHART_SECTIONS;

/** The sections that fill a list of their own, and the lists they fill. */
export type ListedSectionName = { [N in ChartSectionName]: Sections[N]['list'] extends string ? N : never }[ChartSectionName];
export type SectionListField = Sections[ListedSectionName]['list'];

type ListShape = {
  [N in ListedSectionName as Sections[N]['list'] & string]: Sections[N] extends { readonly entry: infer E extends z.ZodType } ? z.ZodArray<E> : never;
};

/** The list fields of the Chart schema, one per listed section. */
export const SECTION_LISTS = Object.fromEntries(
  Object.values(CHART_SECTIONS).flatMap((s) => (s.list === null ? [] : [[s.list, z.array(s.entry)]])),
) as unknown as ListShape;

export const SECTION_LIST_FIELDS = Object.keys(SECTION_LISTS) as SectionListField[];
