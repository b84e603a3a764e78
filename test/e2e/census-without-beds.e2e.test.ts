import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CENSUS_GROUP_LIMIT } from '../../electron/shared/defaults';
import { formatDate, formatDateTime } from '../../renderer/src/lib/time';
import { chromiumPath, go, openPage, pdfPageTexts, shot, squash, startApp, VIEWPORTS, type App } from './support/app';
import { generatedHome, type E2eHome } from './support/homes';
import { removeBeds, WALK_IN, type BedlessPatient } from '../support/without-beds';

/**
 * The census of an export without bed Locations (support/without-beds.ts): the generated
 * hospital with its beds removed and its encounters pointing at rooms, units, beds it no longer
 * has, or nowhere. Every patient is listed, under a heading with its count, printable with name,
 * MRN and birth date, and found by search with "No bed recorded" where the bed would be.
 */
describe.skipIf(!chromiumPath)('census of an export without beds', () => {
  let home: E2eHome;
  let app: App;
  let expected: BedlessPatient[];

  beforeAll(async () => {
    home = await generatedHome({ beds: 16, units: 3, edit: (dir) => void (expected = removeBeds(dir)) });
    app = await startApp(home.context);
  });
  afterAll(async () => {
    await app?.close();
    home?.close();
  });

  /** The text of the census row that names this MRN. */
  const rowOf = (page: Awaited<ReturnType<typeof openPage>>, mrn: string) => page.getByTestId('census-row').filter({ hasText: `MRN ${mrn}` });

  it("opens on a unit's census: its patients without a bed under a heading with their count, and a way to everyone else", async () => {
    const page = await openPage(app);
    // The first unit by name: the Emergency Department, whose visits name the unit itself.
    await page.getByTestId('census-group').first().waitFor();
    const ed = expected.filter((e) => e.unitId === 'unit-ed');
    expect(ed.length).toBeGreaterThan(0);
    const groups = page.getByTestId('census-group');
    expect(await groups.count()).toBe(1);
    expect(await groups.locator('h2').textContent()).toBe(`Emergency · Emergency Department ${ed.length} patient${ed.length === 1 ? '' : 's'} without a bed`);
    for (const p of ed) {
      const row = rowOf(page, p.mrn);
      expect(await row.textContent()).toContain(p.name);
      expect(await row.textContent()).toContain(`DOB ${formatDate(p.birthDate)}`);
      expect(await row.locator('th').textContent()).toBe('No bed recorded');
    }
    const unitless = expected.filter((e) => e.unitId === null).length;
    expect(await page.getByTestId('census-elsewhere').textContent()).toContain(`${unitless} patients have neither a bed nor a unit`);
    await shot(page, 'census-no-beds-unit-1280x800');
    await page.getByTestId('census-elsewhere').getByRole('link').click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/all-patients');
    await expect.poll(() => groups.count()).toBe(5);
    expect(page.errors).toEqual([]);
  });

  it('lists every patient once in the all-patients census, by class and unit, with name, MRN and birth date as in the FHIR', async () => {
    const page = await openPage(app, { viewport: VIEWPORTS.station });
    await go(page, '#/all-patients');
    await expect.poll(() => page.getByTestId('census-group').count()).toBe(5);
    const titles = await page.getByTestId('census-group').locator('h2').allTextContents();
    const count = (group: string) => expected.filter((e) => e.group === group).length;
    const heading = (group: string) => `${group} ${count(group)} patient${count(group) === 1 ? '' : 's'} without a bed`;
    expect(titles).toEqual(
      ['Inpatient · Medical ICU', 'Inpatient · no unit recorded', 'Emergency · Emergency Department', 'Ambulatory · no unit recorded', 'No bed recorded'].map(heading),
    );
    expect(await page.getByTestId('census-row').count()).toBe(expected.length);
    for (const p of expected) {
      const row = rowOf(page, p.mrn);
      expect(await row.count(), p.mrn).toBe(1);
      const text = (await row.textContent())!;
      expect(text).toContain(p.name);
      expect(text).toContain(`DOB ${formatDate(p.birthDate)}`);
      const where = p.room ? `No bed recorded (room ${p.room})` : p.place ? `No bed recorded (${p.place})` : 'No bed recorded';
      expect(await row.locator('th').textContent(), p.name).toBe(where);
      const section = page.getByTestId('census-group').filter({ has: row });
      expect(await section.locator('h2').textContent()).toBe(heading(p.group));
    }
    expect(await page.getByTestId('census-count').textContent()).toContain(`${expected.length} without a bed`);
    await shot(page, 'census-no-beds-all-1920x1080');
    expect(page.errors).toEqual([]);
  });

  it('prints the all-patients census with name, MRN and birth date of each, under the group headings, with the data-as-of on every page', async () => {
    const page = await openPage(app, { viewport: VIEWPORTS.station });
    await go(page, '#/all-patients');
    await page.getByTestId('census-group').first().waitFor();
    await page.getByRole('link', { name: 'Print census' }).click();
    await page.getByTestId('print-ready').waitFor();
    expect(await page.getByTestId('census-print-group').count()).toBe(5);
    const pdf = await page.pdf({ printBackground: true, preferCSSPageSize: true });
    const pages = await pdfPageTexts(pdf);
    const asOf = formatDateTime(home.context.status().snapshot!.asOf);
    pages.forEach((text, i) => {
      expect(text, `page ${i + 1}`).toContain('DOWNTIME COPY — READ ONLY');
      expect(text, `page ${i + 1}`).toContain(`Data as of ${asOf}`);
    });
    const all = squash(pages.join(' '));
    expect(all).toContain(squash(`No bed recorded — ${expected.filter((e) => e.group === 'No bed recorded').length} patients without a bed`));
    for (const p of expected) {
      expect(all, p.name).toContain(squash(p.name));
      expect(all, p.name).toContain(squash(`MRN ${p.mrn}`));
      expect(all, p.name).toContain(squash(formatDate(p.birthDate)));
    }
    await shot(page, 'print-census-no-beds-1920x1080');
    expect(page.errors).toEqual([]);
  });

  it("prints a unit's MAR for its patients without a bed", async () => {
    const page = await openPage(app, { viewport: VIEWPORTS.station });
    await go(page, '#/print/mar-unit/unit-icu');
    await page.getByTestId('print-ready').waitFor();
    const printed = squash((await pdfPageTexts(await page.pdf({ printBackground: true, preferCSSPageSize: true }))).join(' '));
    const icu = expected.filter((e) => e.unitId === 'unit-icu');
    expect(icu.length).toBeGreaterThan(0);
    for (const p of icu) {
      expect(printed, p.name).toContain(squash(p.name));
      expect(printed, p.name).toContain(squash(`MRN ${p.mrn}`));
      expect(printed, p.name).toContain(squash(`Medical ICU · No bed recorded (room ${p.room})`));
    }
    for (const p of expected.filter((e) => e.unitId !== 'unit-icu')) expect(printed, p.name).not.toContain(squash(`MRN ${p.mrn}`));
    expect(page.errors).toEqual([]);
  });

  it('search finds a patient with no encounter; the chart opens and says "No bed recorded" where the bed would be', async () => {
    const page = await openPage(app);
    await page.keyboard.press('Control+k');
    await page.keyboard.type(WALK_IN.mrn);
    const result = page.getByTestId('search-result').first();
    await expect.poll(() => result.textContent()).toContain(`${WALK_IN.family}, ${WALK_IN.given}`);
    expect(await result.textContent()).toContain('No bed recorded');
    await page.keyboard.press('Enter');
    await page.getByTestId('patient-banner').waitFor();
    expect(await page.getByTestId('banner-name').textContent()).toBe(`${WALK_IN.family}, ${WALK_IN.given}`);
    expect(await page.getByTestId('banner-mrn').textContent()).toBe(`MRN ${WALK_IN.mrn}`);
    expect(await page.getByTestId('banner-dob').textContent()).toContain(formatDate(WALK_IN.birthDate));
    expect(await page.getByTestId('patient-banner').textContent()).toContain('No bed recorded');

    const icu = expected.find((e) => e.unitId === 'unit-icu')!;
    await page.keyboard.press('Control+k');
    await page.keyboard.type(icu.mrn);
    await expect.poll(() => page.getByTestId('search-result').first().textContent()).toContain(`Medical ICU · No bed recorded (room ${icu.room})`);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('banner-name').textContent()).toBe(icu.name);
    expect(await page.getByTestId('patient-banner').textContent()).toContain(`Medical ICU · No bed recorded (room ${icu.room})`);
    expect(page.errors).toEqual([]);
  });
});

/**
 * A health system's export: more patients without a bed than the screen lists. The screen shows
 * the first CENSUS_GROUP_LIMIT with the way to the others; the printed census lists every one.
 */
describe.skipIf(!chromiumPath)('printed census of more patients without a bed than the screen lists', () => {
  const EXTRA = 40;
  let home: E2eHome;
  let app: App;
  /** Name, MRN and birth date of every Patient the export sent, by id. */
  const sent = new Map<string, { name: string; mrn: string; birthDate: string }>();

  beforeAll(async () => {
    home = await generatedHome({
      beds: 6,
      units: 1,
      indexPatients: CENSUS_GROUP_LIMIT + EXTRA,
      edit: (dir) => {
        for (const line of readFileSync(path.join(dir, 'Patient.ndjson'), 'utf8').split('\n').filter(Boolean)) {
          const p = JSON.parse(line) as { id: string; name: Array<{ family: string; given: string[] }>; identifier: Array<{ value: string; type?: { coding?: Array<{ code?: string }> } }>; birthDate: string };
          const mrn = p.identifier.find((i) => i.type?.coding?.some((c) => c.code === 'MR')) ?? p.identifier[0]!;
          sent.set(p.id, { name: `${p.name[0]!.family}, ${p.name[0]!.given.join(' ')}`, mrn: mrn.value, birthDate: p.birthDate });
        }
      },
    });
    app = await startApp(home.context);
  });
  afterAll(async () => {
    await app?.close();
    home?.close();
  });

  it('shows the first CENSUS_GROUP_LIMIT on screen and prints every patient of the group with name, MRN and birth date', async () => {
    const queries = home.context.queries()!;
    const inBeds = new Set(queries.census({}).beds.flatMap((b) => (b.patient ? [b.patient.id] : [])));
    const without = [...sent].filter(([id]) => !inBeds.has(id)).map(([, p]) => p);
    expect(without).toHaveLength(CENSUS_GROUP_LIMIT + EXTRA);

    const page = await openPage(app, { viewport: VIEWPORTS.station });
    await go(page, '#/all-patients');
    const group = page.getByTestId('census-group').filter({ hasText: 'No bed recorded' });
    await group.waitFor();
    expect(await group.getByTestId('census-group-cut').textContent()).toBe(
      `Showing the first ${CENSUS_GROUP_LIMIT} of ${CENSUS_GROUP_LIMIT + EXTRA} (by name) — find the others with Search. (Ctrl+K or /)`,
    );
    expect(await group.getByTestId('census-row').count()).toBe(CENSUS_GROUP_LIMIT);

    await page.getByRole('link', { name: 'Print census' }).click();
    await page.getByTestId('print-ready').waitFor();
    const printedGroup = page.getByTestId('census-print-group');
    expect(await printedGroup.count()).toBe(1);
    // A heading row, then one row per patient, and no "Showing the first" line.
    const rows = await printedGroup.locator('tr').allTextContents();
    expect(rows[0]).toContain(`No bed recorded — ${CENSUS_GROUP_LIMIT + EXTRA} patients without a bed`);
    expect(rows.slice(1)).toHaveLength(CENSUS_GROUP_LIMIT + EXTRA);
    expect(rows.join(' ')).not.toContain('Showing the first');

    const all = squash((await pdfPageTexts(await page.pdf({ printBackground: true, preferCSSPageSize: true }))).join(' '));
    for (const p of without) {
      expect(all, p.name).toContain(squash(p.name));
      expect(all, p.name).toContain(squash(`MRN ${p.mrn}`));
      expect(all, p.name).toContain(squash(formatDate(p.birthDate)));
    }
    expect(all).not.toContain(squash('Showing the first'));
    expect(page.errors).toEqual([]);
  });
});
