import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartModel } from '../../electron/core/chart';
import { readState } from '../../electron/core/home/layout';
import { SyncBusyError, acquireSyncLock, assertNoSyncAgent, syncHolder, takeSyncLockWhenFree, type SyncLock } from '../../electron/core/home/sync-lock';
import { startInboxAgent } from '../../electron/core/sync/inbox';
import { REPO_ROOT } from '../support/fixtures';
import { buildSnapshot, enrollTestHome, makeTestPki, tempDir, writeTinyExport, type TestPki } from '../support/snapshots';

const LANTERN = path.join(REPO_ROOT, 'scripts/lantern.mjs');
const HOST = os.hostname();
const asOf = new Date(Date.now() - 3_600_000);
let pki: TestPki;
let work: string;
let fhir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  pki = makeTestPki();
  work = tempDir();
  ({ fhir } = writeTinyExport(path.join(work, 'export')));
  for (const sequence of [1, 2]) await buildSnapshot({ pki, out: path.join(work, `s${sequence}.lantern`), fhirDir: fhir, sequence, asOf });
});
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

let homes = 0;
function newHome(): { home: string; inbox: string } {
  const home = path.join(work, `home-${++homes}`);
  enrollTestHome(home, pki);
  return { home, inbox: path.join(work, `inbox-${homes}`) };
}

/** A process that exited at once: its pid is free. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

interface Watch {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

/** `lantern watch` in a process of its own; resolves once it watches (or has exited). */
async function watch(home: string, inbox: string): Promise<Watch> {
  const child = spawn(process.execPath, [LANTERN, 'watch', '--home', home, '--inbox', inbox], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const end = Date.now() + 30_000;
  while (!out.includes('watching') && child.exitCode === null) {
    if (Date.now() > end) throw new Error(`lantern watch did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, out: () => out, err: () => err, exited };
}

async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const lockOf = (home: string) => JSON.parse(readFileSync(path.join(home, 'sync.lock'), 'utf8')) as { pid: number; host: string; agent: string };

describe('one sync per home, across processes', () => {
  it('a second lantern watch and lantern ingest on a watched home exit 1 naming the watcher; it is free again once that one stops', async () => {
    const { home, inbox } = newHome();
    const first = await watch(home, inbox);
    expect(first.child.exitCode).toBeNull();
    expect(lockOf(home)).toMatchObject({ pid: first.child.pid, host: HOST, agent: 'lantern watch' });

    const second = await watch(home, inbox);
    expect(await second.exited).toBe(1);
    expect(second.err().trim()).toMatch(
      new RegExp(`^lantern watch: lantern watch \\(process ${first.child.pid} on ${HOST.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, since \\S+\\) already keeps ${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} in sync; only one sync may run per home\\. Stop it first, or use that one\\.$`),
    );

    const ingest = spawnSync(process.execPath, [LANTERN, 'ingest', path.join(work, 's1.lantern'), '--home', home], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(ingest.status).toBe(1);
    expect(ingest.stderr).toContain(`lantern watch (process ${first.child.pid} on ${HOST}`);
    expect(ingest.stderr).toContain('give it the snapshot through its inbox');
    expect(readState(home).current).toBeNull();
    const status = spawnSync(process.execPath, [LANTERN, 'status', '--home', home, '--json'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(JSON.parse(status.stdout)).toMatchObject({ syncedBy: { agent: 'lantern watch', pid: first.child.pid, host: HOST } });

    // The watcher itself takes the snapshot through its inbox.
    mkdirSync(inbox, { recursive: true });
    copyFileSync(path.join(work, 's1.lantern'), path.join(inbox, 's1.lantern'));
    await until(() => readState(home).current?.status.sequence === 1, 'the watcher to ingest s1');

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(path.join(home, 'sync.lock'))).toBe(false);
    const after = spawnSync(process.execPath, [LANTERN, 'ingest', path.join(work, 's2.lantern'), '--home', home], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(after.status, after.stderr).toBe(0);
  });

  it('a watcher killed outright leaves its lock behind; the next one takes it over', async () => {
    const { home, inbox } = newHome();
    const killed = await watch(home, inbox);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(lockOf(home).pid).toBe(killed.child.pid);
    const next = await watch(home, inbox);
    expect(next.child.exitCode).toBeNull();
    expect(lockOf(home).pid).toBe(next.child.pid);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  });
});

describe('the sync lock', () => {
  it('is exclusive, released only by its holder, and names who holds it', () => {
    const { home } = newHome();
    const lock = acquireSyncLock(home, { agent: 'the Lantern app' });
    expect(syncHolder(home)).toMatchObject({ pid: process.pid, host: HOST, agent: 'the Lantern app' });
    expect(() => acquireSyncLock(home, { agent: 'lantern watch' })).toThrow(SyncBusyError);
    // The holder's own process may still ingest (the app's agent does).
    expect(() => assertNoSyncAgent(home, 'lantern ingest')).not.toThrow();
    lock.release();
    expect(syncHolder(home)).toBeNull();
    expect(existsSync(path.join(home, 'sync.lock'))).toBe(false);

    // A release after another agent took over leaves that agent's lock alone.
    const mine = acquireSyncLock(home, { agent: 'lantern watch' });
    writeFileSync(path.join(home, 'sync.lock'), JSON.stringify({ pid: process.ppid, host: HOST, agent: 'the Lantern app', since: new Date().toISOString() }));
    mine.release();
    expect(syncHolder(home)).toMatchObject({ pid: process.ppid });
    expect(() => assertNoSyncAgent(home, 'lantern ingest')).toThrow(/the Lantern app \(process \d+ on .*\) keeps .* in sync, so lantern ingest does not run beside it/);
  });

  it('takes over a lock of a dead process, a damaged one, and one another host stopped refreshing; not a fresh one of another host', () => {
    const { home } = newHome();
    const file = path.join(home, 'sync.lock');
    const stale = [
      JSON.stringify({ pid: deadPid(), host: HOST, agent: 'lantern watch', since: '2026-01-01T00:00:00.000Z' }),
      '{"pid": 12', // cut short by a crash
    ];
    for (const text of stale) {
      writeFileSync(file, text);
      const lock = acquireSyncLock(home, { agent: 'lantern watch' });
      expect(lockOf(home).pid).toBe(process.pid);
      lock.release();
    }
    writeFileSync(file, JSON.stringify({ pid: 4242, host: 'ws-other', agent: 'the Lantern app', since: '2026-01-01T00:00:00.000Z' }));
    expect(() => acquireSyncLock(home, { agent: 'lantern watch' })).toThrow(/the Lantern app \(process 4242 on ws-other/);
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(file, old, old);
    const lock = acquireSyncLock(home, { agent: 'lantern watch' });
    expect(lockOf(home).host).toBe(HOST);
    lock.release();
  });
});

describe('waiting for the sync lock (the app, when another agent syncs)', () => {
  it('tries again until the holder stops; an agent that fails to start frees the lock and is tried again', async () => {
    const { home } = newHome();
    const other = acquireSyncLock(home, { agent: 'lantern watch', pid: process.ppid });
    const busy: string[] = [];
    let taken: SyncLock | null = null;
    let starts = 0;
    const wait = takeSyncLockWhenFree(home, {
      agent: 'the Lantern app',
      retryMs: 30,
      onBusy: (error) => busy.push((error as Error).message),
      onTaken: (lock) => {
        starts++;
        if (starts === 1) throw Object.assign(new Error('inbox share away'), { code: 'ENOENT' });
        taken = lock;
      },
    });
    try {
      expect(busy[0]).toMatch(/^lantern watch \(process \d+ on .*\) already keeps/);
      await until(() => busy.length >= 3, 'a few retries');
      expect(taken).toBeNull();
      other.release();
      await until(() => taken !== null, 'the lock');
      // The first start failed: its lock was released, and the second start got a fresh one.
      expect(starts).toBe(2);
      expect(busy.at(-1)).toBe('inbox share away');
      expect(syncHolder(home)).toMatchObject({ pid: process.pid, agent: 'the Lantern app' });
    } finally {
      wait.stop();
      (taken as SyncLock | null)?.release();
    }
  });
});

describe('the inbox agent’s status (the shape the tray and heartbeat read)', () => {
  it('says the snapshot in use, when it looks next, and the last problem until a snapshot is taken', async () => {
    const { home, inbox } = newHome();
    const agent = startInboxAgent({ homeDir: home, inbox, model: chartModel, stabilityMs: 200 });
    try {
      await agent.ready;
      await agent.idle();
      expect(agent.status()).toEqual({ dataAsOf: null, sequence: null, nextCheckAt: null, lastProblem: null });

      writeFileSync(path.join(inbox, 'junk.lantern'), 'not a snapshot');
      await until(() => agent.status().lastProblem !== null, 'the refusal');
      expect(agent.status().lastProblem).toEqual({ at: expect.any(String), message: expect.stringMatching(/^A snapshot was refused: /) });

      copyFileSync(path.join(work, 's1.lantern'), path.join(inbox, 's1.lantern'));
      await until(() => agent.status().sequence === 1, 'the ingest');
      await agent.idle();
      expect(agent.status()).toEqual({ dataAsOf: asOf.toISOString(), sequence: 1, nextCheckAt: null, lastProblem: null });
    } finally {
      await agent.close();
    }
  });
});
