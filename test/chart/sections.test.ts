import { describe, expect, it } from 'vitest';
import { S } from '../../electron/core/chart/codes';
import { SECTIONS, SECTION_BY_CODE, type SectionSpec } from '../../electron/core/chart/sections';
import { CHART_SECTION_FIELDS, type ChartSectionName } from '../../electron/shared/contract/sections';
import { SECTION_VIEWS, type SectionView } from '../../renderer/src/views/chart/sections';
import { CHART_SECTIONS } from '../../renderer/src/lib/route';

/**
 * Adding a FHIR resource type to the chart is: its mapping (chart/map.ts), its section in the
 * registries, its view. What the compiler holds to that is written down here: the cases marked
 * @ts-expect-error are what `npm run typecheck` refuses.
 */
describe('the chart section registry', () => {
  it('gives every stored section code exactly one section, and every section a code of its own', () => {
    const codes = Object.values(SECTIONS).map((s) => s.code);
    expect([...codes].sort((a, b) => a - b)).toEqual(Object.values(S).sort((a, b) => a - b));
    for (const code of Object.values(S)) expect(SECTION_BY_CODE[code], `section code ${code}`).toBe(Object.values(SECTIONS).find((s) => s.code === code));
    expect(Object.keys(SECTIONS).sort()).toEqual(Object.keys(CHART_SECTION_FIELDS).sort());
  });

  it('shows every section in a chart view that exists, or in the banner', () => {
    const tabs = new Set<string>([...CHART_SECTIONS.map((t) => t.id), 'banner']);
    expect(Object.keys(SECTION_VIEWS).sort()).toEqual(Object.keys(CHART_SECTION_FIELDS).sort());
    for (const [name, view] of Object.entries(SECTION_VIEWS)) expect(tabs.has(view), `${name} -> ${view}`).toBe(true);
  });

  it('does not compile without a view or a reader for a section', () => {
    const { unmapped: _view, ...viewsButOne } = SECTION_VIEWS;
    // @ts-expect-error a section with no view
    const views: Record<ChartSectionName, SectionView> = viewsButOne;
    const { unmapped: _reader, ...readersButOne } = SECTIONS;
    // @ts-expect-error a section with no reader in core
    const readers: { readonly [N in ChartSectionName]: SectionSpec } = readersButOne;
    // @ts-expect-error a view that is no tab of the chart
    const unknownTab: SectionView = 'allergies';
    expect([views, readers, unknownTab, _view, _reader]).toHaveLength(5);
  });
});
