import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Person, SessionState } from '../../shared/contract';
import { LanternError } from '../../shared/errors';
import { formatDate, formatStamp } from '../../shared/time-text';
import { codeIndex, parseCode } from './emergency';
import { homePath, writeFileAtomic } from './layout';
import { checkVerifier } from './passphrase';
import { SIGN_IN_LIMITS } from './policy-defaults';
import type { LogEvent } from './log';
import type { AuditActor, AuditEvent } from './audit';
import type { Roster, RosterUser } from './roster';

/**
 * Sign-in at a station with no network and no directory (docs/SIGN-IN.md): a roster user's
 * id and passphrase, or an emergency code with a name, role and reason. Failed attempts lock
 * that id on this station for a while; the counters, the emergency codes taken and an open
 * emergency session live in the home's signin.json, so a restart resets none of them. The
 * session itself lives in memory: a restart signs everybody out. Pure but for that file and
 * the clock, both injected.
 */

/** The managed policy's `signIn` block, with its defaults filled in. */
export interface SignInRules {
  /** Ask for a sign-in even with no roster installed (then nobody gets in until one arrives). */
  required: boolean;
  maxAttempts: number;
  lockMinutes: number;
  autoLockMinutes: number;
  emergencyMinutes: number;
}
export const SIGN_IN_DEFAULTS: SignInRules = { required: false, ...SIGN_IN_LIMITS };

/** What sign-in reports for the audit log (wired by the composition root). No passphrase, no code. */
export type SignInEvent =
  | { kind: 'sign-in'; person: Person }
  | { kind: 'unlock'; person: Person }
  | { kind: 'sign-in-failed'; user: string; reason: 'unknown-user' | 'wrong-passphrase' | 'user-expired' | 'wrong-unit' | 'locked-out'; failures: number }
  | { kind: 'lockout'; user: string; until: string }
  | { kind: 'emergency-access'; person: Person; reason: string; code: number; until: string }
  | { kind: 'emergency-refused'; reason: 'not-a-code' | 'used' | 'no-chain' }
  | { kind: 'lock'; person: Person; why: NonNullable<SessionState['locked']>['why'] };

/** A sign-in event as the home's lantern.log keeps it: the kind and the user id only. */
export function signInLogEvent(event: SignInEvent): LogEvent {
  const user = 'person' in event ? event.person.id : 'user' in event ? event.user : '';
  const how = 'person' in event ? event.person.how : undefined;
  return { event: 'sign-in', kind: event.kind, user, ...(how ? { how } : {}) };
}

/** Who is signed in, for whatever records or prints it (the audit log, printed pages). */
export interface SignedInProvider {
  current(): Person | null;
}

const Attempts = z.object({ failures: z.number().int().nonnegative(), lockedUntil: z.string().nullable(), lastAt: z.string() });
const OpenEmergency = z.object({
  code: z.number().int().positive(),
  person: z.object({ id: z.string(), name: z.string(), role: z.string(), how: z.literal('emergency') }),
  reason: z.string(),
  startedAt: z.string(),
  until: z.string(),
});
const SignInFile = z.object({
  version: z.literal(1),
  /** Lower-cased user id (as typed) -> failures in a row and a lock. */
  attempts: z.record(z.string(), Attempts),
  /** Per chain id: the highest code this station took. */
  codesUsed: z.record(z.string(), z.number().int().nonnegative()),
  emergency: OpenEmergency.nullable(),
});
type SignInFile = z.infer<typeof SignInFile>;
const EMPTY: SignInFile = { version: 1, attempts: {}, codesUsed: {}, emergency: null };
/** Ids typed that match nobody are counted too (so a guesser cannot tell), up to this many. */
const MAX_TRACKED = 2000;

/** Where a sign-in's counters are kept: the home's signin.json (tests may keep them in memory). */
export interface SignInStore {
  read(): SignInFile;
  write(state: SignInFile): void;
}
export function homeSignInStore(dir: string): SignInStore {
  const file = homePath(dir, 'signIn');
  return {
    read: () => {
      if (!existsSync(file)) return EMPTY;
      const parsed = SignInFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      // A damaged file fails safe: counters start again, nothing is let in by it.
      return parsed.success ? parsed.data : EMPTY;
    },
    write: (state) => writeFileAtomic(file, JSON.stringify(state) + '\n'),
  };
}
export function memorySignInStore(): SignInStore & { state: SignInFile } {
  const store = { state: EMPTY, read: () => store.state, write: (s: SignInFile) => void (store.state = s) };
  return store;
}

/** A sign-in refused, in words for the person at the station. */
export class SignInError extends LanternError {
  override name = 'SignInError';
  constructor(message: string, code = 'SIGN_IN') {
    super('FORBIDDEN', message, { code });
  }
}
/** A request that needs a signed-in person when nobody is (locked, timed out): the renderer shows sign-in. */
export const signedOut = () => new LanternError('SIGNED_OUT', 'This station is locked. Sign in to see patient data.', { code: 'SIGNED_OUT' });

export interface SignInOptions {
  /** The roster in use (re-read by the caller when one is installed), or null. */
  roster: () => { roster: Roster | null; problem: string | null };
  /** The units this station's home holds (null: any). */
  homeUnits: string[] | null;
  rules?: Partial<SignInRules>;
  store: SignInStore;
  clock?: () => Date;
  onEvent?: (event: SignInEvent) => void;
  /** Passphrase check; default Argon2id through hash-wasm. */
  check?: (passphrase: string, verifier: string) => Promise<boolean>;
}

export interface SignIn extends SignedInProvider {
  state(): SessionState;
  signIn(user: string, passphrase: string): Promise<SessionState>;
  emergency(request: { code: string; name: string; role: string; reason: string }): SessionState;
  lock(why: 'inactivity' | 'switch-user' | 'lock'): SessionState;
  /** The person is still there (a key or a click): postpones the automatic lock. */
  touch(): SessionState;
  /** The person on a request that shows patient data; throws SIGNED_OUT when nobody is. */
  require(): Person | null;
  /** Whether this station asks for a sign-in at all. */
  required(): boolean;
}

const minutes = (n: number) => n * 60_000;

export function createSignIn(options: SignInOptions): SignIn {
  const rules: SignInRules = { ...SIGN_IN_DEFAULTS, ...options.rules };
  const clock = options.clock ?? (() => new Date());
  const check = options.check ?? checkVerifier;
  const emit = (event: SignInEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A recorder's failure must not decide who signs in.
    }
  };
  let session: { person: Person; lastTouch: number; until: number | null } | null = null;
  let locked: SessionState['locked'] = null;
  /** One check at a time: two attempts at once must both be counted. */
  let queue: Promise<unknown> = Promise.resolve();

  // A roster that is there but cannot be read fails closed: damaging roster.json must not open the charts.
  const required = () => {
    const { roster, problem } = options.roster();
    return rules.required || roster !== null || problem !== null;
  };

  const endSession = (why: NonNullable<SessionState['locked']>['why']) => {
    if (!session) return;
    locked = { ...session.person, why };
    emit({ kind: 'lock', person: session.person, why });
    session = null;
  };

  /** The session, after the clock had its say (inactivity, an emergency session's end). */
  const live = () => {
    if (!session) return null;
    const now = clock().getTime();
    if (session.until !== null && now >= session.until) endSession('session-ended');
    else if (now - session.lastTouch >= minutes(rules.autoLockMinutes)) endSession('inactivity');
    return session;
  };

  const state = (): SessionState => {
    const { roster, problem } = options.roster();
    const s = live();
    const now = clock();
    return {
      required: required(),
      person: s?.person ?? null,
      until: s?.until != null ? new Date(s.until).toISOString() : null,
      autoLockMinutes: rules.autoLockMinutes,
      locked: s ? null : locked,
      roster: roster
        ? {
            facility: roster.facility.id,
            sequence: roster.sequence,
            issuedAt: roster.issuedAt,
            expiresAt: roster.expiresAt,
            expired: now.getTime() >= Date.parse(roster.expiresAt),
            emergency: roster.emergency !== null,
          }
        : null,
      problem: roster ? null : (problem ?? (rules.required ? 'No roster has reached this workstation yet: ask IT to send one.' : null)),
    };
  };

  const start = (person: Person, until: number | null) => {
    const again = locked?.id === person.id && locked.how === person.how;
    session = { person, lastTouch: clock().getTime(), until };
    locked = null;
    return again;
  };

  const attempt = async (typed: string, passphrase: string): Promise<SessionState> => {
    const { roster } = options.roster();
    if (!roster) throw new SignInError('Nobody can sign in with a passphrase here: no roster has reached this workstation. Use an emergency code, or ask IT.', 'NO_ROSTER');
    const key = typed.trim().toLowerCase();
    const now = clock();
    const file = options.store.read();
    const counted = file.attempts[key] ?? { failures: 0, lockedUntil: null, lastAt: now.toISOString() };
    if (counted.lockedUntil && Date.parse(counted.lockedUntil) > now.getTime()) {
      emit({ kind: 'sign-in-failed', user: key, reason: 'locked-out', failures: counted.failures });
      throw new SignInError(`Too many failed attempts: ${typed.trim()} cannot sign in at this station until ${formatStamp(counted.lockedUntil)}. Use an emergency code if care cannot wait.`, 'LOCKED_OUT');
    }
    const fresh = counted.lockedUntil ? { failures: 0, lockedUntil: null, lastAt: counted.lastAt } : counted;
    const user: RosterUser | undefined = roster.users.find((u) => u.id.toLowerCase() === key);
    // An unknown id costs the same check, so the time taken does not say who is in the roster.
    const matches = await check(passphrase, user?.verifier ?? roster.users[0]?.verifier ?? '');
    const reason =
      !user ? 'unknown-user'
      : !matches ? 'wrong-passphrase'
      : user.expiresAt && Date.parse(user.expiresAt) <= now.getTime() ? 'user-expired'
      : options.homeUnits && user.units.length > 0 && !user.units.some((u) => options.homeUnits!.includes(u)) ? 'wrong-unit'
      : null;
    const latest = options.store.read();
    if (reason === 'unknown-user' || reason === 'wrong-passphrase') {
      const failures = fresh.failures + 1;
      const lockedUntil = failures >= rules.maxAttempts ? new Date(now.getTime() + minutes(rules.lockMinutes)).toISOString() : null;
      const attempts = { ...latest.attempts, [key]: { failures, lockedUntil, lastAt: now.toISOString() } };
      const kept = Object.entries(attempts).sort((a, b) => (a[1].lastAt < b[1].lastAt ? 1 : -1)).slice(0, MAX_TRACKED);
      options.store.write({ ...latest, attempts: Object.fromEntries(kept) });
      emit({ kind: 'sign-in-failed', user: key, reason, failures });
      if (lockedUntil) {
        emit({ kind: 'lockout', user: key, until: lockedUntil });
        throw new SignInError(`That id and passphrase do not match. After ${failures} failed attempts ${typed.trim()} cannot sign in at this station for ${rules.lockMinutes} minutes.`, 'LOCKED_OUT');
      }
      const left = rules.maxAttempts - failures;
      throw new SignInError(`That id and passphrase do not match. ${left} ${left === 1 ? 'attempt' : 'attempts'} left before this id is locked at this station.`, 'WRONG_PASSPHRASE');
    }
    if (reason) {
      emit({ kind: 'sign-in-failed', user: key, reason, failures: fresh.failures });
      throw new SignInError(
        reason === 'user-expired'
          ? `The access of ${typed.trim()} ended on ${formatDate(user!.expiresAt!)}. Ask IT or use an emergency code.`
          : `${typed.trim()} may not sign in at this unit's stations. Ask IT or use an emergency code.`,
        reason === 'user-expired' ? 'USER_EXPIRED' : 'WRONG_UNIT',
      );
    }
    if (latest.attempts[key]) {
      const { [key]: _cleared, ...rest } = latest.attempts;
      options.store.write({ ...latest, attempts: rest });
    }
    const person: Person = { id: user!.id, name: user!.name, role: user!.role, how: 'roster' };
    const again = start(person, null);
    emit({ kind: again ? 'unlock' : 'sign-in', person });
    return state();
  };

  const emergency: SignIn['emergency'] = (request) => {
    const { roster } = options.roster();
    const chain = roster?.emergency ?? null;
    if (!chain) {
      emit({ kind: 'emergency-refused', reason: 'no-chain' });
      throw new SignInError('Emergency codes cannot be checked here: the roster in use has no emergency codes. Ask IT.', 'NO_EMERGENCY_CODES');
    }
    const value = parseCode(request.code);
    const index = value ? codeIndex(chain, value) : null;
    if (index === null) {
      emit({ kind: 'emergency-refused', reason: 'not-a-code' });
      throw new SignInError('That is not an emergency code of this roster. Check it with whoever read it out (16 letters and digits).', 'NOT_A_CODE');
    }
    const now = clock().getTime();
    const file = options.store.read();
    const open = file.emergency;
    // The code of the open emergency session brings that session back (after a lock) until it ends.
    if (open && open.code === index && file.codesUsed[chain.id] === index && Date.parse(open.until) > now) {
      start(open.person, Date.parse(open.until));
      emit({ kind: 'unlock', person: open.person });
      return state();
    }
    if (index <= (file.codesUsed[chain.id] ?? 0)) {
      emit({ kind: 'emergency-refused', reason: 'used' });
      throw new SignInError(
        open?.code === index ? 'That emergency code has been used here and its session has ended. Ask for the next code.' : 'That emergency code (or a later one) was already used at this station. Ask for the next code on the list.',
        'CODE_USED',
      );
    }
    const until = now + minutes(rules.emergencyMinutes);
    const person: Person = { id: `emergency-${index}`, name: request.name.trim(), role: request.role.trim(), how: 'emergency' };
    options.store.write({
      ...file,
      codesUsed: { ...file.codesUsed, [chain.id]: index },
      emergency: { code: index, person: { ...person, how: 'emergency' }, reason: request.reason.trim(), startedAt: new Date(now).toISOString(), until: new Date(until).toISOString() },
    });
    start(person, until);
    emit({ kind: 'emergency-access', person, reason: request.reason.trim(), code: index, until: new Date(until).toISOString() });
    return state();
  };

  return {
    state,
    required,
    current: () => live()?.person ?? null,
    signIn: (user, passphrase) => {
      const run = queue.then(() => attempt(user, passphrase));
      queue = run.catch(() => {});
      return run;
    },
    emergency,
    lock: (why) => {
      live();
      endSession(why);
      return state();
    },
    touch: () => {
      const s = live();
      if (s) s.lastTouch = clock().getTime();
      return state();
    },
    require: () => {
      if (!required()) return null;
      const s = live();
      if (!s) throw signedOut();
      return s.person;
    },
  };
}

/** Who the audit log names for a signed-in person (emergency access has no roster id). */
export function auditActorOf(person: Person | null): AuditActor | null {
  if (!person) return null;
  return { id: person.how === 'emergency' ? null : person.id, name: person.name, role: person.role, how: person.how };
}

/** A sign-in event as the audit log records it: the person and what happened, never a passphrase or a code. */
export function auditOfSignInEvent(event: SignInEvent, now: Date): AuditEvent {
  const minutesUntil = (until: string) => Math.max(0, Math.round((Date.parse(until) - now.getTime()) / 60_000));
  switch (event.kind) {
    case 'sign-in':
      return { kind: 'sign-in', user: event.person.id, name: event.person.name, role: event.person.role };
    case 'unlock':
      return { kind: 'unlock', user: event.person.how === 'emergency' ? null : event.person.id };
    case 'sign-in-failed':
      return { kind: 'sign-in-failed', user: event.user, attempt: event.failures };
    case 'lockout':
      return { kind: 'lockout', user: event.user, minutes: minutesUntil(event.until) };
    case 'emergency-access':
      return { kind: 'emergency-access', name: event.person.name, role: event.person.role, reason: event.reason, minutes: minutesUntil(event.until) };
    case 'emergency-refused':
      // No user to name: the code typed was not good (not a code, used, or no chain in the roster).
      return { kind: 'sign-in-failed', user: `emergency code (${event.reason})`, attempt: 0 };
    case 'lock':
      return { kind: 'lock', cause: event.why === 'inactivity' || event.why === 'session-ended' ? 'inactivity' : 'user' };
  }
}
