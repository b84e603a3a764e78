import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConfig, readState } from '../../electron/core/home/layout';
import { openHome } from '../../electron/core/home/open';
import { SnapshotRefusal, type RefusalCode } from '../../electron/core/snapshot/refusal';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { REJECTED_DIR, startInboxAgent } from '../../electron/core/sync/inbox';
import { heldBackNotice } from '../../electron/shared/notices';
import { runCli as run } from '../support/cli';
import {
  DAY_MS,
  TINY_PATIENTS,
  buildSnapshot,
  enrollTestHome,
  homeFingerprint,
  makeTestPki,
  tempDir,
  writeTinyExport,
  type TestPki,
} from '../support/snapshots';
import { chartModel } from '../../electron/core/chart';

// Real time throughout: the lantern commands run here use the real clock.
const NOW = new Date();
const asOf = new Date(NOW.getTime() - 60_000);
const clock = () => NOW;
let pki: TestPki;
let work: string;


const many = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `m${i}`, family: `Family${i}`, given: 'Patient' }));

/** An export of `patients`, optionally without its Observation file's lines. */
function exportOf(name: string, patients = TINY_PATIENTS, options: { observations?: boolean } = {}): string {
  const { fhir } = writeTinyExport(path.join(work, name), patients);
  if (options.observations === false) writeFileSync(path.join(fhir, 'Observation.ndjson'), '');
  return fhir;
}

async function snapshot(name: string, fhirDir: string, sequence: number, extra: { asOf?: Date } = {}): Promise<string> {
  const out = path.join(work, `${name}.lantern`);
  await buildSnapshot({ pki, out, fhirDir, sequence, asOf: extra.asOf ?? asOf, now: NOW });
  return out;
}

async function refusalOf(home: string, file: string, options: { acceptDrop?: boolean; now?: Date } = {}): Promise<SnapshotRefusal> {
  try {
    await ingestSnapshot(home, file, { model: chartModel, clock: () => options.now ?? NOW, acceptDrop: options.acceptDrop });
  } catch (error) {
    if (error instanceof SnapshotRefusal) return error;
    throw error;
  }
  throw new Error('the snapshot was accepted');
}

/** A home holding `patients` (sequence 1) and the full set of types. */
async function homeWith(name: string, patients = TINY_PATIENTS, options: { minPatientFraction?: number; clockSkewMinutes?: number } = {}) {
  const home = path.join(work, name);
  enrollTestHome(home, pki, { now: NOW });
  if (options.minPatientFraction !== undefined || options.clockSkewMinutes !== undefined) {
    const config = readConfig(home);
    const limits = { ...config.limits, ...options };
    writeFileSync(path.join(home, 'home.json'), JSON.stringify({ ...config, limits }));
  }
  await ingestSnapshot(home, await snapshot(`${name}-1`, exportOf(`${name}-export-1`, patients), 1), { model: chartModel, clock });
  return home;
}

beforeAll(() => {
  pki = makeTestPki({ now: new Date(NOW.getTime() - DAY_MS) });
  work = tempDir();
});

describe('a snapshot that loses most of the hospital is held back', () => {
  it('holds back an empty Patient file: the copy in use stays, and status says why and what IT can do', async () => {
    const home = await homeWith('home-empty', many(412));
    const before = homeFingerprint(home);
    const empty = await snapshot('empty', exportOf('export-empty', []), 2);
    const refusal = await refusalOf(home, empty);
    expect(refusal.code).toBe<RefusalCode>('SUSPECT_DROP');
    expect(refusal.exitCode).toBe(28);
    expect(refusal.message).toContain('0 patients where the snapshot in use has 412');
    expect(refusal.message).toContain('no Observation (824 in use)');
    expect(refusal.message).toContain('--accept-drop');

    const state = readState(home);
    expect(state.current?.status.sequence).toBe(1);
    expect(state.highWater).toEqual({ GH: 1 });
    expect(state.heldBack).toMatchObject({ file: 'empty.lantern', sequence: 2, patients: { snapshot: 0, inUse: 412 }, missing: [{ type: 'Observation', inUse: 824 }] });
    // Nothing else in the home changed: no new database, same snapshot in use.
    const withoutNotes = (text: string) => text.replace(/"heldBack":.*?,"highWater"/, '"heldBack":null,"highWater"');
    expect(withoutNotes(homeFingerprint(home))).toBe(before);

    const opened = openHome(home, { model: chartModel, clock });
    try {
      const status = opened.status();
      expect(status.snapshot?.sequence).toBe(1);
      expect(status.heldBack?.sequence).toBe(2);
      expect(heldBackNotice(status.heldBack!)).toMatch(
        /^A new snapshot was held back: it has 0 patients where the copy in use has 412, and no Observation \(824 in the copy in use\) records\. The copy in use is still shown\. IT: .*lantern ingest FILE --home DIR --accept-drop \(FILE: empty\.lantern, sequence 2\)\.$/,
      );
      expect(opened.queries()!.chart({ patientId: 'm411' }).patient.name).toBe('Family411, Patient');
    } finally {
      opened.close();
    }
  });

  it('holds back far fewer patients, before reading any of the payload', async () => {
    const home = await homeWith('home-few', many(12));
    const few = await snapshot('few', exportOf('export-few', many(5)), 2);
    // The same snapshot with its payload damaged: still held back, so its payload was never read.
    const bytes = readFileSync(few);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0x01;
    const damaged = path.join(work, 'few-damaged.lantern');
    writeFileSync(damaged, bytes);
    const refusal = await refusalOf(home, damaged);
    expect(refusal.code).toBe('SUSPECT_DROP');
    expect(refusal.message).toContain('5 patients where the snapshot in use has 12');
    expect(readdirSync(path.join(home, 'snapshots'))).toHaveLength(1);
    // Half of them is still within the default fraction (0.5).
    expect((await ingestSnapshot(home, await snapshot('six', exportOf('export-six', many(6)), 3), { model: chartModel, clock })).record.status.sequence).toBe(3);
  });

  it('holds back a snapshot in which a resource type the copy in use has is gone', async () => {
    const home = await homeWith('home-type');
    const refusal = await refusalOf(home, await snapshot('no-obs', exportOf('export-no-obs', TINY_PATIENTS, { observations: false }), 2));
    expect(refusal.code).toBe('SUSPECT_DROP');
    expect(refusal.message).toContain('(no Observation (6 in use))');
    expect(readState(home).heldBack).toMatchObject({ patients: null, missing: [{ type: 'Observation', inUse: 6 }] });
  });

  it("follows the home's minPatientFraction", async () => {
    const off = await homeWith('home-off', many(10), { minPatientFraction: 0 });
    expect((await ingestSnapshot(off, await snapshot('off-2', exportOf('export-off-2', many(1)), 2), { model: chartModel, clock })).record.status.counts['Patient']).toBe(1);
    const strict = await homeWith('home-strict', many(10), { minPatientFraction: 0.95 });
    expect((await refusalOf(strict, await snapshot('strict-2', exportOf('export-strict-2', many(9)), 2))).code).toBe('SUSPECT_DROP');
  });

  it('is taken on purpose with acceptDrop, and a snapshot taken clears the held-back note', async () => {
    const home = await homeWith('home-accept', many(40));
    const small = await snapshot('accept-2', exportOf('export-accept-2', many(3)), 2);
    await refusalOf(home, small);
    expect(readState(home).heldBack?.sequence).toBe(2);
    const result = await ingestSnapshot(home, small, { model: chartModel, clock, acceptDrop: true });
    expect(result.acceptedDrop).toEqual({ patients: { snapshot: 3, inUse: 40 }, missing: [] });
    const state = readState(home);
    expect(state.current?.status.sequence).toBe(2);
    expect(state.heldBack).toBeNull();
    // From now on the smaller hospital is the measure.
    expect((await ingestSnapshot(home, await snapshot('accept-3', exportOf('export-accept-3', many(3)), 3), { model: chartModel, clock })).acceptedDrop).toBeNull();
  });

  it('lantern ingest exits 28 with the reason, --accept-drop takes it; lantern status says it was held back', async () => {
    const home = path.join(work, 'home-cli');
    enrollTestHome(home, pki, { now: NOW });
    expect((await run(['ingest', await snapshot('cli-1', exportOf('export-cli-1', many(20)), 1), '--home', home])).code).toBe(0);
    const small = await snapshot('cli-2', exportOf('export-cli-2', many(2)), 2);
    const held = await run(['ingest', small, '--home', home]);
    expect(held.code).toBe(28);
    expect(held.err).toContain('Snapshot refused (SUSPECT_DROP)');
    expect(held.err).toContain('2 patients where the snapshot in use has 20');

    const status = await run(['status', '--home', home]);
    expect(status.code).toBe(0);
    expect(status.out).toContain('sequence      1');
    expect(status.out).toContain(
      `HELD BACK     A new snapshot was held back: it has 2 patients where the copy in use has 20. The copy in use is still shown.`,
    );
    expect(status.out).toContain(`lantern ingest FILE --home "${home}" --accept-drop (FILE: cli-2.lantern, sequence 2)`);
    const json = JSON.parse((await run(['status', '--home', home, '--json'])).out) as { heldBack: { sequence: number; patients: unknown } };
    expect(json.heldBack).toMatchObject({ sequence: 2, patients: { snapshot: 2, inUse: 20 } });

    const taken = await run(['ingest', small, '--home', home, '--accept-drop']);
    expect(taken.code).toBe(0);
    expect(taken.out).toContain('Taken on purpose (--accept-drop): 2 patients where the snapshot in use has 20.');
    const after = await run(['status', '--home', home, '--json']);
    expect(JSON.parse(after.out)).toMatchObject({ snapshot: { sequence: 2 }, heldBack: null });
  });

  it('lantern enroll --min-patient-fraction sets the limit in home.json', async () => {
    const home = path.join(work, 'home-enroll');
    const args = ['enroll', '--home', home, '--trust', pki.files.ca, '--cert', pki.files.workstationCert(0), '--key', pki.files.workstationKey(0)];
    const enrolled = await run([...args, '--min-patient-fraction', '0.8']);
    expect(enrolled.code).toBe(0);
    expect(enrolled.out).toContain('under 80% of the patients in use');
    expect(readConfig(home).limits).toEqual({ minPatientFraction: 0.8 });
    for (const bad of ['1.5', 'half', '-0.1']) expect((await run([...args, '--min-patient-fraction', bad])).code, bad).toBe(2);
  });

  it('the inbox files a held-back snapshot under rejected/ with a reason that names the command to take it', async () => {
    const home = await homeWith('home-inbox', many(30));
    const inbox = path.join(work, 'inbox');
    mkdirSync(inbox);
    writeFileSync(path.join(inbox, 'small.lantern'), readFileSync(await snapshot('inbox-2', exportOf('export-inbox-2', many(1)), 2)));
    let rejected: (reason: string) => void = () => {};
    const told = new Promise<string>((resolve) => (rejected = resolve));
    const agent = startInboxAgent({ homeDir: home, inbox, model: chartModel, clock, stabilityMs: 50, onRejected: (_file, reason) => rejected(reason) });
    try {
      expect(await told).toContain('SUSPECT_DROP');
      await agent.idle();
    } finally {
      await agent.close();
    }
    const reason = readFileSync(path.join(inbox, REJECTED_DIR, 'small.lantern.reason.txt'), 'utf8');
    expect(reason).toContain('SUSPECT_DROP');
    expect(reason).toContain('lantern ingest FILE --accept-drop');
    expect(reason).toContain('1 patients where the snapshot in use has 30');
  });
});

describe('lantern publish', () => {
  it('warns when a snapshot holds no patients or is dated ahead of its clock, where it can still be fixed', async () => {
    const publish = (fhir: string, out: string, extra: string[] = []) =>
      run(['publish', '--fhir', fhir, '--cert', pki.files.publisherCert, '--key', pki.files.publisherKey, '--recipient', pki.files.workstationCert(0), '--facility', 'GH', '--sequence', '5', '--out', path.join(work, out), ...extra]);
    const empty = await publish(exportOf('publish-empty', []), 'publish-empty.lantern');
    expect(empty.code).toBe(0);
    expect(empty.err).toContain('Warning: this snapshot holds no Patient resources. Workstations will hold it back (SUSPECT_DROP)');
    const ahead = await publish(exportOf('publish-ahead'), 'publish-ahead.lantern', ['--as-of', new Date(Date.now() + 60 * 60_000).toISOString()]);
    expect(ahead.code).toBe(0);
    expect(ahead.err).toMatch(/Warning: the data-as-of time .* is (59|60) min ahead of this server's clock; workstations refuse it \(FUTURE_AS_OF\)/);
    const fine = await publish(exportOf('publish-fine'), 'publish-fine.lantern');
    expect(fine.err).not.toContain('Warning');
  });
});

describe('a data-as-of time in the future', () => {
  it('is refused beyond the allowed clock skew (FUTURE_AS_OF), and taken within it', async () => {
    const home = await homeWith('home-future');
    const before = homeFingerprint(home);
    const ahead = await snapshot('ahead', exportOf('export-ahead'), 3, { asOf: new Date(NOW.getTime() + 10 * 60_000) });
    const refusal = await refusalOf(home, ahead);
    expect(refusal.code).toBe<RefusalCode>('FUTURE_AS_OF');
    expect(refusal.exitCode).toBe(29);
    expect(refusal.message).toContain("10 min ahead of this workstation's clock");
    expect(refusal.message).toContain('5 min allowed');
    expect(homeFingerprint(home)).toBe(before);
    // A few minutes of skew pass; so does the refused one once the clock has caught up.
    const near = await snapshot('near', exportOf('export-near'), 2, { asOf: new Date(NOW.getTime() + 4 * 60_000) });
    expect((await ingestSnapshot(home, near, { model: chartModel, clock })).record.status.sequence).toBe(2);
    const later = () => new Date(NOW.getTime() + 6 * 60_000);
    expect((await ingestSnapshot(home, ahead, { model: chartModel, clock: later })).record.status.sequence).toBe(3);
  });

  it("follows the home's clockSkewMinutes", async () => {
    const home = await homeWith('home-skew', TINY_PATIENTS, { clockSkewMinutes: 0 });
    const soon = await snapshot('soon', exportOf('export-soon'), 2, { asOf: new Date(NOW.getTime() + 2 * 60_000) });
    expect((await refusalOf(home, soon)).message).toContain('0 min allowed');
    expect((await ingestSnapshot(home, soon, { model: chartModel, clock: () => new Date(NOW.getTime() + 2 * 60_000) })).record.status.sequence).toBe(2);
  });
});
