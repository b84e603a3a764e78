import type { ChartSectionName } from '../../../../electron/shared/contract/sections';
import type { ChartSection } from '../../lib/route';

/** Where a chart section is shown: the chart view (tab) that lists it, or the patient banner above every tab. */
export type SectionView = ChartSection | 'banner';

/**
 * The view of every chart section (electron/shared/contract/sections.ts). A section added to
 * the chart without a view here does not compile.
 */
export const SECTION_VIEWS = {
  encounter: 'other',
  allergy: 'banner',
  condition: 'problems',
  medicationOrder: 'medications',
  administration: 'medications',
  vitalSign: 'vitals',
  lab: 'labs',
  observation: 'other',
  report: 'other',
  note: 'notes',
  order: 'orders',
  carePlan: 'other',
  careTeam: 'care-team',
  procedure: 'other',
  immunization: 'other',
  flag: 'summary',
  codeStatus: 'banner',
  unmapped: 'other',
} as const satisfies Record<ChartSectionName, SectionView>;
