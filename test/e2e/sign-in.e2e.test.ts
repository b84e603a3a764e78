import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emergencyCodes, makeEmergencySeed } from '../../electron/core/home/emergency';
import { installRoster, rosterSource } from '../../electron/core/home/roster';
import { createSignIn, homeSignInStore, type SignInEvent } from '../../electron/core/home/sign-in';
import { makeTestPki } from '../support/snapshots';
import { NURSE, writeTestRoster } from '../support/rosters';
import { chromiumPath, go, openPage, pdfPageTexts, startApp, type App } from './support/app';
import { generatedHome, type E2eHome } from './support/homes';

const seed = makeEmergencySeed(10);

/** Sign in on the sign-in screen by id and passphrase. */
async function signIn(page: Page, user: string, passphrase: string) {
  await page.getByTestId('sign-in-user').fill(user);
  await page.getByTestId('sign-in-passphrase').fill(passphrase);
  await page.getByTestId('sign-in-submit').click();
}

describe.skipIf(!chromiumPath)('sign-in, lock and emergency access in the browser', () => {
  let home: E2eHome;
  let app: App;
  let patient: { id: string; name: string; mrn: string | null };
  const events: SignInEvent[] = [];
  let gate: ReturnType<typeof createSignIn>;
  /** One station: whoever the last spec left signed in is signed out first. */
  const station = async (options: Parameters<typeof openPage>[1] = {}) => {
    gate.lock('lock');
    const page = await openPage(app, options);
    await page.getByTestId('sign-in').waitFor();
    return page;
  };

  beforeAll(async () => {
    home = await generatedHome({ beds: 8, units: 1, seed: 'sign-in' });
    // A roster signed by a publisher this home is told to trust.
    const pki = makeTestPki({ dir: path.join(home.dir, '..', 'roster-pki'), now: new Date(Date.now() - 86_400_000) });
    appendFileSync(path.join(home.dir, 'trust.pem'), readFileSync(pki.files.ca, 'utf8'));
    installRoster(home.dir, await writeTestRoster(path.join(home.dir, '..', 'roster.json'), pki, { now: new Date(), seed }));
    gate = createSignIn({
      roster: rosterSource(home.dir),
      homeUnits: null,
      store: homeSignInStore(home.dir),
      rules: { maxAttempts: 3, lockMinutes: 15, autoLockMinutes: 2 },
      onEvent: (e) => events.push(e),
    });
    app = await startApp({ ...home.context, signIn: gate });
    const bed = home.context.queries()!.census({}).beds.find((b) => b.patient)!;
    patient = bed.patient!;
  });
  afterAll(async () => {
    await app?.close();
    home?.close();
  });

  it('shows only the sign-in until someone signs in; a wrong passphrase is refused; then the census shows', async () => {
    const page = await station();
    expect(await page.content()).not.toContain(patient.name);
    await signIn(page, 'jdoe', 'not my passphrase');
    expect(await page.getByTestId('sign-in-error').textContent()).toMatch(/do not match\. 2 attempts left/);
    await signIn(page, 'jdoe', NURSE.passphrase);
    await page.getByTestId('signed-in-as').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('Jane Doe (RN)');
    await page.getByText(patient.name).first().waitFor();
  });

  it('locks out an id after 3 failures: the right passphrase is refused too', async () => {
    const page = await station();
    for (let i = 0; i < 3; i++) await signIn(page, 'asmith', `wrong passphrase ${i}`).then(() => page.getByTestId('sign-in-error').waitFor());
    expect(await page.getByTestId('sign-in-error').textContent()).toMatch(/After 3 failed attempts asmith cannot sign in at this station for 15 minutes/);
    await signIn(page, 'asmith', 'battery staple moon');
    await page.getByText(/Too many failed attempts/).waitFor();
    expect(events.filter((e) => e.kind === 'lockout')).toEqual([expect.objectContaining({ user: 'asmith' })]);
  });

  it('locks after the inactivity time: the chart leaves the page at once, and sign-in brings it back', async () => {
    const page = await station({ clockAt: new Date() });
    await signIn(page, 'jdoe', NURSE.passphrase);
    await go(page, `#/patient/${encodeURIComponent(patient.id)}/summary`);
    await page.getByTestId('session-bar').waitFor();
    await page.getByText(patient.name).first().waitFor();
    await page.clock.fastForward(60_000);
    expect(await page.content()).toContain(patient.name);
    await page.clock.fastForward(61_000);
    await page.getByTestId('sign-in').waitFor();
    const html = await page.content();
    expect(html).not.toContain(patient.name);
    if (patient.mrn) expect(html).not.toContain(patient.mrn);
    expect(await page.getByTestId('locked-as').textContent()).toMatch(/Locked after inactivity: Jane Doe \(RN\)/);
    // The main side is locked too: a query from this page is refused.
    const refused = await page.evaluate(() => window.lantern!.census({}));
    expect(refused).toMatchObject({ ok: false, error: { code: 'SIGNED_OUT' } });
    expect(await page.getByTestId('sign-in-user').inputValue()).toBe('jdoe');
    await page.getByTestId('sign-in-passphrase').fill(NURSE.passphrase);
    await page.getByTestId('sign-in-submit').click();
    await page.getByText(patient.name).first().waitFor();
    expect(events.map((e) => e.kind)).toContain('unlock');
  });

  it('switches user in one step: the next person signs in at the census', async () => {
    const page = await station();
    await signIn(page, 'jdoe', NURSE.passphrase);
    await go(page, `#/patient/${encodeURIComponent(patient.id)}/summary`);
    await page.getByText(patient.name).first().waitFor();
    await page.getByTestId('switch-user').click();
    await page.getByTestId('sign-in').waitFor();
    expect(await page.content()).not.toContain(patient.name);
    await page.getByTestId('sign-in-user').fill('');
    await page.getByTestId('emergency-mode').click();
    await page.getByTestId('emergency-code').fill(emergencyCodes(seed, 1, 1)[0]!.code.toLowerCase());
    await page.getByTestId('emergency-name').fill('Sam Lee');
    await page.getByTestId('emergency-role').fill('Agency RN');
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('emergency-banner').waitFor();
    expect(await page.getByTestId('emergency-banner').textContent()).toMatch(/^EMERGENCY ACCESS — Sam Lee \(Agency RN\) — ends /);
    expect(page.url()).toMatch(/#\/census/);
    expect(page.url()).not.toContain(patient.id);
    expect(events.at(-1)).toMatchObject({ kind: 'emergency-access', person: { name: 'Sam Lee', how: 'emergency' }, reason: 'Not in the roster (agency or float staff)', code: 1 });
  });

  it('an emergency code resumes only its own session, and a code before one used is refused', async () => {
    const emergency = async (page: Page, k: number, name: string) => {
      await page.getByTestId('emergency-mode').click();
      await page.getByTestId('emergency-code').fill(emergencyCodes(seed, k, 1)[0]!.code);
      await page.getByTestId('emergency-name').fill(name);
      await page.getByTestId('emergency-role').fill('RN');
      await page.getByTestId('sign-in-submit').click();
    };
    let page = await station();
    // The code of the open emergency session brings that session back (as Sam Lee), never a new person.
    await emergency(page, 1, 'Someone Else');
    await page.getByTestId('emergency-banner').waitFor();
    expect(await page.getByTestId('emergency-banner').textContent()).toContain('Sam Lee');
    page = await station();
    await emergency(page, 2, 'Pat Kim');
    await page.getByText(/EMERGENCY ACCESS — Pat Kim/).waitFor();
    page = await station();
    await emergency(page, 1, 'Sam Lee');
    expect(await page.getByTestId('sign-in-error').textContent()).toMatch(/already used at this station/);
    // Back to Pat Kim's session, for the print.
    await emergency(page, 2, 'Pat Kim');
    await page.getByTestId('emergency-banner').waitFor();
  });

  it('prints "printed by" with the name on every page, and EMERGENCY ACCESS in an emergency session', async () => {
    const page = await openPage(app);
    await page.getByTestId('emergency-banner').waitFor();
    await go(page, `#/print/summary/${encodeURIComponent(patient.id)}`);
    await page.getByTestId('print-ready').waitFor();
    const pages = await pdfPageTexts(await page.pdf({ printBackground: true, preferCSSPageSize: true }));
    expect(pages.length).toBeGreaterThan(0);
    for (const text of pages) {
      expect(text).toMatch(/Printed .+ by Pat Kim \(RN\)/);
      expect(text).toContain('EMERGENCY ACCESS');
    }
  });
});
