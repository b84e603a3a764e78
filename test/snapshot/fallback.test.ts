import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../electron/core/api/handlers';
import { chartModel } from '../../electron/core/chart';
import { dispatch } from '../../electron/core/api/dispatch';
import { readState } from '../../electron/core/home/layout';
import { NO_INTACT_COPY, openHome } from '../../electron/core/home/open';
import { rollbackHome } from '../../electron/core/home/rollback';
import type { SnapshotRefusal } from '../../electron/core/snapshot/refusal';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { fallbackNotice } from '../../electron/shared/notices';
import { runCli as run } from '../support/cli';
import { DAY_MS, buildSnapshot, enrollTestHome, makeTestPki, tempDir, writeTinyExport, type TestPki } from '../support/snapshots';

// Real time: the lantern commands run here use the real clock.
const NOW = new Date();
const clock = () => NOW;
const PAGE = 16_384; // the page size of new (AEGIS-256) snapshot databases
let pki: TestPki;
let work: string;


/** The snapshot file of sequence `seq`: three patients whose family name tells the sequence. */
const FAMILY = ['Ashbykin', 'Brandtkin', 'Corwinkin', 'Dunmorekin'];
async function snapshotFile(seq: number): Promise<string> {
  const out = path.join(work, `seq-${seq}.lantern`);
  if (existsSync(out)) return out;
  const patients = ['a', 'b', 'c'].map((k) => ({ id: `${k}${seq}`, family: FAMILY[seq - 1]!, given: k.toUpperCase() }));
  const { fhir, protocols } = writeTinyExport(path.join(work, `export-${seq}`), patients);
  await buildSnapshot({ pki, out, fhirDir: fhir, protocolsDir: protocols, sequence: seq, asOf: new Date(NOW.getTime() - (10 - seq) * 60_000), now: NOW });
  return out;
}

/** A home that has ingested sequences 1..n and keeps `keep` of them. */
async function homeWith(name: string, n: number, keep: number, model = chartModel) {
  const home = path.join(work, name);
  enrollTestHome(home, pki, { keepSnapshots: keep, now: NOW });
  for (let seq = 1; seq <= n; seq++) await ingestSnapshot(home, await snapshotFile(seq), { model, clock });
  return home;
}

const dbOf = (home: string, which: 'current' | number = 'current') => {
  const state = readState(home);
  const record = which === 'current' ? state.current! : state.previous[which]!;
  return path.join(home, record.db);
};

/** Flip one byte in every page after the first: the database opens, its tables do not read. */
function damagePages(file: string): void {
  const bytes = readFileSync(file);
  expect(bytes.length).toBeGreaterThan(2 * PAGE);
  for (let pos = PAGE + 200; pos < bytes.length; pos += PAGE) bytes[pos] = bytes[pos]! ^ 0x01;
  writeFileSync(file, bytes);
}

/** Flip bytes in the first page: the database no longer opens. */
function damageHeader(file: string): void {
  const bytes = readFileSync(file);
  for (const pos of [100, 1000, 4000]) bytes[pos] = bytes[pos]! ^ 0x01;
  writeFileSync(file, bytes);
}

/** The family name of the census's first patient: which sequence the home is serving. */
const familyOf = (home: ReturnType<typeof openHome>) => home.queries()!.census({}).groups[0]?.patients[0]?.name.split(',')[0];

beforeAll(() => {
  pki = makeTestPki({ now: new Date(NOW.getTime() - DAY_MS) });
  work = tempDir();
});

describe('a damaged snapshot in use', () => {
  it('a missing database: the home switches to the newest intact copy, says so, and every process follows', async () => {
    const home = await homeWith('home-missing', 3, 3);
    // Another process already has sequence 3 open.
    const other = openHome(home, { model: chartModel, clock });
    expect(familyOf(other)).toBe('Corwinkin');

    rmSync(dbOf(home));
    const opened = openHome(home, { model: chartModel, clock });
    expect(familyOf(opened)).toBe('Brandtkin');
    const status = opened.status();
    expect(status.snapshot?.sequence).toBe(2);
    expect(status.fallback).toMatchObject({ kind: 'damaged', from: { sequence: 3 }, reason: 'the database file is missing' });
    expect(fallbackNotice(status.fallback!, 'NOW')).toMatch(/^The snapshot in use was damaged; showing the previous copy, data as of NOW\./);
    opened.close();

    // Written down: the failed copy leaves the state, the high-water mark stays.
    const state = readState(home);
    expect([state.current, ...state.previous].map((r) => r!.status.sequence)).toEqual([2, 1]);
    expect(state.highWater).toEqual({ GH: 3 });
    expect(state.fallback?.from.sequence).toBe(3);
    expect(familyOf(other)).toBe('Brandtkin');
    expect(other.status().fallback?.kind).toBe('damaged');
    other.close();

    // The failed snapshot cannot come back by replay; a new one clears the note.
    const replay = await ingestSnapshot(home, await snapshotFile(3), { model: chartModel, clock }).catch((e: unknown) => e);
    expect((replay as SnapshotRefusal).code).toBe('ROLLBACK');
    await ingestSnapshot(home, await snapshotFile(4), { model: chartModel, clock });
    expect(readState(home).fallback).toBeNull();
  });

  it('a damaged page met by a query: that query runs again on the previous copy', async () => {
    const home = await homeWith('home-pages', 2, 2);
    const opened = openHome(home, { model: chartModel, clock });
    expect(opened.status().snapshot?.sequence).toBe(2); // sequence 2 is open
    damagePages(dbOf(home));
    expect(familyOf(opened)).toBe('Ashbykin');
    expect(opened.status().fallback).toMatchObject({ kind: 'damaged', from: { sequence: 2 }, reason: 'the database is damaged (a page failed its check)' });
    expect(opened.status().snapshot?.sequence).toBe(1);
    opened.close();
    expect(readState(home).current?.status.sequence).toBe(1);
  });

  it('a damaged header (the key no longer opens it): the previous copy, from the first call', async () => {
    const home = await homeWith('home-header', 2, 2);
    damageHeader(dbOf(home));
    const opened = openHome(home, { model: chartModel, clock });
    const status = opened.status();
    expect(status.snapshot?.sequence).toBe(1);
    expect(status.fallback?.reason).toMatch(/does not open with this home's key|damaged/);
    expect(familyOf(opened)).toBe('Ashbykin');
    opened.close();
  });

  it('with no intact copy left: a clear error on screen and at the command line, and the state untouched', async () => {
    const home = await homeWith('home-none', 2, 2);
    rmSync(dbOf(home, 0));
    damagePages(dbOf(home));
    const stateBefore = readFileSync(path.join(home, 'state.json'), 'utf8');
    const opened = openHome(home, { model: chartModel, clock });
    expect(() => opened.queries()!.census({})).toThrow(NO_INTACT_COPY);
    // The screen gets the sentence, not "something went wrong".
    const handlers = createHandlers({ shell: 'preview', version: 't', clock, status: () => opened.status(), queries: () => opened.queries() });
    expect(await dispatch(handlers, 'search', { text: 'kin', limit: 5 })).toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: NO_INTACT_COPY, audience: 'nurse' } });
    expect((await dispatch(handlers, 'status', {})).ok).toBe(true);
    opened.close();
    expect(readFileSync(path.join(home, 'state.json'), 'utf8')).toBe(stateBefore);
  });

  it('lantern status and lantern search switch by themselves and say so; with nothing intact status exits 1', async () => {
    const home = await homeWith('home-cli', 2, 2);
    rmSync(dbOf(home));
    const status = await run(['status', '--home', home]);
    expect(status.code).toBe(0);
    expect(status.out).toContain('sequence      1');
    expect(status.out).toContain('EARLIER COPY  The snapshot in use was damaged; showing the previous copy, data as of');
    expect(status.out).toContain('sequence 2 (data as of');
    expect(status.out).toContain('could not be read: the database file is missing.');
    const json = JSON.parse((await run(['status', '--home', home, '--json'])).out) as Record<string, unknown>;
    expect(json).toMatchObject({ snapshot: { sequence: 1 }, fallback: { kind: 'damaged', from: { sequence: 2 } }, problem: null });
    const search = await run(['search', 'Ashbykin', '--home', home, '--json']);
    expect(search.code).toBe(0);
    expect(search.out).toContain('Ashbykin');

    rmSync(dbOf(home));
    const none = await run(['status', '--home', home]);
    expect(none.code).toBe(1);
    expect(none.out).toContain(`UNUSABLE      ${NO_INTACT_COPY}`);
    const failed = await run(['search', 'Ashbykin', '--home', home]);
    expect(failed.code).toBe(1);
    expect(failed.err).toBe(`lantern search: ${NO_INTACT_COPY}`);
  });
});

describe('lantern rollback', () => {
  it('switches to the previous kept snapshot, drops the one rolled back from, and keeps the high-water mark', async () => {
    const home = await homeWith('home-rollback', 3, 3);
    const newest = dbOf(home);
    const result = rollbackHome(home, { model: chartModel, clock });
    expect(result.from.sequence).toBe(3);
    expect(result.to.sequence).toBe(2);
    const state = readState(home);
    expect([state.current, ...state.previous].map((r) => r!.status.sequence)).toEqual([2, 1]);
    expect(state.highWater).toEqual({ GH: 3 });
    expect(state.fallback).toMatchObject({ kind: 'rollback', from: { sequence: 3 } });
    expect(existsSync(newest)).toBe(false);
    expect(readdirSync(path.join(home, 'snapshots'))).toHaveLength(2);
    const opened = openHome(home, { model: chartModel, clock });
    expect(familyOf(opened)).toBe('Brandtkin');
    expect(fallbackNotice(opened.status().fallback!, 'NOW')).toBe('IT switched back to an earlier copy of the chart; showing data as of NOW.');
    opened.close();
    const replay = await ingestSnapshot(home, await snapshotFile(3), { model: chartModel, clock }).catch((e: unknown) => e);
    expect((replay as SnapshotRefusal).code).toBe('ROLLBACK');
  });

  it('passes over a damaged earlier copy, and refuses when nothing is left to go back to', async () => {
    const home = await homeWith('home-rollback-damaged', 3, 3);
    rmSync(dbOf(home, 0));
    const result = rollbackHome(home, { model: chartModel, clock });
    expect(result.to.sequence).toBe(1);
    expect(result.skipped.map((s) => [s.status.sequence, s.reason])).toEqual([[2, 'the database file is missing']]);
    const stateBefore = readFileSync(path.join(home, 'state.json'), 'utf8');
    expect(() => rollbackHome(home, { model: chartModel, clock })).toThrow(/No earlier snapshot is kept .*keepSnapshots is 3.*The snapshot in use stays\./);
    expect(readFileSync(path.join(home, 'state.json'), 'utf8')).toBe(stateBefore);
  });

  it('prints what it switched from and to', async () => {
    const home = await homeWith('home-rollback-cli', 2, 2);
    const state = readState(home);
    const rolled = await run(['rollback', '--home', home]);
    expect(rolled.code).toBe(0);
    expect(rolled.out).toContain(`from  sequence 2, data as of ${state.current!.status.asOf} (dropped; it cannot be ingested again)`);
    expect(rolled.out).toContain(`to    sequence 1, data as of ${state.previous[0]!.status.asOf}`);
    const status = await run(['status', '--home', home]);
    expect(status.out).toContain('EARLIER COPY  IT switched back to an earlier copy of the chart');
    expect(status.out).toContain('IT rolled back from sequence 2');
    const again = await run(['rollback', '--home', home, '--json']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^lantern rollback: No earlier snapshot is kept in/);
  });
});

describe('a fallback while an ingest runs in the same process', () => {
  it('shows the intact copy at once, leaves the ingest its lock, and writes nothing under it', async () => {
    const home = await homeWith('home-busy', 2, 2);
    rmSync(dbOf(home));
    let resume: () => void = () => {};
    let paused: () => void = () => {};
    const reached = new Promise<void>((r) => (paused = r));
    const ingest = ingestSnapshot(home, await snapshotFile(3), {
      model: chartModel,
      clock,
      onStage: (stage) => {
        if (stage !== 'verified') return;
        paused();
        return new Promise<void>((r) => (resume = r));
      },
    });
    await reached;
    const stateDuring = readFileSync(path.join(home, 'state.json'), 'utf8');
    const opened = openHome(home, { model: chartModel, clock });
    expect(familyOf(opened)).toBe('Ashbykin');
    expect(opened.status().fallback).toMatchObject({ kind: 'damaged', from: { sequence: 2 } });
    expect(readFileSync(path.join(home, 'state.json'), 'utf8')).toBe(stateDuring);
    expect(existsSync(path.join(home, 'ingest.lock'))).toBe(true);
    resume();
    await ingest;
    expect(familyOf(opened)).toBe('Corwinkin');
    expect(opened.status().fallback).toBeNull();
    opened.close();
  });
});
