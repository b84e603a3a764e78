import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HomeQueries, AllergyState, AllergySummary, Census } from '../../electron/shared/contract';
import { ALLERGY_CONFLICT_TEXT, activeAllergyText, allergySummaryText, pastAllergiesText, withdrawnAllergiesText } from '../../renderer/src/lib/patient';
import { chromiumPath, go, openPage, pdfPageTexts, squash, startApp, type App } from './support/app';
import { generatedHome, type E2eHome } from './support/homes';

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';

const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const CONDITION_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
/** Problems planted on the first patient: a relapse is a current problem; a refuted one is none. */
const PROBLEMS = [
  { text: 'Crohn disease of ileum', clinical: 'relapse', verification: 'confirmed', current: true },
  { text: 'Pulmonary sarcoidosis', clinical: 'active', verification: 'refuted', current: false },
];

/** One patient per allergy status: the entries the export sends, and what every place must say. */
const STATUSES: Array<{
  label: string;
  state: AllergyState;
  entries: Array<{ code: object; clinical?: string; verification?: string; reaction?: string }>;
  says: RegExp;
  /** The "no longer active" list the banner, the summary and its printed copy show apart. */
  past?: string;
  /** What the chart says it left out (refuted, entered in error), so its numbers add up. */
  withdrawn?: string;
}> = [
  { label: 'relapse', state: 'allergies', entries: [{ code: { text: 'Penicillin' }, clinical: 'relapse' }], says: /^Penicillin$/ },
  { label: 'text-only NKDA', state: 'no-known-allergies', entries: [{ code: { text: 'NKDA' } }], says: /^No known allergies$/ },
  { label: 'coded no known drug allergy', state: 'no-known-allergies', entries: [{ code: { coding: [{ system: 'http://snomed.info/sct', code: '409137002' }] } }], says: /^No known allergies$/ },
  { label: 'inactive only', state: 'only-inactive', entries: [{ code: { text: 'Latex' }, clinical: 'inactive' }], says: /^None active \(no longer active: Latex — inactive\)$/ },
  { label: 'refuted only', state: 'not-recorded', entries: [{ code: { text: 'Codeine' }, verification: 'refuted' }], says: /^Not recorded/, withdrawn: '1 entry refuted or entered in error — not an allergy, not listed' },
  { label: 'no entries', state: 'not-recorded', entries: [], says: /^Not recorded/ },
  { label: 'unconfirmed', state: 'allergies', entries: [{ code: { text: 'Sulfa' }, verification: 'unconfirmed' }], says: /^Sulfa — unconfirmed$/ },
  {
    label: 'active, resolved and entered in error',
    state: 'allergies',
    entries: [{ code: { text: 'Amoxicillin' } }, { code: { text: 'Shellfish' }, clinical: 'resolved', reaction: 'Hives' }, { code: { text: 'Tartrazine dye' }, verification: 'entered-in-error' }],
    says: /^Amoxicillin$/,
    past: 'No longer active: Shellfish (Hives) — resolved',
    withdrawn: '1 entry refuted or entered in error — not an allergy, not listed',
  },
  { label: 'NKA with a remitted allergy', state: 'no-known-allergies', entries: [{ code: { text: 'NKDA' } }, { code: { text: 'Egg' }, clinical: 'remission' }], says: /^No known allergies$/, past: 'No longer active: Egg — remission' },
  { label: 'NKA next to an allergy', state: 'allergies', entries: [{ code: { text: 'No known allergies' } }, { code: { text: 'Peanut' } }], says: /^Peanut \(the chart also says/ },
];

/** Replace the first patients' allergy entries with one status each; returns their ids in STATUSES order. */
function plantStatuses(fhirDir: string, ids: string[]): void {
  const patients = readFileSync(path.join(fhirDir, 'Patient.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
  ids.push(...patients.slice(0, STATUSES.length));
  const file = path.join(fhirDir, 'AllergyIntolerance.ndjson');
  const planted = new Set(ids.map((id) => `Patient/${id}`));
  const kept = readFileSync(file, 'utf8').split('\n').filter(Boolean).filter((l) => !planted.has((JSON.parse(l) as { patient: { reference: string } }).patient.reference));
  const added = STATUSES.flatMap((s, i) =>
    s.entries.map((e, j) =>
      JSON.stringify({
        resourceType: 'AllergyIntolerance',
        id: `e2e-allergy-${i}-${j}`,
        patient: { reference: `Patient/${ids[i]}` },
        code: e.code,
        clinicalStatus: { coding: [{ system: CLINICAL, code: e.clinical ?? 'active' }] },
        verificationStatus: { coding: [{ system: VERIFICATION, code: e.verification ?? 'confirmed' }] },
        ...(e.reaction ? { reaction: [{ manifestation: [{ text: e.reaction }] }] } : {}),
      }),
    ),
  );
  writeFileSync(file, `${[...kept, ...added].join('\n')}\n`);
  // The first patient's problems: one relapsed (current), one refuted (not a problem).
  const conditionFile = path.join(fhirDir, 'Condition.ndjson');
  const conditions = readFileSync(conditionFile, 'utf8').split('\n').filter(Boolean);
  const planted2 = PROBLEMS.map((p, i) =>
    JSON.stringify({
      resourceType: 'Condition',
      id: `e2e-condition-${i}`,
      subject: { reference: `Patient/${ids[0]}` },
      code: { text: p.text },
      clinicalStatus: { coding: [{ system: CONDITION_CLINICAL, code: p.clinical }] },
      verificationStatus: { coding: [{ system: CONDITION_VERIFICATION, code: p.verification }] },
      onsetDateTime: '2025-11-02T08:00:00Z',
    }),
  );
  writeFileSync(conditionFile, `${[...conditions, ...planted2].join('\n')}\n`);
  const manifestFile = path.join(fhirDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { output: Array<{ type: string; count?: number }> };
  for (const o of manifest.output) {
    if (o.type === 'AllergyIntolerance' && typeof o.count === 'number') o.count = kept.length + added.length;
    if (o.type === 'Condition' && typeof o.count === 'number') o.count = conditions.length + planted2.length;
  }
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
}

/**
 * One allergy answer everywhere: for a patient of each status, the census screen, the banner,
 * the chart, the census print, the MAR print and the summary print say the same thing.
 */
describe.skipIf(!chromiumPath)('allergy status says the same everywhere', () => {
  const ids: string[] = [];
  let home: E2eHome;
  let app: App;
  let queries: HomeQueries;
  const censusOf = new Map<string, { census: Census; summary: AllergySummary }>();

  beforeAll(async () => {
    home = await generatedHome({ beds: 12, units: 1, edit: (dir) => plantStatuses(dir, ids) });
    app = await startApp(home.context);
    queries = home.context.queries()!;
    const census = queries.census({ unit: home.units[0]!.id });
    for (const b of census.beds) if (b.patient) censusOf.set(b.patient.id, { census, summary: b.patient.allergies });
  });
  afterAll(async () => {
    await app?.close();
    home?.close();
  });

  it('decides each status as a clinician reads it, and the chart and the census row agree', () => {
    STATUSES.forEach((s, i) => {
      const row = censusOf.get(ids[i]!);
      expect(row, s.label).toBeDefined();
      const chart = queries.chart({ patientId: ids[i]! });
      expect(row!.summary, s.label).toEqual(chart.allergySummary);
      expect(chart.allergySummary.state, s.label).toBe(s.state);
      expect(allergySummaryText(chart.allergySummary), s.label).toMatch(s.says);
      expect(pastAllergiesText(chart.allergySummary), s.label).toBe(s.past ?? null);
      expect(withdrawnAllergiesText(chart.allergySummary), s.label).toBe(s.withdrawn ?? null);
    });
  });

  it('shows it on the census screen and in the banner', async () => {
    const page = await openPage(app);
    await go(page, `#/census/${encodeURIComponent(home.units[0]!.id)}`);
    await page.getByTestId('census-table').waitFor();
    for (const [i, s] of STATUSES.entries()) {
      const chart = queries.chart({ patientId: ids[i]! });
      const text = allergySummaryText(chart.allergySummary);
      const row = page.getByTestId('census-row').filter({ hasText: `MRN ${chart.patient.mrn}` });
      expect(squash((await row.textContent()) ?? ''), s.label).toContain(squash(text));
    }
    for (const [i, s] of STATUSES.entries()) {
      const chart = queries.chart({ patientId: ids[i]! });
      await go(page, `#/patient/${encodeURIComponent(ids[i]!)}/summary`);
      const banner = page.getByTestId('banner-allergies');
      await expect.poll(async () => (await page.getByTestId('banner-mrn').textContent()) ?? '').toBe(`MRN ${chart.patient.mrn}`);
      const got = squash((await banner.textContent()) ?? '');
      const want = chart.allergySummary.state === 'allergies'
        ? [...chart.allergySummary.active.map(activeAllergyText), ...(chart.allergySummary.conflict ? [ALLERGY_CONFLICT_TEXT] : [])]
        : [allergySummaryText(chart.allergySummary)];
      for (const w of want) expect(got, s.label).toContain(squash(w));
      // The past list sits apart from the standing one, in the banner and in the summary's allergy block.
      const past = page.getByTestId('banner-past-allergies');
      if (s.past) expect(squash((await past.textContent()) ?? ''), s.label).toBe(squash(s.past));
      else expect(await past.count(), s.label).toBe(0);
      expect(got, s.label).not.toContain('No longer active');
      const detail = squash((await page.getByTestId('allergy-detail').textContent()) ?? '');
      for (const w of want) expect(detail, `summary: ${s.label}`).toContain(squash(w));
      if (s.past) expect(detail, `summary: ${s.label}`).toContain(squash(s.past));
      if (s.withdrawn) expect(detail, `summary: ${s.label}`).toContain(squash(s.withdrawn));
      else expect(detail, `summary: ${s.label}`).not.toContain('refuted');
      await go(page, '#/');
    }
  });

  it('shows a relapsed problem as current on the problems tab, the summary and its print; a refuted one as none', async () => {
    const chart = queries.chart({ patientId: ids[0]! });
    const standing = new Map(chart.conditions.map((c) => [c.code.display, c.standing]));
    expect(standing.get(PROBLEMS[0]!.text)).toBe('current');
    expect(standing.get(PROBLEMS[1]!.text)).toBe('not-a-problem');
    const page = await openPage(app);
    const id = encodeURIComponent(ids[0]!);
    await go(page, `#/patient/${id}/problems`);
    const row = page.getByTestId('problems-table').getByRole('row').filter({ hasText: PROBLEMS[0]!.text });
    await expect.poll(async () => (await row.locator('[data-standing]').getAttribute('data-standing')) ?? '').toBe('current');
    expect(squash((await row.textContent()) ?? '')).toContain('relapse');
    const refuted = page.getByTestId('problems-table').getByRole('row').filter({ hasText: PROBLEMS[1]!.text });
    expect(await refuted.locator('[data-standing]').getAttribute('data-standing')).toBe('not-a-problem');
    expect(squash((await refuted.textContent()) ?? '')).toContain('refuted');
    await go(page, `#/patient/${id}/summary`);
    const summary = page.getByTestId('summary-problems');
    await summary.waitFor();
    const listed = (await summary.textContent()) ?? '';
    expect(listed).toContain(PROBLEMS[0]!.text);
    expect(listed).not.toContain(PROBLEMS[1]!.text);
    await go(page, `#/print/summary/${id}`);
    await page.getByTestId('print-ready').waitFor();
    const printed = squash((await pdfPageTexts(await page.pdf({ preferCSSPageSize: true }))).join(' '));
    expect(printed).toContain(squash(PROBLEMS[0]!.text));
    expect(printed).not.toContain(squash(PROBLEMS[1]!.text));
  });

  it('prints it on the census, on each patient’s MAR and on the summary', async () => {
    const page = await openPage(app);
    await go(page, `#/print/census/${encodeURIComponent(home.units[0]!.id)}`);
    await page.getByTestId('print-ready').waitFor();
    const census = squash((await pdfPageTexts(await page.pdf({ preferCSSPageSize: true }))).join(' '));
    for (const [i, s] of STATUSES.entries()) {
      const chart = queries.chart({ patientId: ids[i]! });
      const line = squash(`ALLERGIES: ${allergySummaryText(chart.allergySummary)}`);
      expect(census, `census print: ${s.label}`).toContain(squash(allergySummaryText(chart.allergySummary)));
      for (const kind of ['mar', 'summary']) {
        await go(page, `#/print/${kind}/${encodeURIComponent(ids[i]!)}`);
        await page.getByTestId('print-ready').waitFor();
        const pages = await pdfPageTexts(await page.pdf({ preferCSSPageSize: true }));
        for (const [n, text] of pages.entries()) expect(squash(text), `${kind} print page ${n + 1}: ${s.label}`).toContain(line);
        const all = squash(pages.join(' '));
        if (kind === 'summary' && s.past) expect(all, `summary print: ${s.label}`).toContain(squash(s.past));
        if (kind === 'summary' && s.withdrawn) expect(all, `summary print: ${s.label}`).toContain(squash(s.withdrawn));
        // Refuted and entered-in-error substances are never printed as allergies.
        for (const e of s.entries) if (e.verification === 'refuted' || e.verification === 'entered-in-error') expect(all, `${kind} print: ${s.label}`).not.toContain((e.code as { text: string }).text);
        await go(page, '#/');
      }
    }
  });
});
