import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chart } from '../../electron/shared/contract';
import { testName } from '../../electron/shared/observation-text';
import { formatDate, formatDateTime } from '../../renderer/src/lib/time';
import { HAS_SYNTHEA, SYNTHEA_DIR } from '../support/fixtures';
import { chromiumPath, go, openPage, pdfPageTexts, shot, squash, startApp, VIEWPORTS, type App } from './support/app';
import { syntheaHome, type E2eHome } from './support/homes';

/**
 * The UI on a real-world-shaped export: the shared Synthea fixture (read in place),
 * published, ingested and opened like any snapshot. Its patients have no current bed: the census
 * lists them under "No bed recorded".
 */
describe.skipIf(!chromiumPath || !HAS_SYNTHEA)('nursing station on the Synthea export', () => {
  let home: E2eHome;
  let app: App;
  let chart: Chart;

  beforeAll(async () => {
    home = await syntheaHome();
    app = await startApp(home.context);
    const [hit] = home.context.queries()!.search({ text: 'Mayert', limit: 5 });
    chart = home.context.queries()!.chart({ patientId: hit!.id });
  });
  afterAll(async () => {
    await app?.close();
    home?.close();
  });

  it('lists its ten patients under "No bed recorded", with name, MRN and birth date, and prints them', async () => {
    const patients = readFileSync(path.join(SYNTHEA_DIR, 'Patient.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { name: Array<{ family: string; given: string[] }>; birthDate: string; identifier: Array<{ type?: { coding?: Array<{ code?: string }> }; value: string }> })
      .map((p) => ({
        name: `${p.name[0]!.family}, ${p.name[0]!.given.join(' ')}`,
        mrn: p.identifier.find((i) => i.type?.coding?.some((c) => c.code === 'MR'))!.value,
        birthDate: p.birthDate,
      }));
    expect(patients).toHaveLength(10);
    const page = await openPage(app);
    const group = page.getByTestId('census-group');
    await group.waitFor();
    expect(await group.locator('h2').textContent()).toBe('No bed recorded 10 patients without a bed');
    expect(await page.getByTestId('census-row').count()).toBe(10);
    for (const p of patients) {
      const row = page.getByTestId('census-row').filter({ hasText: `MRN ${p.mrn}` });
      expect(await row.textContent(), p.mrn).toContain(p.name);
      expect(await row.textContent(), p.mrn).toContain(`DOB ${formatDate(p.birthDate)}`);
    }
    await shot(page, 'synthea-census-no-bed-1280x800');

    await page.getByRole('link', { name: 'Print census' }).click();
    await page.getByTestId('print-ready').waitFor();
    const printed = squash((await pdfPageTexts(await page.pdf({ printBackground: true, preferCSSPageSize: true }))).join(' '));
    expect(printed).toContain(squash(`Data as of ${formatDateTime(home.context.status().snapshot!.asOf)}`));
    for (const p of patients) {
      expect(printed, p.mrn).toContain(squash(p.name));
      expect(printed, p.mrn).toContain(squash(`MRN ${p.mrn}`));
      expect(printed, p.mrn).toContain(squash(formatDate(p.birthDate)));
    }
    expect(page.errors).toEqual([]);
  });

  it('finds Francesco Mayert by name and by MRN, and shows his chart with allergies in the banner', async () => {
    const page = await openPage(app, { viewport: VIEWPORTS.station });
    await page.keyboard.press('Control+k');
    await page.keyboard.type('mayert');
    await expect.poll(() => page.getByTestId('search-result').first().textContent()).toContain(chart.patient.name);
    await page.keyboard.press('Escape');

    await page.keyboard.press('Control+k');
    await page.keyboard.type(chart.patient.mrn!);
    await expect.poll(() => page.getByTestId('search-result').first().textContent()).toContain(chart.patient.name);
    await page.keyboard.press('Enter');
    await page.getByTestId('patient-banner').waitFor();
    expect(await page.getByTestId('banner-mrn').textContent()).toBe(`MRN ${chart.patient.mrn}`);
    expect(await page.getByTestId('banner-dob').textContent()).toContain(formatDate('1977-07-01'));
    expect(await page.getByTestId('patient-banner').textContent()).toContain('No bed recorded');
    const allergies = await page.getByTestId('banner-allergies').textContent();
    expect(chart.allergySummary.active.length).toBeGreaterThan(0);
    for (const a of chart.allergySummary.active) expect(allergies).toContain(a.substance);
    await shot(page, 'synthea-chart-summary-1920x1080');
  });

  it('shows his medications, labs with flags, vitals trends and the records the chart does not map', async () => {
    const page = await openPage(app);
    const id = encodeURIComponent(chart.patient.id);
    await go(page, `#/patient/${id}/medications`);
    await page.getByTestId('mar-grid').waitFor();
    expect(await page.getByTestId('medications-table').textContent()).toContain(chart.medications[0]!.medication);

    await go(page, `#/patient/${id}/labs`);
    if (chart.labs.length > 0) {
      await page.getByTestId('labs-table').waitFor();
      const newest = [...chart.labs].sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''))[0]!;
      expect(await page.getByTestId('labs-table').textContent()).toContain(testName(newest.code).name);
    }
    await go(page, `#/patient/${id}/vitals`);
    await page.getByTestId('vitals-table').waitFor();
    expect(await page.getByTestId('trend').count()).toBeGreaterThan(0);
    await shot(page, 'synthea-chart-vitals-1280x800');

    await go(page, `#/patient/${id}/other`);
    const counts = page.getByTestId('record-counts');
    await counts.waitFor();
    for (const type of Object.keys(chart.counts)) expect(await counts.textContent()).toContain(type);
    expect(page.errors).toEqual([]);
  });
});
