import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chart, HomeQueries } from '../../electron/shared/contract';
import { formatAge, formatClock, formatDateTime } from '../../renderer/src/lib/time';
import { chromiumPath, go, openPage, pdfPages, squash, startApp, type App, type PdfPage } from './support/app';
import { generatedHome, keepResources, type E2eHome } from './support/homes';

/**
 * Paper: the pages Chromium prints from the print views, read back from the PDF. A MAR is
 * paginated per patient (each patient starts a page and counts its own pages), fits a busy
 * patient on two landscape pages, and a stale or expired copy says so on every page.
 */

const ORDERS = 15;

interface Resource {
  id: string;
  subject?: { reference?: string };
  request?: { reference?: string };
}

/**
 * Cut the patient with the most orders down to exactly ORDERS, keeping those with the most
 * charted doses (the tallest rows): the patient whose MAR must fit on two pages.
 */
function patientWithOrders(fhirDir: string, read: (type: string) => Resource[]): string {
  const orders = read('MedicationRequest');
  const doses = read('MedicationAdministration');
  const byPatient = new Map<string, Resource[]>();
  for (const o of orders) byPatient.set(o.subject!.reference!, [...(byPatient.get(o.subject!.reference!) ?? []), o]);
  const [patientRef, theirs] = [...byPatient.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
  expect(theirs.length).toBeGreaterThan(ORDERS);
  const dosesOf = (o: Resource) => doses.filter((d) => d.request?.reference === `MedicationRequest/${o.id}`).length;
  const dropped = new Set(
    [...theirs]
      .sort((a, b) => dosesOf(b) - dosesOf(a))
      .slice(ORDERS)
      .map((o) => o.id),
  );
  keepResources(fhirDir, 'MedicationRequest', (r) => !dropped.has(r['id'] as string));
  keepResources(fhirDir, 'MedicationAdministration', (r) => !dropped.has(((r['request'] as Resource['request'])?.reference ?? '').replace('MedicationRequest/', '')));
  return patientRef.replace('Patient/', '');
}

const patientPage = /Patient page (\d+) of (\d+)/;

describe.skipIf(!chromiumPath)('printed pages on a generated hospital', () => {
  let home: E2eHome;
  let app: App;
  let queries: HomeQueries;
  let busyId = '';

  beforeAll(async () => {
    const { readFileSync } = await import('node:fs');
    home = await generatedHome({
      beds: 16,
      units: 2,
      edit: (dir) => {
        const read = (type: string) =>
          readFileSync(`${dir}/${type}.ndjson`, 'utf8')
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l) as Resource);
        busyId = patientWithOrders(dir, read);
      },
    });
    app = await startApp(home.context);
    queries = home.context.queries()!;
  });
  afterAll(async () => {
    await app?.close();
    home?.close();
  });

  it(`fits the 72-hour MAR of a patient with ${ORDERS} active orders on at most 2 landscape pages, every dose legible`, async () => {
    const chart = queries.chart({ patientId: busyId });
    const mar = queries.mar({ patientId: busyId });
    expect(mar.rows.filter((r) => r.order.status === 'active')).toHaveLength(ORDERS);
    const page = await openPage(app);
    await go(page, `#/print/mar/${encodeURIComponent(busyId)}`);
    await page.getByTestId('print-ready').waitFor();
    const pages = await pdfPages(await page.pdf({ printBackground: true, preferCSSPageSize: true }));
    expect(pages.length).toBeGreaterThanOrEqual(1);
    expect(pages.length).toBeLessThanOrEqual(2);
    const all = squash(pages.map((p) => p.text).join(' '));
    pages.forEach((p, i) => {
      expect(p.width, `page ${i + 1} is landscape`).toBeGreaterThan(p.height);
      expect(p.smallestTextPt, `page ${i + 1}: no text under 7 pt`).toBeGreaterThanOrEqual(6.9);
      expect(p.text).toContain(chart.patient.name);
      expect(p.text).toContain(`MRN ${chart.patient.mrn}`);
      expect(p.text).toContain(`Data as of ${formatDateTime(home.asOf.toISOString())}`);
      expect(p.text).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(p.text).toContain(`Patient page ${i + 1} of ${pages.length}`);
    });
    // Every order, and every charted dose in the window with its time and what happened.
    for (const row of mar.rows) {
      expect(all).toContain(squash(row.order.medication));
      for (const a of row.administrations) {
        if (!a.at || Date.parse(a.at) < Date.parse(mar.from)) continue;
        const what = a.status === 'completed' ? `Given${a.dose ? ` ${a.dose}` : ''}` : /refus/i.test(a.reason ?? '') ? 'REFUSED' : 'HELD';
        expect(all, `${row.order.medication} at ${a.at}`).toContain(squash(`${formatClock(a.at)} ${what}`));
        if (a.status === 'not-done' && a.reason) expect(all).toContain(squash(a.reason));
      }
    }
  });

  it('starts each patient of a unit MAR on a new page, with page x of y for the patient beside the overall count', async () => {
    const unit = home.units.find((u) => u.name.startsWith('Med-Surg')) ?? home.units[0]!;
    const beds = queries.census({ unit: unit.id }).beds.flatMap((b) => (b.patient ? [b.patient] : []));
    const charts = new Map<string, Chart>(beds.map((p) => [p.id, queries.chart({ patientId: p.id })]));
    const page = await openPage(app);
    await go(page, `#/print/mar-unit/${encodeURIComponent(unit.id)}`);
    await page.getByTestId('print-ready').waitFor();
    const pages = await pdfPages(await page.pdf({ printBackground: true, preferCSSPageSize: true }));
    const runs: Array<{ patientId: string; pages: number[] }> = [];
    pages.forEach((p, i) => {
      expect(p.text, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages.length}`);
      const who = [...charts.values()].filter((c) => p.text.includes(`MRN ${c.patient.mrn}`));
      expect(who, `page ${i + 1} names exactly one patient`).toHaveLength(1);
      const chart = who[0]!;
      expect(p.text).toContain(chart.patient.name);
      const [, x, y] = patientPage.exec(p.text) ?? [];
      expect(x, `page ${i + 1} carries the patient's own page number`).toBeDefined();
      const last = runs[runs.length - 1];
      if (Number(x) === 1) runs.push({ patientId: chart.patient.id, pages: [Number(y)] });
      else {
        expect(last?.patientId, `page ${i + 1} continues the patient before it`).toBe(chart.patient.id);
        last!.pages.push(Number(y));
      }
      const run = runs[runs.length - 1]!;
      expect(Number(x)).toBe(run.pages.length);
    });
    // Each patient once, in census order, and each run as long as it says.
    expect(runs.map((r) => r.patientId)).toEqual(beds.map((p) => p.id));
    for (const r of runs) expect(r.pages.every((y) => y === r.pages.length), `patient ${r.patientId}`).toBe(true);
    expect(pages.length / beds.length).toBeLessThanOrEqual(3);
  });

  it('prints a one-page PDF form on one page', async () => {
    const page = await openPage(app);
    const list = queries.protocols({});
    const form = list.find((p) => p.kind === 'pdf')!;
    await go(page, `#/print/protocol/${encodeURIComponent(form.id)}`);
    await page.getByTestId('print-ready').waitFor();
    await page.locator('[data-testid="pdf-pages"][data-status="ready"]').waitFor();
    expect(await page.getByTestId('pdf-pages').getAttribute('data-pages')).toBe('1');
    const pages = await pdfPages(await page.pdf({ printBackground: true, preferCSSPageSize: true }));
    expect(pages).toHaveLength(1);
    expect(pages[0]!.text).toContain('DOWNTIME COPY — READ ONLY');
    expect(pages[0]!.text).toContain(form.title);
    expect(pages[0]!.text).toContain('Page 1 of 1');
  });
});

describe.skipIf(!chromiumPath)('printed pages from an old copy', () => {
  const MINUTES_OLD = 5 * 60;
  let home: E2eHome;
  let app: App;
  let queries: HomeQueries;

  beforeAll(async () => {
    home = await generatedHome({ beds: 8, units: 1, ageMinutes: MINUTES_OLD, expiresAfterHours: MINUTES_OLD / 60 + 2 });
    app = await startApp(home.context);
    queries = home.context.queries()!;
  });
  afterAll(async () => {
    await app?.close();
    home?.close();
  });

  const printAll = async (at: (asOf: number, expiresAt: number) => number, check: (pages: PdfPage[], what: string, now: number) => void) => {
    const status = home.context.status();
    const asOf = Date.parse(status.snapshot!.asOf);
    const expiresAt = Date.parse(status.snapshot!.expiresAt);
    const unit = home.units[0]!;
    const patient = queries.census({ unit: unit.id }).beds.find((b) => b.patient)!.patient!;
    const protocols = queries.protocols({});
    const text = protocols.find((p) => p.kind !== 'pdf')!;
    const form = protocols.find((p) => p.kind === 'pdf')!;
    for (const [what, hash] of [
      ['census', `#/print/census/${encodeURIComponent(unit.id)}`],
      ['census of all units', '#/print/census-all/all'],
      ['summary', `#/print/summary/${encodeURIComponent(patient.id)}`],
      ['MAR', `#/print/mar/${encodeURIComponent(patient.id)}`],
      ['unit MAR', `#/print/mar-unit/${encodeURIComponent(unit.id)}`],
      // Downtime procedures and forms are printed from an old copy above all.
      ['protocol', `#/print/protocol/${encodeURIComponent(text.id)}`],
      ['PDF form', `#/print/protocol/${encodeURIComponent(form.id)}`],
    ] as const) {
      // The print view opens while the copy is still usable; the page is printed at `now`.
      const page = await openPage(app, { clockAt: new Date(asOf + MINUTES_OLD * 60_000) });
      await go(page, hash);
      await page.getByTestId('print-ready').waitFor();
      if (what === 'PDF form') await page.locator('[data-testid="pdf-pages"][data-status="ready"]').waitFor();
      const now = at(asOf, expiresAt);
      await page.clock.setFixedTime(new Date(now));
      check(await pdfPages(await page.pdf({ printBackground: true, preferCSSPageSize: true })), what, now);
      await page.context().close();
    }
  };

  it('says STALE with the age of the data on every page of the census, summary, MAR and documents', async () => {
    await printAll(
      (asOf) => asOf + MINUTES_OLD * 60_000 + 7 * 60_000,
      (pages, what, now) => {
        const asOf = Date.parse(home.context.status().snapshot!.asOf);
        expect(pages.length).toBeGreaterThan(0);
        pages.forEach((p, i) => {
          expect(p.text, `${what} page ${i + 1}`).toContain(`STALE COPY — DATA ${formatAge(now - asOf)} OLD`);
          expect(p.text, `${what} page ${i + 1}`).not.toContain('EXPIRED');
        });
      },
    );
  });

  it('says EXPIRED on every page printed after the copy expired', async () => {
    await printAll(
      (_asOf, expiresAt) => expiresAt + 30 * 60_000,
      (pages, what, now) => {
        const snapshot = home.context.status().snapshot!;
        pages.forEach((p, i) => {
          expect(p.text, `${what} page ${i + 1}`).toContain(`EXPIRED COPY — DATA ${formatAge(now - Date.parse(snapshot.asOf))} OLD`);
          expect(p.text, `${what} page ${i + 1}`).toContain(`expired ${formatDateTime(snapshot.expiresAt)}`);
        });
      },
    );
  });
});
