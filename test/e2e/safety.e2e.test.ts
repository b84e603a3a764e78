import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readState } from '../../electron/core/home/layout';
import { presentError } from '../../electron/core/home/errors';
import { createFakeContext, KNOWN } from '../support/fake-context';
import { chromiumPath, go, openPage, pdfPageTexts, shot, startApp, type App } from './support/app';
import { generatedHome } from './support/homes';

/**
 * Safety properties checked on the fake workstation, whose data carries the hostile and
 * extreme cases on purpose: hostile protocol HTML, DEMO data, long lists, empty beds.
 */
describe.skipIf(!chromiumPath)('safety on the fake hospital', () => {
  let app: App;

  beforeAll(async () => {
    app = await startApp(createFakeContext({ demo: true }));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('sanitizes protocol HTML: no script, handler, form, style, frame or remote image survives or runs', async () => {
    const page = await openPage(app);
    await go(page, '#/protocols/proto-rapid-response');
    const body = page.getByTestId('protocol-html');
    await body.waitFor();
    expect(await body.textContent()).toContain('extension 5555');
    await page.waitForLoadState('networkidle');
    const probe = await page.evaluate(() => {
      const root = document.querySelector('[data-testid="protocol-html"]')!;
      const all = [...root.querySelectorAll('*')];
      return {
        pwned: (window as unknown as { __lanternPwned?: string }).__lanternPwned ?? null,
        dangerous: root.querySelectorAll('script, form, input, button, iframe, style, object, embed').length,
        handlers: all.filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
        styles: all.filter((el) => el.hasAttribute('style')).length,
        remote: all.filter((el) => /^(https?:|javascript:)/i.test(el.getAttribute('src') ?? el.getAttribute('href') ?? '')).length,
      };
    });
    expect(probe).toEqual({ pwned: null, dangerous: 0, handlers: 0, styles: 0, remote: 0 });
  });

  it('marks demo data on every screen and on every printed page', async () => {
    const page = await openPage(app);
    for (const hash of ['#/census/4W', `#/patient/${KNOWN.id}/summary`, '#/protocols']) {
      await go(page, hash);
      await page.getByTestId('demo-strip').waitFor();
      expect(await page.getByTestId('demo-badge').textContent()).toBe('DEMO');
    }
    await go(page, `#/print/summary/${KNOWN.id}`);
    await page.getByTestId('print-ready').waitFor();
    const texts = await pdfPageTexts(await page.pdf({ preferCSSPageSize: true }));
    for (const text of texts) {
      expect(text).toContain('DEMO DATA — NOT REAL PATIENTS');
      expect(text).toContain(KNOWN.name);
      expect(text).toContain(`MRN ${KNOWN.mrn}`);
      expect(text).toContain('ALLERGIES: Penicillin');
    }
  });

  it('renders only the visible rows of a long list', async () => {
    const page = await openPage(app);
    await go(page, '#/patient/pat-icu-i-11/vitals');
    const table = page.getByTestId('vitals-table');
    await table.waitFor();
    expect(await table.getAttribute('data-virtualized')).toBe('true');
    const total = Number(await table.getAttribute('aria-rowcount')) - 1;
    const rendered = await table.locator('[role="row"]').count();
    expect(total).toBeGreaterThan(60);
    expect(rendered).toBeLessThan(total);
    // Scrolling brings the oldest rows in.
    await table.evaluate((t) => t.scrollTo(0, t.scrollHeight));
    await expect.poll(() => table.locator(`[aria-rowindex="${total + 1}"]`).count()).toBe(1);
  });

  it('prints the census with identifiers and allergies on each row', async () => {
    const page = await openPage(app);
    await go(page, '#/print/census/4W');
    await page.getByTestId('print-ready').waitFor();
    await shot(page, 'print-census-preview-1280x800');
    const text = (await pdfPageTexts(await page.pdf({ preferCSSPageSize: true }))).join(' ');
    expect(text).toContain(KNOWN.name);
    expect(text).toContain(`MRN ${KNOWN.mrn}`);
    expect(text).toContain('Penicillin (severe: Anaphylaxis)');
    expect(text).toContain('Empty bed');
  });

  it('shows a failure of the workstation (disk full) in the header, in one sentence for IT, and nothing when there is none', async () => {
    const plain = await openPage(app);
    await go(plain, '#/census/4W');
    await plain.getByTestId('census-table').waitFor();
    expect(await plain.getByTestId('local-failure').count()).toBe(0);

    const { code, message } = presentError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    const failing = await startApp(createFakeContext({ demo: true, lastFailure: { at: new Date().toISOString(), file: 'unit-4w.lantern', code, message } }));
    try {
      const page = await openPage(failing);
      await go(page, '#/census/4W');
      const banner = page.getByTestId('local-failure');
      await banner.waitFor();
      const text = (await banner.textContent()) ?? '';
      expect(text).toContain('The last update of this copy failed');
      expect(text).toContain(message);
      expect(text).toMatch(/disk is full/);
      expect(text).not.toMatch(/ENOSPC: no space|unexpected/);
      await shot(page, 'header-local-failure-1280x800');
    } finally {
      await failing.close();
    }
  });

  it('keeps the keyboard in charge: Tab reaches the chart link with a visible focus ring', async () => {
    const page = await openPage(app);
    await go(page, '#/census/4W');
    await page.getByTestId('census-table').waitFor();
    let focused = '';
    for (let i = 0; i < 40 && !focused.includes('patient-link'); i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.className ?? '');
    }
    expect(focused).toContain('patient-link');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');
    await page.keyboard.press('Enter');
    await page.getByTestId('patient-banner').waitFor();
  });
});

/** The copy on screen is not the newest that arrived: the header says so, and the chart stays. */
describe.skipIf(!chromiumPath)('when the copy on screen is not the newest', () => {
  it('shows the previous copy, not an error page, when the snapshot in use is damaged, and says so', async () => {
    const home = await generatedHome({ beds: 8, units: 1, snapshots: 2 });
    rmSync(path.join(home.dir, readState(home.dir).current!.db));
    const app = await startApp(home.context);
    try {
      const page = await openPage(app);
      await page.getByTestId('census-table').waitFor();
      const notice = page.getByTestId('fallback-notice');
      expect(await notice.getAttribute('role')).toBe('alert');
      expect(await notice.textContent()).toMatch(/^The snapshot in use was damaged; showing the previous copy, data as of \d\d \w{3} \d{4} \d\d:\d\d\./);
      expect(readState(home.dir).current?.status.sequence).toBe(1);
      await shot(page, 'census-damaged-fallback-1280x800');
      expect(page.errors).toEqual([]);
    } finally {
      await app.close();
      home.close();
    }
  });

  it('says when a new snapshot was held back, and keeps showing the copy in use', async () => {
    const base = createFakeContext({ demo: false });
    const heldBack = {
      at: new Date().toISOString(),
      file: 'general-43.lantern',
      sequence: 43,
      asOf: base.asOf.toISOString(),
      patients: { snapshot: 3, inUse: 412 },
      missing: [],
    };
    const app = await startApp({ ...base, status: () => ({ ...base.status(), heldBack }) });
    try {
      const page = await openPage(app);
      await page.getByTestId('census-table').waitFor();
      const notice = page.getByTestId('held-back-notice');
      expect(await notice.textContent()).toBe(
        'A new snapshot was held back: it has 3 patients where the copy in use has 412. The copy in use is still shown. ' +
          'IT: check the EHR export and the publisher; if the change is real, take it on purpose with ' +
          'lantern ingest FILE --home DIR --accept-drop (FILE: general-43.lantern, sequence 43).',
      );
      await shot(page, 'census-held-back-1280x800');
    } finally {
      await app.close();
    }
  });
});
