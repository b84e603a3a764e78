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
    /** Sign-in at the station (docs/SIGN-IN.md). */
    signIn: z
      .object({
        required: z.boolean().optional().describe('Ask for a sign-in even before a roster has arrived (default: sign-in applies once the home holds a roster).'),
        maxAttempts: z.number().int().min(1).max(100).optional().describe('Failed passphrases in a row after which that user id is locked on this station (default 5).'),
        lockMinutes: z.number().int().min(1).max(24 * 60).optional().describe('How long a user id stays locked on this station after too many failures (default 15).'),
        autoLockMinutes: z.number().int().min(1).max(240).optional().describe('Minutes without a key or a click after which the station hides patient data and asks for a sign-in (default 10).'),
        emergencyMinutes: z.number().int().min(15).max(24 * 60).optional().describe('How long an emergency access session lasts from the code being taken (default 240).'),
        cliRoles: z
          .array(z.string().min(1).max(60))
          .max(20)
          .optional()
          .describe('Roster roles whose members may run lantern search, census and chart on a home where sign-in applies, with --user (default ["IT"]; [] turns those commands off).'),
      })
      .strict()
      .optional()
      .describe('Sign-in at the station: lockout, automatic lock, emergency access, the CLI query commands.'),
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
