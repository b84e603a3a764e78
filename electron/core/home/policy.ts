import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ExpiredCharts } from '../../shared/contract';
import { LanternError } from '../../shared/errors';

/** The policy file is there but cannot be used: IT fixes the file (it names it). */
export class PolicyError extends LanternError {
  override name = 'PolicyError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('UNAVAILABLE', message, { code: 'POLICY', audience: 'it', cause: options.cause });
  }
}

/** A station id as the heartbeat and the fleet report use it: also its heartbeat's file name. */
export const STATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The managed policy IT deploys machine-wide (template: native/policy/). */
export const Policy = z
  .object({
    /** The workstation's home folder (enrolled with `lantern enroll`). */
    home: z.string().min(1).optional(),
    /** Inbox folder (local or a mapped share) the app watches for new snapshots. */
    inbox: z.string().min(1).optional(),
    /** Minutes after the data-as-of time when the header turns to a stale warning. */
    staleAfterMinutes: z.number().int().min(5).max(7 * 24 * 60).optional(),
    /**
     * An expired copy keeps protocols, forms, search and the census; its charts open after the
     * nurse confirms the copy's age ('acknowledge', the default) or stay closed ('block').
     */
    expiredCharts: ExpiredCharts.optional(),
    /**
     * Let LANTERN_HOME and LANTERN_INBOX override this policy in a packaged build (a test
     * workstation). Unpackaged runs (development, `npm start`) always honour them.
     */
    allowEnvironmentOverrides: z.boolean().optional(),
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
        intervalSeconds: z.number().int().min(10).max(24 * 60 * 60).optional().describe('Seconds between checks of the pointer (default 60); each check is moved by up to a fifth at random.'),
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
        intervalMinutes: z.number().int().min(1).max(24 * 60).optional().describe('Minutes between two heartbeats (default 15); the report calls a station silent after two intervals without one.'),
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
          .describe('Days an audit entry stays on the workstation at least, even after IT confirms its repository received it (default 90).'),
        checkpointMinutes: z
          .number()
          .int()
          .min(1)
          .max(60)
          .optional()
          .describe('Minutes between signed checkpoints of the audit log; prints and emergency access are signed at once (default 5).'),
      })
      .strict()
      .optional()
      .describe('How long audit entries are kept on the workstation and how often the log is signed.'),
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

/**
 * Read the policy file: absent means no policy (an empty one); present but invalid is an
 * error that names the file, so IT finds the typo instead of the app silently ignoring it.
 */
export function readPolicy(file: string, read: (file: string) => string = (f) => readFileSync(f, 'utf8')): Policy {
  let text: string;
  try {
    text = read(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new PolicyError(`The Lantern policy file ${file} could not be read.`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PolicyError(`The Lantern policy file ${file} is not valid JSON.`);
  }
  const parsed = Policy.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PolicyError(`The Lantern policy file ${file} is not valid (${issue?.path.join('.') || 'top level'}: ${issue?.message}).`);
  }
  return parsed.data;
}
