import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readState } from '../../electron/core/home/layout';
import { openHome } from '../../electron/core/home/open';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { REPO_ROOT } from '../support/fixtures';
import { TINY_PATIENTS, buildSnapshot, enrollTestHome, makeTestPki, tempDir, writeTinyExport, type TestPki } from '../support/snapshots';
import { chartModel } from '../../electron/core/chart';

// Real time: the lantern command run here uses the real clock.
const NOW = new Date();
const asOf = new Date(NOW.getTime() - 60_000);
let pki: TestPki;
let work: string;
let home: string;
let second: string;

/** Start an ingest in another process, wait until it reports the stage, then SIGKILL it. */
function killAt(args: string[], stage: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, LANTERN_TEST_PAUSE_AT: stage },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`never reached ${stage}: ${err}`));
    }, 20_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes(`paused at ${stage}`)) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`ingest ended before ${stage}: ${err}`));
    });
  });
}

const childArgs = (file: string) => ['--import', 'tsx', path.join(REPO_ROOT, 'test/support/ingest-child.ts'), home, file, NOW.toISOString()];

function expectServing(sequence: number, patients = sequence === 2 ? 400 : 3) {
  const opened = openHome(home, { model: chartModel, clock: () => NOW });
  try {
    expect(opened.status().snapshot?.sequence).toBe(sequence);
    // Every patient is on the census: in a bed, or in a group of patients without one.
    const census = opened.queries()!.census({});
    expect(census.beds.filter((b) => b.patient).length + census.groups.reduce((n, g) => n + g.total, 0)).toBe(patients);
    const current = readState(home).current!;
    expect(existsSync(path.join(home, current.db))).toBe(true);
  } finally {
    opened.close();
  }
}

beforeAll(async () => {
  pki = makeTestPki({ now: NOW });
  work = tempDir();
  home = path.join(work, 'home');
  enrollTestHome(home, pki, { now: NOW });
  const small = writeTinyExport(path.join(work, 'small'), TINY_PATIENTS.map((p) => ({ ...p, given: 'Patient' })));
  const first = path.join(work, 'first.lantern');
  await buildSnapshot({ pki, out: first, fhirDir: small.fhir, sequence: 1, asOf, now: NOW });
  await ingestSnapshot(home, first, { model: chartModel, clock: () => NOW });
  const many = Array.from({ length: 400 }, (_, i) => ({ id: `m${i}`, family: `Family${i}`, given: 'Patient' }));
  const big = writeTinyExport(path.join(work, 'big'), many);
  second = path.join(work, 'second.lantern');
  await buildSnapshot({ pki, out: second, fhirDir: big.fhir, sequence: 2, chunkSize: 1024, asOf, now: NOW });
});

describe('an ingest killed at any moment', () => {
  it.each(['locked', 'verified', 'writing', 'written', 'checked'])('leaves the previous snapshot in use when killed at %s', async (stage) => {
    await killAt(childArgs(second), stage);
    expectServing(1);
  });

  it('leaves the previous snapshot in use when the lantern ingest command is killed mid-write', async () => {
    await killAt([path.join(REPO_ROOT, 'scripts/lantern.mjs'), 'ingest', second, '--home', home], 'verified');
    expectServing(1);
    await killAt([path.join(REPO_ROOT, 'scripts/lantern.mjs'), 'ingest', second, '--home', home], 'writing');
    expectServing(1);
  });

  it('is complete once switched, and the next ingest clears what the killed ones left', async () => {
    expect(readdirSync(path.join(home, 'snapshots')).length).toBeGreaterThan(1);
    await killAt(childArgs(second), 'switched');
    expectServing(2);
    const { fhir } = writeTinyExport(path.join(work, 'third'), TINY_PATIENTS.map((p) => ({ ...p, given: 'Patient' })));
    const third = path.join(work, 'third.lantern');
    await buildSnapshot({ pki, out: third, fhirDir: fhir, sequence: 3, asOf, now: NOW });
    // 400 patients down to 3: taken on purpose, or it would be held back.
    await ingestSnapshot(home, third, { model: chartModel, clock: () => NOW, acceptDrop: true });
    expectServing(3);
    const state = readState(home);
    expect(readdirSync(path.join(home, 'snapshots')).sort()).toEqual(
      [state.current!.db, ...state.previous.map((r) => r.db)].map((d) => path.basename(d)).sort(),
    );
    expect(existsSync(path.join(home, 'ingest.lock'))).toBe(false);
  });
});
