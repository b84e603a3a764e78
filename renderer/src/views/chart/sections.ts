import { CHART_SECTIONS, type Chart, type ChartItem, type ChartSectionName, type ListedSectionName } from '../../../../electron/shared/contract';
import type { ChartSection } from '../../lib/route';

/**
 * Where a chart section is shown: the chart view (tab) that lists it, or the patient banner
 * above every tab. A section whose entries are plain chart items may instead name the heading
 * under which the Other records tab lists them in the table all such lists share (`items`), so
 * it needs no component of its own.
 */
export type SectionView = { readonly tab: ChartSection | 'banner'; readonly items?: string };

/** Sections whose list holds ChartItem entries: only they can be shown in the shared item table. */
type ItemSectionName = { [N in ListedSectionName]: Chart[(typeof CHART_SECTIONS)[N]['list']] extends ChartItem[] ? N : never }[ListedSectionName];
export type SectionViews = { readonly [N in ChartSectionName]: N extends ItemSectionName ? SectionView : SectionView & { readonly items?: undefined } };

/**
 * The view of every chart section (electron/shared/contract/sections.ts). A section added to
 * the chart without a view here does not compile. The Other records tab lists the `items`
 * sections in the order written here.
 */
export const SECTION_VIEWS = {
  encounter: { tab: 'other' },
  allergy: { tab: 'banner' },
  condition: { tab: 'problems' },
  medicationOrder: { tab: 'medications' },
  administration: { tab: 'medications' },
  vitalSign: { tab: 'vitals' },
  lab: { tab: 'labs' },
  observation: { tab: 'other' },
  /** The alerts in force are on the summary; every flag as sent, with its status, is listed here. */
  flag: { tab: 'summary', items: 'Alerts and flags' },
  procedure: { tab: 'other', items: 'Procedures' },
  report: { tab: 'other', items: 'Reports' },
  carePlan: { tab: 'other', items: 'Care plans' },
  immunization: { tab: 'other', items: 'Immunizations' },
  note: { tab: 'notes' },
  order: { tab: 'orders' },
  careTeam: { tab: 'care-team' },
  codeStatus: { tab: 'banner' },
  unmapped: { tab: 'other' },
} as const satisfies SectionViews;

/** The chart-item lists the Other records tab shows, each with its heading. */
export const ITEM_LISTS = (Object.entries(SECTION_VIEWS) as [ChartSectionName, SectionView][]).flatMap(([name, view]) => {
  const list = CHART_SECTIONS[name].list;
  return view.items && list ? [{ list, title: view.items } as { list: (typeof CHART_SECTIONS)[ItemSectionName]['list']; title: string }] : [];
});
