import { readFileSync } from 'node:fs';
import path from 'node:path';
import { appendHomeLog } from '../../../electron/core/home/log';
import { policyPath, readPolicy, type Policy } from '../../../electron/core/home/policy';
import { rosterSource } from '../../../electron/core/home/roster';
import { createSignIn, homeSignInStore, signInLogEvent } from '../../../electron/core/home/sign-in';
import type { HomeQueries } from '../../../electron/shared/contract';
import { openHome } from '../../../electron/core/home/open';
import { CliError, EXIT, stringOption, type Values } from '../command';
import { chartModel } from '../../../electron/core/chart';
import { formatAgeAt, formatDate, formatDateTime } from '../../../electron/shared/time-text';

/** The options every query command takes for a home where sign-in applies. */
export const SIGN_IN_OPTIONS = { user: { type: 'string' }, 'pass-file': { type: 'string' } } as const;
export const SIGN_IN_DETAILS =
  'On a home with a roster: --user ID of a roster user whose role the policy allows (signIn.cliRoles, default IT), the passphrase on standard input or in --pass-file; failures count towards the same lockout as the station\'s.';

/** The passphrase from --pass-file or the first line of standard input. */
async function readPassphrase(values: Values): Promise<string> {
  const file = stringOption(values, 'pass-file');
  let text = '';
  if (file) text = readFileSync(file, 'utf8');
  else if (!process.stdin.isTTY) for await (const chunk of process.stdin) text += String(chunk);
  return text.split(/\r?\n/)[0] ?? '';
}

/**
 * Where sign-in applies (a roster in the home, or the policy asks), the query commands show
 * patient data only to a roster user with a role the policy allows, signed in like at the
 * station (same counters, same lockout, the same record in the home's log); with
 * `signIn.cliRoles: []` they are off.
 */
export async function checkQueryAccess(dir: string, values: Values, policy: Policy, command: string): Promise<void> {
  const roster = rosterSource(dir);
  if (!roster().roster && !policy.signIn?.required) return;
  const roles = policy.signIn?.cliRoles ?? ['IT'];
  if (roles.length === 0) throw new CliError(`lantern ${command} is off on this home by policy (signIn.cliRoles is empty): charts are read in the app, after signing in.`);
  const user = stringOption(values, 'user');
  if (!user) throw new CliError(`This home asks for a sign-in: give --user ID (a roster user with the role ${roles.join(' or ')}) and the passphrase on standard input or in --pass-file.`, EXIT.USAGE);
  const signIn = createSignIn({
    roster,
    homeUnits: null,
    rules: policy.signIn ?? {},
    store: homeSignInStore(dir),
    onEvent: (event) => appendHomeLog(dir, signInLogEvent(event)),
  });
  const { person } = await signIn.signIn(user, await readPassphrase(values));
  if (!person || !roles.some((r) => r.toLowerCase() === person.role.toLowerCase())) {
    throw new CliError(`${user} signed in, but the role ${person?.role ?? '?'} may not run lantern ${command} on this home (policy signIn.cliRoles: ${roles.join(', ')}).`);
  }
}

/** Open --home, run one query over the snapshot in use, close. */
export async function withQueries<T>(values: Values, run: (q: HomeQueries) => T, command = 'query'): Promise<{ value: T; demo: boolean }> {
  const dir = path.resolve(stringOption(values, 'home') as string);
  await checkQueryAccess(dir, values, readPolicy(policyPath(process.platform, process.env)), command);
  const home = openHome(dir, { model: chartModel });
  try {
    const queries = home.queries();
    if (!queries) throw new CliError(`No snapshot has been ingested into ${dir} yet. Run lantern ingest first.`, EXIT.FAILED);
    return { value: run(queries), demo: home.status().demo };
  } finally {
    home.close();
  }
}

/** A plain-text table: columns padded to their widest cell. */
export function table(headers: string[], rows: (string | null | undefined)[][]): string[] {
  const cells = rows.map((r) => r.map((c) => (c ?? '').replace(/\s+/g, ' ')));
  const widths = headers.map((h, i) => Math.min(40, Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length))));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => {
        const w = widths[i] ?? 0;
        return (c.length > w ? `${c.slice(0, w - 1)}…` : c).padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return [fmt(headers), fmt(widths.map((w) => '-'.repeat(w))), ...cells.map(fmt)];
}

// The screen's and the paper's clock (electron/shared/time-text.ts): the same words for one reading.
export const day = (value: string | null | undefined) => (value ? formatDate(value) : '');
export const minute = (value: string | null | undefined) => (value ? formatDateTime(value) : '');

/** Age at `at` in the screen's words (formatAgeAt: "76 y", "8 mo"), "?" when no birth date is given. */
export function age(birthDate: string | null, at: string): string {
  return formatAgeAt(birthDate, Date.parse(at)) ?? '?';
}

export const sexLetter = (sex: string | null) => (sex ? sex[0]!.toUpperCase() : '?');
