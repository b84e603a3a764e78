import { readFileSync } from 'node:fs';
import path from 'node:path';
import { appendHomeLog } from '../../../electron/core/home/log';
import { policyPath, readPolicy, type Policy } from '../../../electron/core/home/policy';
import { rosterSource } from '../../../electron/core/home/roster';
import { auditActorOf, createSignIn, homeSignInStore, signInLogEvent } from '../../../electron/core/home/sign-in';
import { checkCommandLineQuery, commandLineCopy, type CopyState } from '../../../electron/core/home/expiry';
import { tryOpenAuditLog } from '../../../electron/core/home/audit';
import type { HomeQueries, Person, QueryChannel } from '../../../electron/shared/contract';
import { expiredBanner, staleBanner } from '../../../electron/shared/notices';
import { openHome } from '../../../electron/core/home/open';
import { CliError, EXIT, stringOption, type Values } from '../command';
import { chartModel } from '../../../electron/core/chart';
import { formatAge, formatAgeAt, formatDate, formatDateTime, formatStamp } from '../../../electron/shared/time-text';

/** The options every query command takes for a home where sign-in applies. */
export const SIGN_IN_OPTIONS = { user: { type: 'string' }, 'pass-file': { type: 'string' } } as const;
export const SIGN_IN_DETAILS =
  'On a home with a roster: --user ID of a roster user whose role the policy allows (signIn.cliRoles, default IT), the passphrase on standard input or in --pass-file; failures count towards the same lockout as the station\'s.';

/** The options of every query command: sign-in, and the managed policy to apply. */
export const QUERY_OPTIONS = { ...SIGN_IN_OPTIONS, policy: { type: 'string' } } as const;
export const QUERY_DETAILS = [
  SIGN_IN_DETAILS,
  'A stale or expired copy is said first, in the words of the app\'s banner (--json: the "copy" field). On an expired copy a chart',
  'prints under the EXPIRED line; where the managed policy (or --policy FILE) sets "expiredCharts": "block", lantern chart refuses',
  'with the app\'s notice and exits 1, while search and the census still answer, as in the app.',
].join('\n');

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
export async function checkQueryAccess(dir: string, values: Values, policy: Policy, command: string): Promise<Person | null> {
  const roster = rosterSource(dir);
  if (!roster().roster && !policy.signIn?.required) return null;
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
  return person;
}

/** What a query command prints and sends: the answer, whether the home is the demo's, how old the copy is. */
export interface QueryResult<T> {
  value: T;
  demo: boolean;
  /** The copy's state, decided in core (home/expiry.ts commandLineCopy); --json carries it as "copy". */
  copy: CopyState | null;
}

/**
 * Open --home, run one query over the snapshot in use, close. On an expired copy the query
 * answers by the command line's rule (core: checkCommandLineQuery), so a 'block' policy closes
 * charts here as in the app. A chart read is recorded in the home's audit log, as the app
 * records a chart opened, with the person signed in (where the home asks for a sign-in).
 */
export async function withQueries<T>(values: Values, run: (q: HomeQueries) => T, channel: QueryChannel & string): Promise<QueryResult<T>> {
  const dir = path.resolve(stringOption(values, 'home') as string);
  const policy = readPolicy(stringOption(values, 'policy') ?? policyPath(process.platform, process.env));
  const person = await checkQueryAccess(dir, values, policy, channel);
  const home = openHome(dir, { model: chartModel });
  let result: QueryResult<T>;
  try {
    const queries = home.queries();
    if (!queries) throw new CliError(`No snapshot has been ingested into ${dir} yet. Run lantern ingest first.`, EXIT.FAILED);
    const status = home.status();
    const copy = commandLineCopy(status.snapshot, new Date(), status.staleAfterMinutes, policy.expiredCharts);
    checkCommandLineQuery(channel, copy);
    result = { value: run(queries), demo: status.demo, copy };
  } finally {
    home.close();
  }
  if (channel === 'chart') recordChartRead(dir, person, result.value as { patient: { id: string } });
  return result;
}

/** The audit log's "chart-opened" for a chart printed here (none where the home keeps no audit log). */
function recordChartRead(dir: string, person: Person | null, chart: { patient: { id: string } }): void {
  const actor = auditActorOf(person);
  const audit = tryOpenAuditLog(dir, { actor: () => actor });
  if (!audit) return;
  try {
    audit.record({ kind: 'chart-opened', patient: chart.patient.id, foundVia: 'other' });
  } finally {
    audit.close();
  }
}

/**
 * The line every query command's human output begins with on a stale or expired copy: the
 * words of the app's banner (electron/shared/notices.ts). Null for a fresh copy.
 */
export function copyLine(copy: CopyState | null): string | null {
  if (!copy) return null;
  const asOf = formatStamp(copy.asOf);
  if (copy.expired) return expiredBanner(copy.expired, asOf);
  if (copy.state === 'stale') return staleBanner(formatAge(copy.ageMinutes * 60_000), asOf);
  return null;
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
