import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoHome } from '../../electron/core/demo/home';
import { emergencyCodes, EmergencySeed } from '../../electron/core/home/emergency';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import { readInstalledRoster } from '../../electron/core/home/roster';
import { runCli as run } from '../support/cli';
import { makeTestPki, tempDir, type TestPki } from '../support/snapshots';

const CHEAP = ['--memory', '256', '--iterations', '1'];
let work: string;
let pki: TestPki;

beforeAll(() => {
  work = tempDir('lantern-cli-roster-');
  pki = makeTestPki({ dir: path.join(work, 'pki'), now: new Date() });
});

const users = (rows: string[]) => {
  const file = path.join(work, `users-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, ['id,name,role,units,expires,passphrase', ...rows].join('\n'));
  return file;
};
const build = (usersFile: string, sequence: number, more: string[] = []) =>
  run(['roster', 'build', '--users', usersFile, '--cert', pki.files.publisherCert, '--key', pki.files.publisherKey, '--facility', 'DEMO', '--sequence', String(sequence), ...CHEAP, ...more, '--out', path.join(work, `roster-${sequence}.json`)]);

describe('lantern roster', () => {
  it('build refuses a PIN as a passphrase (exit 2 or 1, one line naming the row, never the PIN)', async () => {
    const result = await build(users(['jdoe,Jane Doe,RN,,,482913']), 1);
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(/Line 2 of the users file \(jdoe\): the passphrase is refused because it is digits only \(a PIN\)/);
    expect(result.err).not.toContain('482913');
  });

  it('seed, build, codes: codes print in order and the roster carries the chain', async () => {
    const seedFile = path.join(work, 'seed.json');
    expect((await run(['roster', 'seed', '--out', seedFile, '--codes', '50'])).code).toBe(0);
    expect((await run(['roster', 'seed', '--out', seedFile])).err).toMatch(/never overwritten/);
    const built = await build(users(['jdoe,Jane Doe,RN,4W,2099-01-01,a long passphrase here']), 1, ['--seed', seedFile]);
    expect(built.code).toBe(0);
    expect(built.out).toMatch(/DEMO sequence 1, 1 users, expires .*, 50 emergency codes\./);
    expect(built.err).toMatch(/delete it/);
    const codes = await run(['roster', 'codes', '--seed', seedFile, '--from', '3', '--count', '2']);
    const seed = EmergencySeed.parse(JSON.parse(readFileSync(seedFile, 'utf8')));
    expect(codes.out.split('\n')).toEqual(emergencyCodes(seed, 3, 2).map((c) => `   ${c.index}  ${c.code}`));
  });

  it('verifier turns a passphrase on standard input into a CSV verifier, and refuses a PIN', async () => {
    const pass = path.join(work, 'pass.txt');
    writeFileSync(pass, 'my own long passphrase\n');
    const made = await run(['roster', 'verifier', '--pass-file', pass, ...CHEAP]);
    expect(made.out).toMatch(/^\$argon2id\$v=19\$m=256,t=1,p=1\$/);
    const file = path.join(work, 'verified.csv');
    writeFileSync(file, `id,name,role,verifier\nsam,Sam Lee,RN,"${made.out}"\n`);
    const built = await build(file, 1);
    expect(built.err).toBe('');
    expect(built.code).toBe(0);
    writeFileSync(pass, '123456\n');
    expect((await run(['roster', 'verifier', '--pass-file', pass, ...CHEAP])).err).toMatch(/digits only/);
  });
});

describe('lantern roster install and the query commands on a home with a roster', () => {
  let home: string;
  let it_pass: string;
  let rn_pass: string;
  beforeAll(async () => {
    home = path.join(work, 'home');
    await ensureDemoHome(home, { protector: keyFileProtector(home, { create: true }), beds: 8, units: 1 });
    // The demo home trusts a throwaway PKI of its own: sign with a publisher it trusts.
    const trust = readFileSync(path.join(home, 'trust.pem'), 'utf8');
    expect(trust).toContain('BEGIN CERTIFICATE');
    it_pass = path.join(work, 'it.txt');
    rn_pass = path.join(work, 'rn.txt');
    writeFileSync(it_pass, 'it admin passphrase\n');
    writeFileSync(rn_pass, 'nurse passphrase words\n');
  });

  it('install refuses a roster from a publisher the home does not trust, and the query commands still answer', async () => {
    await build(users(['itadmin,IT Admin,IT,,,it admin passphrase', 'jdoe,Jane Doe,RN,,,nurse passphrase words']), 7);
    const refused = await run(['roster', 'install', path.join(work, 'roster-7.json'), '--home', home]);
    expect(refused.code).toBe(43);
    expect(refused.err).toMatch(/Roster refused \(ROSTER_UNTRUSTED\)/);
    expect(readInstalledRoster(home, new Date())).toBeNull();
    expect((await run(['census', '--home', home, '--json'])).code).toBe(0);
  });

  it('with a roster in the home: no --user is refused, a nurse is refused, an IT user with the passphrase answers; a replayed roster is refused', async () => {
    writeFileSync(path.join(home, 'trust.pem'), readFileSync(path.join(home, 'trust.pem'), 'utf8') + readFileSync(pki.files.ca, 'utf8'));
    const installed = await run(['roster', 'install', path.join(work, 'roster-7.json'), '--home', home]);
    expect(installed.code).toBe(0);
    expect(installed.out).toMatch(/Roster taken: DEMO sequence 7, 2 users/);
    const replay = await run(['roster', 'install', path.join(work, 'roster-7.json'), '--home', home]);
    expect(replay.code).toBe(45);
    expect(replay.err).toMatch(/ROSTER_ROLLBACK.*the roster in use stays/);

    const none = await run(['census', '--home', home, '--json']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/give --user ID/);
    const nurse = await run(['census', '--home', home, '--json', '--user', 'jdoe', '--pass-file', rn_pass]);
    expect(nurse.code).toBe(1);
    expect(nurse.err).toMatch(/role RN may not run lantern census/);
    const wrong = await run(['search', 'a', '--home', home, '--user', 'itadmin', '--pass-file', rn_pass]);
    expect(wrong.err).toMatch(/do not match/);
    const ok = await run(['census', '--home', home, '--json', '--user', 'itadmin', '--pass-file', it_pass]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toHaveProperty('beds');
    expect(readFileSync(path.join(home, 'lantern.log'), 'utf8')).toMatch(/"event":"sign-in","kind":"sign-in-failed","user":"itadmin"/);
  });
});
