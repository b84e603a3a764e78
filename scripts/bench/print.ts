// The unit MAR printed to PDF the way a nurse prints it in the preview: Chromium lays out
// the print view and renders every page.
import { performance } from 'node:perf_hooks';
import { openWorkstation } from '../../electron/core/workstation';
import { ensureRendererBuilt } from '../build/build';
import { findChromium, launchChromium } from '../preview/chromium';
import { startPreviewServer } from '../preview/server';
import { chartModel } from '../../electron/core/chart';

export interface UnitMarPrint {
  seconds: number;
  /** The unit printed and its occupied beds. */
  unit: string;
  beds: number;
  /** Pages of the PDF. */
  pages: number;
  pagesPerPatient: number;
  /** The most pages one patient takes. */
  mostPagesPerPatient: number;
  /** The pages the print view cut the document into: equal to `pages` when every sheet fits its page. */
  sheets: number;
}

export async function printUnitMar(
  homeDir: string,
  unitId: string,
  log: (line: string) => void,
  options: { demo?: boolean } = {},
): Promise<UnitMarPrint | { skipped: string }> {
  const executable = findChromium();
  if (!executable) return { skipped: 'no Chromium or Chrome installed' };
  await ensureRendererBuilt(() => {});
  const context = openWorkstation({ model: chartModel, shell: 'preview', version: 'bench', homeDir, demo: options.demo ?? false });
  const census = context.queries()!.census({ unit: unitId });
  const beds = census.beds.filter((b) => b.patient).length;
  const server = await startPreviewServer({ context });
  const browser = await launchChromium(executable);
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.setDefaultTimeout(300_000);
    page.on('crash', () => log('unit MAR: the page crashed'));
    page.on('pageerror', (e) => log(`unit MAR: page error ${e.message.slice(0, 200)}`));
    await page.goto(server.url);
    await page.getByTestId('read-only').waitFor();
    // The app opens on all units and, once their census has rendered, replaces the route with
    // the first unit's census. A route set before that is overwritten and the print view never
    // opens. A unit's Print unit MAR link is shown only after that step.
    await page.locator('a[href^="#/print/mar-unit/"]').waitFor();
    log(`unit MAR: app open`);
    const started = performance.now();
    await page.evaluate((hash) => (window.location.hash = hash), `#/print/mar-unit/${encodeURIComponent(unitId)}`);
    await page.getByTestId('print-ready').waitFor();
    const laidOut = (performance.now() - started) / 1000;
    // Each patient's pages as the print view cut them (one sheet per page, named per patient).
    const perPatient = await page.evaluate(() => {
      const counts = new Map<string, number>();
      for (const sheet of Array.from(document.querySelectorAll('.print-doc .mar-sheet'))) {
        const name = sheet.getAttribute('data-page') ?? '';
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      return [...counts.values()];
    });
    const pdf = await page.pdf({ printBackground: true, preferCSSPageSize: true });
    const seconds = (performance.now() - started) / 1000;
    log(`unit MAR: print view ready in ${laidOut.toFixed(2)} s, PDF after ${seconds.toFixed(2)} s`);
    // Page objects counted in the file itself: pdf.js's legacy build would install polyfills
    // that slow down everything else this process does afterwards.
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g)?.length ?? 0;
    const sheets = perPatient.reduce((sum, n) => sum + n, 0);
    return {
      seconds,
      unit: census.unit?.name ?? unitId,
      beds,
      pages,
      pagesPerPatient: beds ? pages / beds : 0,
      mostPagesPerPatient: Math.max(0, ...perPatient),
      sheets,
    };
  } finally {
    await browser.close();
    await server.close();
    context.home?.close();
  }
}
