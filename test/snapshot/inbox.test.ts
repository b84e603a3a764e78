import { execFileSync } from 'node:child_process';
import type * as NodeFs from 'node:fs';
import { appendFileSync, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LastFailure } from '../../electron/shared/contract';
import { readState } from '../../electron/core/home/layout';
import { openHome } from '../../electron/core/home/open';
import { ingestSnapshot, type IngestOptions } from '../../electron/core/home/ingest';
import { fitName, NAME_MAX, startInboxAgent, type InboxAgent, type InboxAgentOptions } from '../../electron/core/sync/inbox';
import { fakePatient } from '../support/patients';
import { AS_OF, buildSnapshot, enrollTestHome, makeTestPki, tempDir, writeTinyExport, type TestPki } from '../support/snapshots';
import { chartModel } from '../../electron/core/chart';

// Every file the code under test opens, counted by name (passed through unchanged).
const opened = vi.hoisted(() => new Map<string, number>());
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof NodeFs>();
  const openSync = (...args: Parameters<typeof fs.openSync>) => {
    const name = path.basename(String(args[0]));
    opened.set(name, (opened.get(name) ?? 0) + 1);
    return fs.openSync(...args);
  };
  return { ...fs, openSync, default: { ...fs, openSync } };
});

const clock = () => new Date(AS_OF.getTime() + 60_000);
let pki: TestPki;
let work: string;
let fhir: string;
const snapshots: Record<number, string> = {};
let agent: InboxAgent | null = null;
let logs: string[] = [];

async function waitFor(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; log: ${logs.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);
/** What is left in the inbox itself (not the processed/ and rejected/ folders). */
const waiting = (inbox: string) => list(inbox).filter((n) => n !== 'processed' && n !== 'rejected');

function sequenceIn(home: string): number | null {
  const opened = openHome(home, { model: chartModel, clock });
  try {
    return opened.status().snapshot?.sequence ?? null;
  } finally {
    opened.close();
  }
}

/** A fresh home and inbox. */
function setup(name: string): { home: string; inbox: string } {
  const dir = path.join(work, name);
  const home = path.join(dir, 'home');
  enrollTestHome(home, pki);
  return { home, inbox: path.join(dir, 'inbox') };
}

function start(o: Partial<InboxAgentOptions> & { homeDir: string; inbox: string }): InboxAgent {
  logs = [];
  agent = startInboxAgent({ model: chartModel, clock, stabilityMs: 150, log: (l) => logs.push(l), ...o });
  return agent;
}

const systemError = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

beforeAll(async () => {
  pki = makeTestPki();
  work = tempDir();
  ({ fhir } = writeTinyExport(path.join(work, 'export')));
  for (const seq of [1, 2, 3]) {
    snapshots[seq] = path.join(work, `s${seq}.lantern`);
    await buildSnapshot({ pki, out: snapshots[seq]!, fhirDir: fhir, sequence: seq });
  }
});

afterEach(async () => {
  await agent?.close();
  agent = null;
});

describe('the inbox agent waits for whole files', () => {
  it('waits for a writer that pauses longer than the stability window, then takes the snapshot', async () => {
    const { home, inbox } = setup('paused-writer');
    mkdirSync(inbox, { recursive: true });
    const bytes = readFileSync(snapshots[1]!);
    const target = path.join(inbox, 'paused.lantern');
    // Cut inside the manifest, then inside the payload: each pause is many stability windows.
    writeFileSync(target, bytes.subarray(0, 300));
    start({ homeDir: home, inbox });
    await waitFor(() => logs.some((l) => l.startsWith('waiting for paused.lantern')), 'the agent to see the partial file');
    await pause(1000);
    appendFileSync(target, bytes.subarray(300, bytes.length - 100));
    await pause(1000);
    expect(list(path.join(inbox, 'rejected'))).toEqual([]);
    expect(waiting(inbox)).toEqual(['paused.lantern']);
    appendFileSync(target, bytes.subarray(bytes.length - 100));
    await waitFor(() => list(path.join(inbox, 'processed')).includes('paused.lantern'), 'the snapshot to be taken');
    expect(sequenceIn(home)).toBe(1);
    expect(list(path.join(inbox, 'rejected'))).toEqual([]);
  });

  it('refuses a file left short as TRUNCATED, but only after its grace period', async () => {
    const { home, inbox } = setup('dead-writer');
    mkdirSync(inbox, { recursive: true });
    const bytes = readFileSync(snapshots[1]!);
    writeFileSync(path.join(inbox, 'short.lantern'), bytes.subarray(0, bytes.length - 10));
    writeFileSync(path.join(inbox, 'empty.lantern'), '');
    const started = Date.now();
    start({ homeDir: home, inbox, truncatedAfterMs: 1500 });
    await waitFor(() => list(path.join(inbox, 'rejected')).length === 4, 'both refusals');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(readFileSync(path.join(inbox, 'rejected', 'short.lantern.reason.txt'), 'utf8')).toMatch(/TRUNCATED/);
    expect(readFileSync(path.join(inbox, 'rejected', 'empty.lantern.reason.txt'), 'utf8')).toMatch(/Snapshot refused/);
    expect(sequenceIn(home)).toBeNull();
  });

  it('takes a valid snapshot first, within seconds, among 200 junk files (some claiming huge headers), reading each once', async () => {
    const { home, inbox } = setup('junk');
    mkdirSync(inbox, { recursive: true });
    for (let i = 0; i < 100; i++) writeFileSync(path.join(inbox, `junk-${String(i).padStart(3, '0')}.lantern`), `not a snapshot ${i}\n`);
    // Headers that declare the largest sections allowed, over a few bytes: partial for ever.
    for (let i = 0; i < 100; i++) writeFileSync(path.join(inbox, `huge-${String(i).padStart(3, '0')}.lantern`), `LANTERN-SNAPSHOT 2 33554432 4096 163840\n{"sequence": ${i}`);
    copyFileSync(snapshots[2]!, path.join(inbox, 'zz-valid.lantern'));
    const events: string[] = [];
    const audited: Array<{ kind: string; file?: string }> = [];
    start({
      homeDir: home,
      inbox,
      audit: { record: (e) => (audited.push(e as { kind: string; file?: string }), null) },
      onIngested: (f) => events.push(`ingested ${path.basename(f)}`),
      onRejected: (f) => events.push(`rejected ${path.basename(f)}`),
    });
    await waitFor(() => events.length === 101, 'the snapshot and the junk that is whole');
    expect(events[0]).toBe('ingested zz-valid.lantern');
    expect(events.filter((e) => e.startsWith('rejected junk-'))).toHaveLength(100);
    expect(sequenceIn(home)).toBe(2);
    // The audit log hears each snapshot taken and refused, as the home's log does.
    expect(audited[0]).toMatchObject({ kind: 'snapshot-taken', file: 'zz-valid.lantern', sequence: 2, by: 'inbox' });
    expect(audited.filter((e) => e.kind === 'snapshot-refused' && e.file?.startsWith('junk-'))).toHaveLength(100);
    // The huge headers wait for their writer (until the grace period), each read once
    // however often the inbox is looked at.
    expect(waiting(inbox).filter((n) => n.startsWith('huge-'))).toHaveLength(100);
    const looks = logs.length;
    await pause(600);
    expect(logs.length).toBe(looks);
    const huge = [...opened].filter(([name]) => name.startsWith('huge-'));
    expect(huge).toHaveLength(100);
    expect(huge.every(([, n]) => n === 1)).toBe(true);
    const lines = readFileSync(path.join(home, 'lantern.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; file?: string });
    expect(lines.filter((l) => l.event === 'waiting')).toHaveLength(100);
  });
});

describe('the inbox agent and local failures', () => {
  it('keeps a valid snapshot in the inbox through disk-full, permission, locked-database and busy-home failures, then takes it', async () => {
    const { home, inbox } = setup('local-failures');
    mkdirSync(inbox, { recursive: true });
    copyFileSync(snapshots[1]!, path.join(inbox, 'good.lantern'));
    // One failure per attempt, raised where the real one would be: while the database is written.
    const faults: Array<(() => Error) | 'busy'> = [
      () => systemError('ENOSPC'),
      () => systemError('EACCES'),
      () => new Database.SqliteError('database is locked', 'SQLITE_BUSY'),
      'busy',
      () => systemError('EIO'),
    ];
    const seen: Array<{ failure: LastFailure; retryInMs: number | null; inInbox: boolean; stored: LastFailure | null }> = [];
    const lock = path.join(home, 'ingest.lock');
    const ingest = (dir: string, file: string, options: IngestOptions) => {
      const fault = faults.shift();
      // Another live process holding the home's lock: a real HomeBusyError.
      if (fault === 'busy') writeFileSync(lock, `${process.ppid}\n`);
      else rmSync(lock, { force: true });
      return ingestSnapshot(dir, file, {
        ...options,
        onStage: (stage) => {
          if (stage === 'writing' && fault && fault !== 'busy') throw fault();
        },
      });
    };
    start({
      homeDir: home,
      inbox,
      ingest,
      retryFirstMs: 100,
      retryMaxMs: 400,
      onFailed: (file, failure, retryInMs) =>
        seen.push({ failure, retryInMs, inInbox: file !== null && existsSync(path.join(inbox, file)), stored: readState(home).lastFailure }),
    });
    await waitFor(() => list(path.join(inbox, 'processed')).includes('good.lantern'), 'the snapshot once the failures stop');
    expect(seen.map((s) => s.failure.code)).toEqual(['ENOSPC', 'EACCES', 'SQLITE_BUSY', 'HOME_BUSY', 'EIO']);
    // Tried again, less often each time, up to the cap.
    expect(seen.map((s) => s.retryInMs)).toEqual([100, 200, 400, 400, 400]);
    expect(seen.every((s) => s.inInbox)).toBe(true);
    expect(list(path.join(inbox, 'rejected'))).toEqual([]);
    expect(seen[0]!.failure.message).toMatch(/disk is full/);
    expect(seen[1]!.failure.message).toMatch(/Permission denied/);
    expect(seen[2]!.failure.message).toMatch(/locked by another program/);
    // The home's state held each failure of the workstation (a busy home is a wait, not a failure).
    expect(seen[0]!.stored).toMatchObject({ code: 'ENOSPC', file: 'good.lantern', message: seen[0]!.failure.message });
    expect(seen[2]!.stored).toMatchObject({ code: 'SQLITE_BUSY' });
    expect(seen[3]!.stored).toMatchObject({ code: 'SQLITE_BUSY' });
    expect(sequenceIn(home)).toBe(1);
    // The success cleared it.
    expect(readState(home).lastFailure).toBeNull();
    expect(agent!.lastFailure()).toBeNull();
    const events = readFileSync(path.join(home, 'lantern.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; code?: string });
    expect(events.filter((e) => e.event === 'failed').map((e) => e.code)).toEqual(['ENOSPC', 'EACCES', 'SQLITE_BUSY', 'HOME_BUSY', 'EIO']);
    expect(events.filter((e) => e.event === 'ingested')).toHaveLength(1);
  });

  it('keeps a failure the home\'s state did not take for the app, until the next snapshot is taken', async () => {
    const { home, inbox } = setup('unreadable-inbox');
    mkdirSync(inbox, { recursive: true });
    copyFileSync(snapshots[1]!, path.join(inbox, 'good.lantern'));
    let failing = 2;
    const failures: LastFailure[] = [];
    start({
      homeDir: home,
      inbox,
      retryFirstMs: 50,
      ingest: (dir, file, options) => {
        if (failing-- > 0) throw systemError('ENOSPC'); // before the home is even locked: nothing stored
        return ingestSnapshot(dir, file, options);
      },
      onFailed: (_file, failure) => failures.push(failure),
    });
    await waitFor(() => failures.length === 1, 'the first failure');
    expect(readState(home).lastFailure).toBeNull();
    expect(agent!.lastFailure()).toMatchObject({ code: 'ENOSPC', file: 'good.lantern' });
    await waitFor(() => list(path.join(inbox, 'processed')).includes('good.lantern'), 'the snapshot');
    expect(agent!.lastFailure()).toBeNull();
  });

  it('treats a bug met while taking a snapshot as a local failure: kept, retried, logged without its message', async () => {
    const { home, inbox } = setup('bug');
    mkdirSync(inbox, { recursive: true });
    copyFileSync(snapshots[1]!, path.join(inbox, 'good.lantern'));
    const patient = fakePatient();
    let failing = 1;
    const failures: LastFailure[] = [];
    start({
      homeDir: home,
      inbox,
      retryFirstMs: 50,
      ingest: (dir, file, options) => {
        if (failing-- > 0) throw new TypeError(`Cannot read properties of undefined (reading "${patient.name}", MRN ${patient.mrn})`);
        return ingestSnapshot(dir, file, options);
      },
      onFailed: (_file, failure) => failures.push(failure),
    });
    await waitFor(() => list(path.join(inbox, 'processed')).includes('good.lantern'), 'the snapshot');
    expect(list(path.join(inbox, 'rejected'))).toEqual([]);
    expect(failures).toEqual([
      {
        at: expect.any(String),
        file: 'good.lantern',
        code: 'TypeError',
        message: 'Lantern hit an unexpected failure (TypeError); the snapshot in use is unchanged. If it happens again, report it to IT with the file lantern.log from the home folder.',
      },
    ]);
    const text = readFileSync(path.join(home, 'lantern.log'), 'utf8');
    const events = text.trim().split('\n').map((l) => JSON.parse(l) as { event: string; code?: string; surface?: string; stack?: string });
    expect(events.filter((e) => e.event === 'unexpected')).toEqual([
      expect.objectContaining({ surface: 'inbox', name: 'TypeError', code: 'TypeError', stack: expect.stringMatching(/inbox\.test\.ts:\d+:\d+/) }),
    ]);
    expect(events.filter((e) => e.event === 'failed').map((e) => e.code)).toEqual(['TypeError']);
    for (const value of [...patient.all, 'Cannot read']) {
      expect(text).not.toContain(value);
      expect(logs.join('\n')).not.toContain(value);
    }
  });

  it('does not take a snapshot twice when it cannot be moved out of the inbox, and moves it once it can', async () => {
    const { home, inbox } = setup('cannot-move');
    mkdirSync(inbox, { recursive: true });
    // Files where the agent's folders belong: every move out of the inbox fails.
    writeFileSync(path.join(inbox, 'processed'), '');
    writeFileSync(path.join(inbox, 'rejected'), '');
    copyFileSync(snapshots[1]!, path.join(inbox, 'good.lantern'));
    writeFileSync(path.join(inbox, 'junk.lantern'), 'not a snapshot');
    let ingests = 0;
    const failed: Array<{ file: string | null; code: string; retryInMs: number | null }> = [];
    start({
      homeDir: home,
      inbox,
      retryFirstMs: 100,
      retryMaxMs: 200,
      ingest: (dir, file, options) => {
        ingests++;
        return ingestSnapshot(dir, file, options);
      },
      onFailed: (file, failure, retryInMs) => failed.push({ file, code: failure.code, retryInMs }),
    });
    await waitFor(() => failed.filter((f) => f.file === 'good.lantern').length >= 3 && failed.some((f) => f.file === 'junk.lantern'), 'failed moves');
    expect(sequenceIn(home)).toBe(1);
    expect(failed.every((f) => f.code === 'EEXIST' && f.retryInMs !== null)).toBe(true);
    expect(readState(home).lastFailure).toMatchObject({ code: 'EEXIST', message: expect.stringMatching(/a file where a folder belongs/) });
    expect(readFileSync(path.join(inbox, 'junk.lantern.reason.txt'), 'utf8')).toMatch(/NOT_A_SNAPSHOT/);
    // Fixed: both go where they belong, the snapshot taken once only.
    for (const folder of ['processed', 'rejected']) {
      rmSync(path.join(inbox, folder));
      mkdirSync(path.join(inbox, folder));
    }
    await waitFor(() => list(path.join(inbox, 'processed')).includes('good.lantern') && list(path.join(inbox, 'rejected')).includes('junk.lantern'), 'the moves');
    expect(ingests).toBe(2);
    expect(list(path.join(inbox, 'rejected'))).toEqual(['junk.lantern', 'junk.lantern.reason.txt']);
    expect(waiting(inbox)).toEqual([]);
  });
});

describe('the inbox agent and what is not a snapshot file', () => {
  it('refuses links (never followed), folders, pipes and over-long names with a reason file each', async () => {
    const { home, inbox } = setup('odd-entries');
    mkdirSync(inbox, { recursive: true });
    // A link to a valid snapshot outside the inbox: refused, and the target left alone.
    const outside = path.join(work, 'outside.lantern');
    copyFileSync(snapshots[3]!, outside);
    symlinkSync(outside, path.join(inbox, 'linked.lantern'));
    symlinkSync(work, path.join(inbox, 'linked-folder'));
    symlinkSync(path.join(work, 'nowhere'), path.join(inbox, 'dangling.lantern'));
    mkdirSync(path.join(inbox, 'a-folder'));
    writeFileSync(path.join(inbox, 'a-folder', 'inside.lantern'), 'x');
    const pipes = process.platform !== 'win32';
    if (pipes) execFileSync('mkfifo', [path.join(inbox, 'a-pipe.lantern')]);
    // Longest name the file system takes: NAME.reason.txt would not fit.
    const longName = `${'long-'.repeat(49)}x.lantern`;
    expect(Buffer.byteLength(longName)).toBeLessThanOrEqual(NAME_MAX);
    writeFileSync(path.join(inbox, longName), 'not a snapshot either');
    const accented = `${'é'.repeat(123)}.lantern`; // 254 bytes of UTF-8
    writeFileSync(path.join(inbox, accented), 'nor this');

    const rejected: string[] = [];
    start({ homeDir: home, inbox, onRejected: (f) => rejected.push(path.basename(f)) });
    const expected = pipes ? 7 : 6;
    await waitFor(() => rejected.length === expected, 'every refusal');
    expect(waiting(inbox)).toEqual([]);
    const out = path.join(inbox, 'rejected');
    const names = list(out);
    for (const name of ['linked.lantern', 'linked-folder', 'dangling.lantern', 'a-folder', ...(pipes ? ['a-pipe.lantern'] : [])]) {
      expect(names).toContain(name);
      expect(readFileSync(path.join(out, `${name}.reason.txt`), 'utf8')).toMatch(/NOT_A_SNAPSHOT/);
    }
    expect(lstatSync(path.join(out, 'linked.lantern')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(out, 'linked.lantern.reason.txt'), 'utf8')).toMatch(/symbolic link/);
    expect(readFileSync(path.join(out, 'a-folder.reason.txt'), 'utf8')).toMatch(/a folder/);
    expect(readFileSync(path.join(out, 'a-folder', 'inside.lantern'), 'utf8')).toBe('x');
    expect(readFileSync(outside).equals(readFileSync(snapshots[3]!))).toBe(true);
    expect(sequenceIn(home)).toBeNull();
    // Over-long names: moved under a shortened name (the same each time) with the reason beside it.
    for (const name of [longName, accented]) {
      const short = fitName(name);
      expect(short).not.toBe(name);
      expect(Buffer.byteLength(`${short}.reason.txt`)).toBeLessThanOrEqual(NAME_MAX);
      expect(short.endsWith('.lantern')).toBe(true);
      const reason = readFileSync(path.join(out, `${short}.reason.txt`), 'utf8');
      expect(reason).toMatch(/NOT_A_SNAPSHOT/);
      expect(reason).toContain(`Original name: ${name}`);
    }
    expect(fitName(longName)).toBe(fitName(longName));
    expect(readState(home).lastRejection).toMatchObject({ code: 'NOT_A_SNAPSHOT' });
  });

  it('gives a second file of the same name its own place in rejected/', async () => {
    const { home, inbox } = setup('same-name');
    mkdirSync(path.join(inbox, 'rejected'), { recursive: true });
    writeFileSync(path.join(inbox, 'rejected', 'x.lantern'), 'earlier');
    writeFileSync(path.join(inbox, 'x.lantern'), 'later');
    start({ homeDir: home, inbox });
    await waitFor(() => list(path.join(inbox, 'rejected')).includes('x.1.lantern.reason.txt'), 'the refusal');
    expect(readFileSync(path.join(inbox, 'rejected', 'x.lantern'), 'utf8')).toBe('earlier');
    expect(readFileSync(path.join(inbox, 'rejected', 'x.1.lantern'), 'utf8')).toBe('later');
  });
});
