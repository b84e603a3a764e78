import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../electron/shared/csp';
import { openWorkstation } from '../../electron/core/workstation';
import { startPreviewServer, type PreviewServer } from '../../scripts/preview/server';
import { findChromium, launchChromium, NO_BROWSER_MESSAGE } from '../support/browser';
import { REPO_ROOT } from '../support/fixtures';
import { chartModel } from '../../electron/core/chart';

const chromiumPath = findChromium();
if (!chromiumPath) console.warn(`\n*** ${NO_BROWSER_MESSAGE} ***\n`);
const SHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');

describe.skipIf(!chromiumPath)('app shell in Chromium through the preview server', () => {
  let server: PreviewServer;
  let browser: Browser;

  beforeAll(async () => {
    // A workstation with nothing ingested yet: the shell's empty state.
    const context = openWorkstation({ model: chartModel, shell: 'preview', version: 'e2e', homeDir: null, demo: true });
    server = await startPreviewServer({ context });
    browser = await launchChromium(chromiumPath!);
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders the header (read-only, DEMO) and the empty state, with the CSP header on the page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const response = await page.goto(server.url);
    expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    await expect.poll(() => page.getByTestId('read-only').textContent()).toBe('DOWNTIME COPY — READ ONLY');
    expect(await page.getByTestId('demo-badge').textContent()).toBe('DEMO');
    expect(await page.getByTestId('empty-state').isVisible()).toBe(true);
    // The token left the address bar once it was read.
    expect(page.url()).not.toContain('token');
    await page.screenshot({ path: path.join(SHOTS, 'shell-empty.png') });
    await page.close();
  });

  it('does not navigate away, and the CSP stops connections and inline script', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByTestId('read-only').waitFor();
    const appUrl = page.url();

    await page.evaluate(() => {
      const a = document.createElement('a');
      a.href = 'https://example.org/phish';
      a.id = 'away';
      a.textContent = 'away';
      document.body.append(a);
    });
    await page.click('#away');
    await page.waitForTimeout(300);
    expect(page.url()).toBe(appUrl);

    const violations = await page.evaluate(async () => {
      const seen: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective));
      await fetch('https://example.org/data').catch(() => undefined);
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.body.append(s);
      await new Promise((r) => setTimeout(r, 200));
      return { seen, injected: (window as unknown as { __injected?: boolean }).__injected ?? false };
    });
    expect(violations.injected).toBe(false);
    expect(violations.seen).toEqual(expect.arrayContaining(['connect-src', 'script-src-elem']));
    await page.close();
  });
});
