import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCode, presentError, stackFrames, type Presented } from '../../electron/core/home/errors';
import { HomeError, homePath, readConfig, readState } from '../../electron/core/home/layout';
import { appendHomeLog, redact } from '../../electron/core/home/log';
import { PolicyError, readPolicy } from '../../electron/core/home/policy';
import { PublishError } from '../../electron/core/publisher/publish';
import { REFUSALS, SnapshotRefusal, type RefusalCode } from '../../electron/core/snapshot/refusal';
import { HomeBusyError } from '../../electron/core/home/ingest';
import { EXIT, LanternError } from '../../electron/shared/errors';
import { CliError } from '../../scripts/cli/command';
import { fakePatient } from '../support/patients';
import { enrollTestHome, makeTestPki, tempDir, type TestPki } from '../support/snapshots';

const sys = (code: string, message = `${code}: something at /home/x/Doe_Jane.lantern`) => Object.assign(new Error(message), { code });

type LogLine = Record<string, unknown> & { event: string };
const logLines = (home: string): LogLine[] =>
  existsSync(homePath(home, 'log'))
    ? readFileSync(homePath(home, 'log'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as LogLine)
    : [];

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});

describe('presentError: every error, one answer', () => {
  const ours: Array<[what: string, error: unknown, expected: Omit<Presented, 'message'> & { message: RegExp }]> = [
    [
      'a LanternError of a query',
      new LanternError('NOT_FOUND', 'That record is not in this patient’s chart in this snapshot.'),
      { code: 'NOT_FOUND', kind: 'NOT_FOUND', audience: 'nurse', exitCode: 1, expected: true, message: /^That record is not in/ },
    ],
    [
      'a refusal',
      new SnapshotRefusal('TRUNCATED', 'payload ends at byte 10'),
      { code: 'TRUNCATED', kind: 'UNAVAILABLE', audience: 'it', exitCode: 23, expected: true, message: /^Snapshot refused \(TRUNCATED\): the snapshot file is truncated \(payload ends at byte 10\)\.$/ },
    ],
    [
      'a home problem',
      new HomeError('/h is not an enrolled Lantern home (no home.json). Run lantern enroll first.'),
      { code: 'HOME', kind: 'UNAVAILABLE', audience: 'it', exitCode: 1, expected: true, message: /Run lantern enroll first/ },
    ],
    [
      'another ingest holding the home',
      new HomeBusyError('Another ingest (process 12) is running in /h; try again when it has finished.'),
      { code: 'HOME_BUSY', kind: 'UNAVAILABLE', audience: 'it', exitCode: 1, expected: true, message: /^Another ingest/ },
    ],
    [
      'a publishing problem',
      new PublishError('The FHIR export folder /x does not exist.'),
      { code: 'PUBLISH', kind: 'BAD_REQUEST', audience: 'it', exitCode: 1, expected: true, message: /export folder/ },
    ],
    [
      'a broken policy file',
      new PolicyError('The Lantern policy file /etc/lantern/policy.json is not valid JSON.'),
      { code: 'POLICY', kind: 'UNAVAILABLE', audience: 'it', exitCode: 1, expected: true, message: /policy file/ },
    ],
    [
      'a usage error of the CLI',
      new CliError('--home is required.', EXIT.USAGE),
      { code: 'USAGE', kind: 'BAD_REQUEST', audience: 'it', exitCode: 2, expected: true, message: /--home is required/ },
    ],
    [
      'a command not built yet',
      new CliError('lantern x is not built yet.', EXIT.NOT_BUILT),
      { code: 'NOT_BUILT', kind: 'UNAVAILABLE', audience: 'it', exitCode: 3, expected: true, message: /not built yet/ },
    ],
  ];
  it.each(ours)('%s is shown as it is', (_what, error, expected) => {
    const { message, ...rest } = expected;
    const shown = presentError(error);
    expect(shown).toMatchObject(rest);
    expect(shown.message).toMatch(message);
    expect(shown.message).toBe((error as Error).message);
  });

  it('gives every refusal its own exit code from 10 to 39, on every surface', () => {
    const codes = Object.keys(REFUSALS) as RefusalCode[];
    const exits = codes.map((code) => presentError(new SnapshotRefusal(code)).exitCode);
    expect(exits).toEqual(codes.map((code) => REFUSALS[code].exit));
    expect(new Set(exits).size).toBe(codes.length);
    for (const exit of exits) expect(exit >= 10 && exit <= 39).toBe(true);
    for (const surface of ['app', 'cli', 'inbox', 'ingest'] as const) {
      expect(presentError(new SnapshotRefusal('ROLLBACK'), { surface })).toMatchObject({ code: 'ROLLBACK', exitCode: 19, expected: true });
    }
  });

  it.each([
    ['ENOSPC', /disk is full/],
    ['SQLITE_FULL', /disk is full/],
    ['EACCES', /Permission denied/],
    ['EPERM', /Permission denied/],
    ['EROFS', /read-only/],
    ['SQLITE_READONLY', /read-only/],
    ['EIO', /I\/O error/],
    ['SQLITE_IOERR_WRITE', /I\/O error/],
    ['SQLITE_BUSY', /locked by another program/],
    ['SQLITE_LOCKED', /locked by another program/],
    ['SQLITE_CORRUPT', /damaged/],
    ['SQLITE_NOTADB', /damaged/],
    ['ENOENT', /missing/],
    ['EMFILE', /open files/],
    ['ENOMEM', /memory/],
    ['ETIMEDOUT', /network share/],
  ])('a system error %s becomes one sentence for IT', (code, sentence) => {
    const shown = presentError(sys(code));
    expect(shown).toMatchObject({ code, kind: 'UNAVAILABLE', audience: 'it', exitCode: 1, expected: true });
    expect(shown.message).toMatch(sentence);
    // Our words, never the third-party message (it can quote a path or data).
    expect(shown.message).not.toMatch(/Doe|something/);
    expect(shown.message).not.toMatch(/unexpected|report it/i);
  });

  it('knows a real SQLite error by its code, also when wrapped, and running out of memory by its words', () => {
    const db = new Database(':memory:');
    let thrown: unknown;
    try {
      db.exec('SELEC 1');
    } catch (error) {
      thrown = error;
    }
    db.close();
    expect(errorCode(thrown)).toBe('SQLITE_ERROR');
    expect(errorCode(new Error('wrapper', { cause: sys('ENOSPC') }))).toBe('ENOSPC');
    expect(presentError(new Error('wrapper', { cause: sys('ENOSPC') })).message).toMatch(/disk is full/);
    expect(presentError(new RangeError('Array buffer allocation failed'))).toMatchObject({ code: 'ENOMEM', expected: true });
  });

  it('names anything else by its class or code only, with what to do, for IT or for the nurse in the app', () => {
    const patient = fakePatient();
    const bug = new TypeError(`Cannot read properties of undefined (reading "${patient.name}")`);
    const cli = presentError(bug);
    expect(cli).toMatchObject({ code: 'TypeError', kind: 'INTERNAL', audience: 'it', exitCode: 1, expected: false });
    expect(cli.message).toBe(
      'Lantern hit an unexpected failure (TypeError); the snapshot in use is unchanged. If it happens again, report it to IT, saying what was running and when.',
    );
    const app = presentError(bug, { surface: 'app' });
    expect(app).toMatchObject({ code: 'TypeError', kind: 'INTERNAL', audience: 'nurse', expected: false });
    expect(app.message).toBe('Something went wrong inside Lantern (TypeError). Try again; if it happens again, report it to IT.');
    // An SQLite code Lantern has no sentence for is named, not explained.
    expect(presentError(sys('SQLITE_ERROR', `near "${patient.name}"`))).toMatchObject({ code: 'SQLITE_ERROR', expected: false });
    expect(presentError('a string')).toMatchObject({ code: 'thrown string', expected: false });
    for (const shown of [cli, app]) for (const value of patient.all) expect(shown.message).not.toContain(value);
  });
});

describe('unexpected errors in the home log', () => {
  it('writes the name, code, surface and a call stack without folders, never the message, once per error', () => {
    const home = tempDir();
    enrollTestHome(home, pki);
    const patient = fakePatient();
    const bug = new TypeError(`Cannot read "${patient.name}" (MRN ${patient.mrn}, born ${patient.birthDate})`);
    const shown = presentError(bug, { surface: 'inbox', homeDir: home, where: 'take', clock: () => new Date('2026-03-01T12:00:00Z') });
    expect(shown.message).toMatch(/report it to IT with the file lantern\.log from the home folder\.$/);
    presentError(bug, { surface: 'cli', homeDir: home });
    const lines = logLines(home).filter((l) => l.event === 'unexpected');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ at: '2026-03-01T12:00:00.000Z', surface: 'inbox', where: 'take', name: 'TypeError', code: 'TypeError' });
    const stack = String(lines[0]!['stack']);
    expect(stack).toMatch(/^at .*errors\.test\.ts:\d+:\d+/);
    expect(stack).not.toMatch(/[\\/]/);
    const text = readFileSync(homePath(home, 'log'), 'utf8');
    for (const value of [...patient.all, 'Cannot read']) expect(text).not.toContain(value);
  });

  it('cuts a message out of the stack even when it looks like stack frames', () => {
    const patient = fakePatient();
    const forged = new Error(`bad row\n    at ${patient.name} (ward.ts:1:1)`);
    expect(stackFrames(forged)).not.toContain(patient.name);
    expect(stackFrames(forged)).toMatch(/errors\.test\.ts/);
    // Its text changed after the stack was written: the message cannot be told apart, so no stack.
    const changed = new Error('first');
    expect(changed.stack).toMatch(/first/);
    changed.message = `second ${patient.name}`;
    expect(stackFrames(changed)).toBeUndefined();
  });

  it('logs nothing where there is no enrolled home, and says nothing of a log there', () => {
    const dir = tempDir();
    const shown = presentError(new Error('x'), { homeDir: dir });
    expect(readdirSync(dir)).toEqual([]);
    expect(shown.message).not.toMatch(/lantern\.log/);
  });

  it('never logs an error Lantern has words for', () => {
    const home = tempDir();
    enrollTestHome(home, pki);
    presentError(new SnapshotRefusal('CORRUPT'), { homeDir: home });
    presentError(sys('ENOSPC'), { homeDir: home });
    presentError(new HomeError('x'), { homeDir: home });
    expect(logLines(home).filter((l) => l.event === 'unexpected')).toEqual([]);
  });
});

describe('damaged home files say so, without quoting them', () => {
  it('home.json, state.json and the policy file that are not JSON are our errors', () => {
    const home = tempDir();
    enrollTestHome(home, pki);
    const patient = fakePatient();
    writeFileSync(homePath(home, 'state'), `{"note": "${patient.name}`);
    expect(() => readState(home)).toThrow(HomeError);
    expect(() => readState(home)).toThrow(/state\.json is damaged; restore it or re-enroll the home/);
    writeFileSync(homePath(home, 'config'), `${patient.name}`);
    expect(() => readConfig(home)).toThrow(/home\.json is not a valid home configuration/);
    expect(() => readPolicy('policy.json', () => `${patient.name}`)).toThrow(PolicyError);
    for (const run of [() => readState(home), () => readConfig(home), () => readPolicy('policy.json', () => patient.name)]) {
      try {
        run();
      } catch (error) {
        expect(presentError(error).expected).toBe(true);
        expect(presentError(error).message).not.toContain(patient.name);
      }
    }
  });
});

describe('the home log', () => {
  it('writes JSON lines with the time, masks numbers and dates in free text, and never throws', () => {
    const dir = tempDir();
    appendHomeLog(dir, { event: 'failed', file: 'a.lantern', code: 'ENOSPC', message: 'MRN 00482913 born 1961-04-02, as of 2026-03-01T12:00:00.000Z\nforged' }, { clock: () => new Date('2026-03-01T12:00:00Z') });
    const lines = readFileSync(path.join(dir, 'lantern.log'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      at: '2026-03-01T12:00:00.000Z',
      event: 'failed',
      file: 'a.lantern',
      code: 'ENOSPC',
      message: 'MRN [number] born [date], as of 2026-03-01T12:00:00.000Z forged',
    });
    expect(redact('x'.repeat(1000)).length).toBeLessThanOrEqual(600);
    expect(() => appendHomeLog(path.join(dir, 'no', 'such', 'folder'), { event: 'watching', inbox: '/i' })).not.toThrow();
  });

  it('rotates at its size cap, keeping one older file', () => {
    const dir = tempDir();
    for (let i = 0; i < 50; i++) appendHomeLog(dir, { event: 'waiting', file: `f${i}.lantern`, bytes: i, expectedBytes: null }, { maxBytes: 1000 });
    expect(readdirSync(dir).sort()).toEqual(['lantern.log', 'lantern.log.1']);
    for (const name of ['lantern.log', 'lantern.log.1']) {
      const text = readFileSync(path.join(dir, name), 'utf8');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1000);
      for (const line of text.trim().split('\n')) expect(JSON.parse(line)).toMatchObject({ event: 'waiting' });
    }
    expect(readFileSync(path.join(dir, 'lantern.log'), 'utf8')).toContain('f49.lantern');
  });
});
