import { DEMO_USER } from '../../electron/core/demo/home';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNEL_NAMES, ipcChannel } from '../../electron/shared/contract';
import { CONTENT_SECURITY_POLICY } from '../../electron/shared/csp';
import { FOR_IT } from '../../electron/shared/errors';
import { chartModel } from '../../electron/core/chart';
import { checkHeartbeat } from '../../electron/core/home/heartbeat';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { certificatesFromPem } from '../../electron/core/snapshot/pki/certs';
import type * as PolicyModule from '../../electron/core/home/policy';
import type { Policy } from '../../electron/core/home/policy';
import type * as BackgroundModule from '../../electron/core/sync/background';
import { SIGN_IN_ARG } from '../../electron/core/sync/background';
import { formatStamp } from '../../electron/shared/time-text';
import { readState } from '../../electron/core/home/layout';
import { describeFile, pointerTo } from '../../electron/core/publisher/pointer-file';
import { loadSigner } from '../../electron/core/publisher/publish';
import { signPointer } from '../../electron/core/snapshot/pointer';
import { makeServerTls, startStaticServer } from '../support/https-server';
import { fakePatient } from '../support/patients';
import { buildSnapshot, DAY_MS, enrollTestHome, makeTestPki, writeTinyExport } from '../support/snapshots';
import { createFakeElectron, FAKE_PDF, FakeWebContents, type FakeElectron } from './fake-electron';

let fake: FakeElectron;
let distDir: string;

async function start(options: { singleInstance?: boolean; keyStore?: boolean; openedAtLogin?: boolean } = {}) {
  const userData = mkdtempSync(path.join(os.tmpdir(), 'lantern-userdata-'));
  fake = createFakeElectron({ ...options, userData });
  vi.doMock('electron', () => fake.module);
  const main = await import('../../electron/main/app');
  main.startLantern({ distDir });
  // Let whenReady() and the home's opening run until the window exists (or start-up gave up).
  await vi.waitFor(
    () => {
      if (fake.windows.length === 0 && fake.trays.length === 0 && fake.app.quit.mock.calls.length === 0) throw new Error('not started');
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
  // Quitting closes what the app opened (the inbox agent's watcher, the sync lock).
  fake?.app.emit('will-quit');
  vi.doUnmock('electron');
  delete process.env['LANTERN_HOME'];
  delete process.env['LANTERN_INBOX'];
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
      value: { printed: true, savedTo: null, pages: 2 },
    });
    expect(contents.print).toHaveBeenCalledWith(expect.objectContaining({ silent: false }), expect.any(Function));

    const saved = await print({ senderFrame: appFrame }, { mode: 'pdf', title: 'MAR 4 West/../x' });
    const savedTo = (saved as { value: { savedTo: string } }).value.savedTo;
    expect(path.basename(savedTo)).toBe('MAR 4 West x.pdf');
    expect(readFileSync(savedTo, 'utf8')).toBe(FAKE_PDF);
    expect(saved).toMatchObject({ value: { printed: true, pages: 2 } });
    expect(contents.printToPDF).toHaveBeenCalledWith(expect.objectContaining({ preferCSSPageSize: true }));

    fake.module.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    expect(await print({ senderFrame: appFrame }, { mode: 'pdf', title: 'MAR' })).toEqual({
      ok: true,
      value: { printed: false, savedTo: null, pages: 2 },
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
      readMachinePolicy: (): Policy => ({ home, expiredCharts: 'block' }),
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

  it('polls the HTTPS source the managed policy names, through the proxy the system gives, trusting its CA bundle', async () => {
    const home = process.env['LANTERN_HOME']!;
    const work = mkdtempSync(path.join(os.tmpdir(), 'lantern-source-main-'));
    const now = new Date();
    const pki = makeTestPki({ now, dir: path.join(work, 'pki') });
    enrollTestHome(home, pki, { now });
    const www = path.join(work, 'www');
    mkdirSync(www);
    const { fhir } = writeTinyExport(path.join(work, 'export'));
    const file = path.join(www, 'GH-4W-0000000003.lantern');
    const manifest = await buildSnapshot({ pki, out: file, fhirDir: fhir, sequence: 3, asOf: new Date(now.getTime() - 60_000), now });
    writeFileSync(path.join(www, 'GH-4W-pointer.json'), signPointer(pointerTo(manifest, await describeFile(file, 3), now), loadSigner(pki.publisher.certPem, pki.publisher.keyPem)));
    const tls = makeServerTls();
    writeFileSync(path.join(work, 'web-ca.pem'), tls.caPem);
    const server = await startStaticServer(www, tls);
    vi.doMock('../../electron/core/home/policy', async (original) => ({
      ...(await original<typeof PolicyModule>()),
      readMachinePolicy: (): Policy => ({ home, source: { url: server.url('GH-4W-pointer.json'), caBundle: path.join(work, 'web-ca.pem') } }),
    }));
    try {
      await start();
      await vi.waitFor(() => expect(readState(home).current?.status.sequence).toBe(3), { timeout: 20_000, interval: 100 });
    } finally {
      vi.doUnmock('../../electron/core/home/policy');
      await server.stop();
    }
    expect(fake.module.session.defaultSession.resolveProxy).toHaveBeenCalledWith(server.url('GH-4W-pointer.json'));
    const ask = (channel: Parameters<typeof ipcChannel>[0], input: unknown) => fake.ipcHandlers.get(ipcChannel(channel))!({ senderFrame: appFrame }, input);
    expect(await ask('status', {})).toMatchObject({ ok: true, value: { snapshot: { sequence: 3 } } });
  });

  it("writes the station's signed heartbeat to the policy's share, with the key the OS key store now holds", async () => {
    const home = process.env['LANTERN_HOME']!;
    const work = mkdtempSync(path.join(os.tmpdir(), 'lantern-heartbeat-main-'));
    const pki = makeTestPki({ now: new Date(), dir: path.join(work, 'pki') });
    enrollTestHome(home, pki, { now: new Date() });
    const share = path.join(work, 'share');
    mkdirSync(share);
    vi.doMock('../../electron/core/home/policy', async (original) => ({
      ...(await original<typeof PolicyModule>()),
      readMachinePolicy: (): Policy => ({ home, heartbeat: { dir: share, stationId: 'ws-main', intervalMinutes: 5 } }),
    }));
    try {
      await start();
    } finally {
      vi.doUnmock('../../electron/core/home/policy');
    }
    const file = path.join(share, 'ws-main.heartbeat.json');
    await vi.waitFor(() => readFileSync(file), { timeout: 10_000, interval: 20 });
    const check = checkHeartbeat(readFileSync(file), certificatesFromPem(pki.ca.certPem), new Date());
    expect(check.trusted && [check.heartbeat.station, check.heartbeat.appVersion, check.heartbeat.intervalMinutes]).toEqual(['ws-main', '0.1.0-test', 5]);
    // The key file is gone: the heartbeat was signed with the key unsealed from the OS key store.
    expect(readFileSync(path.join(home, 'home.json'), 'utf8')).toContain('"protector": "os-keystore"');
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

/** An enrolled home holding one snapshot (data as of an hour ago), with an inbox for the agent. */
async function syncedHome(): Promise<{ home: string; inbox: string; asOf: Date }> {
  const home = process.env['LANTERN_HOME']!;
  const work = mkdtempSync(path.join(os.tmpdir(), 'lantern-tray-'));
  const asOf = new Date(Date.now() - 3_600_000);
  const pki = makeTestPki({ dir: path.join(work, 'pki') });
  enrollTestHome(home, pki);
  const { fhir } = writeTinyExport(path.join(work, 'export'));
  const file = path.join(work, 's7.lantern');
  await buildSnapshot({ pki, out: file, fhirDir: fhir, sequence: 7, asOf });
  await ingestSnapshot(home, file, { model: chartModel });
  const inbox = path.join(work, 'inbox');
  process.env['LANTERN_INBOX'] = inbox;
  return { home, inbox, asOf };
}

/** Start with this policy (and, for the login item, as if installed on Windows). */
async function startWith(policy: Policy, options: { asInstalledOnWindows?: boolean; openedAtLogin?: boolean } = {}) {
  vi.doMock('../../electron/core/home/policy', async (original) => ({
    ...(await original<typeof PolicyModule>()),
    readMachinePolicy: (): Policy => policy,
  }));
  if (options.asInstalledOnWindows) {
    vi.doMock('../../electron/core/sync/background', async (original) => {
      const real = await original<typeof BackgroundModule>();
      return { ...real, backgroundPlan: (input: Parameters<typeof real.backgroundPlan>[0]) => real.backgroundPlan({ ...input, platform: 'win32', isPackaged: true }) };
    });
  }
  try {
    return await start({ openedAtLogin: options.openedAtLogin });
  } finally {
    vi.doUnmock('../../electron/core/home/policy');
    vi.doUnmock('../../electron/core/sync/background');
  }
}

describe('sync with no window (tray, start at sign-in, one sync per home)', () => {
  it('keeps syncing in the tray after the window is closed; the tray says the data-as-of time and reopens the window', async () => {
    const { home, asOf } = await syncedHome();
    await start();
    expect(fake.trays).toHaveLength(1);
    const tray = fake.trays[0]!;
    expect(fake.module.nativeImage.createFromDataURL).toHaveBeenCalledWith(expect.stringMatching(/^data:image\/png;base64,/));
    // The data-as-of time with its year, and the sequence; never more than Windows shows.
    expect(tray.tooltip).toContain(`Data as of ${formatStamp(asOf.toISOString())} (sequence 7)`);
    expect(tray.tooltip).toContain(String(asOf.getFullYear()));
    expect(tray.tooltip.length).toBeLessThanOrEqual(127);
    expect(tray.item('Data as of').enabled).toBe(false);
    // Its first look at the inbox is due now; after that it waits for files to arrive.
    expect(tray.item('Next check').label).toMatch(/^Next check (\d{2} \w{3} \d{4} \d{2}:\d{2}|: as soon as a snapshot arrives)$/);
    expect(tray.item('No problem').enabled).toBe(false);
    // The app holds the home's sync lock while it runs.
    expect(JSON.parse(readFileSync(path.join(home, 'sync.lock'), 'utf8'))).toMatchObject({ pid: process.pid, agent: 'the Lantern app' });

    fake.windows[0]!.close();
    expect(fake.app.quit).not.toHaveBeenCalled();
    expect(fake.windows).toHaveLength(0);

    tray.emit('click');
    expect(fake.windows).toHaveLength(1);
    // "Open Lantern" on an open window brings it forward instead of making a second one.
    tray.item('Open Lantern').click!();
    expect(fake.windows).toHaveLength(1);
    expect(fake.windows[0]!.focus).toHaveBeenCalled();

    // A second launch opens the first one's window, also after it was closed.
    fake.windows[0]!.close();
    fake.app.emit('second-instance');
    expect(fake.windows).toHaveLength(1);

    tray.item('Quit Lantern').click!();
    expect(fake.app.quit).toHaveBeenCalled();
    fake.app.emit('will-quit');
    expect(tray.destroyed).toBe(true);
    // A development run never registers itself as a login item.
    expect(fake.app.setLoginItemSettings).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(() => readFileSync(path.join(home, 'sync.lock'))).toThrow(/ENOENT/));
  });

  it('with nothing to sync (no inbox), or a policy that says so, closing the window quits', async () => {
    await start();
    expect(fake.trays).toHaveLength(0);
    fake.windows[0]!.close();
    expect(fake.app.quit).toHaveBeenCalledTimes(1);

    fake.app.emit('will-quit');
    vi.resetModules();
    const { home, inbox } = await syncedHome();
    await startWith({ home, inbox, sync: { keepRunningWhenClosed: false } });
    expect(fake.trays).toHaveLength(0);
    fake.windows[0]!.close();
    expect(fake.app.quit).toHaveBeenCalledTimes(1);
  });

  it('registers the sign-in start the policy asks for, and a start at sign-in stays hidden in the tray until clicked', async () => {
    const { home, inbox } = await syncedHome();
    process.argv.push(SIGN_IN_ARG);
    try {
      await startWith({ home, inbox, sync: { startAtSignIn: true } }, { asInstalledOnWindows: true });
    } finally {
      process.argv.splice(process.argv.indexOf(SIGN_IN_ARG), 1);
    }
    expect(fake.app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, args: [SIGN_IN_ARG] });
    expect(fake.windows).toHaveLength(0);
    expect(fake.trays).toHaveLength(1);
    fake.trays[0]!.emit('click');
    expect(fake.windows).toHaveLength(1);

    // The policy withdrawn: the sign-in entry is removed; a plain start shows the window.
    fake.app.emit('will-quit');
    vi.resetModules();
    await startWith({ home, inbox }, { asInstalledOnWindows: true });
    expect(fake.app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: false, args: [SIGN_IN_ARG] });
    expect(fake.windows).toHaveLength(1);
  });

  it('asks the OS whether it opened the app at login only on macOS (elsewhere the sign-in entry passes an argument)', async () => {
    const { home, inbox } = await syncedHome();
    await startWith({ home, inbox }, { openedAtLogin: true });
    const mac = process.platform === 'darwin';
    expect(fake.app.getLoginItemSettings).toHaveBeenCalledTimes(mac ? 1 : 0);
    expect(fake.windows).toHaveLength(mac ? 0 : 1);
  });

  it('when lantern watch already syncs the home, opens without syncing and says which process does', async () => {
    const { home } = await syncedHome();
    // A live process of this host (the test runner's parent) holds the lock.
    writeFileSync(path.join(home, 'sync.lock'), JSON.stringify({ pid: process.ppid, host: os.hostname(), agent: 'lantern watch', since: new Date().toISOString() }));
    await start();
    expect(fake.trays).toHaveLength(0);
    const status = await fake.ipcHandlers.get(ipcChannel('status'))!({ senderFrame: appFrame }, {});
    expect(status).toMatchObject({
      ok: true,
      value: { lastFailure: { code: 'SYNC_BUSY', message: expect.stringContaining(`lantern watch (process ${process.ppid} on ${os.hostname()}`) } },
    });
    // Its lock is left alone.
    expect(JSON.parse(readFileSync(path.join(home, 'sync.lock'), 'utf8'))).toMatchObject({ pid: process.ppid });
  });

  it('starts syncing, with its tray, once the other agent has stopped', async () => {
    const { home } = await syncedHome();
    const lockFile = path.join(home, 'sync.lock');
    writeFileSync(lockFile, JSON.stringify({ pid: process.ppid, host: os.hostname(), agent: 'lantern watch', since: new Date().toISOString() }));
    // Only the app's minute-long retry is sped up; the inbox agent's own timers run as they do.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      await start();
      expect(fake.trays).toHaveLength(0);
      vi.advanceTimersByTime(60_000);
      expect(fake.trays).toHaveLength(0); // still held
      rmSync(lockFile);
      vi.advanceTimersByTime(60_000);
      expect(fake.trays).toHaveLength(1);
      expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid, agent: 'the Lantern app' });
      const status = await fake.ipcHandlers.get(ipcChannel('status'))!({ senderFrame: appFrame }, {});
      expect(status).toMatchObject({ ok: true, value: { lastFailure: null } });
      fake.windows[0]!.close();
      expect(fake.app.quit).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });
});
