import { describe, expect, it } from 'vitest';
import { headingSelector, parentRoute, screenTitle, type Route } from '../../renderer/src/lib/route';

const chart = (section: 'summary' | 'vitals', patientId = 'p1'): Route => ({ name: 'chart', patientId, section });

describe('the window title of each screen', () => {
  it.each<[Route, string | null, string]>([
    [{ name: 'census', unit: '4W' }, '4 West', 'Census — 4 West · Lantern'],
    [{ name: 'census', unit: null }, null, 'Census · Lantern'],
    [chart('vitals'), 'Med-Surg 4 West', 'Chart — Vitals · Lantern'],
    [{ name: 'protocols', id: 'p-fire' }, null, 'Protocols and forms · Lantern'],
    [{ name: 'print', kind: 'mar', id: 'p1' }, null, 'Print preview — MAR · Lantern'],
    [{ name: 'print', kind: 'mar-unit', id: '4W' }, '4 West', 'Print preview — Unit MAR · Lantern'],
    [{ name: 'print', kind: 'summary', id: 'p1' }, null, 'Print preview — Summary · Lantern'],
  ])('%j in %s reads %s', (route, unit, title) => {
    expect(screenTitle(route, unit)).toBe(title);
  });
});

describe('the heading that takes the focus after a navigation', () => {
  it('is the patient name on opening a chart, the section heading within the same chart', () => {
    expect(headingSelector(chart('summary'), { name: 'census', unit: '4W' })).toBe('.patient-banner h1');
    expect(headingSelector(chart('vitals'), chart('summary'))).toBe('.chart-section h2');
    expect(headingSelector(chart('vitals', 'p2'), chart('summary', 'p1'))).toBe('.patient-banner h1');
    expect(headingSelector(chart('vitals'), null)).toBe('.patient-banner h1');
  });
  it('is the open document’s title among the protocols, else the screen’s first h1', () => {
    expect(headingSelector({ name: 'protocols', id: 'p-fire' }, null)).toBe('[data-testid="protocol-document"] h1');
    expect(headingSelector({ name: 'protocols', id: null }, null)).toBe('h1');
    expect(headingSelector({ name: 'print', kind: 'census', id: '4W' }, null)).toBe('h1');
  });
});

describe('where Esc or Back leaves a print preview opened first', () => {
  it.each<[Route, Route]>([
    [{ name: 'print', kind: 'mar', id: 'p1' }, { name: 'chart', patientId: 'p1', section: 'medications' }],
    [{ name: 'print', kind: 'summary', id: 'p1' }, { name: 'chart', patientId: 'p1', section: 'summary' }],
    [{ name: 'print', kind: 'mar-unit', id: '4W' }, { name: 'census', unit: '4W' }],
    [{ name: 'print', kind: 'census', id: '4W' }, { name: 'census', unit: '4W' }],
    [{ name: 'print', kind: 'protocol', id: 'p-fire' }, { name: 'protocols', id: 'p-fire' }],
  ])('%j goes to %j', (from, to) => {
    expect(parentRoute(from)).toEqual(to);
  });
});
