import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartMapper } from '../../electron/core/chart/mapper';
import { generateHospital, type GenerateSummary } from '../../electron/core/demo';
import { PublisherState } from '../../electron/core/publisher/pull/state';
import { MAPPED_KEY } from '../../electron/core/publisher/mapped-files';
import { partitionExport } from '../../electron/core/publisher/scope';
import type { ContentMapper } from '../../electron/core/store/content';
import { buildSnapshot, makeTestPki, tempDir, type TestPki } from '../support/snapshots';

// The records the publisher keeps beside its own folders' lines must change nothing a
// workstation receives: every snapshot made from them is, entry for entry (bytes and SHA-256),
// the snapshot made by mapping the lines, and records of another mapper, or not the lines'
// own, are never taken.

const NOW = new Date('2026-11-30T12:00:00.000Z');

let pki: TestPki;
let hospital: GenerateSummary;
let work: string;
let exportDir: string;

beforeAll(async () => {
  work = tempDir('publisher-mapped-');
  pki = makeTestPki({ workstations: 1, now: new Date(NOW.getTime() - 86_400_000) });
  exportDir = path.join(work, 'export');
  hospital = await generateHospital({ outDir: exportDir, beds: 12, units: 2, days: 1, now: NOW, seed: 'mapped' });
});

/** The chart's mapper under another name or not, counting the lines it maps. */
function counting(revision = chartMapper.revision): ContentMapper & { calls: number } {
  const m = { ...chartMapper, revision, calls: 0, map: (type: string, json: string, line: number) => (m.calls++, chartMapper.map(type, json, line)) };
  return m as unknown as ContentMapper & { calls: number };
}

/** The merged export of a state that took the hospital's export with `mapper`. */
async function merged(name: string, mapper: ContentMapper): Promise<{ dir: string; state: PublisherState }> {
  const state = PublisherState.open(path.join(work, `${name}-state`));
  await state.apply(exportDir, { full: true, now: NOW, mapper });
  const dir = path.join(work, name);
  state.writeExport(dir, mapper);
  return { dir, state };
}

/** The same folder without the records beside its lines (as an export from the EHR comes). */
function linesOnly(dir: string): string {
  const copy = `${dir}-lines`;
  cpSync(dir, copy, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(copy, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  delete manifest[MAPPED_KEY];
  writeFileSync(path.join(copy, 'manifest.json'), JSON.stringify(manifest));
  return copy;
}

async function entries(dir: string, mapper: ContentMapper, out: string) {
  const manifest = await buildSnapshot({ pki, out: path.join(work, `${out}.lantern`), fhirDir: dir, sequence: 1, mapper });
  return manifest.entries;
}

const files = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));

describe('mapped records beside the lines', () => {
  it('give the very snapshot that mapping the lines gives, with no line mapped; the scope gives each unit the same files either way', async () => {
    const { dir, state } = await merged('merged', chartMapper);
    state.close();
    expect(readdirSync(dir)).toContain('Observation.mapped');

    const fromRecords = counting();
    const taken = await entries(dir, fromRecords, 'house-records');
    const mapping = counting();
    const mapped = await entries(linesOnly(dir), mapping, 'house-lines');
    expect(fromRecords.calls).toBe(0);
    expect(mapping.calls).toBe(hospital.resources);
    expect(taken).toEqual(mapped);
    expect(taken.filter((e) => e.kind === 'mapped').length).toBeGreaterThan(10);

    // The scope: from the records beside the merged export, and by mapping its lines.
    const units = hospital.units.map((u) => ({ id: u.id, name: u.name }));
    const scoped = await partitionExport(dir, units, path.join(work, 'units-records'));
    const scopedLines = await partitionExport(linesOnly(dir), units, path.join(work, 'units-lines'));
    for (const u of units) {
      const a = scoped.units.get(u.id)!;
      const b = scopedLines.units.get(u.id)!;
      expect(a.resources).toBeGreaterThan(100);
      expect({ ...a, dir: '' }).toEqual({ ...b, dir: '' });
      expect(files(a.dir)).toEqual(files(b.dir));
      const unitRecords = counting();
      const unitTaken = await entries(a.dir, unitRecords, `unit-records-${u.id}`);
      const unitMapping = counting();
      const unitMapped = await entries(linesOnly(a.dir), unitMapping, `unit-lines-${u.id}`);
      expect(unitRecords.calls).toBe(0);
      expect(unitMapping.calls).toBe(a.resources);
      expect(unitTaken).toEqual(unitMapped);
    }
  });

  it("are another mapper's after a change of revision: the state maps everything again, and a snapshot never takes another's records", async () => {
    const { dir, state } = await merged('revision', chartMapper);
    const next = counting('next');
    // An incremental pull with nothing in it, merged by the new revision: all of it mapped again.
    const empty = path.join(work, 'empty-pull');
    cpSync(exportDir, empty, { recursive: true, filter: (f) => !f.endsWith('.ndjson') });
    const manifest = JSON.parse(readFileSync(path.join(empty, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(empty, 'manifest.json'), JSON.stringify({ ...manifest, output: [] }));
    await state.apply(empty, { full: false, now: NOW, mapper: next });
    expect(next.calls).toBe(hospital.resources);
    state.writeExport(dir, next);
    state.close();
    expect((JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, { mapper: string }>)[MAPPED_KEY]!.mapper).toBe('chart/next');

    // The chart's own revision does not take them: it maps the lines.
    const own = counting();
    const e = await entries(dir, own, 'revision-own');
    expect(own.calls).toBe(hospital.resources);
    expect(e.filter((x) => x.kind === 'mapped').every((x) => x.kind === 'mapped' && x.mapper === `chart/${chartMapper.revision}`)).toBe(true);
    expect(e).toEqual(await entries(linesOnly(dir), counting(), 'revision-lines'));
    const taken = counting('next');
    await entries(dir, taken, 'revision-next');
    expect(taken.calls).toBe(0);
  });

  it('are not taken when they are not the lines\' own: an NDJSON file changed since, a record missing or records out of order', async () => {
    const { dir, state } = await merged('stale', chartMapper);
    state.close();
    const lines = linesOnly(dir);
    // A resource added to the lines after the records were made: the sizes differ.
    const extra = `${JSON.stringify({ resourceType: 'Practitioner', id: 'late', name: [{ family: 'Late' }] })}\n`;
    for (const d of [dir, lines]) writeFileSync(path.join(d, 'Practitioner.ndjson'), readFileSync(path.join(d, 'Practitioner.ndjson'), 'utf8') + extra);
    const changed = counting();
    const e = await entries(dir, changed, 'stale-size');
    expect(changed.calls).toBeGreaterThan(0);
    expect(e).toEqual(await entries(lines, counting(), 'stale-size-lines'));

    // Records not the lines' own, the NDJSON as it was: the lines are mapped.
    const damages: Record<string, (records: string[]) => string[]> = {
      Patient: (records) => records.slice(1), // the first one gone: every other a line early
      Condition: ([first, second, ...others]) => [second!, first!, ...others], // as many as the lines, out of order
    };
    const units = hospital.units.map((u) => ({ id: u.id, name: u.name }));
    for (const [type, damage] of Object.entries(damages)) {
      const { dir: bad, state: s2 } = await merged(`bad-${type}`, chartMapper);
      s2.close();
      expect(readFileSync(path.join(bad, `${type}.ndjson`), 'utf8').split('\n').filter(Boolean).length).toBeGreaterThan(2);
      writeFileSync(path.join(bad, `${type}.mapped`), damage(readFileSync(path.join(bad, `${type}.mapped`), 'utf8').split('\u0001')).join('\u0001'));
      const badCount = counting();
      const badEntries = await entries(bad, badCount, `bad-${type}`);
      expect(badCount.calls).toBe(hospital.resources);
      expect(badEntries).toEqual(await entries(linesOnly(bad), counting(), `bad-${type}-lines`));
      // The scope too maps the lines itself, and places every resource as before.
      const scoped = await partitionExport(bad, units, path.join(work, `units-bad-${type}`));
      const clean = await partitionExport(linesOnly(bad), units, path.join(work, `units-bad-${type}-lines`));
      for (const u of units) expect(files(scoped.units.get(u.id)!.dir)).toEqual(files(clean.units.get(u.id)!.dir));
    }
  });
});
