import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HomeQueries, Census, Chart } from '../../electron/shared/contract';
import { testName } from '../../electron/shared/observation-text';
import { marWindow } from '../../renderer/src/lib/mar-grid';
import { formatDate, formatDateTime } from '../../renderer/src/lib/time';
import { chromiumPath, go, openPage, pdfPageTexts, shot, squash, startApp, VIEWPORTS, type App } from './support/app';
import { generatedHome, HOSTILE_TEXT, type E2eHome } from './support/homes';

/**
 * The nursing-station UI in Chromium, through the preview server, on a real workstation
 * home: the generator's hospital published into a signed, encrypted snapshot and ingested.
 */
describe.skipIf(!chromiumPath)('nursing station on a generated hospital', () => {
  let home: E2eHome & { hostilePatientId: string };
  let app: App;
  let queries: HomeQueries;
  let census: Census;
  /** A patient on the first unit with at least one allergy: the one the specs know. */
  let known: Chart;

  beforeAll(async () => {
    home = await generatedHome({ beds: 16, units: 2 });
    app = await startApp(home.context);
    queries = home.context.queries()!;
    census = queries.census({ unit: home.units[0]!.id });
    const charts = census.beds.flatMap((b) => (b.patient ? [queries.chart({ patientId: b.patient.id })] : []));
    known = charts.find((c) => c.allergySummary.active.length > 0 && c.labs.some((l) => l.abnormal)) ?? charts[0]!;
  });
  afterAll(async () => {
    await app?.close();
    home?.close();
  });

  it('shows the census of the unit: beds in order, patients with two identifiers, empty beds, flags', async () => {
    const page = await openPage(app);
    await go(page, `#/census/${census.unit!.id}`);
    await page.getByRole('heading', { level: 1, name: `Census — ${census.unit!.name}` }).waitFor();
    const rows = page.getByTestId('census-row');
    expect(await rows.count()).toBe(census.beds.length);
    const first = census.beds.find((b) => b.patient)!.patient!;
    const row = rows.filter({ hasText: first.name });
    await expect.poll(() => row.textContent()).toContain(`MRN ${first.mrn}`);
    const empty = census.beds.filter((b) => !b.patient).length;
    expect(await page.getByText('Empty bed', { exact: true }).count()).toBe(empty);
    expect(await page.getByTestId('allergy-flag').count()).toBe(census.beds.filter((b) => b.patient?.allergies.state === 'allergies').length);
    // Header: facility/unit, read-only, data-as-of with its age.
    expect(await page.getByTestId('facility').textContent()).toContain(census.unit!.name);
    expect(await page.getByTestId('as-of').textContent()).toMatch(/^as of \d\d \w{3} \d{4} \d\d:\d\d · \d+ min ago$/);
    await shot(page, 'census-1280x800');
    await page.setViewportSize(VIEWPORTS.station);
    await shot(page, 'census-1920x1080');

    // Unit switcher.
    const other = census.units.find((u) => u.id !== census.unit!.id)!;
    await page.getByRole('link', { name: other.name }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain(other.name);
    expect(page.errors).toEqual([]);
  });

  it('opens the first unit when none is chosen, and never overwrites a screen chosen while that census loads', async () => {
    const page = await openPage(app);
    const first = `#/census/${encodeURIComponent(queries.census({}).units[0]!.id)}`;
    expect(await page.evaluate(() => window.location.hash)).toBe(first);
    // Hold the all-units census; meanwhile the address moves on before the app has caught up
    // (replaceState fires no event): the census that then arrives must leave it alone.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked!: () => void;
    const requested = new Promise<void>((resolve) => (asked = resolve));
    await page.route('**/ipc/census', async (route) => {
      asked();
      await held;
      await route.continue();
    });
    await go(page, '#/census');
    await requested;
    await page.evaluate(() => window.history.replaceState(null, '', '#/protocols'));
    release();
    await page.getByTestId('census-row').first().waitFor();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 100))));
    expect(await page.evaluate(() => window.location.hash)).toBe('#/protocols');
  });

  it('finds a patient by name and by MRN from the keyboard alone, and opens the chart', async () => {
    const page = await openPage(app);
    const family = known.patient.name.split(/[ ,]+/)[0]!;

    await page.keyboard.press('Control+k');
    await page.keyboard.type(family);
    const result = page.getByTestId('search-result').filter({ hasText: known.patient.name });
    await result.waitFor();
    expect(await result.textContent()).toContain(`MRN ${known.patient.mrn}`);
    await shot(page, 'search-1280x800');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('search-dialog').isVisible()).toBe(false);

    await page.locator('body').press('/');
    await page.keyboard.type(known.patient.mrn!);
    await expect.poll(() => page.getByTestId('search-result').first().textContent()).toContain(known.patient.name);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('banner-mrn').textContent()).toBe(`MRN ${known.patient.mrn}`);
    expect(await page.getByTestId('banner-name').textContent()).toBe(known.patient.name);

    // By birth date and by room too.
    for (const text of [known.patient.birthDate!, known.patient.location!.room!]) {
      await page.keyboard.press('Control+k');
      await page.keyboard.type(text);
      await expect.poll(async () => (await page.getByTestId('search-result').allTextContents()).join('|')).toContain(known.patient.name);
      await page.keyboard.press('Escape');
    }
  });

  it('shows the chart sections with this patient’s data, the banner with allergies always in view', async () => {
    const page = await openPage(app, { viewport: VIEWPORTS.laptop });
    const id = encodeURIComponent(known.patient.id);
    await go(page, `#/patient/${id}/summary`);
    await page.getByTestId('patient-banner').waitFor();
    expect(await page.getByTestId('banner-dob').textContent()).toContain(formatDate(known.patient.birthDate));
    const allergies = await page.getByTestId('banner-allergies').textContent();
    for (const a of known.allergySummary.active) expect(allergies).toContain(a.substance);
    await shot(page, 'chart-summary-1280x800');

    await go(page, `#/patient/${id}/medications`);
    await page.getByTestId('mar-grid').waitFor();
    const activeMed = known.medications.find((m) => m.status === 'active')!;
    expect(await page.getByTestId('medications-table').textContent()).toContain(activeMed.medication);
    const mar = queries.mar({ patientId: known.patient.id, ...marWindow(known.asOf) });
    expect(await page.getByTestId('mar-row').count()).toBe(mar.rows.length);
    expect(await page.getByTestId('mar-grid').textContent()).toMatch(/Given/);
    await shot(page, 'chart-mar-1280x800');
    // Scrolled to the bottom of a long section, the banner is still on screen.
    await page.locator('#main').evaluate((m) => m.scrollTo(0, m.scrollHeight));
    expect(await page.getByTestId('patient-banner').isVisible()).toBe(true);
    const box = await page.getByTestId('patient-banner').boundingBox();
    expect(box && box.y >= 0 && box.y < VIEWPORTS.laptop.height / 2).toBe(true);

    await go(page, `#/patient/${id}/labs`);
    await page.getByTestId('labs-table').waitFor();
    const labs = await page.getByTestId('labs-table').textContent();
    const abnormal = [...known.labs].sort((a, b) => (b.at ?? '').localeCompare(a.at ?? '')).find((l) => l.abnormal);
    if (abnormal) {
      expect(labs).toContain(testName(abnormal.code).name);
      expect(labs).toMatch(/HIGH|LOW|ABNORMAL|CRITICAL/);
    }
    expect(await page.getByTestId('trend').count()).toBeGreaterThan(0);
    await page.setViewportSize(VIEWPORTS.station);
    await shot(page, 'chart-labs-1920x1080');

    await go(page, `#/patient/${id}/vitals`);
    await page.getByTestId('vitals-table').waitFor();
    expect(await page.getByTestId('trend').count()).toBeGreaterThan(0);
    await shot(page, 'chart-vitals-1920x1080');

    await go(page, `#/patient/${id}/problems`);
    const problem = known.conditions[0];
    if (problem) expect(await page.getByTestId('problems-table').textContent()).toContain(problem.code.display);

    await go(page, `#/patient/${id}/orders`);
    const order = known.orders[0];
    if (order) expect(await page.getByTestId('orders-table').textContent()).toContain(order.code.display);

    await go(page, `#/patient/${id}/other`);
    await page.getByTestId('record-counts').waitFor();
    if (known.other[0]) {
      await page.getByRole('button', { name: 'View raw' }).first().click();
      await expect.poll(() => page.getByTestId('raw-record').textContent()).toContain('resourceType');
    }
    expect(page.errors).toEqual([]);
  });

  it('says so when a patient is not in the snapshot, never a blank pane', async () => {
    const page = await openPage(app);
    await go(page, '#/patient/no-such-patient/summary');
    const error = page.getByTestId('error-notice');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/not in/i);
  });

  it('shows a note carrying <script> and an onerror image as inert text', async () => {
    const page = await openPage(app);
    await go(page, `#/patient/${encodeURIComponent(home.hostilePatientId)}/notes`);
    await page.getByTestId('note').first().waitFor();
    const notes = page.getByTestId('note');
    await expect.poll(async () => (await notes.allTextContents()).some((t) => t.includes('<script>window.__lanternPwned'))).toBe(true);
    expect(HOSTILE_TEXT).toContain('onerror');
    await page.waitForLoadState('networkidle');
    const probe = await page.evaluate(() => ({
      pwned: (window as unknown as { __lanternPwned?: string }).__lanternPwned ?? null,
      scripts: document.querySelectorAll('[data-testid="note"] script').length,
      images: document.querySelectorAll('[data-testid="note"] img').length,
    }));
    expect(probe).toEqual({ pwned: null, scripts: 0, images: 0 });
    await shot(page, 'chart-notes-hostile-1280x800');
    expect(page.errors).toEqual([]);
  });

  it('flags stale data unmissably once the clock passes the threshold', async () => {
    const status = home.context.status();
    const asOf = Date.parse(status.snapshot!.asOf);
    const page = await openPage(app, { clockAt: new Date(asOf + 30 * 60_000) });
    await page.getByTestId('census-table').waitFor();
    expect(await page.getByTestId('stale-warning').count()).toBe(0);

    await page.clock.setSystemTime(new Date(asOf + (status.staleAfterMinutes + 1) * 60_000));
    await page.clock.runFor(31_000);
    const warning = page.getByTestId('stale-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('STALE DATA');
    expect(await page.getByTestId('as-of').getAttribute('class')).toContain('as-of-stale');
    await shot(page, 'census-stale-1280x800');
    // Expiry is the workstation's decision, not the page's clock: test/e2e/expired.e2e.test.ts.
  });

  it('prints the unit MAR to PDF with identifiers, DOB, allergies, as-of, read-only, page x of y and print time on every page', async () => {
    const page = await openPage(app, { viewport: VIEWPORTS.station });
    await go(page, `#/print/mar-unit/${encodeURIComponent(census.unit!.id)}`);
    await page.getByTestId('print-ready').waitFor();
    await shot(page, 'print-unit-mar-preview-1920x1080');
    const pdf = await page.pdf({ printBackground: true, preferCSSPageSize: true });
    const pages = await pdfPageTexts(pdf);
    const patients = census.beds.flatMap((b) => (b.patient ? [queries.chart({ patientId: b.patient.id })] : []));
    expect(pages.length).toBeGreaterThanOrEqual(patients.length);
    const asOf = formatDateTime(home.context.status().snapshot!.asOf);
    const seen = new Set<string>();
    pages.forEach((text, i) => {
      expect(text, `page ${i + 1}`).toContain('DOWNTIME COPY — READ ONLY');
      expect(text, `page ${i + 1}`).toContain(`Data as of ${asOf}`);
      expect(text, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(text, `page ${i + 1}`).toMatch(/Printed \d\d \w{3} \d{4} \d\d:\d\d/);
      const who = patients.filter((c) => text.includes(`MRN ${c.patient.mrn}`));
      expect(who, `page ${i + 1} names exactly one patient`).toHaveLength(1);
      const chart = who[0]!;
      seen.add(chart.patient.id);
      expect(text, `page ${i + 1}`).toContain(chart.patient.name);
      expect(text, `page ${i + 1}`).toContain(`DOB ${formatDate(chart.patient.birthDate)}`);
      expect(text, `page ${i + 1}`).toContain('ALLERGIES:');
      for (const a of chart.allergySummary.active) expect(squash(text), `page ${i + 1}`).toContain(squash(a.substance));
    });
    expect(seen.size).toBe(patients.length);
  });
});
