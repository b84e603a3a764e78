// Search over the whole patient index, by kind of query: inputs drawn from the generated
// Patient resources (so a common surname is asked for as often as it occurs), timed in the
// bench's process on the ingested home.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { HomeQueries, PatientSummary } from '../../electron/shared/contract';
import { SEARCH_LIMIT } from '../../electron/shared/defaults';
import { timeEach, type Percentiles } from './measure';

/** What a query needs to know about the patient it was made from. */
export interface IndexPatient {
  id: string;
  family: string;
  given: string;
  mrn: string;
  birthDate: string;
}

/** Queries per kind. */
export const PER_KIND = 2000;

/** A small deterministic generator (the bench's draws are the same from run to run). */
const lcg = (seed: number) => {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
};

/** A uniform sample of up to n patients of Patient.ndjson (reservoir sampling: one pass, n kept). */
export async function sampleIndex(exportDir: string, n: number): Promise<{ total: number; sample: IndexPatient[] }> {
  const random = lcg(0x1de);
  const sample: IndexPatient[] = [];
  let total = 0;
  const lines = createInterface({ input: createReadStream(path.join(exportDir, 'Patient.ndjson')), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    total++;
    const slot = total <= n ? total - 1 : Math.floor(random() * total);
    if (slot >= n) continue;
    const r = JSON.parse(line) as {
      id: string;
      name?: { family?: string; given?: string[] }[];
      identifier?: { value?: string }[];
      birthDate?: string;
    };
    const name = r.name?.[0];
    sample[slot] = {
      id: r.id,
      family: name?.family ?? '',
      given: name?.given?.[0] ?? '',
      mrn: r.identifier?.[0]?.value ?? '',
      birthDate: r.birthDate ?? '',
    };
  }
  return { total, sample };
}

/** One edit of a word, away from its first letter: swap, substitution, deletion or insertion. */
export function oneEdit(word: string, pick: number): string {
  const letters = [...word];
  if (letters.length < 4) return word;
  const at = 1 + (pick % (letters.length - 2));
  const c = letters[at] as string;
  switch (pick % 4) {
    case 0:
      [letters[at], letters[at + 1]] = [letters[at + 1] as string, c];
      break;
    case 1:
      letters[at] = c === 'e' ? 'a' : 'e';
      break;
    case 2:
      letters.splice(at, 1);
      break;
    default:
      letters.splice(at, 0, c);
  }
  return letters.join('');
}

/** Birth dates the way nurses type them, in turn: 1957-03-04, 03/04/1957, 3/4/57, 04.03.1957. */
export function birthDateAs(iso: string, format: number): string {
  const [y = '', m = '', d = ''] = iso.split('-');
  switch (format % 4) {
    case 0:
      return iso;
    case 1:
      return `${m}/${d}/${y}`;
    case 2:
      return `${Number(m)}/${Number(d)}/${y.slice(2)}`;
    default:
      return `${d}.${m}.${y}`;
  }
}

export interface SearchCase {
  text: string;
  /** The patient the query was made from. */
  id: string;
}

export const SEARCH_KINDS = ['full name', 'surname', 'prefix', 'typo', 'MRN', 'MRN prefix', 'birth date', 'name + birth date', 'bed'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** PER_KIND queries of each kind, cycling through the sample (and the admitted patients for beds). */
export function searchCases(sample: IndexPatient[], admitted: PatientSummary[], perKind = PER_KIND): Record<SearchKind, SearchCase[]> {
  const cases = Object.fromEntries(SEARCH_KINDS.map((k) => [k, [] as SearchCase[]])) as Record<SearchKind, SearchCase[]>;
  const named = sample.filter((p) => p.family && p.given);
  const typed = named.filter((p) => [...p.family].length >= 4);
  const dated = sample.filter((p) => p.birthDate);
  const withMrn = sample.filter((p) => p.mrn.length > 4);
  const inBeds = admitted.filter((p) => p.location?.bed);
  const at = <T>(list: T[], i: number) => list[i % list.length] as T;
  for (let i = 0; i < perKind; i++) {
    if (named.length) {
      const p = at(named, i);
      cases['full name'].push({ text: i % 2 ? `${p.family}, ${p.given}` : `${p.given} ${p.family}`, id: p.id });
      cases['surname'].push({ text: p.family, id: p.id });
      cases['prefix'].push({ text: [...p.family].slice(0, 3).join(''), id: p.id });
    }
    if (typed.length) {
      const p = at(typed, i);
      const typo = oneEdit(p.family, i);
      cases['typo'].push({ text: i % 2 ? `${p.given} ${typo}` : typo, id: p.id });
    }
    if (withMrn.length) {
      const p = at(withMrn, i);
      cases['MRN'].push({ text: i % 2 ? p.mrn.toLowerCase() : p.mrn, id: p.id });
      cases['MRN prefix'].push({ text: p.mrn.slice(0, -2), id: p.id });
    }
    if (dated.length) {
      const p = at(dated, i);
      cases['birth date'].push({ text: birthDateAs(p.birthDate, i), id: p.id });
      const q = at(named.length ? named : dated, i);
      if (q.birthDate) cases['name + birth date'].push({ text: `${q.family} ${birthDateAs(q.birthDate, i)}`, id: q.id });
    }
    if (inBeds.length) {
      const p = at(inBeds, i);
      cases['bed'].push({ text: p.location!.bed!, id: p.id });
    }
  }
  return cases;
}

export interface SearchKindResult extends Percentiles {
  kind: SearchKind;
  /** Share of queries whose source patient is among the results (at most SEARCH_LIMIT). */
  found: number;
  /** Mean number of results. */
  results: number;
}

export interface IndexSearchReport {
  /** Patients in the index (in beds and not). */
  patients: number;
  /** The first search that needs near spellings: it loads the index's name vocabulary. */
  firstTypoMs: number;
  /** The JavaScript heap that first typo search left in use (the vocabulary's typo index), in MB. */
  typoIndexHeapMb: number;
  kinds: SearchKindResult[];
}

/** A full garbage collection, so that a heap figure is what stays in use (the bench runs without --expose-gc). */
function collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * The first typo search, cold: it loads the name vocabulary and builds the typo index. Timed
 * before any other query, and with the heap it leaves in use.
 */
export function firstTypoSearch(queries: HomeQueries, cases: Record<SearchKind, SearchCase[]>): { firstTypoMs: number; typoIndexHeapMb: number } {
  const first = cases['typo'][0];
  if (!first) return { firstTypoMs: 0, typoIndexHeapMb: 0 };
  collect();
  const heap = process.memoryUsage().heapUsed;
  const started = performance.now();
  queries.search({ text: first.text, limit: SEARCH_LIMIT });
  const firstTypoMs = performance.now() - started;
  collect();
  return { firstTypoMs, typoIndexHeapMb: (process.memoryUsage().heapUsed - heap) / (1024 * 1024) };
}

/** Every kind after a warm-up: p50/p99, and how often the patient meant is found. */
export function searchByKind(queries: HomeQueries, cases: Record<SearchKind, SearchCase[]>): SearchKindResult[] {
  const kinds: SearchKindResult[] = [];
  for (const kind of SEARCH_KINDS) {
    const list = cases[kind];
    if (!list.length) continue;
    let found = 0;
    let results = 0;
    const timed = timeEach(list, (c) => queries.search({ text: c.text, limit: SEARCH_LIMIT }));
    // Counted outside the timed calls, once per query.
    for (const c of list) {
      const hits = queries.search({ text: c.text, limit: SEARCH_LIMIT });
      results += hits.length;
      if (hits.some((h) => h.id === c.id)) found++;
    }
    kinds.push({ kind, ...timed, found: found / list.length, results: results / list.length });
  }
  return kinds;
}
