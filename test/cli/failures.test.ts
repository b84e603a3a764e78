import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateHospital } from '../../electron/core/demo';
import { homePath } from '../../electron/core/home/layout';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { startInboxAgent } from '../../electron/core/sync/inbox';
import { runCli as run } from '../support/cli';
import { buildSnapshot, enrollTestHome, makeTestPki, tempDir, type TestPki } from '../support/snapshots';
import { chartModel } from '../../electron/core/chart';


interface StatusJson {
  snapshot: { sequence: number } | null;
  lastFailure: { at: string; file?: string; code: string; message: string } | null;
  lastRejection: { reason: string } | null;
}
const status = async (home: string) => JSON.parse((await run(['status', '--home', home, '--json'])).out) as StatusJson;
const logLines = (home: string) =>
  readFileSync(homePath(home, 'log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { at: string; event: string; code?: string; file?: string; message?: string });

let pki: TestPki;
let work: string;
let fhir: string;
const snap: Record<number, string> = {};
/** Every identifying value of the generated patients: names, MRNs, birth dates. */
const phi: string[] = [];

beforeAll(async () => {
  const now = new Date();
  pki = makeTestPki({ now });
  work = tempDir('lantern-failures-');
  fhir = path.join(work, 'export');
  await generateHospital({ outDir: fhir, beds: 6, units: 1, days: 1, seed: 'failures', now });
  for (const line of readFileSync(path.join(fhir, 'Patient.ndjson'), 'utf8').trim().split('\n')) {
    const p = JSON.parse(line) as { name: Array<{ family: string; given: string[] }>; identifier: Array<{ value: string }>; birthDate: string };
    phi.push(p.name[0]!.family, ...p.name[0]!.given, p.birthDate, ...p.identifier.map((i) => i.value));
  }
  expect(phi.length).toBeGreaterThan(20);
  for (const seq of [1, 2, 3]) {
    snap[seq] = path.join(work, `s${seq}.lantern`);
    await buildSnapshot({ pki, out: snap[seq]!, fhirDir: fhir, sequence: seq, asOf: now, now });
  }
});

afterEach(() => {
  delete process.env['LANTERN_TEST_FAIL_AT'];
});

describe('local failures, seen from the command line', () => {
  it('says what failed in one sentence, keeps it in the state for lantern status, logs it, and clears it on the next ingest', async () => {
    const home = path.join(work, 'cli-home');
    enrollTestHome(home, pki, { now: new Date() });
    const cases: Array<[string, RegExp]> = [
      ['ENOSPC', /disk is full/],
      ['EACCES', /Permission denied/],
      ['SQLITE_BUSY', /locked by another program/],
      ['SQLITE_FULL', /disk is full/],
      ['EIO', /I\/O error/],
    ];
    for (const [code, sentence] of cases) {
      process.env['LANTERN_TEST_FAIL_AT'] = `writing:${code}`;
      const failed = await run(['ingest', snap[1]!, '--home', home]);
      expect(failed.code, code).toBe(1);
      // One line besides the progress.
      expect(failed.err.split('\n').filter((l) => !/^ingest: \d+%/.test(l)), code).toHaveLength(1);
      expect(failed.err).toMatch(sentence);
      expect(failed.err).not.toMatch(/unexpected|report this|injected/i);
      const json = await status(home);
      expect(json.snapshot).toBeNull();
      expect(json.lastFailure).toMatchObject({ code, file: 's1.lantern', message: expect.stringMatching(sentence) });
      const text = await run(['status', '--home', home]);
      expect(text.out).toMatch(new RegExp(`last failure .* s1\\.lantern \\(${code}\\): `));
    }
    delete process.env['LANTERN_TEST_FAIL_AT'];
    expect((await run(['ingest', snap[1]!, '--home', home])).code).toBe(0);
    const json = await status(home);
    expect(json.snapshot?.sequence).toBe(1);
    expect(json.lastFailure).toBeNull();
    expect((await run(['status', '--home', home])).out).toMatch(/last failure\s+\(none\)/);
    // A refusal is logged as one too.
    expect((await run(['ingest', snap[1]!, '--home', home])).code).toBe(19);
    const lines = logLines(home);
    expect(lines.map((l) => `${l.event} ${l.code ?? ''}`.trim())).toEqual([...cases.map(([c]) => `failed ${c}`), 'ingested', 'refused ROLLBACK']);
    for (const l of lines) expect(Number.isNaN(Date.parse(l.at))).toBe(false);
  });

  it('says a bug in one line that says what to do, exits 1, and writes it to the home log once, without its message', async () => {
    const home = path.join(work, 'bug-home');
    enrollTestHome(home, pki, { now: new Date() });
    // A code Lantern has no sentence for: an unexpected failure, not a local one.
    process.env['LANTERN_TEST_FAIL_AT'] = 'writing:EBUG';
    const failed = await run(['ingest', snap[1]!, '--home', home]);
    delete process.env['LANTERN_TEST_FAIL_AT'];
    expect(failed.code).toBe(1);
    const lines = failed.err.split('\n').filter((l) => !/^ingest: \d+%/.test(l));
    expect(lines).toEqual([
      'lantern ingest: Lantern hit an unexpected failure (EBUG); the snapshot in use is unchanged. If it happens again, report it to IT with the file lantern.log from the home folder.',
    ]);
    const unexpected = logLines(home).filter((l) => l.event === 'unexpected');
    expect(unexpected).toEqual([expect.objectContaining({ surface: 'ingest', name: 'Error', code: 'EBUG' })]);
    expect(logLines(home).filter((l) => l.event === 'failed').map((l) => l.code)).toEqual(['EBUG']);
    expect(readFileSync(homePath(home, 'log'), 'utf8')).not.toContain('injected');
    expect((await status(home)).lastFailure).toMatchObject({ code: 'EBUG', message: expect.stringMatching(/unexpected failure \(EBUG\)/) });
  });

  it('keeps its exit codes: 2 for usage, 1 for a home problem, the refusal\'s own for a refusal', async () => {
    const home = path.join(work, 'exit-home');
    enrollTestHome(home, pki, { now: new Date() });
    expect((await run(['ingest', snap[1]!, '--home', home, '--nope'])).code).toBe(2);
    const notHome = await run(['status', '--home', path.join(work, 'no-such-home')]);
    expect(notHome.code).toBe(1);
    expect(notHome.err).toMatch(/is not an enrolled Lantern home/);
    expect((await run(['ingest', path.join(fhir, 'Patient.ndjson'), '--home', home])).code).toBe(10);
    expect((await run(['ingest', snap[2]!, '--home', home])).code).toBe(0);
    const replay = await run(['ingest', snap[2]!, '--home', home]);
    expect(replay.code).toBe(19);
    expect(replay.err).toMatch(/^lantern ingest: Snapshot refused \(ROLLBACK\): /m);
  });

  it('reads a state.json written before lastFailure existed', async () => {
    const home = path.join(work, 'old-state');
    enrollTestHome(home, pki, { now: new Date() });
    await ingestSnapshot(home, snap[1]!, { model: chartModel });
    const file = homePath(home, 'state');
    const state = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete state['lastFailure'];
    writeFileSync(file, JSON.stringify(state));
    const json = await status(home);
    expect(json.snapshot?.sequence).toBe(1);
    expect(json.lastFailure).toBeNull();
  });

  it('never writes a patient name, MRN or birth date to the log or the state', async () => {
    const home = path.join(work, 'phi-home');
    const inbox = path.join(work, 'phi-inbox');
    enrollTestHome(home, pki, { now: new Date() });
    // Through the command: a failure, a success, refusals (replay, damaged, a patient file).
    process.env['LANTERN_TEST_FAIL_AT'] = 'written:ENOSPC';
    expect((await run(['ingest', snap[1]!, '--home', home])).code).toBe(1);
    delete process.env['LANTERN_TEST_FAIL_AT'];
    expect((await run(['ingest', snap[1]!, '--home', home])).code).toBe(0);
    expect((await run(['ingest', snap[1]!, '--home', home])).code).toBe(19);
    expect((await run(['ingest', path.join(fhir, 'Patient.ndjson'), '--home', home])).code).toBe(10);
    const damaged = path.join(work, 'damaged.lantern');
    const bytes = readFileSync(snap[2]!);
    bytes[bytes.length - 7] = bytes[bytes.length - 7]! ^ 1;
    writeFileSync(damaged, bytes);
    expect((await run(['ingest', damaged, '--home', home])).code).toBe(25);
    // Through the inbox agent: a failure, then the snapshot, and a patient file dropped in.
    mkdirSync(inbox, { recursive: true });
    copyFileSync(snap[3]!, path.join(inbox, 's3.lantern'));
    copyFileSync(path.join(fhir, 'Patient.ndjson'), path.join(inbox, 'Patient.ndjson'));
    let failures = 1;
    const taken: string[] = [];
    const agent = startInboxAgent({
      model: chartModel,
      homeDir: home,
      inbox,
      stabilityMs: 100,
      retryFirstMs: 50,
      ingest: (dir, file, options) =>
        ingestSnapshot(dir, file, {
          ...options,
          onStage: (stage) => {
            if (stage === 'writing' && failures-- > 0) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
          },
        }),
      onIngested: (f) => taken.push(path.basename(f)),
      onRejected: (f) => taken.push(path.basename(f)),
    });
    try {
      const end = Date.now() + 20_000;
      while (taken.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    } finally {
      await agent.close();
    }
    expect(taken.sort()).toEqual(['Patient.ndjson', 's3.lantern']);
    const log = readFileSync(homePath(home, 'log'), 'utf8');
    const events = logLines(home).map((l) => `${l.event}${l.code ? ` ${l.code}` : ''}`);
    expect(events).toEqual(
      expect.arrayContaining(['failed ENOSPC', 'ingested', 'refused ROLLBACK', 'refused NOT_A_SNAPSHOT', 'refused CORRUPT', 'watching', 'failed EIO', 'stopped']),
    );
    const state = readFileSync(homePath(home, 'state'), 'utf8');
    for (const value of phi) {
      expect(log, value).not.toContain(value);
      expect(state, value).not.toContain(value);
    }
  });
});
