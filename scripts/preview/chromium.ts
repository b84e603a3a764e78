import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [
  process.env['LANTERN_CHROMIUM'],
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
].filter((p): p is string => Boolean(p));

/** The installed Chromium/Chrome to drive, or null (never downloads one). */
export function findChromium(): string | null {
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export const NO_BROWSER_MESSAGE =
  'END-TO-END TESTS NOT RUN: no Chromium or Chrome is installed (looked in ' +
  CANDIDATES.join(', ') +
  '). Install Debian\'s "chromium" package (apt-get install -y chromium) to run them.';

/** Headless Chromium (a fresh temporary profile) with the flags a closed network needs. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Containers often give /dev/shm only 64 MB: a long print job must not run out there.
      '--disable-dev-shm-usage',
    ],
  });
}
