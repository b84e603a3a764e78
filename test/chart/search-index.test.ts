import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartModel, nameTokens } from '../../electron/core/chart';
import { CANDIDATES } from '../../electron/core/chart/search';
import { generateHospital } from '../../electron/core/demo';
import { buildChartDb, type ChartDb } from '../support/chart-db';
import { exportPatients } from '../support/export';

/**
 * Search over a health system's index: a small hospital plus 9,000 patients with no
 * encounter and often repeated names (some 260 Smiths, more than a name query ranks).
 */
const NOW = new Date('2026-03-01T12:00:00Z');
const LIMIT = 25;
let dir: string;
let h: ChartDb;
let all: Row[];
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lantern-index-'));
  await generateHospital({ outDir: dir, beds: 12, units: 2, days: 1, seed: 'search-index', now: NOW, indexPatients: 9000 });
  h = buildChartDb(dir);
  // The expected answers come from the export the generator wrote, not from the index under test.
  all = exportPatients(dir).map((p) => ({ id: p.id, name: p.name, mrn: p.mrn, birth_date: p.birthDate }));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Row {
  id: string;
  name: string;
  mrn: string;
  birth_date: string;
}
const rows = (): Row[] => all;
const family = (r: Row) => r.name.split(', ')[0]!;
const given = (r: Row) => r.name.split(', ')[1]!.split(' ')[0]!;
const ids = (text: string, limit = LIMIT) => h.queries.search({ text, limit }).map((p) => p.id);
/** Patients whose official name has exactly these family and first given names. */
const named = (f: string, g: string) => rows().filter((r) => family(r) === f && given(r) === g);
/** Patients of the index whose surname occurs once: a query on them has one right answer. */
const rare = () => {
  const count = new Map<string, number>();
  for (const r of rows()) count.set(family(r), (count.get(family(r)) ?? 0) + 1);
  return rows().filter((r) => count.get(family(r)) === 1 && /^[A-Za-z]{6,}$/.test(family(r)));
};

describe('search over a patient index with common names', () => {
  it('holds the index patients with no encounter, and opens their charts', () => {
    expect(h.report.counts['Patient']).toBe(9012);
    expect(h.report.unresolved).toEqual([]);
    expect(h.queries.census({}).beds.filter((b) => b.patient).length).toBe(12);
    const outpatient = rows().at(-1)!;
    const chart = h.queries.chart({ patientId: outpatient.id });
    expect(chart.patient.location).toBeNull();
    expect(chart.encounter).toBeNull();
    expect(chart.encounters).toEqual([]);
    expect(h.queries.search({ text: outpatient.mrn, limit: 5 })).toEqual([
      { id: outpatient.id, name: outpatient.name, mrn: outpatient.mrn, birthDate: outpatient.birth_date, sex: expect.any(String), deceased: false, location: null },
    ]);
  });

  it('gives a full page for a common surname, every hit a patient of that name, in name order', () => {
    const smiths = rows().filter((r) => nameTokens(r.name).includes('smith'));
    expect(smiths.length).toBeGreaterThan(CANDIDATES);
    const hits = h.queries.search({ text: 'Smith', limit: LIMIT });
    expect(hits).toHaveLength(LIMIT);
    expect(hits.every((p) => nameTokens(p.name).includes('smith'))).toBe(true);
    const exact = hits.filter((p) => family({ name: p.name } as Row) === 'Smith').map((p) => p.name);
    expect(exact).toEqual([...exact].sort((a, b) => a.localeCompare(b)));
  });

  it('finds a patient with a common surname by name and birth date, however many share the name', () => {
    // Smiths far down the index, past the name matches a query ranks: the birth date decides.
    const smiths = rows().filter((r) => family(r) === 'Smith');
    const late = smiths.slice(CANDIDATES).filter((r) => rows().filter((x) => x.birth_date === r.birth_date).length <= 5);
    expect(late.length).toBeGreaterThan(10);
    for (const p of late.slice(0, 10)) {
      const [y, m, d] = p.birth_date.split('-');
      expect(ids(`smith ${p.birth_date}`), p.birth_date).toContain(p.id);
      expect(ids(`${given(p)} Smith ${m}/${d}/${y}`)).toContain(p.id);
      expect(ids(`${p.birth_date} Smith`)).toContain(p.id);
    }
  });

  it('finds a patient with a common surname by name and MRN prefix', () => {
    const p = rows().filter((r) => family(r) === 'Smith').at(-1)!;
    expect(ids(`smith ${p.mrn.slice(0, -1)}`)).toContain(p.id);
  });

  it('finds a patient by full name either way round, by a typo and by a three-letter prefix', () => {
    const targets = rare().slice(0, 20);
    expect(targets.length).toBe(20);
    for (const p of targets) {
      const f = family(p);
      const g = given(p);
      expect(ids(`${g} ${f}`), `${g} ${f}`).toContain(p.id);
      expect(ids(`${f}, ${g}`)).toContain(p.id);
      // One edit: two letters swapped, one dropped, one doubled.
      const c = [...f];
      for (const typo of [c[0]! + c[2]! + c[1]! + f.slice(3), f.slice(0, 3) + f.slice(4), f.slice(0, 4) + c[3]! + f.slice(4)]) {
        expect(ids(`${g} ${typo}`), typo).toContain(p.id);
      }
      expect(ids(`${f.slice(0, 3)} ${g}`)).toContain(p.id);
    }
    const prefix = h.queries.search({ text: 'joh', limit: LIMIT });
    expect(prefix).toHaveLength(LIMIT);
    expect(prefix.every((x) => nameTokens(x.name).some((t) => t.startsWith('joh')))).toBe(true);
  });

  it('finds a common full name and ranks exact names first', () => {
    const p = named('Smith', 'James')[0] ?? named('Johnson', 'James')[0]!;
    const words = [given(p).toLowerCase(), family(p).toLowerCase()];
    const hits = h.queries.search({ text: `${given(p)} ${family(p)}`, limit: 200 });
    const same = new Set(named(family(p), given(p)).map((x) => x.id));
    expect(same.size).toBeGreaterThan(1);
    // Every patient of that name, and before them only names with both words exactly.
    const last = Math.max(...[...same].map((id) => hits.findIndex((x) => x.id === id)));
    expect(hits.filter((x) => same.has(x.id))).toHaveLength(same.size);
    expect(hits.slice(0, last + 1).every((x) => words.every((w) => nameTokens(x.name).includes(w)))).toBe(true);
  });

  it('finds by birth date in every format the search accepts, by MRN and MRN prefix, and by bed', () => {
    // Born in 1940-1999, so that a two-digit year reads as 19YY.
    const p = rows().slice(4000).find((r) => r.birth_date >= '1940' && r.birth_date < '2000')!;
    const [y, m, d] = p.birth_date.split('-');
    for (const text of [p.birth_date, `${m}/${d}/${y}`, `${Number(m)}/${Number(d)}/${y}`, `${Number(m)}/${Number(d)}/${y!.slice(2)}`, `${d}.${m}.${y}`]) {
      expect(ids(text, 200), text).toContain(p.id);
    }
    expect(ids(p.mrn)).toEqual([p.id]);
    expect(ids(p.mrn.toLowerCase())).toEqual([p.id]);
    expect(ids(p.mrn.slice(0, -1))).toContain(p.id);
    const inBed = h.queries.census({}).beds.find((b) => b.patient)!;
    expect(ids(inBed.bed)).toEqual([inBed.patient!.id]);
  });

  it('finds a patient by every name the record carries, not only the one shown', () => {
    const t = buildChartDb(
      {
        Patient: [
          { resourceType: 'Patient', id: 'p1', name: [{ use: 'official', family: 'Okafor', given: ['Ann'] }, { use: 'maiden', family: 'Lindqvist' }], birthDate: '1970-05-06' },
          { resourceType: 'Patient', id: 'p2', name: [{ use: 'official', family: 'Lindqvist', given: ['Bo'] }], birthDate: '1971-05-06' },
        ],
      },
      { asOf: NOW.toISOString() },
    );
    expect(t.queries.search({ text: 'lindqvist', limit: 10 }).map((p) => p.id).sort()).toEqual(['p1', 'p2']);
    expect(t.queries.search({ text: 'ann lindqvist', limit: 10 }).map((p) => p.id)).toEqual(['p1']);
    expect(t.queries.search({ text: 'lindqvist 1970-05-06', limit: 10 }).map((p) => p.id)).toEqual(['p1']);
  });

  it('searches a database written before the narrow search table the same way', () => {
    const old = buildChartDb(dir);
    old.db.exec('DROP TABLE patient_search');
    const queries = chartModel.queries(old.db, old.meta, () => NOW);
    const p = rows().filter((r) => family(r) === 'Smith').at(-1)!;
    for (const text of ['Smith', `smith ${p.birth_date}`, `${given(p)} Smiht`, 'joh', p.mrn]) {
      expect(queries.search({ text, limit: LIMIT }).map((x) => x.id), text).toEqual(ids(text));
    }
  });
});
