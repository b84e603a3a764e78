import type { Database, Statement } from 'better-sqlite3-multiple-ciphers';
import type { ContentProblem, ContentReport, ContentWriter, MappedBatch, ProtocolFile, SnapshotMeta, SourceRef, WriterOptions } from '../store/content';
import { htmlToText } from '../fhir/util';
import { IdKeys, idKey, type SeenIds } from '../store/id-keys';
import { cutRecord, recordOver, sizeText } from './limit';
import { R, S } from './codes';
import { SCHEMA_VERSION, mapLine, unpackRecords, type ChartRecord, type LocationInfo } from './mapper';
import { createSearchSchema, searchRowWriter } from './search';
import {
  ENTITY, ENTITY_STORED, ITEM, ITEM_STORED, PATIENT, PATIENT_STORED, bedTable, chartMeta, entityTable, identTable, itemTable, patientTable,
  protocolTable, typeCountTable, unitTable,
} from './tables';
import { createCensusPlaceSchema, placePatients, type ActiveEncounter } from './census-place';
import { isUnitParent } from './facts/placement';

export { nameTokens, SCHEMA_VERSION } from './mapper';

/**
 * Tables of the chart model, as chart/tables.ts describes them. Indexes are made in finish(),
 * after the bulk load, except the item index (see below).
 *  patient  one row per Patient (search columns + the PatientDetail as JSON)
 *  item     one row per patient-linked resource: its chart section, sort keys, the contract
 *           object as JSON (or the raw JSON for unmapped types)
 *  entity   resources about no patient (Practitioner, Organization, Location, Medication, ...)
 *  bed      bed locations resolved through Location.partOf (bed -> room -> unit)
 *  patient_search  name, birth date and name tokens of each patient, for ranking (search.ts)
 *  census_group, census_place  where each patient without a bed is listed (census-place.ts)
 */
export function createSchema(db: Database): void {
  db.exec(`
    ${[chartMeta, patientTable, identTable, itemTable, entityTable, bedTable, unitTable, typeCountTable, protocolTable].map((t) => `${t.create};`).join('\n    ')}
    CREATE VIRTUAL TABLE patient_name USING fts5(tokens, content='', columnsize=0, detail=none,
      prefix='1 2 3', tokenize="unicode61 remove_diacritics 2");
    CREATE VIRTUAL TABLE patient_name_vocab USING fts5vocab(patient_name, 'row');
    CREATE VIRTUAL TABLE protocol_text USING fts5(title, body, tokenize="porter unicode61 remove_diacritics 2");
    -- Built during the load, not after it: the index is small and stays in the page cache,
    -- while building it afterwards would read the whole (encrypted) item table back.
    CREATE INDEX item_patient ON item(pkey, section);
  `);
  createSearchSchema(db);
  createCensusPlaceSchema(db);
}

/** Where the stored columns start in each record: they follow in the table's order (chart/tables.ts). */
const PATIENT_FIRST = PATIENT.at[PATIENT_STORED[0]];
const ENTITY_FIRST = ENTITY.at[ENTITY_STORED[0]];
const ITEM_FIRST = ITEM.at[ITEM_STORED[0]];

const MAX_REPORTED = 1000;

export function createWriter(db: Database, meta: SnapshotMeta, options: WriterOptions = {}): ContentWriter {
  // One argument list per statement, filled for each row: the stored columns of a record in
  // the table's order, after those the writer adds.
  const insItem = db.prepare(itemTable.insert(['pkey', 'type', 'src', 'line', 'id', ...ITEM_STORED]));
  const itemArgs: unknown[] = new Array(5 + ITEM_STORED.length).fill(null);
  const insPatient = db.prepare(patientTable.insert(['pkey', ...PATIENT_STORED]));
  const patientArgs: unknown[] = new Array(1 + PATIENT_STORED.length).fill(null);
  const insEntity = db.prepare(entityTable.insert(['type', ...ENTITY_STORED]));
  const entityArgs: unknown[] = new Array(1 + ENTITY_STORED.length).fill(null);
  const insIdent = db.prepare(identTable.insert());
  const insName = db.prepare('INSERT INTO patient_name(rowid,tokens) VALUES (?,?)');
  const insSearch = searchRowWriter(db);
  const insProtocol = db.prepare(protocolTable.insert());
  const insProtocolText = db.prepare('INSERT INTO protocol_text(rowid,title,body) VALUES (?,?,?)');

  const counts = new Map<string, number>();
  const files: string[] = [];
  const fileIndex = new Map<string, number>();
  const malformed: ContentProblem[] = [];
  let malformedTotal = 0;
  const unresolved: ContentProblem[] = [];
  let unresolvedTotal = 0;
  const patientIds = new Set<string>();
  /** Referenced patient id -> [key, resources referring to it]. */
  const prefs = new Map<string, [number, number]>();
  const keyOf = (pref: string): [number, number] => {
    let k = prefs.get(pref);
    if (!k) prefs.set(pref, (k = [prefs.size + 1, 0]));
    return k;
  };
  const locations = new Map<string, LocationInfo>();
  const maxField = options.maxFieldBytes ?? Infinity;
  const truncated: ContentProblem[] = [];
  let truncatedValues = 0;
  let truncatedTotal = 0;
  /**
   * Every (type, id) stored, as a hash, to find ids that repeat in finish() (and confirm them
   * against the tables). Records whose ids the ingest worker noted as it read them
   * (batch.idsSeen) are not hashed again here: what it saw comes to seenIds().
   */
  const watch = new IdKeys();
  let elsewhere: SeenIds | null = null;
  let seenElsewhere = false;
  /** Active encounters, for placing patients in beds (finish) without reading items back. */
  const encounters: ActiveEncounter[] = [];
  let protocols = 0;

  const problem = (list: ContentProblem[], p: ContentProblem) => {
    if (list.length < MAX_REPORTED) list.push(p);
  };
  const src = (file: string): number => {
    let i = fileIndex.get(file);
    if (i === undefined) {
      i = files.length;
      files.push(file);
      fileIndex.set(file, i);
    }
    return i;
  };

  /** The stateful half: patient keys, counts, locations and problems, then the row. */
  const store = (type: string, file: string, rec: ChartRecord, idsSeen: boolean): void => {
    if (rec[0] === R.MALFORMED) {
      malformedTotal++;
      problem(malformed, { file, line: rec[1], reason: rec[2] });
      return;
    }
    if (maxField !== Infinity && recordOver(rec, maxField)) {
      const cut = cutRecord(rec, maxField);
      rec = cut.record;
      truncatedValues += cut.values;
      truncatedTotal++;
      problem(truncated, { file, line: rec[1], reason: `${type}: ${cut.values} value(s) over ${sizeText(maxField)} cut (the longest ${sizeText(cut.largest)})` });
    }
    if (!idsSeen) watch.note(type, rec[2]);
    counts.set(type, (counts.get(type) ?? 0) + 1);
    switch (rec[0]) {
      case R.PATIENT: {
        const id = rec[PATIENT.at.id];
        const tokens = rec[PATIENT.at.tokens];
        patientArgs[0] = keyOf(id)[0];
        for (let i = 0; i < PATIENT_STORED.length; i++) patientArgs[1 + i] = rec[PATIENT_FIRST + i];
        const rowid = Number(insPatient.run(patientArgs).lastInsertRowid);
        insName.run(rowid, tokens);
        insSearch(rowid, rec[PATIENT.at.name], rec[PATIENT.at.birth_date], tokens);
        for (const v of rec[PATIENT.at.idents]) insIdent.run(v, rowid);
        patientIds.add(id);
        return;
      }
      case R.ENTITY: {
        const location = rec[ENTITY.at.location];
        entityArgs[0] = type;
        for (let i = 0; i < ENTITY_STORED.length; i++) entityArgs[1 + i] = rec[ENTITY_FIRST + i];
        insEntity.run(entityArgs);
        if (location) locations.set(rec[ENTITY.at.id], location);
        return;
      }
      case R.ITEM: {
        const line = rec[ITEM.at.line];
        const id = rec[ITEM.at.id];
        const pref = rec[ITEM.at.patient];
        const why = rec[ITEM.at.problem];
        let pkey: number | null = null;
        if (pref !== null) {
          const k = keyOf(pref);
          k[1]++;
          pkey = k[0];
        } else {
          unresolvedTotal++;
          problem(unresolved, { file, line, reason: why ?? `${type}: no patient` });
        }
        itemArgs[0] = pkey;
        itemArgs[1] = type;
        itemArgs[2] = src(file);
        itemArgs[3] = line;
        itemArgs[4] = id;
        for (let i = 0; i < ITEM_STORED.length; i++) itemArgs[5 + i] = rec[ITEM_FIRST + i];
        insItem.run(itemArgs);
        const places = rec[ITEM.at.locations];
        if (rec[ITEM.at.section] === S.ENCOUNTER && rec[ITEM.at.active] === 1 && pref !== null && places !== null) {
          encounters.push({ pref, id, at: rec[ITEM.at.at], locations: places, data: rec[ITEM.at.data] });
        }
        return;
      }
      default:
        rec satisfies never;
    }
  };

  return {
    resource(type: string, json: string, source: SourceRef): void {
      if (json.trim() === '') return;
      store(type, source.file, mapLine(type, json, source.line), false);
    },

    mapped(batch: MappedBatch): void {
      const seen = batch.idsSeen === true;
      seenElsewhere ||= seen;
      for (const record of unpackRecords(batch.packed)) store(batch.type, batch.file, record, seen);
    },

    seenIds(seen: SeenIds): void {
      elsewhere = seen;
    },

    protocol(doc: ProtocolFile): void {
      const text = doc.kind === 'pdf' ? null : doc.bytes.toString('utf8');
      const info = insProtocol.run(doc.path, doc.title, doc.category, doc.kind, doc.bytes.length, text, doc.kind === 'pdf' ? doc.bytes : null);
      const body = text === null ? pdfText(doc.bytes) : doc.kind === 'html' ? htmlToText(text) : text;
      insProtocolText.run(Number(info.lastInsertRowid), doc.title, `${doc.category} ${body}`);
      protocols++;
    },

    finish(): ContentReport {
      if (seenElsewhere && !elsewhere) throw new Error('the ids noted by the thread that read the snapshot did not reach the writer');
      const suspects = watch.repeated(...(elsewhere ? [elsewhere] : []));
      const duplicates = suspects.size ? confirmDuplicates(db, suspects) : {};
      if (Object.keys(duplicates).length) {
        // Refused by the pipeline: none of the rest matters, and the unique indexes would fail.
        return { counts: Object.fromEntries(counts), malformed, unresolved, protocols, duplicates };
      }
      db.exec(`
        CREATE UNIQUE INDEX patient_id ON patient(id);
        CREATE INDEX patient_key ON patient(pkey);
        CREATE INDEX patient_birth ON patient(birth_date);
        CREATE INDEX patient_bed ON patient(bed_id);
        CREATE INDEX ident_value ON ident(value);
        CREATE UNIQUE INDEX entity_id ON entity(id, type);
      `);
      // Patients the extract refers to but does not contain: report every such resource.
      const bySource = db.prepare('SELECT type, src, line FROM item WHERE pkey = ?');
      for (const [pref, [key, n]] of prefs) {
        if (patientIds.has(pref) || n === 0) continue;
        unresolvedTotal += n;
        for (const row of bySource.iterate(key) as Iterable<{ type: string; src: number; line: number }>) {
          problem(unresolved, { file: files[row.src] ?? '?', line: row.line, reason: `${row.type}: patient ${pref.slice(0, 80)} is not in the extract` });
        }
      }
      buildBeds(db, locations, meta);
      placePatients(db, encounters.filter((e) => patientIds.has(e.pref)), locations);
      const insCount = db.prepare(typeCountTable.insert());
      for (const [t, n] of counts) insCount.run(t, n);
      const setMeta = db.prepare(chartMeta.insert(undefined, 'INSERT OR REPLACE'));
      setMeta.run('schemaVersion', String(SCHEMA_VERSION));
      setMeta.run('asOf', meta.asOf);
      db.exec("INSERT INTO patient_name(patient_name) VALUES ('optimize')");
      if (malformedTotal > malformed.length) malformed.push({ file: '*', line: 0, reason: `${malformedTotal - malformed.length} more malformed lines not listed` });
      if (unresolvedTotal > unresolved.length) unresolved.push({ file: '*', line: 0, reason: `${unresolvedTotal - unresolved.length} more unresolved resources not listed` });
      if (truncatedTotal > truncated.length) truncated.push({ file: '*', line: 0, reason: `${truncatedTotal - truncated.length} more resources with values cut not listed` });
      return {
        counts: Object.fromEntries(counts),
        malformed,
        unresolved,
        protocols,
        ...(truncatedValues ? { truncated: { values: truncatedValues, resources: truncated } } : {}),
      };
    },
  };
}

/**
 * Which (type, id) pairs whose hash came more than once really repeat, and how many per type:
 * one read of the tables, only when a hash came again (a repeat, or in a few billion ingests
 * two ids that share a hash).
 */
function confirmDuplicates(db: Database, suspects: Set<number>): Record<string, number> {
  const times = new Map<string, Map<string, number>>();
  const count = (type: string, id: string) => {
    if (!suspects.has(idKey(type, id))) return;
    let t = times.get(type);
    if (!t) times.set(type, (t = new Map()));
    t.set(id, (t.get(id) ?? 0) + 1);
  };
  for (const id of db.prepare('SELECT id FROM patient').pluck().iterate() as Iterable<string>) count('Patient', id);
  for (const table of ['entity', 'item']) {
    for (const [type, id] of db.prepare(`SELECT type, id FROM ${table}`).raw().iterate() as Iterable<[string, string]>) count(type, id);
  }
  const out: Record<string, number> = {};
  for (const [type, t] of [...times].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const n = [...t.values()].filter((k) => k > 1).length;
    if (n) out[type] = n;
  }
  return out;
}

/** Text runs of a simple PDF's content (uncompressed streams only), for the protocol index. */
function pdfText(bytes: Buffer): string {
  const s = bytes.toString('latin1');
  const out: string[] = [];
  const re = /\(((?:\\.|[^\\)])*)\)\s*Tj/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) && out.length < 5000) out.push((m[1] ?? '').replace(/\\(.)/g, '$1'));
  return out.join(' ');
}

/** Beds (Location physicalType bd) with their room and unit, walking partOf. */
function buildBeds(db: Database, locations: Map<string, LocationInfo>, meta: SnapshotMeta): void {
  const insBed = db.prepare(bedTable.insert(undefined, 'INSERT OR IGNORE'));
  const insUnit = db.prepare(unitTable.insert(undefined, 'INSERT OR IGNORE'));
  const units = new Map<string, LocationInfo>();
  for (const [id, loc] of locations) {
    if (loc.phys !== 'bd' && loc.phys !== 'ro') continue;
    let room: string | null = null;
    let unitId: string | null = null;
    let cur: string | null = loc.partOf;
    if (loc.phys === 'ro') room = loc.name;
    for (let depth = 0; cur && depth < 10; depth++) {
      const p = locations.get(cur);
      if (!p) break;
      if (p.phys === 'ro' && !room) room = p.name;
      if (isUnitParent(p.phys)) {
        unitId = cur;
        break;
      }
      cur = p.partOf;
    }
    const unit = unitId ? locations.get(unitId) : undefined;
    if (unitId && unit) units.set(unitId, unit);
    // Rooms are census places only when no bed names them (handled by OR IGNORE ordering below).
    if (loc.phys === 'bd') {
      const bedName = loc.name ?? id;
      insBed.run(id, bedName, room, unitId, unit?.name ?? null, `${room ?? ''}\u0000${bedName}`.replace(/\d+/g, (d) => d.padStart(6, '0')));
    }
  }
  for (const [id, u] of units) insUnit.run(id, u.name ?? id, JSON.stringify(u.aliases.map((a) => a.toLowerCase())));
  void meta;
}

export type { Statement };
