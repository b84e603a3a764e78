import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProtocolInfo } from '../../electron/shared/contract';
import { chromiumPath, go, openPage, pdfPageTexts, shot, startApp, VIEWPORTS, type App } from './support/app';
import { generatedHome, type E2eHome } from './support/homes';

/** Protocols and forms carried in a real snapshot: listed, searched, opened in the app, printed. */
describe.skipIf(!chromiumPath)('protocols on a generated hospital', () => {
  let home: E2eHome;
  let app: App;
  let list: ProtocolInfo[];

  beforeAll(async () => {
    home = await generatedHome({ beds: 4, units: 1 });
    app = await startApp(home.context);
    list = home.context.queries()!.protocols({});
  });
  afterAll(async () => {
    await app?.close();
    home?.close();
  });

  it('lists documents by category and finds them by their text', async () => {
    const page = await openPage(app);
    await go(page, '#/protocols');
    for (const category of new Set(list.map((p) => p.category))) {
      await page.getByRole('heading', { name: category, exact: true }).waitFor();
    }
    const markdown = list.find((p) => p.kind === 'markdown')!;
    const doc = home.context.queries()!.protocolOpen({ id: markdown.id });
    const word = (doc.text ?? '').split(/\W+/).find((w) => w.length > 7)!;
    await page.getByLabel('Search all documents').fill(word);
    await expect.poll(() => page.getByTestId('protocol-hits').textContent()).toContain(markdown.title);
  });

  it('opens a PDF drawn by pdf.js inside the app, and Markdown as formatted text', async () => {
    const page = await openPage(app, { viewport: VIEWPORTS.station });
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) violations.push(m.text());
    });
    const pdf = list.find((p) => p.kind === 'pdf')!;
    await go(page, `#/protocols/${encodeURIComponent(pdf.id)}`);
    const pages = page.getByTestId('pdf-pages');
    await expect.poll(() => pages.getAttribute('data-status'), { timeout: 20_000 }).toBe('ready');
    // Something was drawn: the first canvas is not blank.
    const inked = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="pdf-pages"] canvas')!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 128 && data[i + 3]! > 0) dark++;
      return dark;
    });
    expect(inked).toBeGreaterThan(100);
    expect(violations).toEqual([]);
    await shot(page, 'protocol-pdf-1920x1080');

    const markdown = list.find((p) => p.kind === 'markdown')!;
    await go(page, `#/protocols/${encodeURIComponent(markdown.id)}`);
    await expect.poll(() => page.locator('[data-testid="protocol-html"] h1, [data-testid="protocol-html"] h2').count()).toBeGreaterThan(0);
  });

  it('prints a document with the read-only notice, as-of time and page numbers', async () => {
    const page = await openPage(app);
    const doc = list.find((p) => p.kind === 'markdown')!;
    await go(page, `#/print/protocol/${encodeURIComponent(doc.id)}`);
    await page.getByTestId('print-ready').waitFor();
    const texts = await pdfPageTexts(await page.pdf({ preferCSSPageSize: true }));
    texts.forEach((text, i) => {
      expect(text).toContain('DOWNTIME COPY — READ ONLY');
      expect(text).toContain('Data as of');
      expect(text).toContain(`Page ${i + 1} of ${texts.length}`);
    });
    expect(texts.join(' ')).toContain(doc.title);
  });
});
