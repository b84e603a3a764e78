import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartModel } from '../../electron/core/chart';
import { generateHospital } from '../../electron/core/demo';
import { openHome } from '../../electron/core/home/open';
import { PublishError } from '../../electron/core/publisher/publish';
import { SnapshotRefusal } from '../../electron/core/snapshot/refusal';
import Database from 'better-sqlite3-multiple-ciphers';
import { mapLine, packRecords, packedIds } from '../../electron/core/chart/mapper';
import type { ContentWriter, MappedBatch } from '../../electron/core/store/content';
import { IdKeys, idKey } from '../../electron/core/store/id-keys';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { REPO_ROOT } from '../support/fixtures';
import { AS_OF, buildSnapshot, enrollTestHome, homeFingerprint, makeTestPki, tempDir, type TestPki } from '../support/snapshots';

/**
 * One id, one resource: an export that uses one id for two resources of a type (two people,
 * two orders) is refused by the publisher, or settled by it on request (--dedupe newest); a
 * snapshot that still holds such ids is refused by the workstation, on every ingest path.
 */

const NOW = new Date(AS_OF.getTime() + 60 * 60 * 1000);
const clock = () => NOW;

type Resource = Record<string, unknown> & { id: string };
let pki: TestPki;
let work: string;
let base: string;
let patients: Resource[];
let orders: Resource[];

const read = (dir: string, file: string): Resource[] =>
  readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Resource);

/** A copy of the generated export with lines appended to some files (and new files listed in its manifest). */
let variants = 0;
function variant(name: string, append: Record<string, Array<object | string>>): string {
  const dir = path.join(work, `${name}-${++variants}`);
  cpSync(base, dir, { recursive: true });
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { output: Array<{ type: string; url: string }> };
  for (const [file, lines] of Object.entries(append)) {
    const target = path.join(dir, file);
    if (!existsSync(target)) manifest.output.push({ type: file.replace(/[-.].*$/, ''), url: file });
    const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
    writeFileSync(target, (existsSync(target) ? readFileSync(target, 'utf8') : '') + text);
  }
  writeFileSync(manifestFile, JSON.stringify(manifest));
  return dir;
}

const medication = (order: Resource, text: string, lastUpdated?: string): Resource => ({
  ...order,
  ...(lastUpdated ? { meta: { lastUpdated } } : {}),
  medicationCodeableConcept: { text },
});

async function refusal(home: string, file: string, threads: 1 | 2): Promise<SnapshotRefusal> {
  try {
    await ingestSnapshot(home, file, { model: chartModel, clock, threads });
  } catch (error) {
    if (error instanceof SnapshotRefusal) return error;
    throw error;
  }
  throw new Error('the snapshot was accepted');
}

/** A home holding the generated hospital (sequence 1). */
async function homeWithBase(name: string): Promise<string> {
  const home = path.join(work, name);
  enrollTestHome(home, pki);
  const file = path.join(work, `${name}-base.lantern`);
  await buildSnapshot({ pki, out: file, fhirDir: base, sequence: 1 });
  await ingestSnapshot(home, file, { model: chartModel, clock });
  return home;
}

beforeAll(async () => {
  pki = makeTestPki();
  work = tempDir();
  base = path.join(work, 'export');
  await generateHospital({ outDir: base, beds: 6, units: 1, days: 1, seed: 'one-id-one-chart', now: AS_OF });
  patients = read(base, 'Patient.ndjson');
  orders = read(base, 'MedicationRequest.ndjson');
});

/** Patient A's id on patient B, and two orders whose ids come again. */
const mixedExport = () => {
  const [a, b] = patients;
  return variant('mixed', {
    'Patient.ndjson': [{ ...b!, id: a!.id }],
    'MedicationRequest.ndjson': [medication(orders[0]!, 'Second order'), medication(orders[1]!, 'Third order')],
  });
};

describe('one id, one resource: the publisher', () => {
  it('refuses an export that uses one id for two resources of a type, naming the types and counts only', async () => {
    const mixed = mixedExport();
    const [a, b] = patients;
    const mrn = ((b!['identifier'] as Array<{ value: string }>)[0]!).value;
    const family = ((b!['name'] as Array<{ family: string }>)[0]!).family;
    for (const mapper of [undefined, null]) {
      const out = path.join(work, `refused-${mapper === null ? 1 : 2}.lantern`);
      const error = await buildSnapshot({ pki, out, fhirDir: mixed, sequence: 2, mapper }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PublishError);
      const message = (error as Error).message;
      expect(message).toContain('ids that repeat: MedicationRequest 2, Patient 1');
      expect(message).toContain('--dedupe newest');
      for (const phi of [a!.id, mrn, family]) expect(message).not.toContain(phi);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(work).filter((n) => n.endsWith('.partial'))).toEqual([]);
    }
  });

  it('with dedupe newest keeps the copy with the newest meta.lastUpdated, else the later line, and says what it dropped', async () => {
    const [a, b] = patients;
    const [m0, m1, m2] = orders;
    const dir = variant('newest', {
      // The earlier line is the newer: it stays.
      'Patient.ndjson': [{ ...b!, id: a!.id, meta: { lastUpdated: '2026-02-10T00:00:00Z' } }],
      'MedicationRequest.ndjson': [
        medication(m0!, 'Later copy'), // neither has a lastUpdated
        medication(m1!, 'Later of a tie', '2026-02-15T00:00:00+00:00'),
        medication(m2!, 'Later, undated'), // the earlier one has a lastUpdated, this one none
        '{"resourceType": "MedicationRequest", broken',
      ],
    });
    const original = orders.length;
    const people = readFileSync(path.join(dir, 'Patient.ndjson'), 'utf8').split('\n');
    people[0] = JSON.stringify({ ...a!, meta: { ...(a!['meta'] as object), lastUpdated: '2026-02-20T00:00:00Z' } });
    writeFileSync(path.join(dir, 'Patient.ndjson'), people.join('\n'));
    const lines = readFileSync(path.join(dir, 'MedicationRequest.ndjson'), 'utf8').split('\n');
    const fix = (i: number, r: Resource) => (lines[i] = JSON.stringify(r));
    fix(1, medication(m1!, 'Earlier of a tie', '2026-02-15T00:00:00Z'));
    fix(2, medication(m2!, 'Earlier, dated', '2026-02-28T00:00:00Z'));
    writeFileSync(path.join(dir, 'MedicationRequest.ndjson'), lines.join('\n'));
    const brokenLine = original + 4;

    const reference = await homeWithBase('home-newest-reference');
    const expected = openHome(reference, { model: chartModel, clock });
    const nameOfA = expected.queries()!.chart({ patientId: a!.id }).patient.name;
    expected.close();

    for (const mapper of [undefined, null]) {
      let dropped: Record<string, number> = {};
      const out = path.join(work, `newest-${mapper === null ? 1 : 2}.lantern`);
      const manifest = await buildSnapshot({ pki, out, fhirDir: dir, sequence: 1, mapper, dedupe: 'newest', onDropped: (d) => (dropped = d) });
      expect(dropped).toEqual({ MedicationRequest: 3, Patient: 1 });
      expect(manifest.counts['Patient']).toBe(patients.length);
      expect(manifest.counts['MedicationRequest']).toBe(original + 1); // the broken line is still counted
      const home = path.join(work, `home-newest-${mapper === null ? 1 : 2}`);
      enrollTestHome(home, pki);
      const { report } = await ingestSnapshot(home, out, { model: chartModel, clock });
      // Dropped lines are left blank: every other line keeps its number in the export.
      expect(report.malformed).toEqual([{ file: 'MedicationRequest.ndjson', line: brokenLine, reason: 'not valid JSON' }]);
      const opened = openHome(home, { model: chartModel, clock });
      try {
        const q = opened.queries()!;
        expect(q.chart({ patientId: a!.id }).patient.name).toBe(nameOfA);
        const med = (order: Resource) => {
          const pid = ((order['subject'] as { reference: string }).reference).split('/')[1]!;
          return q.chart({ patientId: pid }).medications.filter((m) => m.id === order.id).map((m) => m.medication);
        };
        expect(med(m0!)).toEqual(['Later copy']);
        expect(med(m1!)).toEqual(['Later of a tie']);
        expect(med(m2!)).toEqual(['Later, undated']);
      } finally {
        opened.close();
      }
    }
  });

  it('runs as lantern publish: refused without --dedupe, settled with it', () => {
    const mixed = mixedExport();
    const run = (...extra: string[]) =>
      spawnSync(
        process.execPath,
        [
          path.join(REPO_ROOT, 'scripts/lantern.mjs'), 'publish', '--fhir', mixed, '--cert', pki.files.publisherCert, '--key', pki.files.publisherKey,
          '--recipient', pki.files.workstationCert(0), '--facility', 'GH', '--sequence', '3', '--out', path.join(work, 'cli.lantern'), ...extra,
        ],
        { encoding: 'utf8' },
      );
    const refused = run();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('ids that repeat: MedicationRequest 2, Patient 1');
    expect(existsSync(path.join(work, 'cli.lantern'))).toBe(false);
    const settled = run('--dedupe', 'newest');
    expect(settled.stderr).not.toContain('Error');
    expect(settled.status).toBe(0);
    expect(settled.stdout).toContain('dropped 3 older copies of resources whose id repeats (MedicationRequest 2, Patient 1)');
    expect(run('--dedupe', 'oldest').status).toBe(2);
  });
});

describe('one id, one resource: the workstation', () => {
  it('refuses a snapshot that holds one id twice in a type (DUPLICATE_ID), on every ingest path, and keeps the snapshot in use', async () => {
    const mixed = mixedExport();
    const home = await homeWithBase('home-refuses');
    const before = homeFingerprint(home);
    const mapped = path.join(work, 'dup-mapped.lantern');
    await buildSnapshot({ pki, out: mapped, fhirDir: mixed, sequence: 2, keepRepeatedIds: true });
    const lines = path.join(work, 'dup-lines.lantern');
    await buildSnapshot({ pki, out: lines, fhirDir: mixed, sequence: 2, keepRepeatedIds: true, mapper: null });
    for (const file of [mapped, lines]) {
      for (const threads of [2, 1] as const) {
        const error = await refusal(home, file, threads);
        expect(error.code).toBe('DUPLICATE_ID');
        expect(error.exitCode).toBe(31);
        expect(error.message).toBe(
          'Snapshot refused (DUPLICATE_ID): the snapshot holds two resources of one type with the same id (ids that repeat: MedicationRequest 2, Patient 1).',
        );
        expect(homeFingerprint(home)).toBe(before);
      }
    }
    const opened = openHome(home, { model: chartModel, clock });
    try {
      const status = opened.status();
      expect(status.snapshot?.sequence).toBe(1);
      expect(status.lastRejection?.reason).toContain('(DUPLICATE_ID)');
      const [a] = patients;
      expect(opened.queries()!.chart({ patientId: a!.id }).patient.id).toBe(a!.id);
    } finally {
      opened.close();
    }
  });

  it('refuses a repeat of any type, across the files of a type; the same id in two types is no repeat', async () => {
    const home = await homeWithBase('home-types');
    const practitioner = read(base, 'Practitioner.ndjson')[0]!;
    const observation = read(base, 'Observation.ndjson')[0]!;
    const cases: Array<[string, Record<string, object[]>, string | null]> = [
      ['practitioner', { 'Practitioner.ndjson': [{ ...practitioner, name: [{ family: 'Other' }] }] }, 'Practitioner 1'],
      ['two-files', { 'Observation-2.ndjson': [{ ...observation, valueQuantity: { value: 1 } }] }, 'Observation 1'],
      ['separators', { 'Observation.ndjson': [{ ...observation, id: 'o\u0000\u0001' }, { ...observation, id: 'o\u0000\u0001' }] }, 'Observation 1'],
      ['two-types', { 'Practitioner.ndjson': [{ ...practitioner, id: patients[0]!.id }] }, null],
    ];
    let sequence = 2;
    for (const [name, append, repeated] of cases) {
      const file = path.join(work, `types-${name}.lantern`);
      await buildSnapshot({ pki, out: file, fhirDir: variant(`types-${name}`, append), sequence, keepRepeatedIds: true });
      if (repeated === null) {
        await ingestSnapshot(home, file, { model: chartModel, clock });
        sequence++;
        continue;
      }
      for (const threads of [2, 1] as const) {
        const error = await refusal(home, file, threads);
        expect(error.code, name).toBe('DUPLICATE_ID');
        expect(error.detail, name).toBe(`ids that repeat: ${repeated}`);
      }
    }
  });
});

describe('the chart writer', () => {
  const meta = { facility: { id: 'GH', name: 'General Hospital' }, units: [], asOf: AS_OF.toISOString(), expiresAt: AS_OF.toISOString(), sequence: 1 };
  const line = (type: string, id: string) => JSON.stringify({ resourceType: type, id, subject: { reference: 'Patient/p1' }, valueString: id });
  /** Records packed as the ingest worker packs what it mapped, with their ids noted as it notes them. */
  const readElsewhere = (type: string, ids: string[], watch: IdKeys): MappedBatch => {
    const records = ids.map((id, i) => mapLine(type, line(type, id), i + 1));
    for (const r of records) watch.note(type, chartModel.mapper!.id!(r)!);
    return { type, file: `${type}.ndjson`, packed: packRecords(records), idsSeen: true };
  };
  const run = (feed: (w: ContentWriter) => void) => {
    const db = new Database(':memory:');
    try {
      chartModel.createSchema(db);
      const writer = chartModel.writer(db, meta);
      writer.resource('Patient', JSON.stringify({ resourceType: 'Patient', id: 'p1' }), { file: 'Patient.ndjson', line: 1 });
      feed(writer);
      return writer.finish().duplicates ?? {};
    } finally {
      db.close();
    }
  };

  it('finds a repeat between what the reading thread noted and what it mapped itself, and within either', () => {
    const across = run((w) => {
      const watch = new IdKeys();
      w.mapped!(readElsewhere('Observation', ['o1', 'o2', 'ctl\u0000\u0002'], watch));
      w.resource('Observation', line('Observation', 'ctl\u0000\u0002'), { file: 'Observation.ndjson', line: 9 });
      w.resource('Observation', line('Observation', 'o3'), { file: 'Observation.ndjson', line: 10 });
      w.seenIds!(watch.seen());
    });
    expect(across).toEqual({ Observation: 1 });
    const within = run((w) => {
      const watch = new IdKeys();
      w.mapped!(readElsewhere('Observation', ['o1', 'o2'], watch));
      w.mapped!(readElsewhere('Observation', ['o2', 'o1'], watch));
      w.seenIds!(watch.seen());
    });
    expect(within).toEqual({ Observation: 2 });
    const none = run((w) => {
      const watch = new IdKeys();
      w.mapped!(readElsewhere('Observation', ['o1', 'o2'], watch));
      w.resource('Observation', line('Observation', 'o3'), { file: 'Observation.ndjson', line: 9 });
      w.resource('Procedure', line('Procedure', 'o1'), { file: 'Procedure.ndjson', line: 1 });
      w.seenIds!(watch.seen());
    });
    expect(none).toEqual({});
  });

  it('will not finish when ids were noted elsewhere and never arrived', () => {
    expect(() => run((w) => w.mapped!(readElsewhere('Observation', ['o1'], new IdKeys())))).toThrow(/did not reach the writer/);
  });

  it('finds the ids of packed records where the ingest worker reads them, ids holding separators too', () => {
    const records = [mapLine('Observation', line('Observation', 'plain'), 1), mapLine('Observation', '{broken', 2), mapLine('Observation', line('Observation', 'a\u0000b\u0001'), 3)];
    const found: string[] = [];
    packedIds(packRecords(records), (text, start, end) => found.push(text.slice(start, end)));
    expect(found).toEqual(['plain', 'a\u0000b\u0001']);
  });
});

describe('IdKeys', () => {
  it('finds exactly the pairs noted more than once, by one reader or two together', () => {
    const one = new IdKeys(16);
    for (let i = 0; i < 200_000; i++) one.note('Patient', `id-${i}`);
    one.note('Observation', 'id-5'); // the same id in another type is another pair
    expect(one.size).toBe(200_001);
    expect(one.repeated().size).toBe(0);
    one.note('Patient', 'xid-7x', 1, 5); // id-7, from the middle of a text
    expect([...one.repeated()]).toEqual([idKey('Patient', 'id-7')]);
    const other = new IdKeys();
    other.note('Observation', 'id-5');
    other.note('Observation', 'id-6');
    const mine = new IdKeys();
    mine.note('Observation', 'id-6');
    expect([...mine.repeated(other.seen())]).toEqual([idKey('Observation', 'id-6')]);
  });
});
