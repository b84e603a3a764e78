import { describe, expect, it, vi } from 'vitest';
import type { Policy } from '../../electron/core/home/policy';
import {
  canWriteWithoutElevation,
  compareVersions,
  decideInstall,
  decideOffer,
  judgeAuthenticode,
  planUpdates,
  runUpdates,
  verifyAuthenticode,
  type UpdatePlan,
  type UpdaterLike,
  type Verification,
} from '../../electron/core/home/updates';

const HOUR = 3_600_000;
const ON: Policy = { updates: { enabled: true, url: 'https://updates.example.org/lantern', publisherName: 'Example Hospital IT', pilotUnits: ['4-west'], broadDelayHours: 48 } };
const plan = (input: Partial<Parameters<typeof planUpdates>[0]> = {}) => planUpdates({ policy: ON, platform: 'win32', isPackaged: true, units: ['5-east'], ...input });
const checking = (p: UpdatePlan) => {
  if (p.kind !== 'check') throw new Error(`plan is off: ${p.reason}`);
  return p;
};

describe('whether and how a station looks for updates', () => {
  it('is off by default, in development, on Linux, and without a feed or publisher', () => {
    expect(plan({ policy: {} })).toEqual({ kind: 'off', reason: 'Updates are off by policy: IT installs new versions.' });
    expect(plan({ policy: { updates: { ...ON.updates, enabled: false } } })).toMatchObject({ kind: 'off' });
    expect(plan({ isPackaged: false })).toMatchObject({ kind: 'off', reason: expect.stringMatching(/installed app/) });
    expect(plan({ platform: 'linux' })).toMatchObject({ kind: 'off', reason: expect.stringMatching(/signed package repository/) });
    expect(plan({ policy: { updates: { enabled: true, url: 'https://x' } } })).toMatchObject({ kind: 'off', reason: expect.stringMatching(/publisherName/) });
  });

  it('puts a station in the pilot ring by its units, or by the policy ring, and the rest in the broad ring with its delay', () => {
    expect(checking(plan({ units: ['4-west', '5-east'] }))).toMatchObject({ ring: 'pilot', delayHours: 0, url: 'https://updates.example.org/lantern', publisherName: 'Example Hospital IT' });
    expect(checking(plan({ units: ['5-east'] }))).toMatchObject({ ring: 'broad', delayHours: 48, checkEveryMs: 6 * HOUR });
    expect(checking(plan({ units: [] }))).toMatchObject({ ring: 'broad' });
    expect(checking(plan({ policy: { updates: { ...ON.updates, ring: 'pilot' } } }))).toMatchObject({ ring: 'pilot', delayHours: 0 });
    expect(checking(plan({ units: ['4-west'], policy: { updates: { ...ON.updates, ring: 'broad' } } }))).toMatchObject({ ring: 'broad', delayHours: 48 });
    expect(checking(plan({ policy: { updates: { enabled: true, url: 'https://x', publisherName: 'P', checkEveryHours: 1 } } }))).toMatchObject({ delayHours: 72, checkEveryMs: HOUR });
  });
});

describe('what to do with the version offered', () => {
  const broad = checking(plan());
  const pilot = checking(plan({ units: ['4-west'] }));
  const now = new Date('2026-03-10T12:00:00Z');
  const offer = (p: typeof broad, version: string, releaseDate?: string, firstSeenAt = now) =>
    decideOffer({ plan: p, current: '1.2.0', offered: { version, ...(releaseDate ? { releaseDate } : {}) }, firstSeenAt, now });

  it('compares versions: numbers by value, a pre-release below its release', () => {
    expect(compareVersions('1.10.0', '1.9.3')).toBe(1);
    expect(compareVersions('1.2.0', '1.2.0')).toBe(0);
    expect(compareVersions('1.2.0-beta.2', '1.2.0')).toBe(-1);
    expect(compareVersions('1.2.0-beta.10', '1.2.0-beta.9')).toBe(1);
    expect(compareVersions('v2.0.0', '1.99.99')).toBe(1);
  });

  it('never takes the same or an older version (no downgrade)', () => {
    expect(offer(pilot, '1.2.0')).toMatchObject({ kind: 'none' });
    expect(offer(pilot, '1.1.9')).toMatchObject({ kind: 'none' });
    expect(offer(pilot, '1.2.0-rc.1')).toMatchObject({ kind: 'none' });
  });

  it('the pilot ring downloads at once; the broad ring waits its delay from the release date', () => {
    expect(offer(pilot, '1.3.0', '2026-03-10T11:00:00Z')).toEqual({ kind: 'download' });
    expect(offer(broad, '1.3.0', '2026-03-10T11:00:00Z')).toEqual({ kind: 'wait', until: '2026-03-12T11:00:00.000Z' });
    expect(offer(broad, '1.3.0', '2026-03-08T11:00:00Z')).toEqual({ kind: 'download' });
  });

  it('counts from when the station first saw the version when the feed gives no date, or a date in the future', () => {
    expect(offer(broad, '1.3.0', undefined, new Date(now.getTime() - 47 * HOUR))).toMatchObject({ kind: 'wait' });
    expect(offer(broad, '1.3.0', undefined, new Date(now.getTime() - 49 * HOUR))).toEqual({ kind: 'download' });
    expect(offer(broad, '1.3.0', '2030-01-01T00:00:00Z', new Date(now.getTime() - 49 * HOUR))).toEqual({ kind: 'download' });
  });
});

describe('installing a downloaded update', () => {
  it('refuses what is not verified; installs at quit where no elevation is needed; else leaves it to IT', () => {
    expect(decideInstall({ verification: { ok: false, reason: 'bad' }, canInstallSilently: true })).toEqual({ kind: 'refuse', reason: 'bad' });
    expect(decideInstall({ verification: { ok: true }, canInstallSilently: true })).toEqual({ kind: 'install-on-quit' });
    expect(decideInstall({ verification: { ok: true }, canInstallSilently: false })).toMatchObject({ kind: 'leave-to-it', reason: expect.stringMatching(/administrator rights.*IT/) });
  });

  it('knows whether the install folder is writable without elevation', () => {
    expect(canWriteWithoutElevation('C:\\Program Files\\Lantern', () => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    })).toBe(false);
    expect(canWriteWithoutElevation('C:\\Program Files\\Lantern', () => {})).toBe(true);
  });
});

describe("the installer's Authenticode signature", () => {
  const file = 'C:\\Users\\nurse\\AppData\\Local\\lantern-updater\\pending\\Lantern-Setup-1.3.0.exe';
  const answer = (status: number, subject: string, path = file) =>
    JSON.stringify({ Status: status, StatusMessage: status === 0 ? 'Signature verified.' : 'The hash of the file does not match', Path: path, SignerCertificate: { Subject: subject } });

  it('passes a valid signature by the named publisher: its CN, or every attribute of a full name', () => {
    const subject = 'CN=Example Hospital IT, O=Example Hospital, L=Springfield, C=US';
    expect(judgeAuthenticode(answer(0, subject), 'Example Hospital IT', file)).toEqual({ ok: true });
    expect(judgeAuthenticode(answer(0, subject), 'CN=Example Hospital IT, O=Example Hospital, C=US', file)).toEqual({ ok: true });
    expect(judgeAuthenticode(answer(0, 'CN="Example, Hospital IT", C=US'), 'Example, Hospital IT', file)).toEqual({ ok: true });
  });

  it('refuses another publisher, a broken signature, another file and an answer it cannot read', () => {
    expect(judgeAuthenticode(answer(0, 'CN=Mallory Ltd, C=US'), 'Example Hospital IT', file)).toEqual({ ok: false, reason: 'The update was refused: it is signed by "Mallory Ltd", not by "Example Hospital IT".' });
    expect(judgeAuthenticode(answer(0, 'CN=Example Hospital IT, O=Other, C=US'), 'CN=Example Hospital IT, O=Example Hospital', file)).toMatchObject({ ok: false });
    expect(judgeAuthenticode(answer(1, 'CN=Example Hospital IT'), 'Example Hospital IT', file)).toMatchObject({ ok: false, reason: expect.stringMatching(/signature is not valid \(The hash/) });
    expect(judgeAuthenticode(JSON.stringify({ Status: 2, StatusMessage: 'not signed', Path: file, SignerCertificate: null }), 'Example Hospital IT', file)).toMatchObject({ ok: false });
    expect(judgeAuthenticode(answer(0, 'CN=Example Hospital IT', 'C:\\other.exe'), 'Example Hospital IT', file)).toMatchObject({ ok: false, reason: expect.stringMatching(/not that of the downloaded file/) });
    expect(judgeAuthenticode('', 'Example Hospital IT', file)).toMatchObject({ ok: false, reason: expect.stringMatching(/no readable answer/) });
  });

  it('refuses when the check cannot run (fail closed), and quotes the path as a PowerShell literal', async () => {
    const commands: string[] = [];
    const run = (result: { code: number | null; stdout: string; stderr: string }) => async (command: string) => {
      commands.push(command);
      return result;
    };
    expect(await verifyAuthenticode(file, 'Example Hospital IT', run({ code: null, stdout: '', stderr: 'spawn powershell.exe ENOENT' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/could not be checked/) });
    expect(await verifyAuthenticode(file, 'Example Hospital IT', run({ code: 0, stdout: '', stderr: 'Get-AuthenticodeSignature : not recognized' }))).toMatchObject({ ok: false });
    expect(await verifyAuthenticode(file, 'Example Hospital IT', run({ code: 0, stdout: answer(0, 'CN=Example Hospital IT'), stderr: '' }))).toEqual({ ok: true });
    await verifyAuthenticode("C:\\tmp\\it's';calc;'.exe", 'X', run({ code: 1, stdout: '', stderr: '' }));
    expect(commands[commands.length - 1]).toContain("-LiteralPath 'C:\\tmp\\it''s'';calc;''.exe'");
  });
});

/** electron-updater's AppUpdater as far as the updates use it, with a feed answered from memory. */
function fakeUpdater(offered: { version: string; releaseDate?: string } | null, download: () => Promise<string[]> = async () => ['C:\\pending\\Lantern-Setup.exe']) {
  const updater = {
    autoDownload: true,
    autoInstallOnAppQuit: true,
    allowDowngrade: true,
    setFeedURL: vi.fn(),
    checkForUpdates: vi.fn(async () => (offered ? { updateInfo: offered } : null)),
    downloadUpdate: vi.fn(download),
    quitAndInstall: vi.fn(),
    verifyUpdateCodeSignature: undefined as UpdaterLike['verifyUpdateCodeSignature'],
  };
  return updater;
}

describe('running the updates with the updater mocked (no network)', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  const run = (updater: ReturnType<typeof fakeUpdater>, p: UpdatePlan, extra: { verify?: (file: string, name: string) => Promise<Verification>; canInstallSilently?: boolean; platform?: NodeJS.Platform } = {}) => {
    const log: string[] = [];
    const every = vi.fn(() => ({ stop: vi.fn() }));
    const quitHooks: (() => void)[] = [];
    const quit = () => quitHooks.forEach((run) => run());
    const updates = runUpdates(() => updater, {
      onQuit: (hook) => quitHooks.push(hook),
      plan: p,
      platform: extra.platform ?? 'win32',
      currentVersion: '1.2.0',
      installDir: 'C:\\Program Files\\Lantern',
      log: (l) => log.push(l),
      clock: () => now,
      verify: extra.verify ?? (async () => ({ ok: true })),
      canInstallSilently: () => extra.canInstallSilently ?? true,
      every,
    });
    return { updates, log, every, quit, quitHooks };
  };
  const pilot = plan({ units: ['4-west'] });

  it('does not even make the updater when the plan is off, and says why once', async () => {
    const make = vi.fn();
    const log: string[] = [];
    const updates = runUpdates(make, { plan: plan({ policy: {} }), platform: 'win32', currentVersion: '1.2.0', installDir: 'x', log: (l) => log.push(l), onQuit: () => {} });
    expect(await updates.check()).toBeNull();
    expect(make).not.toHaveBeenCalled();
    expect(log).toEqual(['updates: Updates are off by policy: IT installs new versions.']);
  });

  it("sets the policy's feed, never downloads or installs by itself, never downgrades, and checks on the policy's interval", async () => {
    const updater = fakeUpdater(null);
    const { every } = run(updater, pilot);
    expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://updates.example.org/lantern' });
    expect(updater).toMatchObject({ autoDownload: false, autoInstallOnAppQuit: false, allowDowngrade: false });
    expect(every).toHaveBeenCalledWith(expect.any(Function), 6 * HOUR);
  });

  it('a verified update on a station that needs no elevation installs when Lantern next quits', async () => {
    const updater = fakeUpdater({ version: '1.3.0', releaseDate: '2026-03-10T11:00:00Z' });
    const verify = vi.fn(async () => ({ ok: true }) as const);
    const { updates, log, quit } = run(updater, pilot, { verify });
    expect(await updates.check()).toEqual({ kind: 'install-on-quit' });
    expect(verify).toHaveBeenCalledWith('C:\\pending\\Lantern-Setup.exe', 'Example Hospital IT');
    expect(log).toContain('updates: version 1.3.0 is downloaded and verified; it installs when Lantern next quits.');
    // electron-updater's own install-on-quit stays off; ours runs the installer silently at quit, not before.
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    quit();
    expect(updater.quitAndInstall).toHaveBeenCalledWith(true, false);
  });

  it('a later update that fails verification disarms the install at quit armed by an earlier one', async () => {
    const updater = fakeUpdater({ version: '1.3.0' });
    let verdict: Verification = { ok: true };
    const { updates, quit } = run(updater, pilot, { verify: async () => verdict });
    expect(await updates.check()).toEqual({ kind: 'install-on-quit' });
    verdict = { ok: false, reason: 'The update was refused: its signature is not valid (HashMismatch).' };
    expect(await updates.check()).toMatchObject({ kind: 'refuse' });
    quit();
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
  });

  it('macOS: Squirrel takes the download to install at quit only where no elevation is needed', async () => {
    const mac = fakeUpdater({ version: '1.3.0' }, async () => {
      expect(mac.autoInstallOnAppQuit).toBe(true);
      return [];
    });
    const { updates, quitHooks } = run(mac, pilot, { platform: 'darwin' });
    expect(await updates.check()).toEqual({ kind: 'install-on-quit' });
    expect(mac.autoInstallOnAppQuit).toBe(true);
    expect(quitHooks).toEqual([]);
    const standard = fakeUpdater({ version: '1.3.0' }, async () => {
      expect(standard.autoInstallOnAppQuit).toBe(false);
      return [];
    });
    expect(await run(standard, pilot, { platform: 'darwin', canInstallSilently: false }).updates.check()).toMatchObject({ kind: 'leave-to-it' });
    expect(standard.autoInstallOnAppQuit).toBe(false);
  });

  it('a verified update on a standard user station is left to IT: nothing installs, no prompt', async () => {
    const updater = fakeUpdater({ version: '1.3.0' });
    const { updates, log, quit } = run(updater, pilot, { canInstallSilently: false });
    expect(await updates.check()).toMatchObject({ kind: 'leave-to-it' });
    expect(updater.autoInstallOnAppQuit).toBe(false);
    quit();
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    expect(log.at(-1)).toMatch(/^updates: version 1\.3\.0: Installing needs administrator rights/);
  });

  it('an update whose signature fails, or cannot be checked, is refused and never installs', async () => {
    const updater = fakeUpdater({ version: '1.3.0' });
    const { updates, quit } = run(updater, pilot, { verify: async () => ({ ok: false, reason: 'The update was refused: its signature could not be checked (PowerShell did not run the check).' }) });
    expect(await updates.check()).toMatchObject({ kind: 'refuse', reason: expect.stringMatching(/could not be checked/) });
    expect(updater.autoInstallOnAppQuit).toBe(false);
    quit();
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
  });

  it("electron-updater's own Windows check is ours: it refuses what our verification refuses", async () => {
    const updater = fakeUpdater(null);
    const { log } = run(updater, pilot, { verify: async (file) => (file.endsWith('good.exe') ? { ok: true } : { ok: false, reason: 'The update was refused: it is signed by "Mallory Ltd", not by "Example Hospital IT".' }) });
    expect(await updater.verifyUpdateCodeSignature!([], 'C:\\pending\\good.exe')).toBeNull();
    expect(await updater.verifyUpdateCodeSignature!([], 'C:\\pending\\bad.exe')).toMatch(/Mallory/);
    expect(log.at(-1)).toMatch(/^updates: The update was refused/);
    const mac = fakeUpdater(null);
    run(mac, pilot, { platform: 'darwin' });
    expect(mac.verifyUpdateCodeSignature).toBeUndefined();
  });

  it('the broad ring waits without downloading; a newer-only rule holds; a failed download installs nothing', async () => {
    const waiting = fakeUpdater({ version: '1.3.0', releaseDate: '2026-03-10T11:00:00Z' });
    const { updates, log } = run(waiting, plan());
    expect(await updates.check()).toEqual({ kind: 'wait', until: '2026-03-12T11:00:00.000Z' });
    expect(waiting.downloadUpdate).not.toHaveBeenCalled();
    expect(log.at(-1)).toBe('updates: version 1.3.0 is available; this station (broad ring) takes it from 2026-03-12T11:00:00.000Z.');

    const same = fakeUpdater({ version: '1.2.0' });
    expect(await run(same, pilot).updates.check()).toMatchObject({ kind: 'none' });
    expect(same.downloadUpdate).not.toHaveBeenCalled();

    const cut = fakeUpdater({ version: '1.3.0' }, async () => {
      throw new Error('net::ERR_CONNECTION_RESET https://updates.example.org/lantern/Lantern-Setup-1.3.0.exe');
    });
    const failed = run(cut, pilot);
    expect(await failed.updates.check()).toBeNull();
    expect(cut.autoInstallOnAppQuit).toBe(false);
    expect(failed.log.at(-1)).toBe('updates: the check failed (Error); the next one is in 6 h.');
  });
});
