import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homePath } from '../../electron/core/home/layout';
import { installRoster, readInstalledRoster, RosterRefusal } from '../../electron/core/home/roster';
import { checkVerifier } from '../../electron/core/home/passphrase';
import { buildRoster, readRosterCsv } from '../../electron/core/publisher/roster-build';
import { AS_OF, enrollTestHome, makeTestPki, tempDir, type TestPki } from '../support/snapshots';
import { CHARGE, NURSE, row, TEST_ARGON2, writeTestRoster } from '../support/rosters';

const NOW = new Date(AS_OF.getTime() + 3_600_000);
const clock = () => NOW;
let work: string;
let pki: TestPki;
let foreign: TestPki;
let home: string;

beforeAll(async () => {
  work = tempDir('lantern-roster-');
  pki = makeTestPki({ dir: path.join(work, 'pki') });
  foreign = makeTestPki({ dir: path.join(work, 'foreign') });
  home = path.join(work, 'home');
  enrollTestHome(home, pki, { now: AS_OF });
  await writeTestRoster(path.join(work, 'r5.json'), pki, { sequence: 5, now: NOW });
  installRoster(home, path.join(work, 'r5.json'), { clock });
});
afterAll(() => undefined);

/** Install `file` and expect a refusal with `code`, the roster in use unchanged. */
function expectRefused(file: string, code: string, at = clock) {
  const before = readFileSync(homePath(home, 'roster'));
  let error: unknown;
  try {
    installRoster(home, file, { clock: at });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RosterRefusal);
  expect((error as RosterRefusal).code).toBe(code);
  expect((error as RosterRefusal).message).toMatch(/^Roster refused \(ROSTER_[A-Z_]+\): .+; the roster in use stays\.$/);
  expect(readFileSync(homePath(home, 'roster')).equals(before)).toBe(true);
  expect(readInstalledRoster(home, NOW)?.roster.sequence).toBe(5);
}

describe('the signed roster', () => {
  it('is taken by a home and keeps each user with an Argon2id verifier of their passphrase, not the passphrase', async () => {
    const { roster } = readInstalledRoster(home, NOW)!;
    expect(roster.facility.id).toBe('GH');
    expect(roster.users.map((u) => [u.id, u.name, u.role])).toEqual([
      [NURSE.id, NURSE.name, NURSE.role],
      [CHARGE.id, CHARGE.name, CHARGE.role],
    ]);
    const text = readFileSync(homePath(home, 'roster'), 'utf8');
    expect(text).not.toContain(NURSE.passphrase);
    expect(Buffer.from(JSON.parse(text).body, 'base64').toString()).not.toContain(NURSE.passphrase);
    expect(roster.users[0]!.verifier).toMatch(/^\$argon2id\$v=19\$m=256,t=1,p=1\$/);
    expect(await checkVerifier(NURSE.passphrase, roster.users[0]!.verifier)).toBe(true);
    expect(await checkVerifier(CHARGE.passphrase, roster.users[0]!.verifier)).toBe(false);
    expect(readFileSync(homePath(home, 'log'), 'utf8')).toContain('"event":"roster-installed"');
  });

  it('takes a newer roster in place of the one in use', async () => {
    const h = path.join(work, 'home2');
    enrollTestHome(h, pki, { now: AS_OF });
    installRoster(h, await writeTestRoster(path.join(work, 'a1.json'), pki, { sequence: 1, now: NOW }), { clock });
    const taken = installRoster(h, await writeTestRoster(path.join(work, 'a2.json'), pki, { sequence: 2, now: NOW, rows: [row(NURSE)] }), { clock });
    expect(taken).toMatchObject({ sequence: 2, users: 1, facility: 'GH' });
    expect(readInstalledRoster(h, NOW)!.roster.users).toHaveLength(1);
  });

  it('refuses a roster whose body was edited after signing (a user added by hand)', async () => {
    const file = await writeTestRoster(path.join(work, 'forged.json'), pki, { sequence: 6, now: NOW });
    const env = JSON.parse(readFileSync(file, 'utf8'));
    const body = JSON.parse(Buffer.from(env.body, 'base64').toString());
    body.users[1].role = 'Administrator';
    env.body = Buffer.from(JSON.stringify(body)).toString('base64');
    writeFileSync(file, JSON.stringify(env));
    expectRefused(file, 'ROSTER_BAD_SIGNATURE');
  });

  it('refuses a roster signed by a publisher of another PKI', async () => {
    expectRefused(await writeTestRoster(path.join(work, 'foreign.json'), foreign, { sequence: 7, now: NOW }), 'ROSTER_UNTRUSTED');
  });

  it('refuses an unsigned roster, a file that is not a roster and a cut one', async () => {
    const file = await writeTestRoster(path.join(work, 'unsigned.json'), pki, { sequence: 8, now: NOW });
    const env = JSON.parse(readFileSync(file, 'utf8'));
    delete env.signature;
    writeFileSync(file, JSON.stringify(env));
    expectRefused(file, 'ROSTER_MALFORMED');
    writeFileSync(path.join(work, 'plain.json'), JSON.stringify({ users: [{ id: 'x' }] }));
    expectRefused(path.join(work, 'plain.json'), 'ROSTER_NOT_A_ROSTER');
    const whole = readFileSync(await writeTestRoster(path.join(work, 'cut.json'), pki, { sequence: 8, now: NOW }));
    writeFileSync(path.join(work, 'cut.json'), whole.subarray(0, whole.length - 200));
    expectRefused(path.join(work, 'cut.json'), 'ROSTER_MALFORMED');
  });

  it('refuses an expired roster, and one issued in the future', async () => {
    const old = new Date(NOW.getTime() - 2 * 86_400_000);
    expectRefused(await writeTestRoster(path.join(work, 'expired.json'), pki, { sequence: 9, now: old, expiresAfterMs: 86_400_000 }), 'ROSTER_EXPIRED');
    const ahead = new Date(NOW.getTime() + 3_600_000);
    expectRefused(await writeTestRoster(path.join(work, 'future.json'), pki, { sequence: 9, now: ahead }), 'ROSTER_FUTURE');
  });

  it('refuses the roster in use sent again, and an older one (replay, rollback)', async () => {
    expectRefused(await writeTestRoster(path.join(work, 'same.json'), pki, { sequence: 5, now: NOW }), 'ROSTER_ROLLBACK');
    expectRefused(await writeTestRoster(path.join(work, 'older.json'), pki, { sequence: 4, now: NOW }), 'ROSTER_ROLLBACK');
  });

  it("refuses another facility's roster", async () => {
    expectRefused(await writeTestRoster(path.join(work, 'other.json'), pki, { sequence: 10, now: NOW, facility: 'OTHER' }), 'ROSTER_WRONG_FACILITY');
  });
});

describe('building a roster', () => {
  const build = (passphrase: string, minLength?: number) =>
    buildRoster({
      rows: [row({ ...NURSE, passphrase })],
      certPem: pki.publisher.certPem,
      keyPem: pki.publisher.keyPem,
      facility: { id: 'GH', name: 'General Hospital' },
      sequence: 1,
      expiresAfterMs: 86_400_000,
      argon2: TEST_ARGON2,
      minLength,
      seed: null,
    });

  it.each(['1234', '123456', '0000', '12 34 56', '98765432109876'])('refuses the PIN %s as a passphrase', async (pin) => {
    await expect(build(pin)).rejects.toThrow(/Line 2 of the users file \(jdoe\): the passphrase is refused because it is digits only \(a PIN\)/);
  });

  it('refuses a passphrase shorter than the minimum, and names the line but never the passphrase', async () => {
    const error = await build('short pass', 12).catch((e: Error) => e);
    expect(String(error)).toMatch(/shorter than 12 characters/);
    expect(String(error)).not.toContain('short pass');
    await expect(build('long enough words')).resolves.toBeTruthy();
    await expect(build('abcdefgh', 6)).rejects.toThrow(/--min-length must be at least 8/);
  });

  it('reads the CSV IT writes: quoted names, units split on ; and dates for expiry', () => {
    const rows = readRosterCsv(
      'id,name,role,units,expires,passphrase\n' +
        'jdoe,"Doe, Jane",RN,4W;5E,2026-12-31,"a ""quoted"" passphrase"\n' +
        'agency1,Sam Lee,RN,,,\u0020spaces around kept\u0020\n',
    );
    expect(rows[0]).toMatchObject({ id: 'jdoe', name: 'Doe, Jane', units: ['4W', '5E'], expiresAt: '2026-12-31T23:59:59.000Z', passphrase: 'a "quoted" passphrase' });
    expect(rows[1]).toMatchObject({ units: [], expiresAt: null, passphrase: ' spaces around kept ' });
    expect(() => readRosterCsv('id,name,role,passphrase,verifier\nx,X,RN,some pass here,$argon2id$v=19$m=1,t=1,p=1$aaaaaaaaaaa$aaaaaaaaaaaaaaaaaaaaaa\n')).toThrow(/Line 2 .* both/);
    expect(() => readRosterCsv('id,name,role,pin\n')).toThrow(/does not know: pin/);
  });
});
