import { describe, expect, it } from 'vitest';
import { S } from '../../electron/core/chart/codes';
import { emptyLists, LIST_ORDERS, SECTIONS, SECTION_BY_CODE, type SectionSpecs } from '../../electron/core/chart/sections';
import { Chart, CHART_SECTIONS, SECTION_LIST_FIELDS, type ChartSectionName } from '../../electron/shared/contract';
import { ITEM_LISTS, SECTION_VIEWS, type SectionViews } from '../../renderer/src/views/chart/sections';
import { CHART_TABS } from '../../renderer/src/lib/route';

/**
 * Adding a FHIR resource type to the chart is: its mapping (chart/map.ts), its section in the
 * registries (the contract's list and entry schema, core's stored code and order, the
 * renderer's view). What the compiler holds to that is written down here: the cases marked
 * @ts-expect-error are what `npm run typecheck` refuses.
 */
describe('the chart section registry', () => {
  it('gives every stored section code exactly one section, and every section a code of its own', () => {
    const codes = Object.values(SECTIONS).map((s) => s.code);
    expect([...codes].sort((a, b) => a - b)).toEqual(Object.values(S).sort((a, b) => a - b));
    for (const [name, spec] of Object.entries(SECTIONS)) {
      expect(SECTION_BY_CODE[spec.code], `section code ${spec.code}`).toEqual({ spec, list: CHART_SECTIONS[name as ChartSectionName].list });
    }
    expect(Object.keys(SECTIONS).sort()).toEqual(Object.keys(CHART_SECTIONS).sort());
  });

  it('builds the Chart schema with one list per listed section, and the chart query starts from each', () => {
    const lists = Object.values(CHART_SECTIONS).flatMap((s) => (s.list ? [s.list] : []));
    expect(new Set(lists).size).toBe(lists.length);
    expect([...SECTION_LIST_FIELDS].sort()).toEqual([...lists].sort());
    for (const list of lists) expect(Object.keys(Chart.shape), list).toContain(list);
    expect(Object.keys(emptyLists()).sort()).toEqual([...lists].sort());
    expect(Object.values(emptyLists()).every((l) => Array.isArray(l) && l.length === 0)).toBe(true);
    // A listed section's order sorts its list; "as sent" (null) leaves it alone.
    const ordered = new Map(LIST_ORDERS);
    for (const [name, spec] of Object.entries(SECTIONS) as [ChartSectionName, { order?: unknown }][]) {
      const list = CHART_SECTIONS[name].list;
      if (list) expect(ordered.get(list) ?? null, name).toBe(spec.order);
    }
    expect(ordered.has('allergies')).toBe(false);
  });

  it('shows every section in a chart view that exists, or in the banner; the Other records tab lists the item sections', () => {
    const tabs = new Set<string>([...CHART_TABS.map((t) => t.id), 'banner']);
    expect(Object.keys(SECTION_VIEWS).sort()).toEqual(Object.keys(CHART_SECTIONS).sort());
    for (const [name, view] of Object.entries(SECTION_VIEWS)) expect(tabs.has(view.tab), `${name} -> ${view.tab}`).toBe(true);
    expect(ITEM_LISTS.slice(0, 5)).toEqual([
      { list: 'flags', title: 'Alerts and flags' },
      { list: 'procedures', title: 'Procedures' },
      { list: 'reports', title: 'Reports' },
      { list: 'carePlans', title: 'Care plans' },
      { list: 'immunizations', title: 'Immunizations' },
    ]);
  });

  it('does not compile without a view, a reader, a list order or a list schema for a section', () => {
    const { unmapped: _view, ...viewsButOne } = SECTION_VIEWS;
    // @ts-expect-error a section with no view
    const views: SectionViews = viewsButOne;
    const { unmapped: _reader, ...readersButOne } = SECTIONS;
    // @ts-expect-error a section with no reader in core
    const readers: SectionSpecs = readersButOne;
    // @ts-expect-error a listed section with no order for its list (null: as sent)
    const unordered: SectionSpecs['lab'] = { code: S.LAB, read: () => undefined };
    // @ts-expect-error a view that is no tab of the chart
    const unknownTab: SectionViews['lab'] = { tab: 'allergies' };
    // @ts-expect-error only a list of chart items can go in the shared item table
    const notItems: SectionViews['note'] = { tab: 'other', items: 'Notes' };
    // @ts-expect-error a section whose list has no entry schema
    const noSchema: (typeof CHART_SECTIONS)['lab'] = { list: 'labs' };
    expect([views, readers, unordered, unknownTab, notItems, noSchema, _view, _reader]).toHaveLength(8);
  });
});
