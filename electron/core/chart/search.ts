import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { PatientSummary } from '../../shared/contract';
import { nameTokens } from './mapper';
import { searchTable } from './tables';
import { NameCorrector, damerau } from './typo';

/**
 * Patient search: by name (exact words, then prefixes, then near spellings), MRN or other
 * identifier, birth date and bed, combined with AND.
 *
 * A health system's index holds thousands of patients with a common surname. A name query
 * takes at most CANDIDATES matches from the full-text index (in its order) and ranks those,
 * so "smith" costs the same as a rare name; the nurse narrows with a first name, a birth date
 * or the MRN. A birth date, MRN or bed in the query is applied first: it leaves a handful of
 * patients, whose names are then checked, so a common name never crowds them out.
 *
 * The ranking reads each candidate's name from patient_search, a narrow table (name, birth
 * date, name tokens) a few MB large at 100,000 patients, rather than from the patient table,
 * whose rows carry the whole record and spread a search's candidates over as many pages.
 */

/** Name matches ranked per query: enough for a ranked first page, bounded for a common name. */
export const CANDIDATES = 200;

/** Part of the chart schema (createSchema). */
export function createSearchSchema(db: Database): void {
  db.exec(searchTable.create);
}

/** The writer's half: one row per Patient row, under the same rowid as the patient and its name index row. */
export function searchRowWriter(db: Database): (rowid: number, name: string, birthDate: string | null, tokens: string) => void {
  const ins = db.prepare(searchTable.insert());
  return (rowid, name, birthDate, tokens) => void ins.run(rowid, name, birthDate, tokens);
}

/** Dates as a nurse types them: 1957-03-04, 03/04/1957, 3/4/57, 04.03.1957. */
export function parseBirthDate(text: string): string | null {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(text))) [mo, d, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text))) [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else return null;
  if (y < 100) y += y > (new Date().getUTCFullYear() % 100) ? 1900 : 2000;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const ftsQuote = (t: string) => `"${t.replace(/"/g, '""')}"`;

interface Candidate {
  rowid: number;
  name: string;
  birth_date: string | null;
  /** Space-separated name tokens (null from a database written before patient_search). */
  tokens: string | null;
}

/** How well a patient's name tokens answer the typed words: 3 a word exact, 2+ a prefix, 1 near. */
function nameScore(mine: string[], words: string[]): number {
  let s = 0;
  for (const w of words) {
    let best = 0;
    for (const t of mine) {
      if (t === w) best = Math.max(best, 3);
      else if (t.startsWith(w)) best = Math.max(best, 2 + w.length / t.length / 2);
      else if (best < 1 && w.length >= 3 && damerau(t, w, 2) <= (w.length >= 6 ? 2 : 1)) best = 1;
    }
    if (best === 0) return 0;
    s += best;
  }
  return s;
}

/**
 * The search function over a chart database; `summaries` turns the chosen rowids (in order)
 * into what the search returns.
 */
export function createSearch(
  db: Database,
  summaries: (rowids: number[]) => PatientSummary[],
): (request: { text: string; limit: number }) => PatientSummary[] {
  // Databases written before the narrow table are read from the patient table instead.
  const narrow = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'patient_search'").get() !== undefined;
  const from = narrow ? 'patient_search' : 'patient';
  const tokens = narrow ? 's.tokens' : 'NULL';
  const byName = db.prepare(
    `SELECT f.rowid AS rowid, s.name, s.birth_date, ${tokens} AS tokens FROM patient_name f JOIN ${from} s ON s.rowid = f.rowid WHERE patient_name MATCH ? LIMIT ?`,
  );
  const byRowid = db.prepare(`SELECT s.rowid AS rowid, s.name, s.birth_date, ${tokens} AS tokens FROM ${from} s WHERE s.rowid = ?`);
  const identExact = db.prepare('SELECT pid FROM ident WHERE value = ? LIMIT 50').pluck();
  const identPrefix = db.prepare('SELECT pid FROM ident WHERE value > ? AND value < ? LIMIT 50').pluck();
  const byBirth = db.prepare('SELECT rowid FROM patient WHERE birth_date = ? LIMIT 200').pluck();
  const byBed = db.prepare(
    'SELECT rowid FROM patient WHERE bed_id IN (SELECT loc_id FROM bed WHERE lower(bed) = ? OR lower(room) = ? OR lower(loc_id) = ?) LIMIT 50',
  ).pluck();
  const byBedPrefix = db.prepare(
    'SELECT rowid FROM patient WHERE bed_id IN (SELECT loc_id FROM bed WHERE lower(bed) LIKE ? ESCAPE \'\\\') LIMIT 50',
  ).pluck();
  const collator = new Intl.Collator();

  let corrector: NameCorrector | null = null;
  const correct = (token: string): string[] => {
    corrector ??= new NameCorrector(db.prepare('SELECT term FROM patient_name_vocab').pluck().all() as string[]);
    return corrector.candidates(token);
  };

  /** Name matches from the full-text index, exact words first, then prefixes, then near spellings, while more are wanted. */
  const nameCandidates = (words: string[], limit: number): Candidate[] => {
    const found = new Map<number, Candidate>();
    const run = (terms: string[][]) => {
      const query = terms.map((alts) => `(${alts.join(' OR ')})`).join(' AND ');
      for (const c of byName.all(query, CANDIDATES) as Candidate[]) if (!found.has(c.rowid)) found.set(c.rowid, c);
    };
    run(words.map((w) => [ftsQuote(w)]));
    if (found.size < limit) run(words.map((w) => [`${ftsQuote(w)}*`]));
    if (found.size < limit) {
      const typo = words.map((w) => [`${ftsQuote(w)}*`, ...correct(w).map(ftsQuote)]);
      if (typo.some((t) => t.length > 1)) run(typo);
    }
    return [...found.values()];
  };

  return function search({ text, limit }) {
    const words = text.trim().split(/[\s,;]+/).filter(Boolean);
    const dates: string[] = [];
    const ids: string[] = [];
    const nameWords: string[] = [];
    for (const w of words) {
      const d = parseBirthDate(w);
      if (d) dates.push(d);
      else if (/\d/.test(w)) ids.push(w.toLowerCase());
      else nameWords.push(...nameTokens(w));
    }

    // Birth dates, identifiers and beds first: each leaves a few patients.
    let filtered: Set<number> | null = null;
    const restrict = (found: number[]) => {
      const set = new Set(found);
      filtered = filtered === null ? set : new Set([...filtered].filter((x) => set.has(x)));
    };
    for (const d of dates) restrict(byBirth.all(d) as number[]);
    for (const id of ids) {
      const found = [...(identExact.all(id) as number[]), ...(byBed.all(id, id, id) as number[])];
      if (!found.length) {
        found.push(...(identPrefix.all(id, `${id}\uffff`) as number[]));
        found.push(...(byBedPrefix.all(`${id.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) as number[]));
      }
      restrict(found);
    }

    let candidates: Candidate[];
    const only = filtered as Set<number> | null;
    if (only !== null) candidates = [...only].map((r) => byRowid.get(r) as Candidate | undefined).filter((c): c is Candidate => c !== undefined);
    else if (nameWords.length) candidates = nameCandidates(nameWords, limit);
    else return [];

    const ranked: Array<{ c: Candidate; s: number }> = [];
    for (const c of candidates) {
      const s = nameWords.length ? nameScore(c.tokens === null ? nameTokens(c.name) : c.tokens.split(' '), nameWords) : 1;
      if (s > 0) ranked.push({ c, s });
    }
    ranked.sort((a, b) => b.s - a.s || collator.compare(a.c.name, b.c.name) || (a.c.birth_date ?? '').localeCompare(b.c.birth_date ?? ''));
    return summaries(ranked.slice(0, limit).map((r) => r.c.rowid));
  };
}
