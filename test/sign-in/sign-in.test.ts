import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chainOf, codeIndex, emergencyCodes, formatCode, makeEmergencySeed, parseCode, type EmergencySeed } from '../../electron/core/home/emergency';
import { installRoster, readInstalledRoster, type Roster } from '../../electron/core/home/roster';
import { createSignIn, homeSignInStore, memorySignInStore, type SignInEvent, type SignInStore } from '../../electron/core/home/sign-in';
import { formatDate, formatStamp } from '../../electron/shared/time-text';
import { AS_OF, enrollTestHome, makeTestPki, tempDir } from '../support/snapshots';
import { CHARGE, NURSE, row, writeTestRoster } from '../support/rosters';

const MIN = 60_000;
let roster: Roster;
let seed: EmergencySeed;

beforeAll(async () => {
  const work = tempDir('lantern-signin-');
  const pki = makeTestPki({ dir: path.join(work, 'pki') });
  const home = path.join(work, 'home');
  enrollTestHome(home, pki, { now: AS_OF });
  seed = makeEmergencySeed(20);
  const now = new Date(AS_OF.getTime() + MIN);
  const rows = [
    row(NURSE, { units: ['4W'] }),
    row(CHARGE, { units: ['5E'] }, 3),
    row({ id: 'gone', name: 'Left Already', role: 'RN', passphrase: 'expired person words' }, { expiresAt: new Date(AS_OF.getTime() + 2 * 86_400_000).toISOString() }, 4),
  ];
  installRoster(home, await writeTestRoster(path.join(work, 'r.json'), pki, { now, rows, seed }), { clock: () => now });
  roster = readInstalledRoster(home, now)!.roster;
});

/** A station at a fake clock, with its events. */
function station(options: { store?: SignInStore; rules?: Parameters<typeof createSignIn>[0]['rules'] } = {}) {
  let t = AS_OF.getTime() + 10 * MIN;
  const events: SignInEvent[] = [];
  const signIn = createSignIn({
    roster: () => ({ roster, problem: null }),
    homeUnits: ['4W'],
    store: options.store ?? memorySignInStore(),
    clock: () => new Date(t),
    onEvent: (e) => events.push(e),
    rules: options.rules,
  });
  return { signIn, events, advance: (ms: number) => void (t += ms), now: () => new Date(t) };
}

describe('sign-in with the roster', () => {
  it('signs in by id (any case) and passphrase, and nobody is on before', async () => {
    const { signIn, events } = station();
    expect(signIn.required()).toBe(true);
    expect(() => signIn.require()).toThrow(/locked/);
    const state = await signIn.signIn('JDoe', NURSE.passphrase);
    expect(state.person).toEqual({ id: 'jdoe', name: 'Jane Doe', role: 'RN', how: 'roster' });
    expect(signIn.current()?.name).toBe('Jane Doe');
    expect(events).toEqual([{ kind: 'sign-in', person: state.person }]);
  });

  it('refuses a wrong passphrase, an expired user and a user of another unit, saying which', async () => {
    const { signIn, advance } = station();
    await expect(signIn.signIn('jdoe', 'not the passphrase')).rejects.toThrow(/do not match\. 4 attempts left/);
    await expect(signIn.signIn('asmith', CHARGE.passphrase)).rejects.toThrow(/may not sign in at this unit's stations/);
    await expect(signIn.signIn('gone', 'expired person words')).resolves.toMatchObject({ person: { id: 'gone' } });
    advance(3 * 86_400_000);
    // The roster's end date, with its year, in the words of every other date (electron/shared/time-text.ts).
    const ended = formatDate(new Date(AS_OF.getTime() + 2 * 86_400_000).toISOString());
    expect(ended).toMatch(/^\d{2} [A-Z][a-z]{2} \d{4}$/);
    await expect(signIn.signIn('gone', 'expired person words')).rejects.toThrow(`The access of gone ended on ${ended}. Ask IT or use an emergency code.`);
  });

  it('locks an id after 5 failures for 15 minutes, even with the right passphrase, then lets it in', async () => {
    const { signIn, events, advance } = station();
    for (let i = 1; i <= 4; i++) await expect(signIn.signIn('jdoe', `guess number ${i}`)).rejects.toThrow(/attempts? left/);
    await expect(signIn.signIn('jdoe', 'guess number 5')).rejects.toThrow(/After 5 failed attempts jdoe cannot sign in at this station for 15 minutes/);
    expect(events.filter((e) => e.kind === 'lockout')).toHaveLength(1);
    // Locked until 15 minutes after the fifth failure (the station's clock stood at AS_OF + 10 min), with its date and year.
    const until = formatStamp(AS_OF.getTime() + 25 * MIN);
    expect(until).toMatch(/^\d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}$/);
    await expect(signIn.signIn('jdoe', NURSE.passphrase)).rejects.toThrow(`Too many failed attempts: jdoe cannot sign in at this station until ${until}. Use an emergency code if care cannot wait.`);
    advance(14 * MIN);
    await expect(signIn.signIn('jdoe', NURSE.passphrase)).rejects.toThrow(/Too many failed attempts/);
    // Another id is not locked by it.
    expect((await signIn.signIn('gone', 'expired person words')).person?.id).toBe('gone');
    advance(1 * MIN);
    expect((await signIn.signIn('jdoe', NURSE.passphrase)).person?.id).toBe('jdoe');
  });

  it('counts attempts at once (a script firing in parallel) one by one', async () => {
    const { signIn } = station();
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => signIn.signIn('jdoe', `parallel guess ${i}`)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    await expect(signIn.signIn('jdoe', NURSE.passphrase)).rejects.toThrow(/Too many failed attempts/);
  });

  it('counts an unknown id like a known one, so guessing cannot tell who is in the roster', async () => {
    const { signIn, events } = station();
    await expect(signIn.signIn('nobody', 'whatever passphrase')).rejects.toThrow(/do not match\. 4 attempts left/);
    expect(events).toEqual([{ kind: 'sign-in-failed', user: 'nobody', reason: 'unknown-user', failures: 1 }]);
  });

  it('keeps the counter in the home: a restart does not reset a lockout', async () => {
    const dir = tempDir('lantern-signin-store-');
    const first = station({ store: homeSignInStore(dir) });
    for (let i = 0; i < 5; i++) await first.signIn.signIn('jdoe', `wrong ${i} words`).catch(() => {});
    const restarted = station({ store: homeSignInStore(dir) });
    await expect(restarted.signIn.signIn('jdoe', NURSE.passphrase)).rejects.toThrow(/Too many failed attempts/);
  });

  it('follows the policy: 3 attempts, 2 minutes', async () => {
    const { signIn, advance } = station({ rules: { maxAttempts: 3, lockMinutes: 2 } });
    for (let i = 0; i < 3; i++) await signIn.signIn('jdoe', `wrong ${i} words`).catch(() => {});
    await expect(signIn.signIn('jdoe', NURSE.passphrase)).rejects.toThrow(/Too many/);
    advance(2 * MIN);
    await expect(signIn.signIn('jdoe', NURSE.passphrase)).resolves.toMatchObject({ person: { id: 'jdoe' } });
  });
});

describe('the automatic lock', () => {
  it('locks after 10 minutes without a touch, not before; a touch postpones it', async () => {
    const { signIn, events, advance } = station();
    await signIn.signIn('jdoe', NURSE.passphrase);
    advance(9 * MIN + 59_000);
    expect(signIn.require()?.id).toBe('jdoe');
    signIn.touch();
    advance(9 * MIN);
    expect(signIn.current()?.id).toBe('jdoe');
    advance(1 * MIN);
    expect(() => signIn.require()).toThrow(/locked/);
    expect(signIn.state()).toMatchObject({ person: null, locked: { id: 'jdoe', why: 'inactivity' } });
    expect(events.at(-1)).toEqual({ kind: 'lock', person: expect.objectContaining({ id: 'jdoe' }), why: 'inactivity' });
    // A touch after the lock does not bring the session back.
    signIn.touch();
    expect(signIn.current()).toBeNull();
    await signIn.signIn('jdoe', NURSE.passphrase);
    expect(events.at(-1)).toMatchObject({ kind: 'unlock' });
  });

  it('switches user in one step: lock, and the next person signs in', async () => {
    const { signIn, events } = station();
    await signIn.signIn('jdoe', NURSE.passphrase);
    expect(signIn.lock('switch-user')).toMatchObject({ person: null, locked: { id: 'jdoe', why: 'switch-user' } });
    await signIn.signIn('gone', 'expired person words');
    expect(signIn.current()?.id).toBe('gone');
    expect(events.map((e) => e.kind)).toEqual(['sign-in', 'lock', 'sign-in']);
  });

  it('with the policy at 2 minutes locks after 2', async () => {
    const { signIn, advance } = station({ rules: { autoLockMinutes: 2 } });
    await signIn.signIn('jdoe', NURSE.passphrase);
    advance(2 * MIN);
    expect(signIn.current()).toBeNull();
  });
});

describe('emergency access', () => {
  const who = { name: 'Sam Lee', role: 'Agency RN', reason: 'Not in the roster (agency or float staff)' };

  it('codes are short, read aloud in groups, typed in any case, and hash to the roster anchor', () => {
    const codes = emergencyCodes(seed, 1, 3);
    expect(codes.map((c) => c.index)).toEqual([1, 2, 3]);
    for (const c of codes) expect(c.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(codeIndex(chainOf(seed), parseCode(codes[2]!.code.toLowerCase().replace(/-/g, ' '))!)).toBe(3);
    expect(formatCode(parseCode(codes[0]!.code)!)).toBe(codes[0]!.code);
    expect(parseCode('not a code')).toBeNull();
    const other = makeEmergencySeed(20);
    expect(codeIndex(chainOf(seed), parseCode(emergencyCodes(other, 1, 1)[0]!.code)!)).toBeNull();
  });

  it('lets in the person with the name and role typed, for a limited time, marked emergency', () => {
    const { signIn, events, advance } = station();
    const code = emergencyCodes(seed, 1, 1)[0]!.code;
    const state = signIn.emergency({ code, ...who });
    expect(state.person).toEqual({ id: 'emergency-1', name: 'Sam Lee', role: 'Agency RN', how: 'emergency' });
    expect(Date.parse(state.until!)).toBe(AS_OF.getTime() + 10 * MIN + 240 * MIN);
    expect(events).toEqual([{ kind: 'emergency-access', person: state.person, reason: who.reason, code: 1, until: state.until }]);
    // Touched throughout, it still ends at its time.
    for (let i = 0; i < 24; i++) {
      advance(9 * MIN);
      signIn.touch();
    }
    expect(signIn.current()?.how).toBe('emergency');
    advance(30 * MIN);
    signIn.touch();
    expect(signIn.current()).toBeNull();
    expect(signIn.state().locked).toMatchObject({ name: 'Sam Lee', why: 'session-ended' });
  });

  it('takes each code once: a reused code, or one before a code already used, is refused', () => {
    const { signIn } = station();
    const [c1, c2, c3] = emergencyCodes(seed, 1, 3).map((c) => c.code) as [string, string, string];
    signIn.emergency({ code: c2, ...who });
    signIn.lock('switch-user');
    expect(() => signIn.emergency({ code: c1, name: 'Other Person', role: 'RN', reason: 'Forgotten passphrase' })).toThrow(/already used at this station/);
    signIn.emergency({ code: c3, name: 'Other Person', role: 'RN', reason: 'Forgotten passphrase' });
    expect(signIn.current()?.name).toBe('Other Person');
  });

  it('a code brings its own session back after a lock until the session ends, never after', () => {
    const { signIn, advance } = station();
    const code = emergencyCodes(seed, 1, 1)[0]!.code;
    signIn.emergency({ code, ...who });
    advance(11 * MIN);
    expect(signIn.current()).toBeNull();
    expect(signIn.emergency({ code, name: 'Anyone Else', role: 'X', reason: 'again' }).person?.name).toBe('Sam Lee');
    advance(240 * MIN);
    expect(() => signIn.emergency({ code, ...who })).toThrow(/has been used here and its session has ended/);
  });

  it('refuses what is not a code of this roster, and a restart keeps the codes used', () => {
    const store = memorySignInStore();
    const a = station({ store });
    expect(() => a.signIn.emergency({ code: 'ABCD-EFGH-JKMN-PQRS', ...who })).toThrow(/not an emergency code of this roster/);
    a.signIn.emergency({ code: emergencyCodes(seed, 4, 1)[0]!.code, ...who });
    const b = station({ store });
    expect(() => b.signIn.emergency({ code: emergencyCodes(seed, 4, 1)[0]!.code, name: 'New', role: 'RN', reason: 'x y z' })).not.toThrow();
    expect(b.signIn.current()?.name).toBe('Sam Lee');
    expect(() => b.signIn.emergency({ code: emergencyCodes(seed, 3, 1)[0]!.code, ...who })).toThrow(/already used/);
  });
});
