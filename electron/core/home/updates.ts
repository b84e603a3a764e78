import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import type { Policy } from './policy';
import { UPDATE_DEFAULTS } from './policy-defaults';

/**
 * Automatic updates, decided here and only run by the updater (electron-updater, handed in by
 * electron/main). Off unless the policy turns them on: IT pushes installers. Where on:
 *  - a generic HTTPS feed (updates.url) and an explicit publisher (updates.publisherName);
 *  - rings by unit: a station of a pilot unit (updates.pilotUnits, or updates.ring) takes a
 *    version when it is published, the others updates.broadDelayHours later;
 *  - the downloaded installer is verified before it may install: on Windows its Authenticode
 *    signature must be valid and name the publisher, and an update whose check cannot run is
 *    refused (fail closed); on macOS Squirrel checks the code signature against the running app's;
 *  - never a prompt for admin rights in front of a nurse: it installs, silently, when Lantern
 *    next quits and only where the app's folder is writable without elevation (a per-machine
 *    install run by an elevated account or a maintenance task). A standard user's station keeps
 *    the verified download and leaves the install to IT's deployment (logged).
 *  - Linux stations update through the signed package repository, never by themselves.
 */

export type Ring = 'pilot' | 'broad';

export type UpdatePlan =
  | { kind: 'off'; reason: string }
  | { kind: 'check'; url: string; publisherName: string; ring: Ring; delayHours: number; checkEveryMs: number };

const HOUR_MS = 3_600_000;

/** Whether and how this station looks for updates. */
export function planUpdates(input: { policy: Policy; platform: NodeJS.Platform; isPackaged: boolean; units: readonly string[] }): UpdatePlan {
  const updates = input.policy.updates;
  if (!updates?.enabled) return { kind: 'off', reason: 'Updates are off by policy: IT installs new versions.' };
  if (!input.isPackaged) return { kind: 'off', reason: 'Updates run only in the installed app.' };
  if (input.platform === 'linux') return { kind: 'off', reason: 'Linux stations update through the signed package repository.' };
  if (input.platform !== 'win32' && input.platform !== 'darwin') return { kind: 'off', reason: `Updates are not supported on ${input.platform}.` };
  // The policy check already requires both when enabled; a plan never runs without them.
  if (!updates.url || !updates.publisherName) return { kind: 'off', reason: 'Updates are off: the policy names no updates.url or updates.publisherName.' };
  const pilot = new Set(updates.pilotUnits ?? []);
  const ring: Ring = updates.ring ?? (input.units.some((u) => pilot.has(u)) ? 'pilot' : 'broad');
  return {
    kind: 'check',
    url: updates.url,
    publisherName: updates.publisherName,
    ring,
    delayHours: ring === 'pilot' ? 0 : (updates.broadDelayHours ?? UPDATE_DEFAULTS.broadDelayHours),
    checkEveryMs: (updates.checkEveryHours ?? UPDATE_DEFAULTS.checkEveryHours) * HOUR_MS,
  };
}

/** -1, 0 or 1 as version a is older, the same or newer than b (x.y.z, a pre-release below its release). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core = '', pre] = v.replace(/^v/, '').split('+')[0]!.split(/-(.*)/);
    return { parts: core.split('.').map((n) => Number.parseInt(n, 10) || 0), pre: pre ?? null };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === null) return 1;
  if (y.pre === null) return -1;
  return x.pre.localeCompare(y.pre, 'en', { numeric: true }) < 0 ? -1 : 1;
}

export type OfferDecision = { kind: 'none'; reason: string } | { kind: 'wait'; until: string } | { kind: 'download' };

/**
 * What to do with the version the feed offers: nothing (not newer: never a downgrade), wait
 * for this station's ring, or download. The delay counts from the release date the feed
 * gives, else from when this station first saw the version.
 */
export function decideOffer(input: { plan: Extract<UpdatePlan, { kind: 'check' }>; current: string; offered: { version: string; releaseDate?: string }; firstSeenAt: Date; now: Date }): OfferDecision {
  const { plan, current, offered, now } = input;
  if (compareVersions(offered.version, current) <= 0) return { kind: 'none', reason: `Version ${offered.version} is not newer than ${current}.` };
  const released = Date.parse(offered.releaseDate ?? '');
  const from = Number.isFinite(released) ? Math.min(released, input.firstSeenAt.getTime()) : input.firstSeenAt.getTime();
  const due = from + plan.delayHours * HOUR_MS;
  if (now.getTime() < due) return { kind: 'wait', until: new Date(due).toISOString() };
  return { kind: 'download' };
}

/** The outcome of checking a downloaded update: verified, or refused with the reason. */
export type Verification = { ok: true } | { ok: false; reason: string };

export type InstallDecision = { kind: 'install-on-quit' } | { kind: 'leave-to-it'; reason: string } | { kind: 'refuse'; reason: string };

/** A verified update installs silently at the next quit where no elevation is needed; else IT installs it. */
export function decideInstall(input: { verification: Verification; canInstallSilently: boolean }): InstallDecision {
  if (!input.verification.ok) return { kind: 'refuse', reason: input.verification.reason };
  if (!input.canInstallSilently) {
    return { kind: 'leave-to-it', reason: 'Installing needs administrator rights on this station; the verified update waits for IT to install it.' };
  }
  return { kind: 'install-on-quit' };
}

/** Whether the app's folder is writable as this user: an update installs there without asking for elevation. */
export function canWriteWithoutElevation(dir: string, access: (dir: string) => void = (d) => accessSync(d, constants.W_OK)): boolean {
  try {
    access(dir);
    return true;
  } catch {
    return false;
  }
}

/** "CN=Example, O=Org, C=US" → its attributes (values may be quoted). */
function parseDn(dn: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const match of dn.matchAll(/\s*([A-Za-z.0-9]+)\s*=\s*("(?:[^"]|"")*"|[^,]*)\s*(?:,|$)/g)) {
    const value = match[2]!.trim();
    out.set(match[1]!.toUpperCase(), value.startsWith('"') ? value.slice(1, -1).replace(/""/g, '"') : value);
  }
  return out;
}

/**
 * Judge PowerShell's `Get-AuthenticodeSignature ... | ConvertTo-Json` for `file`: valid
 * (Status 0), for that very file, and signed by `publisherName` (the CN alone, or every
 * attribute of a full distinguished name). Anything else, or output that cannot be read, refuses.
 */
export function judgeAuthenticode(output: string, publisherName: string, file: string): Verification {
  let data: { Status?: unknown; StatusMessage?: unknown; Path?: unknown; SignerCertificate?: { Subject?: unknown } | null };
  try {
    data = JSON.parse(output) as typeof data;
  } catch {
    return { ok: false, reason: 'The update was refused: its signature check gave no readable answer.' };
  }
  if (data.Status !== 0) return { ok: false, reason: `The update was refused: its signature is not valid (${String(data.StatusMessage ?? data.Status)}).` };
  if (typeof data.Path === 'string' && data.Path.toLowerCase() !== file.toLowerCase()) {
    return { ok: false, reason: 'The update was refused: the signature checked is not that of the downloaded file.' };
  }
  const subject = parseDn(typeof data.SignerCertificate?.Subject === 'string' ? data.SignerCertificate.Subject : '');
  const wanted = parseDn(publisherName);
  const matches = wanted.size > 0 && publisherName.includes('=') ? [...wanted].every(([k, v]) => subject.get(k) === v) : subject.get('CN') === publisherName;
  return matches ? { ok: true } : { ok: false, reason: `The update was refused: it is signed by "${subject.get('CN') ?? 'nobody'}", not by "${publisherName}".` };
}

export type RunPowerShell = (command: string) => Promise<{ code: number | null; stdout: string; stderr: string }>;

const runPowerShell: RunPowerShell = (command) =>
  new Promise((resolve) => {
    const child = spawn('powershell.exe', ['-NoProfile', '-NonInteractive', '-InputFormat', 'None', '-Command', command], { windowsHide: true, timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (error) => resolve({ code: null, stdout, stderr: stderr || error.message }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

/** Check a downloaded installer's Authenticode signature; a check that cannot run refuses. */
export async function verifyAuthenticode(file: string, publisherName: string, run: RunPowerShell = runPowerShell): Promise<Verification> {
  // Single quotes doubled: the path is a PowerShell literal, nothing in it runs.
  const result = await run(`Get-AuthenticodeSignature -LiteralPath '${file.replace(/'/g, "''")}' | Select-Object Status,StatusMessage,Path,@{n='SignerCertificate';e={@{Subject=$_.SignerCertificate.Subject}}} | ConvertTo-Json -Compress`);
  if (result.code !== 0 || result.stderr.trim()) {
    return { ok: false, reason: 'The update was refused: its signature could not be checked (PowerShell did not run the check).' };
  }
  return judgeAuthenticode(result.stdout.trim(), publisherName, file);
}

/** The part of electron-updater's AppUpdater the updates use (handed in, so tests need no network). */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<{ updateInfo: { version: string; releaseDate?: string } } | null>;
  downloadUpdate(): Promise<string[]>;
  /** Run the downloaded installer (silently) and quit. */
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  /** Windows (NsisUpdater) only: the signature check electron-updater runs after a download. */
  verifyUpdateCodeSignature?: (publisherNames: string[], file: string) => Promise<string | null>;
}

export interface UpdatesOptions {
  plan: UpdatePlan;
  platform: NodeJS.Platform;
  currentVersion: string;
  /** The folder the app is installed in (its update must be writable there without elevation). */
  installDir: string;
  log: (line: string) => void;
  clock?: () => Date;
  verify?: (file: string, publisherName: string) => Promise<Verification>;
  canInstallSilently?: (dir: string) => boolean;
  every?: (run: () => void, ms: number) => { stop(): void };
  /** Run this when the app quits (the desktop app: app.on('will-quit')). */
  onQuit: (run: () => void) => void;
}

export interface Updates {
  /** One check now (or the one running): what was decided, for the log and tests. */
  check(): Promise<OfferDecision | InstallDecision | null>;
  stop(): void;
}

/**
 * Run the plan with the updater: check, wait for the ring, download, verify, then install on
 * quit or leave to IT. The updater is made only when the plan is on (electron-updater's reads
 * the installed app's files as it starts).
 */
export function runUpdates(makeUpdater: () => UpdaterLike, options: UpdatesOptions): Updates {
  const { plan, log } = options;
  const clock = options.clock ?? (() => new Date());
  if (plan.kind === 'off') {
    log(`updates: ${plan.reason}`);
    return { check: async () => null, stop: () => {} };
  }
  const verify =
    options.verify ??
    (options.platform === 'win32'
      ? (file: string, name: string) => verifyAuthenticode(file, name)
      : // Squirrel.Mac installs only an app whose code signature satisfies the running app's designated requirement.
        async (): Promise<Verification> => ({ ok: true }));
  const updater = makeUpdater();
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = false;
  updater.allowDowngrade = false;
  updater.setFeedURL({ provider: 'generic', url: plan.url });
  if (options.platform === 'win32') {
    // electron-updater's own check passes when it cannot run or no publisher is configured; ours refuses.
    updater.verifyUpdateCodeSignature = async (_names, file) => {
      const result = await verify(file, plan.publisherName);
      if (!result.ok) log(`updates: ${result.reason}`);
      return result.ok ? null : result.reason;
    };
  }
  const firstSeen = new Map<string, Date>();
  let installOnQuit = false;
  let quitHooked = false;
  let running: Promise<OfferDecision | InstallDecision | null> | null = null;

  const once = async (): Promise<OfferDecision | InstallDecision | null> => {
    try {
      const result = await updater.checkForUpdates();
      if (!result) return null;
      const { version, releaseDate } = result.updateInfo;
      if (!firstSeen.has(version)) firstSeen.set(version, clock());
      const offer = decideOffer({ plan, current: options.currentVersion, offered: { version, ...(releaseDate ? { releaseDate } : {}) }, firstSeenAt: firstSeen.get(version)!, now: clock() });
      if (offer.kind === 'none') return offer;
      if (offer.kind === 'wait') {
        log(`updates: version ${version} is available; this station (${plan.ring} ring) takes it from ${offer.until}.`);
        return offer;
      }
      const silent = (options.canInstallSilently ?? canWriteWithoutElevation)(options.installDir);
      // electron-updater registers its own install-on-quit only if this is on when the download
      // ends, before anything of ours could check it: so it stays off on Windows, where our quit
      // hook installs a verified update. On macOS Squirrel takes the download only to install it at
      // quit, after checking its code signature against the running app's.
      updater.autoInstallOnAppQuit = options.platform === 'darwin' && silent;
      const [file] = await updater.downloadUpdate();
      const verification: Verification =
        options.platform === 'darwin'
          ? { ok: true }
          : file
            ? await verify(file, plan.publisherName)
            : { ok: false, reason: 'The update was refused: nothing was downloaded to check.' };
      const decision = decideInstall({ verification, canInstallSilently: silent });
      installOnQuit = decision.kind === 'install-on-quit';
      if (!installOnQuit) updater.autoInstallOnAppQuit = false;
      if (installOnQuit && options.platform === 'win32' && !quitHooked) {
        quitHooked = true;
        options.onQuit(() => {
          if (installOnQuit) updater.quitAndInstall(true, false);
        });
      }
      log(
        decision.kind === 'install-on-quit'
          ? `updates: version ${version} is downloaded and verified; it installs when Lantern next quits.`
          : `updates: version ${version}: ${decision.reason}`,
      );
      return decision;
    } catch (error) {
      // The feed unreachable, a download cut: the next check tries again. The updater's message names only its URL and files.
      updater.autoInstallOnAppQuit = false;
      installOnQuit = false;
      log(`updates: the check failed (${(error as Error).name}); the next one is in ${Math.round(plan.checkEveryMs / HOUR_MS)} h.`);
      return null;
    }
  };
  // A check asked for while one runs shares its outcome.
  const check = () => (running ??= once().finally(() => (running = null)));
  const every =
    options.every ??
    ((run: () => void, ms: number) => {
      const timer = setInterval(run, ms);
      timer.unref();
      return { stop: () => clearInterval(timer) };
    });
  const timer = every(() => void check(), plan.checkEveryMs);
  void check();
  return { check, stop: () => timer.stop() };
}
