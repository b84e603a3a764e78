import { DEMO_USER } from '../../electron/core/demo/home';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNEL_NAMES, ipcChannel } from '../../electron/shared/contract';
import { CONTENT_SECURITY_POLICY } from '../../electron/shared/csp';
import { FOR_IT } from '../../electron/shared/errors';
import { chartModel } from '../../electron/core/chart';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import type * as PolicyModule from '../../electron/core/home/policy';
import type { Policy } from '../../electron/core/home/policy';
import { fakePatient } from '../support/patients';
import { buildSnapshot, DAY_MS, enrollTestHome, makeTestPki, writeTinyExport } from '../support/snapshots';
import { createFakeElectron, FakeWebContents, type FakeElectron } from './fake-electron';

let fake: FakeElectron;
let distDir: string;

async function start(options: { singleInstance?: boolean; keyStore?: boolean } = {}) {
  const userData = mkdtempSync(path.join(os.tmpdir(), 'lantern-userdata-'));
  fake = createFakeElectron({ ...options, userData });
  vi.doMock('electron', () => fake.module);
  const main = await import('../../electron/main/app');
  main.startLantern({ distDir });
  // Let whenReady() and the home's opening run until the window exists (or start-up gave up).
  await vi.waitFor(
    () => {
      if (fake.windows.length === 0 && fake.app.quit.mock.calls.length === 0) throw new Error('not started');
    },
    { timeout: 20_000, interval: 20 },
  );
  return main;
}

const appFrame = { url: 'app://lantern/index.html', parent: null };

beforeEach(() => {
  vi.resetModules();
  // An empty, not yet enrolled home: the shell's empty state, no demo to build.
  process.env['LANTERN_HOME'] = mkdtempSync(path.join(os.tmpdir(), 'lantern-home-'));
  distDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-dist-'));
  mkdirSync(path.join(distDir, 'renderer'), { recursive: true });
  writeFileSync(path.join(distDir, 'renderer', 'index.html'), '<!doctype html><title>Lantern</title>');
  writeFileSync(path.join(distDir, 'secret.txt'), 'outside the renderer folder');
});
afterEach(() => {
  vi.doUnmock('electron');
  delete process.env['LANTERN_HOME'];
});

describe('electron/main against a mocked electron', () => {
  it('creates the window with the security checklist settings and loads app://, not file://', async () => {
    await start();
    expect(fake.windows).toHaveLength(1);
    const prefs = fake.windows[0]!.options['webPreferences'] as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
    expect(prefs['preload']).toBe(path.join(distDir, 'electron', 'preload.cjs'));
    expect(fake.windows[0]!.loadedUrl).toBe('app://lantern/index.html');
    expect(fake.app.enableSandbox).toHaveBeenCalled();
  });

  it('lets the window title follow the page’s (each screen names itself, never the patient)', async () => {
    await start();
    const window = fake.windows[0]!;
    // Electron shows document.title unless a page-title-updated listener prevents it.
    expect(window.listeners.get('page-title-updated') ?? []).toHaveLength(0);
    expect(window.webContents.listeners.get('page-title-updated') ?? []).toHaveLength(0);
  });

  it('registers app:// as a secure standard scheme before the app is ready', async () => {
    await start();
    expect(fake.privileged).toEqual([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
  });

  it('serves the renderer over app:// with the CSP, and nothing outside it', async () => {
    await start();
    const handler = fake.protocolHandlers.get('app')!;
    const page = await handler(new Request('app://lantern/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.text()).toContain('<title>Lantern</title>');
    for (const url of ['app://lantern/../secret.txt', 'app://lantern/%2e%2e/secret.txt', 'app://evil/index.html', 'app://lantern/missing.js']) {
      const res = await handler(new Request(url));
      expect(res.status, url).toBe(404);
      expect(await res.text()).not.toContain('outside the renderer');
    }
  });

  it('denies navigation, new windows and webviews in every web contents', async () => {
    await start();
    const contents = new FakeWebContents();
    fake.app.emit('web-contents-created', {}, contents);
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const preventDefault = vi.fn();
      contents.emit(event, { preventDefault }, 'https://example.org/');
      expect(preventDefault, event).toHaveBeenCalled();
    }
    expect(contents.windowOpenHandler!({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
  });

  it('refuses every permission and every request that leaves the app', async () => {
    await start();
    const granted: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      fake.sessionState.permissionRequest!({}, permission, (g) => granted.push(g));
    }
    expect(granted).toEqual([false, false, false, false]);
    expect(fake.sessionState.permissionCheck!({}, 'media')).toBe(false);
    expect(fake.sessionState.devicePermission!({})).toBe(false);
    const decide = (url: string) => {
      let cancel: boolean | undefined;
      fake.sessionState.beforeRequest!({ url }, (r) => (cancel = r.cancel));
      return cancel;
    };
    expect(decide('https://example.org/x.js')).toBe(true);
    expect(decide('http://127.0.0.1:8080/')).toBe(true);
    expect(decide('file:///etc/passwd')).toBe(true);
    expect(decide('app://lantern/assets/index.js')).toBe(false);
  });

  it('answers IPC only for the app frame, with input validated and a Result returned', async () => {
    await start();
    expect([...fake.ipcHandlers.keys()].sort()).toEqual(CHANNEL_NAMES.map(ipcChannel).sort());
    const status = fake.ipcHandlers.get(ipcChannel('status'))!;
    expect(await status({ senderFrame: appFrame }, {})).toMatchObject({ ok: true, value: { demo: false, snapshot: null } });
    expect(await status({ senderFrame: { url: 'https://evil.example/', parent: null } }, {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await status({ senderFrame: { url: 'app://lantern/index.html', parent: appFrame } }, {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await status({ senderFrame: null }, {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const search = fake.ipcHandlers.get(ipcChannel('search'))!;
    expect(await search({ senderFrame: appFrame }, { text: 42 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('prints through the system dialog, or to a PDF saved where the user chooses', async () => {
    await start();
    const print = fake.ipcHandlers.get(ipcChannel('print'))!;
    const contents = fake.windows[0]!.webContents;
    expect(await print({ senderFrame: appFrame }, { mode: 'dialog', title: 'MAR' })).toEqual({
      ok: true,
      value: { printed: true, savedTo: null },
    });
    expect(contents.print).toHaveBeenCalledWith(expect.objectContaining({ silent: false }), expect.any(Function));

    const saved = await print({ senderFrame: appFrame }, { mode: 'pdf', title: 'MAR 4 West/../x' });
    const savedTo = (saved as { value: { savedTo: string } }).value.savedTo;
    expect(path.basename(savedTo)).toBe('MAR 4 West x.pdf');
    expect(readFileSync(savedTo, 'utf8')).toBe('%PDF-1.7 fake');
    expect(contents.printToPDF).toHaveBeenCalledWith(expect.objectContaining({ preferCSSPageSize: true }));

    fake.module.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    expect(await print({ senderFrame: appFrame }, { mode: 'pdf', title: 'MAR' })).toEqual({
      ok: true,
      value: { printed: false, savedTo: null },
    });
  });

  it('with no home configured, opens the demo hospital sealed by the OS key store', async () => {
    delete process.env['LANTERN_HOME'];
    await start();
    const status = await fake.ipcHandlers.get(ipcChannel('status'))!({ senderFrame: appFrame }, {});
    expect(status).toMatchObject({ ok: true, value: { demo: true, snapshot: { facility: { id: 'DEMO' } } } });
    // The demo home has the DEMO roster: nothing until the demo user signs in.
    const ask = (channel: Parameters<typeof ipcChannel>[0], input: unknown) => fake.ipcHandlers.get(ipcChannel(channel))!({ senderFrame: appFrame }, input);
    expect(await ask('census', {})).toMatchObject({ ok: false, error: { code: 'SIGNED_OUT' } });
    expect(await ask('signIn', { user: DEMO_USER.id, passphrase: DEMO_USER.passphrase })).toMatchObject({ ok: true, value: { person: { name: DEMO_USER.name } } });
    const census = await ask('census', {});
    expect((census as { value: { beds: unknown[] } }).value.beds.length).toBeGreaterThan(0);
    expect(fake.module.safeStorage.encryptString).toHaveBeenCalled();
  });

  it('refuses to start on a real home without an OS key store, with one clear dialog', async () => {
    await start({ keyStore: false });
    expect(fake.windows).toHaveLength(0);
    expect(fake.module.dialog.showErrorBox).toHaveBeenCalledWith('Lantern cannot start', expect.stringMatching(/key store/));
    // A nurse may be the one reading it: it says the message is for IT.
    expect(fake.module.dialog.showErrorBox).toHaveBeenCalledWith('Lantern cannot start', expect.stringMatching(new RegExp(`\\n\\n${FOR_IT}$`)));
    expect(fake.app.quit).toHaveBeenCalled();
  });

  it('meets a bug at start-up with a sentence that says what to do, and writes it to the home log without its message', async () => {
    const home = process.env['LANTERN_HOME']!;
    enrollTestHome(home, makeTestPki());
    const patient = fakePatient();
    vi.doMock('../../electron/core/workstation', () => ({
      openWorkstation: () => {
        throw new TypeError(`Cannot read properties of undefined (reading "${patient.name}")`);
      },
    }));
    try {
      await start();
    } finally {
      vi.doUnmock('../../electron/core/workstation');
    }
    expect(fake.windows).toHaveLength(0);
    expect(fake.module.dialog.showErrorBox).toHaveBeenCalledWith(
      'Lantern cannot start',
      'Something went wrong inside Lantern (TypeError). Try again; if it happens again, report it to IT (the details are in lantern.log in the home folder).',
    );
    const log = readFileSync(path.join(home, 'lantern.log'), 'utf8');
    expect(JSON.parse(log)).toMatchObject({ event: 'unexpected', surface: 'app', where: 'start-up', name: 'TypeError' });
    for (const value of [patient.name, 'Cannot read']) expect(log).not.toContain(value);
  });

  it('takes what an expired copy allows from the managed policy: expiredCharts "block" keeps its charts closed', async () => {
    // An expired copy: data as of 9 days ago, expired after 7, taken an hour after it was made.
    const home = process.env['LANTERN_HOME']!;
    const asOf = new Date(Date.now() - 9 * DAY_MS - 3_600_000);
    const takenAt = new Date(asOf.getTime() + 3_600_000);
    const work = mkdtempSync(path.join(os.tmpdir(), 'lantern-expired-main-'));
    const pki = makeTestPki({ now: takenAt, dir: path.join(work, 'pki') });
    enrollTestHome(home, pki, { now: takenAt });
    const { fhir } = writeTinyExport(path.join(work, 'export'));
    const file = path.join(work, 's1.lantern');
    await buildSnapshot({ pki, out: file, fhirDir: fhir, sequence: 1, asOf, expiresAfterMs: 7 * DAY_MS, now: takenAt });
    await ingestSnapshot(home, file, { model: chartModel, clock: () => takenAt });
    vi.doMock('../../electron/core/home/policy', async (original) => ({
      ...(await original<typeof PolicyModule>()),
      readPolicy: (): Policy => ({ home, expiredCharts: 'block' }),
    }));
    try {
      await start();
    } finally {
      vi.doUnmock('../../electron/core/home/policy');
    }
    const ask = (channel: Parameters<typeof ipcChannel>[0], input: unknown) => fake.ipcHandlers.get(ipcChannel(channel))!({ senderFrame: appFrame }, input);
    expect(await ask('status', {})).toMatchObject({ ok: true, value: { snapshot: { sequence: 1 }, expired: { sequence: 1, ageDays: 9, charts: 'blocked' } } });
    expect(await ask('chart', { patientId: 'p1' })).toMatchObject({ ok: false, error: { code: 'SNAPSHOT_EXPIRED', message: expect.stringContaining('policy keeps charts closed') } });
    expect(await ask('acknowledgeExpired', { sequence: 1, ageDays: 9 })).toMatchObject({ ok: false, error: { code: 'SNAPSHOT_EXPIRED' } });
    expect(await ask('search', { text: 'Zzyzxowski' })).toMatchObject({ ok: true, value: [{ id: 'p1' }] });
  });

  it('is single-instance: a second launch quits and focuses the first window', async () => {
    await start();
    fake.app.emit('second-instance');
    expect(fake.windows[0]!.focus).toHaveBeenCalled();

    vi.resetModules();
    await start({ singleInstance: false });
    expect(fake.app.quit).toHaveBeenCalled();
    expect(fake.windows).toHaveLength(0);
  });
});
