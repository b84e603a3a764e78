import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chart, HomeQueries } from '../../electron/shared/contract';
import { runCli } from '../support/cli';
import { chromiumPath, go, openPage, pdfPageTexts, squash, startApp, type App } from './support/app';
import { generatedHome, rewriteResources, type E2eHome } from './support/homes';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const VITALS = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }];
const LAB = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }];
const HIGH = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H' }] }];
const cc = (code: string, display: string, text = display) => ({ coding: [{ system: LOINC, code, display }], text });
const qty = (value: number, unit: string) => ({ value, unit, system: UCUM, code: unit });

/** What the test plants: a blood pressure panel as Synthea and the generator send it (components, no value of its own), and results with and without range, unit and interpretation. */
const SYS = 187;
const DIA = 104;
const TEMP = 38.9;
const EGFR = 16.55;
const WBC = 14.2;
const GAP = 7;
/** What patient A's export says at the bedside: a code-status Observation and an isolation Flag, in words of the test's choosing. */
const CODE_STATUS = 'DNR/DNI';
const ISOLATION = 'Contact precautions';
/** A's other flags: one in force, one inactive, one whose period ended before the extract. */
const ACTIVE_FLAG = 'Bleeding risk';
const INACTIVE_FLAG = 'Difficult airway';
const ENDED_FLAG = 'Wandering risk';

/** The planted readings, newest of the patient's: the summary's latest and the tables' first rows. */
function planted(patientId: string, at: string): object[] {
  const base = (id: string, category: object[]) => ({ resourceType: 'Observation', id, status: 'final', category, subject: { reference: `Patient/${patientId}` }, effectiveDateTime: at });
  return [
    {
      ...base('e2e-bp', VITALS),
      code: cc('85354-9', 'Blood pressure panel with all children optional'),
      interpretation: HIGH,
      component: [
        { code: cc('8480-6', 'Systolic blood pressure'), valueQuantity: qty(SYS, 'mm[Hg]') },
        { code: cc('8462-4', 'Diastolic blood pressure'), valueQuantity: qty(DIA, 'mm[Hg]') },
      ],
    },
    // A temperature with neither range nor interpretation: its value and unit, no flag.
    { ...base('e2e-temp', VITALS), code: cc('8310-5', 'Body temperature'), valueQuantity: qty(TEMP, 'Cel') },
    // The eGFR of the report: no range, no interpretation — never "normal".
    { ...base('e2e-egfr', LAB), code: cc('33914-3', 'Glomerular filtration rate/1.73 sq M.predicted'), valueQuantity: qty(EGFR, 'mL/min/{1.73_m2}') },
    // Above its range, no interpretation: the range marks it HIGH.
    {
      ...base('e2e-wbc', LAB),
      code: cc('6690-2', 'Leukocytes [#/volume] in Blood by Automated count'),
      valueQuantity: qty(WBC, '10*3/uL'),
      referenceRange: [{ low: qty(4.5, '10*3/uL'), high: qty(11, '10*3/uL') }],
    },
    // A number sent without any unit.
    { ...base('e2e-gap', LAB), code: cc('33037-3', 'Anion gap 3 in Serum or Plasma', 'Anion gap'), valueQuantity: { value: GAP } },
  ];
}

/** A's code status (the LOINC code-status observation, its value as text), isolation (an active Flag, period open) and other flags. */
function bedside(patientId: string, at: string): { observation: object; flags: object[] } {
  const flag = (id: string, text: string, status: string, period: { start: string; end?: string }) => ({
    resourceType: 'Flag',
    id,
    status,
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'safety', display: 'Safety' }] }],
    code: { text },
    subject: { reference: `Patient/${patientId}` },
    period,
  });
  const before = (hours: number) => new Date(Date.parse(at) - hours * 3_600_000).toISOString();
  return {
    observation: {
      resourceType: 'Observation',
      id: 'e2e-code-status',
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
      code: cc('100822-6', 'Cardiopulmonary resuscitation orders', 'Code status'),
      subject: { reference: `Patient/${patientId}` },
      effectiveDateTime: at,
      valueCodeableConcept: { text: CODE_STATUS },
    },
    flags: [
      flag('e2e-isolation', ISOLATION, 'active', { start: at }),
      flag('e2e-flag-active', ACTIVE_FLAG, 'active', { start: before(2) }),
      flag('e2e-flag-inactive', INACTIVE_FLAG, 'inactive', { start: before(3) }),
      flag('e2e-flag-ended', ENDED_FLAG, 'active', { start: before(5), end: before(4) }),
    ],
  };
}

interface Sent {
  resourceType: string;
  subject?: { reference?: string };
  effectiveDateTime?: string;
  category?: Array<{ coding?: Array<{ code?: string }> }>;
  code?: { text?: string; coding?: Array<{ code?: string }> };
}

const isLab = (r: Sent) => r.category?.some((c) => c.coding?.some((x) => x.code === 'laboratory')) ?? false;
/** The generator's code-status statement (an Observation coded LOINC 75320-2, demo/generate.ts). */
const isGeneratedCodeStatus = (r: Sent) => r.code?.coding?.some((c) => c.code === '75320-2') ?? false;

/**
 * Vitals and labs read true: blood pressure as systolic/diastolic with its unit, units as people
 * read them, "no range given" instead of "normal", and an abnormal list that counts only what
 * the source or the range marks — in the vitals and labs tables, the summary, the printed summary
 * and the CLI, against the FHIR this test made. Code status and isolation read as A's export
 * states them, and "not recorded" where B's says nothing.
 */
describe.skipIf(!chromiumPath)('vitals and labs say what the export says', () => {
  /** A: the planted readings are the newest. B: the eGFR is the only lab. */
  const ids: { a: string; b: string } = { a: '', b: '' };
  let home: E2eHome;
  let app: App;
  let queries: HomeQueries;
  let chartA: Chart;
  let chartB: Chart;
  let at: string;

  beforeAll(async () => {
    home = await generatedHome({
      beds: 4,
      units: 1,
      edit: (dir) => {
        const patients = readFileSync(path.join(dir, 'Patient.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
        [ids.a, ids.b] = [patients[0]!, patients[1]!];
        const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { transactionTime: string };
        // Half a minute before the extract, and nothing of patient A's after it, so the planted readings are the latest.
        at = new Date(Date.parse(manifest.transactionTime) - 30_000).toISOString();
        const of = (r: Sent, id: string) => r.subject?.reference === `Patient/${id}`;
        const [bp, temp, egfr, wbc, gap] = planted(ids.a, at);
        const egfrB = { ...(egfr as object), id: 'e2e-egfr-b', subject: { reference: `Patient/${ids.b}` } };
        const { observation, flags } = bedside(ids.a, at);
        // A's generated code status and flags give way to the planted ones; B keeps none, so its export says nothing of either.
        const keepObservation = (r: Sent) =>
          !(of(r, ids.a) && ((r.effectiveDateTime ?? '') >= at || isGeneratedCodeStatus(r))) && !(of(r, ids.b) && (isLab(r) || isGeneratedCodeStatus(r)));
        rewriteResources<Sent>(dir, 'Observation', (rs) => [...rs.filter(keepObservation), bp!, temp!, egfr!, wbc!, gap!, egfrB, observation]);
        rewriteResources<Sent>(dir, 'Flag', (rs) => [...rs.filter((r) => !of(r, ids.a) && !of(r, ids.b)), ...flags]);
      },
    });
    app = await startApp(home.context);
    queries = home.context.queries()!;
    chartA = queries.chart({ patientId: ids.a });
    chartB = queries.chart({ patientId: ids.b });
  });
  afterAll(async () => {
    await app?.close();
    home?.close();
  });

  /** PDF text compared as text: whitespace dropped, and the micro sign as the PDF's text layer gives it back (Greek mu). */
  const paper = (s: string) => squash(s).replace(/\u00b5/g, '\u03bc');
  const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();

  it('decides the flags from the interpretation, else the range, else none', () => {
    const byId = new Map([...chartA.vitals, ...chartA.labs].map((o) => [o.id, o]));
    expect(byId.get('e2e-bp')).toMatchObject({ value: null, flag: 'high', abnormal: true });
    expect(byId.get('e2e-temp')).toMatchObject({ flag: 'no-flag-given', abnormal: false });
    expect(byId.get('e2e-egfr')).toMatchObject({ referenceRange: null, flag: 'no-flag-given', abnormal: false });
    expect(byId.get('e2e-wbc')).toMatchObject({ flag: 'high', abnormal: true });
    expect(chartB.labs.map((l) => [l.id, l.flag])).toEqual([['e2e-egfr-b', 'no-flag-given']]);
  });

  it('shows in the banner the code status and isolation A\'s export states, and "not recorded" for B\'s silence', async () => {
    expect([chartA.codeStatus, chartA.isolation]).toEqual([CODE_STATUS, [ISOLATION]]);
    expect([chartB.codeStatus, chartB.isolation]).toEqual([null, []]);
    const page = await openPage(app);
    await go(page, `#/patient/${encodeURIComponent(ids.a)}/summary`);
    await expect.poll(async () => (await page.getByTestId('banner-mrn').textContent()) ?? '').toBe(`MRN ${chartA.patient.mrn}`);
    expect(await text(page.getByTestId('banner-code-status'))).toBe(CODE_STATUS);
    expect(await text(page.getByTestId('banner-isolation'))).toBe(ISOLATION);
    await go(page, `#/patient/${encodeURIComponent(ids.b)}/summary`);
    await expect.poll(async () => (await page.getByTestId('banner-mrn').textContent()) ?? '').toBe(`MRN ${chartB.patient.mrn}`);
    expect(await text(page.getByTestId('banner-code-status'))).toBe('not recorded');
    expect(await text(page.getByTestId('banner-isolation'))).toBe('not recorded');
    expect(page.errors).toEqual([]);
  });

  it('lists as alerts on the summary only the flags in force: not the inactive one, not the ended one', async () => {
    // All four reached the chart's full list; core decided which are alerts.
    expect(chartA.flags.map((f) => f.title).sort()).toEqual([ACTIVE_FLAG, ISOLATION, INACTIVE_FLAG, ENDED_FLAG].sort());
    expect(chartA.alerts.map((f) => f.title).sort()).toEqual([ACTIVE_FLAG, ISOLATION].sort());
    const page = await openPage(app);
    await go(page, `#/patient/${encodeURIComponent(ids.a)}/summary`);
    const alerts = page.getByTestId('summary-alerts');
    await alerts.waitFor();
    expect((await alerts.getByRole('listitem').allTextContents()).map((t) => t.trim()).sort()).toEqual([ACTIVE_FLAG, ISOLATION].sort());
    const screen = await text(page.locator('.summary-grid'));
    expect(screen).not.toContain(INACTIVE_FLAG);
    expect(screen).not.toContain(ENDED_FLAG);
    // B's export has no flags: no alerts.
    await go(page, `#/patient/${encodeURIComponent(ids.b)}/summary`);
    await expect.poll(async () => (await page.getByTestId('banner-mrn').textContent()) ?? '').toBe(`MRN ${chartB.patient.mrn}`);
    expect(await page.getByTestId('summary-alerts').count()).toBe(0);
    expect(page.errors).toEqual([]);
  });

  it('shows blood pressure as systolic/diastolic mmHg with its flag, and readable units, in the vitals table and trend', async () => {
    const page = await openPage(app);
    await go(page, `#/patient/${encodeURIComponent(ids.a)}/vitals`);
    const table = page.getByTestId('vitals-table');
    await table.waitFor();
    const headers = (await table.getByRole('columnheader').allTextContents()).map((h) => h.trim());
    // Short names, never LOINC long names, as column headers; the long name and code one click on the header away.
    expect(headers).toEqual(expect.arrayContaining(['Time', 'Heart rate', 'Blood pressure', 'Body temperature', 'SpO₂']));
    for (const h of headers) expect(h).not.toMatch(/\[|panel|by Pulse oximetry/);
    const bpHeader = table.getByRole('columnheader', { name: 'Blood pressure' }).getByRole('button', { name: 'Blood pressure' });
    expect(await bpHeader.getAttribute('aria-expanded')).toBe('false');
    await bpHeader.click();
    expect(await bpHeader.getAttribute('aria-expanded')).toBe('true');
    const bpFull = table.getByTestId('name-full');
    expect(await text(bpFull)).toBe('Blood pressure panel with all children optional (LOINC 85354-9)');
    // A second click hides it again.
    await bpHeader.click();
    await expect.poll(() => bpFull.count()).toBe(0);
    const cells = (await table.getByRole('row').nth(1).getByRole('cell').allTextContents()).map((c) => c.replace(/\s+/g, ' ').trim());
    const cell = (name: string) => cells[headers.indexOf(name)];
    expect(cell('Blood pressure')).toBe(`${SYS}/${DIA} mmHg HIGH`);
    expect(cell('Body temperature')).toBe(`${TEMP} °C`);
    // The generator's other readings read as people write them.
    const older = await text(table.getByRole('row').nth(2));
    expect(older).toMatch(/\d+\/\d+ mmHg/);
    expect(older).toMatch(/\d+(\.\d)? °C/);
    expect(older).toMatch(/\d+%/);
    expect(older).not.toMatch(/—\s*(HIGH|LOW)|mm\[Hg\]|\bCel\b|\{/);

    const bpTrend = page.getByTestId('trend').filter({ has: page.getByRole('heading', { name: /^Blood pressure/ }) });
    expect(await text(bpTrend.locator('figcaption'))).toContain(`Latest: ${SYS}/${DIA} mmHg`);
    expect(await text(bpTrend.locator('.trend-legend'))).toBe('Systolic blood pressure Diastolic blood pressure');
    expect(page.errors).toEqual([]);
  });

  it('shows each lab with its value, unit and range, or "no range given" and never "normal" without one', async () => {
    const page = await openPage(app);
    await go(page, `#/patient/${encodeURIComponent(ids.a)}/labs`);
    const table = page.getByTestId('labs-table');
    await table.waitFor();
    const row = async (name: string) => (await table.getByRole('row').filter({ hasText: name }).first().getByRole('cell').allTextContents()).slice(1).map((c) => c.replace(/\s+/g, ' ').trim());
    expect(await row('eGFR')).toEqual(['eGFR', `${EGFR} mL/min/1.73 m²`, 'no flag given', 'no range given']);
    expect(await row('WBC')).toEqual(['WBC', `${WBC} ×10³/µL`, 'HIGH', '4.5–11 ×10³/µL']);
    expect(await row('Anion gap')).toEqual(['Anion gap', `${GAP} (no unit given)`, 'no flag given', 'no range given']);

    // The full LOINC long name the export sent, and its code, one click (or Enter) on the short name away; Esc hides it.
    const full = table.getByTestId('name-full');
    expect(await full.count()).toBe(0);
    // The planted result, the newest row of its name.
    const wbc = table.getByRole('button', { name: 'WBC', exact: true }).first();
    expect(await wbc.getAttribute('aria-expanded')).toBe('false');
    await wbc.click();
    await full.waitFor();
    expect(await full.isVisible()).toBe(true);
    expect(await text(full)).toBe('Leukocytes [#/volume] in Blood by Automated count (LOINC 6690-2)');
    expect(await wbc.getAttribute('aria-expanded')).toBe('true');
    expect(await wbc.getAttribute('aria-controls')).toBe(await full.getAttribute('id'));
    await page.keyboard.press('Escape');
    await expect.poll(() => full.count()).toBe(0);
    expect(await wbc.getAttribute('aria-expanded')).toBe('false');
    expect(page.url()).toContain('/labs');

    const egfr = table.getByRole('button', { name: 'eGFR', exact: true }).first();
    await egfr.focus();
    await page.keyboard.press('Enter');
    expect(await text(full)).toBe('Glomerular filtration rate/1.73 sq M.predicted (LOINC 33914-3)');
    await page.keyboard.press('Escape');
    await expect.poll(() => full.count()).toBe(0);
    // The focus stays on the name, as after any disclosure.
    expect(await egfr.evaluate((b) => b === document.activeElement)).toBe(true);
    expect(page.errors).toEqual([]);
  });

  it('lists on the summary the latest vitals with units and only the results marked abnormal', async () => {
    const page = await openPage(app);
    await go(page, `#/patient/${encodeURIComponent(ids.a)}/summary`);
    const vitals = page.getByTestId('summary-vitals');
    await vitals.waitFor();
    const latest = new Map<string, string>();
    for (const pair of await vitals.locator('.contents').all()) latest.set(await text(pair.locator('dt')), await text(pair.locator('dd')));
    expect(latest.get('Blood pressure')).toMatch(new RegExp(`^${SYS}/${DIA} mmHg HIGH \\S`));
    expect(latest.get('Body temperature')).toMatch(new RegExp(`^${TEMP} °C \\S`));
    for (const v of latest.values()) expect(v).not.toMatch(/^—|mm\[Hg\]|\bCel\b|\{/);
    const abnormal = await text(page.getByTestId('summary-abnormal-labs'));
    expect(abnormal).toContain(`WBC ${WBC} ×10³/µL HIGH (range 4.5–11 ×10³/µL)`);
    expect(abnormal).not.toContain('eGFR');
    expect(abnormal).not.toContain('Anion gap');
    expect(await text(page.getByTestId('summary-unjudged'))).toMatch(/^\d+ results have no range or flag given: see Labs\.$/);

    // Patient B: an eGFR without range is the only lab — not "No abnormal results".
    await go(page, `#/patient/${encodeURIComponent(ids.b)}/summary`);
    await expect.poll(async () => (await page.getByTestId('banner-mrn').textContent()) ?? '').toBe(`MRN ${chartB.patient.mrn}`);
    expect(await text(page.getByTestId('summary-no-abnormal'))).toBe('No result is flagged abnormal by the lab or outside its range; 1 result has no range or flag given.');
    expect(page.errors).toEqual([]);
  });

  it('prints the same on the summary: blood pressure, units, "no range given", code status and isolation as sent or not recorded', async () => {
    const page = await openPage(app);
    await go(page, `#/print/summary/${encodeURIComponent(ids.a)}`);
    await page.getByTestId('print-ready').waitFor();
    const printed = paper((await pdfPageTexts(await page.pdf({ preferCSSPageSize: true }))).join(' '));
    expect(printed).toContain(paper(`Blood pressure ${SYS}/${DIA} mmHg HIGH (`));
    expect(printed).toContain(paper(`Body temperature ${TEMP} °C (`));
    expect(printed).toContain(paper(`eGFR ${EGFR} mL/min/1.73 m² · no range given ·`));
    expect(printed).toContain(paper(`WBC ${WBC} ×10³/µL · HIGH · range 4.5–11 ×10³/µL ·`));
    expect(printed).toContain(paper(`Anion gap ${GAP} (no unit given) · no range given ·`));
    expect(printed).not.toMatch(/eGFR[^·]*·normal|normal—|mm\[Hg\]|10\*3|\d(Cel|\{)/);
    expect(printed).toContain(paper(`Code status: ${CODE_STATUS}`));
    expect(printed).toContain(paper(`Isolation: ${ISOLATION}`));
    // The alerts in force, as on the screen; neither the inactive nor the ended flag.
    // Newest first: the isolation flag was raised at the planted time, the bleeding risk two hours before.
    expect(printed).toContain(paper(`Alerts: ${ISOLATION}; ${ACTIVE_FLAG}`));
    expect(printed).not.toContain(paper(INACTIVE_FLAG));
    expect(printed).not.toContain(paper(ENDED_FLAG));

    await go(page, `#/print/summary/${encodeURIComponent(ids.b)}`);
    await page.getByTestId('print-ready').waitFor();
    const printedB = paper((await pdfPageTexts(await page.pdf({ preferCSSPageSize: true }))).join(' '));
    expect(printedB).toContain(paper(`eGFR ${EGFR} mL/min/1.73 m² · no range given ·`));
    expect(printedB).toContain(paper('Code status: not recorded'));
    expect(printedB).toContain(paper('Isolation: not recorded'));
    expect(printedB).not.toContain(paper('Alerts:'));
  });

  it('prints the same in the CLI', async () => {
    const result = await runCli(['chart', ids.a, '--home', home.dir]);
    expect(result.code).toBe(0);
    const line = (name: string) => result.out.split('\n').find((l) => l.includes(`  ${name}  `)) ?? '';
    const cols = (l: string) => l.split(/\s{2,}/);
    expect(cols(line('Blood pressure')).slice(2)).toEqual([`${SYS}/${DIA}`, 'mmHg', 'no range given', 'HIGH']);
    expect(cols(line('Body temperature')).slice(2)).toEqual([`${TEMP}`, '°C', 'no range given', 'no flag given']);
    expect(cols(line('eGFR')).slice(2)).toEqual([`${EGFR}`, 'mL/min/1.73 m²', 'no range given', 'no flag given']);
    expect(cols(line('WBC')).slice(2)).toEqual([`${WBC}`, '×10³/µL', '4.5–11 ×10³/µL', 'HIGH']);
    expect(cols(line('Anion gap')).slice(2)).toEqual([`${GAP}`, 'no unit given', 'no range given', 'no flag given']);
    expect(result.out).toContain(`Code status: ${CODE_STATUS}   Isolation: ${ISOLATION}   `);
    const resultB = await runCli(['chart', ids.b, '--home', home.dir]);
    expect(resultB.code).toBe(0);
    expect(resultB.out).toContain('Code status: not recorded   Isolation: not recorded   ');
  });
});
