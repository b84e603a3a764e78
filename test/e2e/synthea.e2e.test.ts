import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chart } from '../../electron/shared/contract';
import { testName } from '../../electron/shared/observation-text';
import { formatDate } from '../../renderer/src/lib/time';
import { HAS_SYNTHEA } from '../support/fixtures';
import { chromiumPath, go, openPage, shot, startApp, VIEWPORTS, type App } from './support/app';
import { syntheaHome, type E2eHome } from './support/homes';

/**
 * The UI on a real-world-shaped export: the shared Synthea fixture (read in place),
 * published, ingested and opened like any snapshot. Its patients have no current bed.
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

  it('says the census is empty rather than showing a blank page', async () => {
    const page = await openPage(app);
    await page.getByTestId('census-empty').waitFor();
    await shot(page, 'synthea-census-empty-1280x800');
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
