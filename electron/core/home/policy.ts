import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ExpiredCharts } from '../../shared/contract';
import { AUDIT_DEFAULTS, DEFAULT_HEARTBEAT_MINUTES, DEFAULT_STALE_AFTER_MINUTES, HTTPS_POLL_SECONDS, SIGN_IN_LIMITS, UPDATE_DEFAULTS } from './policy-defaults';
import { LanternError } from '../../shared/errors';
import { parsePolicyJson, policyProblems } from './policy-fields';
import { mergePolicyLayers, parseRegQuery, REGISTRY_ROOT, type RegistryPolicy } from './policy-registry';

/** The policy file is there but cannot be used: IT fixes the file (it names it). */
export class PolicyError extends LanternError {
  override name = 'PolicyError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('UNAVAILABLE', message, { code: 'POLICY', audience: 'it', cause: options.cause });
  }
}

/** A station id as the heartbeat and the fleet report use it: also its heartbeat's file name. */
export const STATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Automatic updates (off unless IT turns them on: IT pushes installers). Where on, the app
 * takes a newer version from `url`, verified against `publisherName` before install, in rings.
 */
const Updates = z
  .object({
    enabled: z.boolean().optional().meta({ default: false }).describe('Let Lantern update itself from updates.url; off, IT pushes every new version as an installer.'),
    url: z
      .string()
      .regex(/^https:\/\/[^\s]+$/, 'an https:// address')
      .optional()
      .meta({ examples: ['https://lantern-updates.example.org/stable'] })
      .describe('The HTTPS folder the publisher of Lantern builds serves (latest.yml and the installers, as electron-builder writes them for a generic server).'),
    publisherName: z
      .string()
      .min(1)
      .optional()
      .meta({ examples: ['Example Hospital IT'] })
      .describe('The subject name (CN, or the full distinguished name) of the certificate that signs Lantern installers; an update signed by anyone else, or whose signature cannot be checked, is refused.'),
    pilotUnits: z
      .array(z.string().min(1))
      .optional()
      .meta({ examples: [['4-west']] })
      .describe('Units whose stations are the pilot ring: they take a new version as soon as it is published.'),
    ring: z.enum(['pilot', 'broad']).optional().describe("Put this station in a ring whatever its units ('pilot' or 'broad'), for example by Group Policy per organisational unit."),
    broadDelayHours: z
      .number()
      .int()
      .min(0)
      .max(90 * 24)
      .optional()
      .meta({ default: UPDATE_DEFAULTS.broadDelayHours })
      .describe('Hours a station outside the pilot ring waits after a version is published before it takes it.'),
    checkEveryHours: z.number().int().min(1).max(7 * 24).optional().meta({ default: UPDATE_DEFAULTS.checkEveryHours }).describe('Hours between two checks for a newer version.'),
  })
  .strict()
  .superRefine((updates, context) => {
    if (updates.enabled !== true) return;
    for (const key of ['url', 'publisherName'] as const) {
      if (!updates[key]) context.addIssue({ code: 'custom', path: [key], message: 'is required when updates.enabled is true' });
    }
  });

/** The managed policy IT deploys machine-wide (template and Group Policy files: native/policy/). */
export const Policy = z
  .object({
    home: z.string().min(1).optional().meta({ examples: ['D:\\Lantern\\home'] }).describe('The workstation\'s home folder, enrolled with lantern enroll; without it the app opens the synthetic demo hospital.'),
    inbox: z.string().min(1).optional().meta({ examples: ['\\\\fileserver\\lantern\\4-west'] }).describe('The inbox folder (local, or a mapped or UNC share) the app watches for new snapshots.'),
    staleAfterMinutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .optional()
      .meta({ default: DEFAULT_STALE_AFTER_MINUTES })
      .describe('Minutes after the data-as-of time when the header turns to a stale warning.'),
    expiredCharts: ExpiredCharts.optional()
      .meta({ default: 'acknowledge' })
      .describe("An expired copy keeps protocols, forms, search and the census; its charts open after the nurse confirms the copy's age ('acknowledge') or stay closed ('block')."),
    allowEnvironmentOverrides: z
      .boolean()
      .optional()
      .meta({ default: false })
      .describe('Let LANTERN_HOME and LANTERN_INBOX override this policy in the installed app (a test workstation); development runs always honour them.'),
    /** How the desktop app syncs with no window open (electron/main/tray.ts decides from it). */
    sync: z
      .object({
        startAtSignIn: z
          .boolean()
          .optional()
          .describe('Start Lantern, hidden in the tray, when the workstation account signs in (Windows and macOS; Linux: an autostart entry, see docs/DEPLOYMENT.md).'),
        keepRunningWhenClosed: z
          .boolean()
          .optional()
          .describe('Keep syncing in the tray after the window is closed (default true); false quits with the window.'),
      })
      .strict()
      .optional()
      .describe('Sync with no window open: start at sign-in, keep running in the tray.'),
    /** A web server the app polls for snapshots (the publisher's signed pointer), instead of or beside the inbox. */
    source: z
      .object({
        url: z
          .url()
          .refine((u) => u.startsWith('https://'), 'must be an https:// URL')
          .describe("The HTTPS URL of the publisher's pointer file for this workstation's unit, e.g. https://lantern.example.org/4w/GH-4W-pointer.json."),
        intervalSeconds: z.number().int().min(10).max(24 * 60 * 60).optional().describe(`Seconds between checks of the pointer (default ${HTTPS_POLL_SECONDS}); each check is moved by up to a fifth at random.`),
        caBundle: z.string().min(1).optional().describe("A PEM file of CA certificates the web server's certificate may chain to, besides the system's."),
        proxy: z
          .union([z.literal('system'), z.literal('direct'), z.url()])
          .optional()
          .describe('"system" (the default: the operating system\'s proxy settings), "direct" (none), or a proxy URL such as http://proxy.example.org:8080.'),
      })
      .strict()
      .optional()
      .describe('An HTTPS source of snapshots: a static web server the publisher\'s outbox is served from.'),
    /** The station's heartbeat for IT's fleet report (core/home/heartbeat.ts, docs/FLEET.md). */
    heartbeat: z
      .object({
        dir: z.string().min(1).optional().describe('Share folder where the station replaces its own heartbeat file, STATION.heartbeat.json, every interval.'),
        url: z
          .string()
          .url()
          .refine((u) => u.startsWith('https://'), 'must be an https:// URL')
          .optional()
          .describe('HTTPS address under which the station PUTs its heartbeat (URL/STATION.heartbeat.json) every interval.'),
        caBundle: z.string().min(1).optional().describe("PEM file of the CA that issued the heartbeat server's HTTPS certificate, when it is the hospital's own."),
        intervalMinutes: z.number().int().min(1).max(24 * 60).optional().describe(`Minutes between two heartbeats (default ${DEFAULT_HEARTBEAT_MINUTES}); the report calls a station silent after two intervals without one.`),
        stationId: z
          .string()
          .regex(STATION_ID, 'letters, digits, dot, dash or underscore, up to 64')
          .optional()
          .describe("The station's name in the fleet report (default: the computer's host name)."),
      })
      .strict()
      .optional()
      .describe('Where and how often this station reports its freshness to IT; absent: no heartbeat.'),
    /** The audit log (core/home/audit.ts). */
    audit: z
      .object({
        retentionDays: z
          .number()
          .int()
          .min(1)
          .max(3650)
          .optional()
          .describe(`Days an audit entry stays on the workstation at least, even after IT confirms its repository received it (default ${AUDIT_DEFAULTS.retentionDays}).`),
        checkpointMinutes: z
          .number()
          .int()
          .min(1)
          .max(60)
          .optional()
          .describe(`Minutes between signed checkpoints of the audit log; prints and emergency access are signed at once (default ${AUDIT_DEFAULTS.checkpointMinutes}).`),
      })
      .strict()
      .optional()
      .describe('How long audit entries are kept on the workstation and how often the log is signed.'),
    /** Sign-in at the station (docs/SIGN-IN.md). */
    signIn: z
      .object({
        required: z.boolean().optional().describe('Ask for a sign-in even before a roster has arrived (default: sign-in applies once the home holds a roster).'),
        maxAttempts: z.number().int().min(1).max(100).optional().describe(`Failed passphrases in a row after which that user id is locked on this station (default ${SIGN_IN_LIMITS.maxAttempts}).`),
        lockMinutes: z.number().int().min(1).max(24 * 60).optional().describe(`How long a user id stays locked on this station after too many failures (default ${SIGN_IN_LIMITS.lockMinutes}).`),
        autoLockMinutes: z.number().int().min(1).max(240).optional().describe(`Minutes without a key or a click after which the station hides patient data and asks for a sign-in (default ${SIGN_IN_LIMITS.autoLockMinutes}).`),
        emergencyMinutes: z.number().int().min(15).max(24 * 60).optional().describe(`How long an emergency access session lasts from the code being taken (default ${SIGN_IN_LIMITS.emergencyMinutes}).`),
        cliRoles: z
          .array(z.string().min(1).max(60))
          .max(20)
          .optional()
          .describe('Roster roles whose members may run lantern search, census and chart on a home where sign-in applies, with --user (default ["IT"]; [] turns those commands off).'),
      })
      .strict()
      .optional()
      .describe('Sign-in at the station: lockout, automatic lock, emergency access, the CLI query commands.'),
    updates: Updates.optional().describe('Automatic updates: off unless enabled here (IT pushes installers).'),
  })
  .strict();
export type Policy = z.infer<typeof Policy>;

/** Where the policy file lives on each platform (machine-wide, writable by admins only). */
export function policyPath(platform: NodeJS.Platform, env: Record<string, string | undefined>): string {
  switch (platform) {
    case 'win32':
      return path.win32.join(env['ProgramData'] ?? 'C:\\ProgramData', 'Lantern', 'policy.json');
    case 'darwin':
      return '/Library/Application Support/Lantern/policy.json';
    default:
      return '/etc/lantern/policy.json';
  }
}

/** A policy file's text: parsed (comments allowed), or an error naming the file. */
export function parsePolicyFile(file: string, text: string): unknown {
  try {
    return parsePolicyJson(text);
  } catch {
    throw new PolicyError(`The Lantern policy file ${file} is not valid JSON.`);
  }
}

export interface ReadPolicyOptions {
  read?: (file: string) => string;
  /** The Group Policy values (Windows: HKLM\Software\Policies\Lantern); they win over the file key by key. */
  registry?: () => RegistryPolicy | null;
}

/**
 * Read the managed policy: the file (absent means none), then the registry's values over it key
 * by key, then checked. Invalid is an error that names every wrong key and where it came from,
 * so IT finds the typo instead of the app silently ignoring it.
 */
export function readPolicy(file: string, options: ReadPolicyOptions | ((file: string) => string) = {}): Policy {
  const { read = (f: string) => readFileSync(f, 'utf8'), registry } = typeof options === 'function' ? { read: options } : options;
  let fromFile: unknown = {};
  try {
    fromFile = parsePolicyFile(file, read(file));
  } catch (error) {
    if (error instanceof PolicyError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new PolicyError(`The Lantern policy file ${file} could not be read.`, { cause: error });
    }
  }
  const fromRegistry = registry?.() ?? null;
  const { merged, origin } = mergePolicyLayers(fromFile, fromRegistry);
  const problems = policyProblems(Policy, merged, (key) => (origin(key) === 'registry' ? `set in the registry under ${REGISTRY_ROOT}` : ''));
  if (problems.length > 0) {
    const source = fromRegistry ? `The Lantern policy (file ${file} and the registry under ${REGISTRY_ROOT})` : `The Lantern policy file ${file}`;
    throw new PolicyError(`${source} is not valid: ${problems.map((p) => p.message).join(' ')}`);
  }
  return Policy.parse(merged);
}

export interface RegQueryResult {
  status: number | null;
  stdout: string;
  error?: Error;
}

/** `reg query` through cmd with the UTF-8 code page, so paths with accents come through intact. */
function runRegQuery(): RegQueryResult {
  const result = spawnSync('cmd.exe', ['/d', '/s', '/c', `chcp 65001 >nul & reg query "${REGISTRY_ROOT}" /s`], {
    encoding: 'utf8',
    timeout: 15_000,
    windowsHide: true,
  });
  return { status: result.status, stdout: result.stdout ?? '', ...(result.error ? { error: result.error } : {}) };
}

/**
 * The Group Policy values under HKLM\Software\Policies\Lantern (Windows), by spawning reg.exe
 * (no native module). No such key (reg exits 1 with nothing printed) is no registry policy; reg
 * that cannot run is an error, since the app would otherwise run without the policy IT set.
 */
export function readRegistryPolicy(run: () => RegQueryResult = runRegQuery): RegistryPolicy | null {
  const result = run();
  if (result.error || result.status === null) {
    throw new PolicyError(`The Lantern policy in the registry (${REGISTRY_ROOT}) could not be read: reg.exe did not run.`, { cause: result.error });
  }
  if (result.status !== 0) {
    if (result.stdout.trim() === '') return null;
    throw new PolicyError(`The Lantern policy in the registry (${REGISTRY_ROOT}) could not be read: reg.exe exited with ${result.status}.`);
  }
  return parseRegQuery(result.stdout, Policy);
}

/**
 * The machine's policy as every Lantern process on it reads it (the app, `lantern watch`): the
 * file at its platform's place, and on Windows Group Policy's values winning key by key.
 */
export function readMachinePolicy(platform: NodeJS.Platform = process.platform, env: Record<string, string | undefined> = process.env): Policy {
  return readPolicy(policyPath(platform, env), platform === 'win32' ? { registry: () => readRegistryPolicy() } : {});
}
