import type { Chart } from './chart';

/**
 * The chart's sections, by name, each with the field of Chart it fills. Every stored row of a
 * patient's chart belongs to one: core's registry (electron/core/chart/sections.ts) gives each its
 * stored code and how its rows are read, the renderer's (renderer/src/views/chart/sections.ts)
 * the view that shows it. A name added here without either does not compile.
 */
export const CHART_SECTION_FIELDS = {
  encounter: 'encounters',
  allergy: 'allergies',
  condition: 'conditions',
  medicationOrder: 'medications',
  administration: 'administrations',
  vitalSign: 'vitals',
  lab: 'labs',
  observation: 'otherObservations',
  report: 'reports',
  note: 'notes',
  order: 'orders',
  carePlan: 'carePlans',
  careTeam: 'careTeam',
  procedure: 'procedures',
  immunization: 'immunizations',
  flag: 'flags',
  /** Decides Chart.codeStatus; each statement is also listed among the observations or the flags. */
  codeStatus: 'codeStatus',
  /** Resources the chart does not map, kept as sent. */
  unmapped: 'other',
} as const satisfies Record<string, keyof Chart>;

export type ChartSectionName = keyof typeof CHART_SECTION_FIELDS;
