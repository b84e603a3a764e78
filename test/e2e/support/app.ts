import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ApiContext } from '../../../electron/core/api/handlers';
import { startPreviewServer, type PreviewServer } from '../../../scripts/preview/server';
import { findChromium, launchChromium, NO_BROWSER_MESSAGE } from '../../support/browser';
import { REPO_ROOT } from '../../support/fixtures';

// Dates on screen and paper are in the workstation's zone; the specs and the browser agree on UTC.
process.env.TZ = 'UTC';

export const chromiumPath = findChromium();
if (!chromiumPath) console.warn(`\n*** ${NO_BROWSER_MESSAGE} ***\n`);

export const SHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');
export const VIEWPORTS = {
  laptop: { width: 1280, height: 800 },
  station: { width: 1920, height: 1080 },
  /** The common ward PC screen. */
  ward: { width: 1366, height: 768 },
  /** 1366x768 at 150% zoom: the CSS pixels left (use with deviceScaleFactor 1.5). */
  wardZoomed: { width: 911, height: 512 },
} as const;

export interface App {
  server: PreviewServer;
  browser: Browser;
  close(): Promise<void>;
}

export async function startApp(context: ApiContext): Promise<App> {
  const server = await startPreviewServer({ context });
  const browser = await launchChromium(chromiumPath!);
  mkdirSync(SHOTS, { recursive: true });
  return {
    server,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

export interface OpenOptions {
  viewport?: { width: number; height: number };
  /** Device pixels per CSS pixel: 1.5 is Windows' 150% scaling. */
  deviceScaleFactor?: number;
  /** Install Playwright's fake clock at this time before the app loads. */
  clockAt?: Date;
  /** The workstation's time zone (IANA); UTC when not given. */
  timezoneId?: string;
}

/** A fresh page on the app (census), with uncaught page errors collected. */
export async function openPage(app: App, options: OpenOptions = {}): Promise<Page & { errors: string[] }> {
  const context = await app.browser.newContext({ viewport: options.viewport ?? VIEWPORTS.laptop, deviceScaleFactor: options.deviceScaleFactor, timezoneId: options.timezoneId ?? 'UTC', locale: 'en-GB' });
  const page = (await context.newPage()) as Page & { errors: string[] };
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  if (options.clockAt) await page.clock.install({ time: options.clockAt });
  await page.goto(app.server.url);
  await page.getByTestId('read-only').waitFor();
  // Ready when the workstation status has arrived and the first screen has finished loading.
  await page.waitForFunction(() => document.querySelector('#main') && !document.querySelector('#main [data-testid="loading"]'));
  return page;
}

/** Go to an in-app screen by its hash route (what a link or Back does). */
export async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => {
    window.location.hash = h;
  }, hash);
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** The text of each page of a PDF, whitespace collapsed. */
export async function pdfPageTexts(pdf: Buffer): Promise<string[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(
      content.items
        .map((item) => ('str' in item ? item.str : ''))
        .join(' ')
        .replace(/\s+/g, ' '),
    );
  }
  await doc.destroy();
  return pages;
}

export interface PdfPage {
  text: string;
  /** In PDF points (1/72 in). */
  width: number;
  height: number;
  /** The height of the smallest text on the page, in points. */
  smallestTextPt: number;
}

/** Each page of a PDF: its text (whitespace collapsed), its size and its smallest text. */
export async function pdfPages(pdf: Buffer): Promise<PdfPage[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false }).promise;
  const pages: PdfPage[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = page.view;
    const items = (await page.getTextContent()).items.flatMap((item) => ('str' in item ? [item] : []));
    const sizes = items.filter((i) => i.str.trim()).map((i) => Math.hypot(i.transform[2] as number, i.transform[3] as number));
    pages.push({
      text: items.map((i) => i.str).join(' ').replace(/\s+/g, ' '),
      width: x1 - x0,
      height: y1 - y0,
      smallestTextPt: sizes.length ? Math.min(...sizes) : 0,
    });
  }
  await doc.destroy();
  return pages;
}

/** Compare text ignoring how lines were broken. */
export const squash = (s: string): string => s.replace(/\s+/g, '');
