import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chart, HomeQueries } from '../../electron/shared/contract';
import { marWindow } from '../../renderer/src/lib/mar-grid';
import { observationValueText } from '../../electron/shared/observation-text';
import { formatStamp } from '../../renderer/src/lib/time';
import { chromiumPath, go, openPage, shot, startApp, VIEWPORTS, type App } from './support/app';
import { generatedHome, type E2eHome } from './support/homes';

/**
 * The screens on the ward PC: 1366x768, at 100% and at Windows' 150% (911x512 CSS pixels),
 * with names and a unit longer than the usual, and the keyboard and window title a nurse or
 * a screen reader relies on.
 */
const LONG_FAMILY = 'Featherstonehaugh-Wolfeschlegelsteinhausenberger';
const LONG_GIVEN = ['Maximiliana', 'Alexandrina'];
const LONG_UNIT = 'Medical-Surgical Telemetry and Step-Down Unit, 4 West Annex';

type Json = Record<string, unknown>;
const readNdjson = (file: string): Json[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Json);
const writeNdjson = (file: string, rows: Json[]) => writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

/** The local short name an EHR puts in code.text ("Potassium"), in place of the LOINC long name. */
const shortName = (long: string) => long.split(/ \[| - |, /)[0]!;

/** The same instant written at another offset: "2015-05-01T05:48:00Z", -240 -> "2015-05-01T01:48:00-04:00". */
function atOffset(utc: string, minutes: number): string {
  const wall = new Date(Date.parse(utc) + minutes * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(minutes);
  return `${wall}${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The generated export, made harder: observation times at another zone than the workstation's, one long patient name, one long unit name, labs named as an EHR names them. */
function lengthen(fhirDir: string, unitId: string): { patientId: string; labNames: Map<string, string> } {
  const patientsFile = path.join(fhirDir, 'Patient.ndjson');
  const patients = readNdjson(patientsFile);
  const patient = patients[0]!;
  patient['name'] = [{ use: 'official', family: LONG_FAMILY, given: LONG_GIVEN }];
  writeNdjson(patientsFile, patients);

  const locationsFile = path.join(fhirDir, 'Location.ndjson');
  const locations = readNdjson(locationsFile);
  for (const l of locations) if (l['id'] === unitId) l['name'] = LONG_UNIT;
  writeNdjson(locationsFile, locations);

  const labNames = new Map<string, string>();
  const obsFile = path.join(fhirDir, 'Observation.ndjson');
  const observations = readNdjson(obsFile);
  for (const o of observations) {
    // Sent from a clinic four hours behind the workstation (UTC): each time carries its zone.
    const at = o['effectiveDateTime'];
    if (typeof at === 'string' && at.endsWith('Z')) o['effectiveDateTime'] = atOffset(at, -4 * 60);
    const categories = JSON.stringify(o['category'] ?? '');
    if (!categories.includes('"laboratory"')) continue;
    const code = o['code'] as { text?: string };
    if (!code.text) continue;
    code.text = shortName(code.text);
    labNames.set(o['id'] as string, code.text);
  }
  writeNdjson(obsFile, observations);
  return { patientId: patient['id'] as string, labNames };
}

/** Text boxes in `root` that run into each other, or out of their table cell. */
async function textCollisions(page: Page, root: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const out: string[] = [];
    const boxes: { text: string; rect: DOMRect; node: number }[] = [];
    document.querySelectorAll(selector).forEach((scope) => {
      const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(), i = boxes.length; n; n = walker.nextNode(), i++) {
        if (!n.textContent?.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        const cell = n.parentElement?.closest('td, th');
        const bounds = cell?.getBoundingClientRect();
        for (const rect of range.getClientRects()) {
          if (rect.width < 1 || rect.height < 1) continue;
          // Only text a person can see: on screen, not scrolled under the header or the banner.
          const hit = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
          if (!hit || !(n.parentElement!.contains(hit) || hit.contains(n.parentElement))) continue;
          boxes.push({ text: n.textContent.trim(), rect, node: i });
          if (bounds && (rect.right > bounds.right + 1 || rect.left < bounds.left - 1)) out.push(`"${n.textContent.trim()}" runs out of its cell`);
        }
      }
    });
    for (let a = 0; a < boxes.length; a++) {
      for (let b = a + 1; b < boxes.length; b++) {
        const x = boxes[a]!;
        const y = boxes[b]!;
        if (x.node === y.node) continue;
        const w = Math.min(x.rect.right, y.rect.right) - Math.max(x.rect.left, y.rect.left);
        const h = Math.min(x.rect.bottom, y.rect.bottom) - Math.max(x.rect.top, y.rect.top);
        if (w > 1 && h > 2) out.push(`"${x.text}" overlaps "${y.text}"`);
      }
    }
    return out;
  }, root);
}

const activeHeading = (page: Page) =>
  page.evaluate(() => {
    const a = document.activeElement;
    return a && /^H[12]$/.test(a.tagName) ? `${a.tagName}:${a.textContent}` : `${a?.tagName ?? 'none'}`;
  });

describe.skipIf(!chromiumPath)('screens on the ward PC (1366x768, 100% and 150%)', () => {
  let home: E2eHome;
  let app: App;
  let queries: HomeQueries;
  let longPatientId: string;
  let labNames: Map<string, string>;
  /** A patient on the second unit (the first has the long name) with the most lab results. */
  let known: Chart;
  /** The Patient resource's own name parts, for the window-title check. */
  let nameParts: string[];

  beforeAll(async () => {
    let edited: ReturnType<typeof lengthen> | null = null;
    let firstUnit = '';
    home = await generatedHome({
      beds: 16,
      units: 2,
      edit: (dir) => {
        firstUnit = readNdjson(path.join(dir, 'Location.ndjson')).find((l) => JSON.stringify(l['identifier'] ?? '').includes('urn:lantern:demo:unit'))![
          'id'
        ] as string;
        edited = lengthen(dir, firstUnit);
      },
    });
    expect(firstUnit).toBe(home.units[0]!.id);
    ({ patientId: longPatientId, labNames } = edited!);
    app = await startApp(home.context);
    queries = home.context.queries()!;
    const charts = home.units.flatMap((u) =>
      queries.census({ unit: u.id }).beds.flatMap((b) => (b.patient ? [queries.chart({ patientId: b.patient.id })] : [])),
    );
    known = charts
      .filter((c) => c.patient.location?.unit?.id === home.units[1]!.id && c.patient.id !== longPatientId)
      .sort((a, b) => b.labs.length - a.labs.length)[0]!;
    nameParts = charts.flatMap((c) => c.patient.name.split(/[\s,]+/).filter((p) => p.length > 2));
  });
  afterAll(async () => {
    await app?.close();
    home?.close();
  });

  it('at 150% zoom the labs table shows at least 8 rows beneath a banner condensed to name, MRN, allergies and the data-as-of', async () => {
    const page = await openPage(app, { viewport: VIEWPORTS.wardZoomed, deviceScaleFactor: 1.5 });
    await go(page, `#/patient/${encodeURIComponent(known.patient.id)}/labs`);
    const table = page.getByTestId('labs-table');
    await table.waitFor();
    const more = page.getByTestId('banner-more');
    // At the top of the chart the whole banner is there: weight, height, attending, the tabs.
    const before = (await more.boundingBox())!;
    expect(before.y + before.height).toBeLessThan(VIEWPORTS.wardZoomed.height);

    // Scroll the table up to the banner, as a nurse reading it would.
    await page.evaluate(() => {
      const main = document.querySelector('#main')!;
      const strip = document.querySelector('[data-testid="patient-banner"]')!.getBoundingClientRect();
      main.scrollTop += document.querySelector('[data-testid="labs-table"]')!.getBoundingClientRect().top - strip.bottom;
    });
    await shot(page, 'chart-labs-911x512-at-150');
    const seen = await page.evaluate(() => {
      const strip = document.querySelector('[data-testid="patient-banner"]')!.getBoundingClientRect();
      const more = document.querySelector('[data-testid="banner-more"]')!.getBoundingClientRect();
      const head = document.querySelector('[data-testid="labs-table"] thead')!.getBoundingClientRect();
      const asOf = document.querySelector('[data-testid="as-of"]')!.getBoundingClientRect();
      const rows = [...document.querySelectorAll('[data-testid="labs-table"] tbody tr')]
        .filter((r) => {
          const b = r.getBoundingClientRect();
          return b.top >= head.bottom - 1 && b.bottom <= window.innerHeight + 0.5;
        })
        .map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? ''));
      return { strip: { top: strip.top, bottom: strip.bottom }, moreBottom: more.bottom, headTop: head.top, asOfBottom: asOf.bottom, rows };
    });
    expect(seen.rows.length).toBeGreaterThanOrEqual(8);
    // The banner condensed: the rest has scrolled under the strip, the strip holds the table's top.
    expect(seen.moreBottom).toBeLessThanOrEqual(seen.strip.bottom);
    expect(seen.headTop).toBeGreaterThanOrEqual(seen.strip.bottom - 1);
    // Header and strip together leave the table more than half the window, with two allergies and an isolation flag.
    expect(seen.strip.bottom).toBeLessThan(VIEWPORTS.wardZoomed.height * 0.5);
    expect(seen.asOfBottom).toBeLessThanOrEqual(seen.strip.top);
    expect(await page.getByTestId('banner-name').textContent()).toBe(known.patient.name);
    expect(await page.getByTestId('banner-mrn').textContent()).toBe(`MRN ${known.patient.mrn}`);
    expect(await page.getByTestId('banner-name').isVisible()).toBe(true);
    expect(await page.getByTestId('as-of').textContent()).toContain(`as of ${formatStamp(home.context.status().snapshot!.asOf)}`);

    // The rows are this patient's results, newest first, named as the export names them, each value with its unit.
    const labs = [...known.labs].sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''));
    const firstShown = labs.findIndex((l) => seen.rows[0]![1] === labNames.get(l.id) && seen.rows[0]![2] === observationValueText(l));
    expect(firstShown).toBeGreaterThanOrEqual(0);
    seen.rows.forEach((cells, i) => {
      const lab = labs[firstShown + i]!;
      expect(cells[1]).toBe(labNames.get(lab.id));
      expect(cells[2]).toBe(observationValueText(lab));
    });
    expect(page.errors).toEqual([]);
  });

  it('fits the census to 1366 px and to 150% zoom without sideways scrolling, a long name and unit whole', async () => {
    const unit = queries.census({ unit: home.units[0]!.id });
    expect(unit.unit?.name).toBe(LONG_UNIT);
    const longPatient = home.units.flatMap((u) => queries.census({ unit: u.id }).beds).find((b) => b.patient?.id === longPatientId)!.patient!;
    expect(longPatient.name).toContain(LONG_FAMILY);
    const unitId = home.units.find((u) => queries.census({ unit: u.id }).beds.some((b) => b.patient?.id === longPatientId))!.id;
    for (const [viewport, deviceScaleFactor, name] of [
      [VIEWPORTS.ward, 1, 'census-1366x768'],
      [VIEWPORTS.wardZoomed, 1.5, 'census-911x512-at-150'],
    ] as const) {
      const page = await openPage(app, { viewport, deviceScaleFactor });
      await go(page, `#/census/${encodeURIComponent(unitId)}`);
      const row = page.getByTestId('census-row').filter({ hasText: longPatient.mrn! });
      await row.waitFor();
      expect(await row.textContent()).toContain(longPatient.name);
      const widths = await page.evaluate(() => {
        const main = document.querySelector('#main')!;
        return { main: [main.scrollWidth, main.clientWidth], page: [document.documentElement.scrollWidth, document.documentElement.clientWidth] };
      });
      expect(widths.main[0], name).toBeLessThanOrEqual(widths.main[1]!);
      expect(widths.page[0], name).toBeLessThanOrEqual(widths.page[1]!);
      expect(await textCollisions(page, '[data-testid="census-table"], .app-header'), name).toEqual([]);
      await shot(page, name);

      await go(page, `#/census/${encodeURIComponent(home.units[0]!.id)}`);
      await page.getByRole('heading', { level: 1, name: `Census — ${LONG_UNIT}` }).waitFor();
      const scroll = await page.evaluate(() => [document.querySelector('#main')!.scrollWidth, document.querySelector('#main')!.clientWidth]);
      expect(scroll[0], name).toBeLessThanOrEqual(scroll[1]!);
      await page.close();
    }
  });

  it('keeps a REFUSED badge, its time and the next event apart in the MAR at 1366 px and at 150%', async () => {
    const window = marWindow(home.context.status().snapshot!.asOf);
    const withRefusal = home.units
      .flatMap((u) => queries.census({ unit: u.id }).beds.flatMap((b) => (b.patient ? [b.patient.id] : [])))
      .find((id) => queries.mar({ patientId: id, ...window }).rows.some((r) => r.administrations.some((a) => a.status === 'not-done' && /refus/i.test(a.reason ?? ''))))!;
    expect(withRefusal).toBeDefined();
    for (const [viewport, deviceScaleFactor, name] of [
      [VIEWPORTS.ward, 1, 'chart-mar-refused-1366x768'],
      [VIEWPORTS.wardZoomed, 1.5, 'chart-mar-refused-911x512-at-150'],
    ] as const) {
      const page = await openPage(app, { viewport, deviceScaleFactor });
      await go(page, `#/patient/${encodeURIComponent(withRefusal)}/medications`);
      const refused = page.locator('[data-testid="mar-grid"] .mar-event[data-kind="refused"]').first();
      await refused.waitFor();
      expect(await refused.textContent()).toMatch(/^\d\d:\d\dREFUSED — Refused by patient$/);
      await refused.scrollIntoViewIfNeeded();
      await shot(page, name);
      expect(await textCollisions(page, '[data-testid="mar-grid"], .app-header, [data-testid="patient-banner"]'), name).toEqual([]);
      await page.close();
    }
  });

  it('keeps the text of the labs and vitals tables and of the patient banner apart at 1366 px and at 150%, a time with its zone included', async () => {
    for (const [viewport, deviceScaleFactor, size] of [
      [VIEWPORTS.ward, 1, '1366x768'],
      [VIEWPORTS.wardZoomed, 1.5, '911x512-at-150'],
    ] as const) {
      // A workstation at UTC+05:30, the longest zone name a time can carry.
      const page = await openPage(app, { viewport, deviceScaleFactor, timezoneId: 'Asia/Kolkata' });
      for (const [section, table] of [
        ['labs', 'labs-table'],
        ['vitals', 'vitals-table'],
      ] as const) {
        const name = `chart-${section}-zones-${size}`;
        await go(page, `#/patient/${encodeURIComponent(known.patient.id)}/${section}`);
        await page.getByTestId(table).waitFor();
        // The source's times are at UTC-04:00, the workstation's clock another: shown in the workstation's, its zone named.
        expect(await page.getByTestId(table).locator('tbody tr').first().locator('td').first().textContent(), name).toMatch(/^\d\d \w{3} \d{4} \d\d:\d\d UTC\+05:30$/);
        await shot(page, name);
        expect(await textCollisions(page, `[data-testid="${table}"], [data-testid="patient-banner"], .app-header`), name).toEqual([]);
        // Scrolled, the rows pass under the banner's strip: still no text on text.
        await page.evaluate(() => {
          document.querySelector('#main')!.scrollTop += 400;
        });
        expect(await textCollisions(page, `[data-testid="${table}"], [data-testid="patient-banner"], .app-header`), `${name} scrolled`).toEqual([]);
      }
      expect(page.errors).toEqual([]);
      await page.close();
    }
  });

  it('puts the focus on the new screen’s heading after every navigation, and back on it when search closes', async () => {
    const page = await openPage(app, { viewport: VIEWPORTS.ward });
    await expect.poll(() => activeHeading(page)).toMatch(/^H1:Census — /);
    const unit = home.units[1]!;
    await go(page, `#/census/${encodeURIComponent(unit.id)}`);
    await expect.poll(() => activeHeading(page)).toMatch(new RegExp(`^H1:Census — ${unit.name}`));

    // Open a chart from the census.
    await page.getByRole('link', { name: known.patient.name }).click();
    await expect.poll(() => activeHeading(page)).toBe(`H1:${known.patient.name}`);
    // Another section of the same chart: its own heading.
    await page.getByRole('link', { name: 'Vitals', exact: true }).click();
    await expect.poll(() => activeHeading(page)).toMatch(/^H2:Vital signs/);

    // Search opened and closed with Esc: back on the screen's heading, not the page body.
    await page.keyboard.press('Control+k');
    await page.keyboard.type('zz');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('search-dialog').count()).toBe(0);
    await expect.poll(() => activeHeading(page)).toBe(`H1:${known.patient.name}`);

    // Search to another patient: that chart's heading.
    const other = queries.census({ unit: unit.id }).beds.find((b) => b.patient && b.patient.id !== known.patient.id)!.patient!;
    await page.keyboard.press('Control+k');
    await page.keyboard.type(other.mrn!);
    await expect.poll(() => page.getByTestId('search-result').first().textContent()).toContain(other.name);
    await page.keyboard.press('Enter');
    await expect.poll(() => activeHeading(page)).toBe(`H1:${other.name}`);

    // Back to the census, by the header link and by Back.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Census' }).click();
    await expect.poll(() => activeHeading(page)).toMatch(/^H1:Census — /);
    await page.goBack();
    await expect.poll(() => activeHeading(page)).toBe(`H1:${other.name}`);
    await go(page, '#/protocols');
    await expect.poll(() => activeHeading(page)).toBe('H1:Protocols and forms');
    expect(page.errors).toEqual([]);
  });

  it('names the screen in the window title, never the patient', async () => {
    const page = await openPage(app, { viewport: VIEWPORTS.ward });
    const titles: string[] = [];
    const visit = async (hash: string, ready: () => Promise<unknown>, title: string) => {
      await go(page, hash);
      await ready();
      await expect.poll(() => page.title()).toBe(title);
      titles.push(await page.title());
    };
    const id = encodeURIComponent(known.patient.id);
    await visit(`#/census/${encodeURIComponent(home.units[0]!.id)}`, () => page.getByTestId('census-table').waitFor(), `Census — ${LONG_UNIT} · Lantern`);
    await visit(`#/census/${encodeURIComponent(home.units[1]!.id)}`, () => page.getByTestId('census-table').waitFor(), `Census — ${home.units[1]!.name} · Lantern`);
    await visit(`#/patient/${id}/summary`, () => page.getByTestId('patient-banner').waitFor(), 'Chart — Summary · Lantern');
    await visit(`#/patient/${id}/labs`, () => page.getByTestId('labs-table').waitFor(), 'Chart — Labs · Lantern');
    await visit(`#/print/summary/${id}`, () => page.getByTestId('print-ready').waitFor(), 'Print preview — Summary · Lantern');
    await visit(`#/print/mar/${id}`, () => page.getByTestId('print-ready').waitFor(), 'Print preview — MAR · Lantern');
    await visit('#/protocols', () => page.getByRole('heading', { level: 1, name: 'Protocols and forms' }).waitFor(), 'Protocols and forms · Lantern');
    // The printout's own heading names the patient; the title does not.
    await go(page, `#/print/summary/${id}`);
    await page.getByTestId('print-ready').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(known.patient.name);
    for (const title of [...titles, await page.title()]) for (const part of nameParts) expect(title).not.toContain(part);
  });

  it('leaves the print preview with Esc for the screen it was opened from', async () => {
    const page = await openPage(app, { viewport: VIEWPORTS.ward });
    const id = encodeURIComponent(known.patient.id);
    await go(page, `#/patient/${id}/medications`);
    await page.getByTestId('mar-grid').waitFor();
    await page.getByRole('link', { name: 'Print MAR' }).click();
    await page.getByTestId('print-ready').waitFor();
    await expect.poll(() => activeHeading(page)).toBe(`H1:MAR — ${known.patient.name}`);

    // Esc in search closes only the search.
    await page.keyboard.press('Control+k');
    await page.getByTestId('search-dialog').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('search-dialog').count()).toBe(0);
    expect(await page.evaluate(() => window.location.hash)).toBe(`#/print/mar/${id}`);

    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#/patient/${id}/medications`);
    await page.getByTestId('mar-grid').waitFor();
    await expect.poll(() => activeHeading(page)).toBe(`H1:${known.patient.name}`);

    // From the census's Print census, Esc returns to that census.
    const unit = encodeURIComponent(home.units[1]!.id);
    await go(page, `#/census/${unit}`);
    await page.getByTestId('census-table').waitFor();
    await page.getByRole('link', { name: 'Print census' }).click();
    await page.getByTestId('print-ready').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#/census/${unit}`);

    // A preview opened as the first screen (a link from elsewhere): Esc still lands on its chart.
    const direct = await openPage(app, { viewport: VIEWPORTS.ward });
    await direct.evaluate((h) => window.location.replace(h), `#/print/summary/${id}`);
    await direct.getByTestId('print-ready').waitFor();
    await direct.keyboard.press('Escape');
    await expect.poll(() => direct.evaluate(() => window.location.hash)).toBe(`#/patient/${id}/summary`);
    await direct.getByTestId('patient-banner').waitFor();
    expect(page.errors).toEqual([]);
    expect(direct.errors).toEqual([]);
  });
});
