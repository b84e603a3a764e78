import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chart, HomeQueries } from '../../electron/shared/contract';
import { runCli } from '../support/cli';
import { chromiumPath, go, openPage, pdfPageTexts, squash, startApp, type App } from './support/app';
import { generatedHome, type E2eHome } from './support/homes';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const VITALS = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }];
const CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
/** The codes whose generated readings make way for the planted old ones. */
const REPLACED = new Set(['8310-5', '29463-7', '8302-2']);

/**
 * What the export says for the first patient (the browser and this process run in UTC, see
 * support/app.ts): a temperature taken in 2015 at an offset of -04:00, a weight from 2019 at
 * the same offset, a height recorded as a date only, and a penicillin allergy next to a
 * resolved latex one.
 */
const TEMPERATURE_AT = '2015-04-30T21:48:00-04:00';
const WEIGHT_AT = '2019-03-12T09:30:00-04:00';
const HEIGHT_ON = '2019-03-12';
// Written out, not computed with the code under test: the source's clock is not UTC, so the
// time is shown in the workstation's zone (UTC, across midnight) and the zone is named.
const TEMPERATURE_SHOWN = '01 May 2015 01:48 UTC';
const WEIGHT_SHOWN = '12 Mar 2019 13:30 UTC';
const OLD_DATE = '12 Mar 2019';
const PAST_ALLERGY = 'No longer active: Latex (Hives) — resolved';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
/** A day and month not followed by a year, in whitespace-free text ("30Apr21:48"). */
const YEARLESS = new RegExp(`\\d{2}${MONTH}(?!\\d{4})`);

function rewrite(fhirDir: string, type: string, keep: (r: Record<string, unknown>) => boolean, add: object[]): void {
  const file = path.join(fhirDir, `${type}.ndjson`);
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const kept = lines.filter((l) => keep(JSON.parse(l) as Record<string, unknown>));
  writeFileSync(file, `${[...kept, ...add.map((r) => JSON.stringify(r))].join('\n')}\n`);
  const manifestFile = path.join(fhirDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { output: Array<{ type: string; count?: number }> };
  for (const o of manifest.output) if (o.type === type && typeof o.count === 'number') o.count = kept.length + add.length;
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
}

function plantOldReadings(fhirDir: string): string {
  const id = (JSON.parse(readFileSync(path.join(fhirDir, 'Patient.ndjson'), 'utf8').split('\n')[0]!) as { id: string }).id;
  const ref = `Patient/${id}`;
  const refOf = (r: Record<string, unknown>) => ((r['subject'] ?? r['patient']) as { reference?: string } | undefined)?.reference;
  const codeOf = (r: Record<string, unknown>) => (r['code'] as { coding?: Array<{ code?: string }> } | undefined)?.coding?.[0]?.code ?? '';
  const vital = (n: string, code: string, display: string, value: number, unit: string, when: string) => ({
    resourceType: 'Observation',
    id: `e2e-old-${n}`,
    status: 'final',
    category: VITALS,
    code: { coding: [{ system: LOINC, code, display }] },
    subject: { reference: ref },
    effectiveDateTime: when,
    valueQuantity: { value, unit, system: UCUM, code: unit },
  });
  rewrite(fhirDir, 'Observation', (r) => refOf(r) !== ref || !REPLACED.has(codeOf(r)), [
    vital('temperature', '8310-5', 'Body temperature', 37.9, 'Cel', TEMPERATURE_AT),
    vital('weight', '29463-7', 'Body weight', 61.2, 'kg', WEIGHT_AT),
    vital('height', '8302-2', 'Body height', 162, 'cm', HEIGHT_ON),
  ]);
  const allergy = (n: string, substance: string, clinical: string, reaction?: string) => ({
    resourceType: 'AllergyIntolerance',
    id: `e2e-old-${n}`,
    patient: { reference: ref },
    code: { text: substance },
    clinicalStatus: { coding: [{ system: CLINICAL, code: clinical }] },
    ...(reaction ? { reaction: [{ manifestation: [{ text: reaction }] }] } : {}),
  });
  rewrite(fhirDir, 'AllergyIntolerance', (r) => refOf(r) !== ref, [allergy('penicillin', 'Penicillin', 'active'), allergy('latex', 'Latex', 'resolved', 'Hives')]);
  return id;
}

/** Every date with its year, one clock on screen, on paper and in the CLI, old values dated. */
describe.skipIf(!chromiumPath)('dates, years and zones', () => {
  let id = '';
  let home: E2eHome;
  let app: App;
  let chart: Chart;

  beforeAll(async () => {
    home = await generatedHome({
      beds: 4,
      units: 1,
      edit: (dir) => {
        id = plantOldReadings(dir);
      },
    });
    app = await startApp(home.context);
    chart = (home.context.queries() as HomeQueries).chart({ patientId: id });
  });
  afterAll(async () => {
    await app?.close();
    home?.close();
  });

  it('carries the source’s times to the chart as sent', () => {
    expect(chart.weightAt).toBe(WEIGHT_AT);
    expect(chart.heightAt).toBe(HEIGHT_ON);
    expect(chart.weight).toMatch(/^61\.2\b/);
    expect(chart.height).toMatch(/^162\b/);
    expect(chart.latestVitals.find((v) => v.code.code === '8310-5')?.at).toBe(TEMPERATURE_AT);
  });

  it('shows the 2015 temperature, the old weight and height with their years, and the past allergy apart', async () => {
    const page = await openPage(app);
    await go(page, `#/patient/${encodeURIComponent(id)}/summary`);
    await page.getByTestId('summary-vitals').waitFor();
    expect(await page.getByTestId('banner-weight').textContent()).toBe(`${chart.weight} (${OLD_DATE})`);
    expect(await page.getByTestId('banner-height').textContent()).toBe(`${chart.height} (${OLD_DATE})`);
    expect(await page.getByTestId('banner-past-allergies').textContent()).toBe(PAST_ALLERGY);
    expect(squash((await page.getByTestId('banner-allergies').textContent()) ?? '')).not.toContain('Latex');

    const vitals = page.getByTestId('summary-vitals');
    const row = (display: string) => vitals.locator('div.contents').filter({ has: page.locator('dt', { hasText: display }) });
    const temperature = (await row(chart.latestVitals.find((v) => v.code.code === '8310-5')!.code.display).textContent()) ?? '';
    expect(temperature).toContain('37.9');
    expect(temperature).toContain(TEMPERATURE_SHOWN);
    expect(await row(chart.latestVitals.find((v) => v.code.code === '29463-7')!.code.display).textContent()).toContain(WEIGHT_SHOWN);
    // A date-only height stays a date: no invented midnight, no zone.
    const height = (await row(chart.latestVitals.find((v) => v.code.code === '8302-2')!.code.display).textContent()) ?? '';
    expect(height).toContain(OLD_DATE);
    expect(height).not.toMatch(/\d{2}:\d{2}|UTC/);

    const summary = squash((await page.locator('main').textContent()) ?? '');
    expect(summary).toContain(squash(PAST_ALLERGY));
    expect(summary).not.toMatch(YEARLESS);

    await go(page, `#/patient/${encodeURIComponent(id)}/vitals`);
    const table = page.getByTestId('vitals-table');
    await table.waitFor();
    expect(squash((await table.textContent()) ?? '')).not.toMatch(YEARLESS);
    // The table is virtualized and newest first: the 2015 reading is the last row.
    await table.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect.poll(async () => squash((await table.textContent()) ?? '')).toContain(squash(TEMPERATURE_SHOWN));
    expect(squash((await table.textContent()) ?? '')).not.toMatch(YEARLESS);

    // The trend plots' time axes: the first and last reading in the tables' words, each with its year.
    const axes = page.getByTestId('trend').locator('svg text[data-testid^="trend-axis"]');
    await axes.first().waitFor();
    const labels = await axes.allTextContents();
    expect(labels.length).toBeGreaterThanOrEqual(2);
    for (const label of labels) {
      expect(label).toMatch(new RegExp(`^\\d{2} ${MONTH} \\d{4} \\d{2}:\\d{2}( UTC([+-]\\d{2}:\\d{2})?)?$`));
      expect(squash(label)).not.toMatch(YEARLESS);
    }
    expect(squash((await page.getByTestId('trend').locator('svg').allTextContents()).join(' '))).not.toMatch(YEARLESS);
  });

  it('prints the same dates on the summary and years on the MAR', async () => {
    const page = await openPage(app);
    await go(page, `#/print/summary/${encodeURIComponent(id)}`);
    await page.getByTestId('print-ready').waitFor();
    const pages = await pdfPageTexts(await page.pdf({ preferCSSPageSize: true }));
    const all = squash(pages.join(' '));
    for (const [n, text] of pages.entries()) expect(squash(text), `page ${n + 1}`).toContain(squash(`Weight: ${chart.weight} (${OLD_DATE})`));
    expect(all).toContain(squash(`37.9`));
    expect(all).toContain(squash(`(${TEMPERATURE_SHOWN})`));
    expect(all).toContain(squash(`(${WEIGHT_SHOWN})`));
    expect(all).toContain(squash(`(${OLD_DATE})`));
    expect(all).toContain(squash(PAST_ALLERGY));
    expect(all).not.toMatch(YEARLESS);

    await go(page, '#/');
    await go(page, `#/print/mar/${encodeURIComponent(id)}`);
    await page.getByTestId('print-ready').waitFor();
    const mar = squash((await pdfPageTexts(await page.pdf({ preferCSSPageSize: true }))).join(' '));
    expect(mar).toMatch(new RegExp(`MAR\\d{2}${MONTH}\\d{4}\\d{2}:\\d{2}–\\d{2}${MONTH}\\d{4}`));
    expect(mar).not.toMatch(YEARLESS);
  });

  it('says the same in the CLI: the same clock for the same reading, old values dated', async () => {
    const page = await openPage(app);
    await go(page, `#/patient/${encodeURIComponent(id)}/vitals`);
    const first = page.getByTestId('vitals-table').locator('[role="row"][aria-rowindex="2"] [role="cell"]').first();
    await first.waitFor();
    const newest = ((await first.textContent()) ?? '').trim();
    expect(newest).toMatch(new RegExp(`^\\d{2} ${MONTH} \\d{4} \\d{2}:\\d{2}`));

    const cli = await runCli(['chart', id, '--home', home.dir]);
    expect(cli.code, cli.err).toBe(0);
    expect(cli.out).toContain(`Weight: ${chart.weight} (${OLD_DATE})   Height: ${chart.height} (${OLD_DATE})`);
    const vitalsSection = cli.out.split('== Vital signs')[1]!;
    expect(vitalsSection.split('\n')[3]).toContain(newest);
    expect(cli.out).toContain('== Allergies (1)\n  Penicillin');
    expect(cli.out).toContain('== Allergies no longer active (1)\n  Latex (Hives) — resolved');
  });
});
