import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expiredChartsNotice } from '../../electron/shared/notices';
import { formatDateTime } from '../../renderer/src/lib/time';
import { chromiumPath, go, openPage, shot, startApp, type App } from './support/app';
import { generatedHome, type E2eHome } from './support/homes';

const DAY_MS = 86_400_000;
/** Data as of 9 days and 5 hours ago, in a copy that expired after 7 days. */
/** Data 9 days 5 hours old, expired 7 days after its data-as-of time, taken an hour after it. */
const EXPIRED = { ageMinutes: (9 * 24 + 5) * 60, expiresAfterHours: 7 * 24, ingestedAfterMinutes: 60 };
const ALLERGY = 'Expiredtestium';

interface PlantedPatient {
  id: string;
  family: string;
  given: string;
  mrn: string;
}

/** The export's first patient, as the FHIR says it, given an allergy only this test knows. */
function plantPatient(fhirDir: string, into: PlantedPatient[]): void {
  const first = JSON.parse(readFileSync(path.join(fhirDir, 'Patient.ndjson'), 'utf8').split('\n')[0]!) as {
    id: string;
    name: Array<{ family: string; given: string[] }>;
    identifier: Array<{ type?: { coding?: Array<{ code: string }> }; value: string }>;
  };
  const mrn = first.identifier.find((i) => i.type?.coding?.some((c) => c.code === 'MR'))!.value;
  into.push({ id: first.id, family: first.name[0]!.family, given: first.name[0]!.given[0]!, mrn });
  appendFileSync(
    path.join(fhirDir, 'AllergyIntolerance.ndjson'),
    `${JSON.stringify({
      resourceType: 'AllergyIntolerance',
      id: 'e2e-expired-allergy',
      patient: { reference: `Patient/${first.id}` },
      code: { text: ALLERGY },
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' }] },
    })}\n`,
  );
  const manifestFile = path.join(fhirDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { output: Array<{ type: string; count?: number }> };
  for (const o of manifest.output) if (o.type === 'AllergyIntolerance' && typeof o.count === 'number') o.count += 1;
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
}

/** Whole days from the data-as-of time to now: what the nurse is asked to confirm. */
const ageDays = (home: E2eHome) => Math.floor((Date.now() - home.asOf.getTime()) / DAY_MS);

async function findByMrn(page: Page, patient: PlantedPatient) {
  await page.keyboard.press('Control+k');
  await page.keyboard.type(patient.mrn);
  const result = page.getByTestId('search-result').filter({ hasText: `MRN ${patient.mrn}` });
  await result.waitFor();
  expect(await result.textContent()).toContain(patient.family);
  return result;
}

async function expectProtocolsOpen(page: Page, home: E2eHome) {
  const list = home.context.queries()!.protocols({});
  const markdown = list.find((p) => p.kind === 'markdown')!;
  const pdf = list.find((p) => p.kind === 'pdf')!;
  await go(page, '#/protocols');
  await page.getByRole('heading', { level: 1, name: 'Protocols and forms' }).waitFor();
  await page.getByRole('link', { name: pdf.title }).first().waitFor();
  await go(page, `#/protocols/${encodeURIComponent(markdown.id)}`);
  const text = home.context.queries()!.protocolOpen({ id: markdown.id }).text ?? '';
  // A line of plain prose (the text is the Markdown source).
  const line = text.split('\n').map((l) => l.trim()).find((l) => /^[A-Z][a-z]/.test(l) && l.length > 20)!;
  await expect.poll(() => page.getByTestId('protocol-html').textContent()).toContain(line.slice(0, 20));
  // And the documents are searched by their text.
  const word = text.split(/\W+/).find((w) => w.length > 7)!;
  await page.getByLabel('Search all documents').fill(word);
  await expect.poll(() => page.getByTestId('protocol-hits').textContent()).toContain(markdown.title);
}

const bannerText = (home: E2eHome, days: number) =>
  `EXPIRED — this copy is ${days} days old (data as of ${formatDateTime(home.asOf.toISOString())}). ` +
  'Anything after that time is not shown: check every value against paper records, and call the IT service desk.';

describe.skipIf(!chromiumPath)('an expired copy in a long outage', () => {
  let home: E2eHome;
  let app: App;
  const planted: PlantedPatient[] = [];

  beforeAll(async () => {
    home = await generatedHome({ beds: 8, units: 1, ...EXPIRED, edit: (dir) => plantPatient(dir, planted) });
    app = await startApp(home.context);
  });
  afterAll(async () => {
    await app?.close();
    home?.close();
  });

  it('keeps protocols, forms and search under a red EXPIRED banner, and opens a chart only after the age is confirmed', async () => {
    const patient = planted[0]!;
    const days = ageDays(home);
    expect(days).toBe(9);
    const page = await openPage(app);
    const banner = page.getByTestId('expired-banner');
    expect(await banner.textContent()).toBe(bannerText(home, 9));
    expect(await banner.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(176, 0, 32)');

    await expectProtocolsOpen(page, home);
    expect(await banner.textContent()).toBe(bannerText(home, 9));

    // The census is there, behind the same banner.
    await go(page, '#/census');
    await page.getByTestId('census-row').first().waitFor();

    // Search finds the patient; the chart asks first.
    await (await findByMrn(page, patient)).click();
    const gate = page.getByTestId('expired-gate');
    await gate.waitFor();
    expect(await page.getByTestId('patient-banner').count()).toBe(0);
    expect(await gate.getByRole('heading', { level: 1 }).textContent()).toBe('This copy has expired: it is 9 days old');
    expect(await page.getByTestId('expired-reason').textContent()).toBe(expiredChartsNotice({ ageDays: 9, charts: 'ask' }));
    expect(await gate.textContent()).toContain(`Data as of ${formatDateTime(home.asOf.toISOString())}`);
    const understood = page.getByLabel('I understand this copy is 9 days old');
    const open = page.getByRole('button', { name: 'Open the chart' });
    expect(await open.isDisabled()).toBe(true);
    await shot(page, 'expired-acknowledge-1280x800');
    await understood.check();
    const confirmedFrom = Date.now();
    await open.click();

    // The chart, with this patient's identifiers and allergy from the export, under the banner.
    await page.getByTestId('patient-banner').waitFor();
    expect(await page.getByTestId('banner-mrn').textContent()).toBe(`MRN ${patient.mrn}`);
    const name = await page.getByTestId('banner-name').textContent();
    expect(name).toContain(patient.family);
    expect(name).toContain(patient.given);
    expect(await page.locator('.banner-allergies').textContent()).toContain(ALLERGY);
    expect(await banner.textContent()).toBe(bannerText(home, 9));
    await shot(page, 'expired-chart-1280x800');

    // The banner stays on every screen; the confirmation holds for this copy (another patient, a reload).
    await go(page, `#/patient/${encodeURIComponent(patient.id)}/vitals`);
    await page.getByTestId('section-vitals').waitFor();
    expect(await banner.textContent()).toBe(bannerText(home, 9));
    const other = home.context.queries()!.census({}).beds.find((b) => b.patient && b.patient.id !== patient.id)!.patient!;
    await go(page, `#/patient/${encodeURIComponent(other.id)}/summary`);
    await expect.poll(() => page.getByTestId('banner-mrn').textContent()).toBe(`MRN ${other.mrn}`);
    await page.reload();
    await page.getByTestId('patient-banner').waitFor();
    expect(await page.getByTestId('expired-gate').count()).toBe(0);
    expect(await banner.textContent()).toBe(bannerText(home, 9));
    expect(page.errors).toEqual([]);

    // Recorded once in the home's log: when, which copy, the age confirmed; no patient.
    const log = readFileSync(path.join(home.dir, 'lantern.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const acks = log.filter((l) => l['event'] === 'expired-acknowledged');
    expect(acks).toEqual([{ at: expect.any(String), event: 'expired-acknowledged', facility: 'GH', sequence: 1, asOf: home.asOf.toISOString(), ageDays: 9 }]);
    const at = Date.parse(String(acks[0]!['at']));
    expect(at).toBeGreaterThanOrEqual(confirmedFrom - 1000);
    expect(at).toBeLessThanOrEqual(Date.now());
    const raw = readFileSync(path.join(home.dir, 'lantern.log'), 'utf8');
    for (const value of [patient.id, patient.family, patient.mrn, other.id, other.mrn!]) expect(raw).not.toContain(value);
  });
});

describe.skipIf(!chromiumPath)('an expired copy where the policy blocks charts', () => {
  let home: E2eHome;
  let app: App;
  const planted: PlantedPatient[] = [];

  beforeAll(async () => {
    home = await generatedHome({ beds: 4, units: 1, ...EXPIRED, expiredCharts: 'block', edit: (dir) => plantPatient(dir, planted) });
    app = await startApp(home.context);
  });
  afterAll(async () => {
    await app?.close();
    home?.close();
  });

  it('keeps the chart closed with a sentence that says why and what to use instead; protocols and search stay', async () => {
    const patient = planted[0]!;
    const page = await openPage(app);
    expect(await page.getByTestId('expired-banner').textContent()).toBe(bannerText(home, ageDays(home)));
    await expectProtocolsOpen(page, home);

    await (await findByMrn(page, patient)).click();
    const gate = page.getByTestId('expired-gate');
    await gate.waitFor();
    expect(await gate.getByRole('heading', { level: 1 }).textContent()).toBe('Charts are closed on this expired copy');
    const reason = await page.getByTestId('expired-reason').textContent();
    expect(reason).toBe(expiredChartsNotice({ ageDays: 9, charts: 'blocked' }));
    expect(reason).toContain('policy keeps charts closed on an expired copy');
    expect(reason).toContain('Use your unit’s paper downtime records');
    expect(await gate.getByRole('checkbox').count()).toBe(0);
    expect(await gate.getByRole('button').count()).toBe(0);
    expect(await gate.getByRole('link').allTextContents()).toEqual(['Open the downtime protocols and forms']);
    expect(await page.getByTestId('patient-banner').count()).toBe(0);
    await shot(page, 'expired-blocked-1280x800');
    await gate.getByRole('link', { name: 'Open the downtime protocols and forms' }).click();
    await page.getByRole('heading', { level: 1, name: 'Protocols and forms' }).waitFor();

    // A printout of the chart stays closed too.
    await go(page, `#/print/summary/${encodeURIComponent(patient.id)}`);
    await expect.poll(() => page.getByTestId('expired-reason').textContent()).toBe(expiredChartsNotice({ ageDays: 9, charts: 'blocked' }));
    expect(await page.getByTestId('print-ready').count()).toBe(0);
    expect(page.errors).toEqual([]);
    expect(readFileSync(path.join(home.dir, 'lantern.log'), { encoding: 'utf8', flag: 'a+' })).not.toContain('expired-acknowledged');
  });
});
