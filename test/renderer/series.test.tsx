import { describe, expect, it } from 'vitest';
import type { ObservationValue } from '../../electron/shared/contract';
import { buildFlowsheet } from '../../renderer/src/lib/flowsheet';
import { flagLabel, quietFlagLabel, trendsOf } from '../../renderer/src/lib/series';
import { renderToStaticMarkup } from 'react-dom/server';
import { TrendPlot } from '../../renderer/src/components/TrendPlot';
import { formatDateTime } from '../../renderer/src/lib/time';

const obs = (code: string, at: string, numeric: number | null, extra: Partial<ObservationValue> = {}): ObservationValue => ({
  id: `${code}-${at}`, code: { code, system: 'http://loinc.org', display: code === '8867-4' ? 'Heart rate' : code }, category: 'vital-signs', at,
  value: numeric === null ? null : `${numeric}`, numeric, unit: '/min', referenceRange: '60–100 /min', referenceLow: 60, referenceHigh: 100, interpretation: null, flag: 'no-flag-given', abnormal: false,
  components: [], ...extra,
});

describe('vitals and lab trends', () => {
  it('makes one trend per measurement with two or more values, oldest first', () => {
    const trends = trendsOf([obs('8867-4', '2026-11-21T10:00:00Z', 80), obs('8867-4', '2026-11-21T06:00:00Z', 110, { flag: 'high', abnormal: true }), obs('x', '2026-11-21T06:00:00Z', 1)]);
    expect(trends).toHaveLength(1);
    expect(trends[0]!.lines[0]!.points.map((p) => [p.value, p.abnormal])).toEqual([[110, true], [80, false]]);
  });

  it('carries the range core read (the text as sent, the bounds as numbers) for the plot to draw', () => {
    const [t] = trendsOf([obs('8867-4', '2026-11-21T06:00:00Z', 80), obs('8867-4', '2026-11-21T10:00:00Z', 82)]);
    expect(t).toMatchObject({ referenceRange: '60–100 /min', referenceLow: 60, referenceHigh: 100 });
  });

  it('draws blood pressure as one line per component', () => {
    const bp = (at: string, s: number, d: number) =>
      obs('85354-9', at, null, {
        components: [
          { code: { code: '8480-6', system: null, display: 'Systolic' }, value: `${s}`, numeric: s, unit: 'mmHg' },
          { code: { code: '8462-4', system: null, display: 'Diastolic' }, value: `${d}`, numeric: d, unit: 'mmHg' },
        ],
      });
    const [trend] = trendsOf([bp('2026-11-21T06:00:00Z', 120, 80), bp('2026-11-21T10:00:00Z', 150, 95)]);
    expect(trend!.lines.map((l) => [l.label, l.points.map((p) => p.value)])).toEqual([
      ['Systolic', [120, 150]],
      ['Diastolic', [80, 95]],
    ]);
    // Both series under one title, the newest reading as systolic/diastolic with its unit.
    expect([trend!.title, trend!.unit, trend!.latest]).toEqual(['Blood pressure', 'mmHg', '150/95 mmHg']);
  });

  it('shows blood pressure in the flowsheet as systolic/diastolic with its unit, next to its flag', () => {
    const sheet = buildFlowsheet([
      obs('85354-9', '2026-11-21T06:00:00Z', null, {
        code: { code: '85354-9', system: 'http://loinc.org', display: 'Blood pressure panel with all children optional' },
        flag: 'high', abnormal: true, unit: null,
        components: [
          { code: { code: '8480-6', system: 'http://loinc.org', display: 'Systolic blood pressure' }, value: '168', numeric: 168, unit: 'mm[Hg]' },
          { code: { code: '8462-4', system: 'http://loinc.org', display: 'Diastolic blood pressure' }, value: '95', numeric: 95, unit: 'mm[Hg]' },
        ],
      }),
      obs('8310-5', '2026-11-21T06:00:00Z', 37.2, { code: { code: '8310-5', system: 'http://loinc.org', display: 'Body temperature' }, unit: 'Cel' }),
    ]);
    expect(sheet.columns).toEqual([
      { key: '85354-9', label: 'Blood pressure', title: 'Blood pressure panel with all children optional (LOINC 85354-9)' },
      { key: '8310-5', label: 'Body temperature', title: 'Body temperature (LOINC 8310-5)' },
    ]);
    expect(sheet.rows[0]!.cells).toEqual({ '85354-9': { value: '168/95 mmHg', flag: 'HIGH' }, '8310-5': { value: '37.2 °C', flag: null } });
  });

  it('pivots vitals into a flowsheet, newest row first, usual column order', () => {
    const sheet = buildFlowsheet([obs('59408-5', '2026-11-21T06:00:00Z', 95), obs('8867-4', '2026-11-21T06:00:00Z', 80), obs('8867-4', '2026-11-21T10:00:00Z', 82)]);
    expect(sheet.columns.map((c) => c.key)).toEqual(['8867-4', '59408-5']);
    expect(sheet.rows.map((r) => r.at)).toEqual(['2026-11-21T10:00:00Z', '2026-11-21T06:00:00Z']);
  });

  it('spells out abnormal flags and reads reference ranges', () => {
    expect(flagLabel({ flag: 'high' })).toBe('HIGH');
    expect(flagLabel({ flag: 'critical-low' })).toBe('CRITICAL LOW');
    expect(flagLabel({ flag: 'abnormal' })).toBe('ABNORMAL');
    expect(flagLabel({ flag: 'normal' })).toBeNull();
    expect(quietFlagLabel({ flag: 'normal' })).toBe('normal');
    expect(quietFlagLabel({ flag: 'no-flag-given' })).toBe('no flag given');
  });
});

describe('a trend plot’s time axis', () => {
  it('labels its first and last reading as the tables do: with the year, and the zone where the source’s offset differs', () => {
    // An offset no workstation keeps, so the zone must be named; the newest in UTC.
    const OLDEST = '2015-04-30T21:48:00+13:45';
    const NEWEST = '2026-11-21T10:00:00Z';
    const [trend] = trendsOf([obs('8867-4', NEWEST, 80), obs('8867-4', OLDEST, 110)]);
    const html = renderToStaticMarkup(<TrendPlot trend={trend!} />);
    const label = (id: string) => new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];
    expect(label('trend-axis-start')).toBe(formatDateTime(OLDEST));
    expect(label('trend-axis-start')).toMatch(/^\d{2} Apr 2015 \d{2}:\d{2} UTC([+-]\d{2}:\d{2})?$/);
    expect(label('trend-axis-end')).toBe(formatDateTime(NEWEST));
    expect(label('trend-axis-end')).toMatch(/^\d{2} Nov 2026 \d{2}:\d{2}( UTC([+-]\d{2}:\d{2})?)?$/);
  });
});

