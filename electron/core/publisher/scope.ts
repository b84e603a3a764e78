import { closeSync, mkdirSync, openSync, readSync, rmSync } from 'node:fs';
import path from 'node:path';
import { mapResource, patientRefOf } from '../chart/map';
import { R } from '../chart/codes';
import { chartMapper, mapLine, packRecords, type ChartRecord, type LocationInfo } from '../chart/mapper';
import { ENTITY, ITEM, PATIENT } from '../chart/tables';
import { placePatient, resolveEncounterPlace } from '../chart/facts/placement';
import type { EncounterInfo } from '../../shared/contract';
import { ndjsonLines } from '../files/folders';
import { writeFileAtomic } from '../home/layout';
import { PublishError } from './errors';
import { scanExport, type Source } from './export-folder';
import { FileSink, MAPPED_KEY, RecordReader, mappedFileName, recordField, recordText, relinePacked, type MappedFiles } from './mapped-files';
import { NdjsonLines } from '../snapshot/lines';
import { mapperId } from '../store/content';

/**
 * Minimum necessary: each unit's snapshot holds only the patients whose current encounter is
 * on that unit, with everything that is theirs, and every resource about no patient
 * (practitioners, locations, medications...) that their charts may name. The house-wide
 * snapshot is the whole export. A patient is placed by the same rule as the workstation's
 * census (chart/facts/placement.ts).
 */

export interface ScopeUnit {
  /** The unit's Location id (what workstations are enrolled with). */
  id: string;
  name: string;
  /** More Location ids that count as this unit (a unit spread over two wards). */
  locations?: string[];
}

export interface ScopeResult {
  /** Unit id -> its export folder and what it holds. */
  units: Map<string, { dir: string; patients: number; resources: number }>;
  /** Patients on no unit of the topology: in the house-wide snapshot only. */
  unplaced: number;
  patients: number;
}

/** Each patient's unit id (of the topology), from the export's Locations and Encounters. */
export async function placePatients(exportDir: string, units: readonly ScopeUnit[]): Promise<{ unitOfPatient: Map<string, string>; patients: number }> {
  const { sources } = scanExport(exportDir);
  const ndjson = sources.filter((s) => s.entry.kind === 'ndjson') as Array<{ file: string; entry: { type: string } }>;
  const locations = new Map<string, LocationInfo>();
  const active = new Map<string, Array<{ id: string; at: string | null; class: string | null; locations: string[]; display: string | null }>>();
  let patients = 0;
  for (const s of ndjson) {
    const type = s.entry.type;
    if (type !== 'Location' && type !== 'Encounter' && type !== 'Patient') continue;
    let n = 0;
    for await (const line of ndjsonLines(s.file)) {
      n++;
      if (type === 'Patient') {
        patients++;
        continue;
      }
      const rec = mapLine(type, line, n);
      if (type === 'Location') {
        if (rec[0] === R.ENTITY) {
          const location = rec[ENTITY.at.location];
          if (location) locations.set(rec[ENTITY.at.id], location);
        }
        continue;
      }
      if (rec[0] !== R.ITEM) continue;
      const patient = rec[ITEM.at.patient];
      if (patient === null) continue;
      const row = mapResource('Encounter', JSON.parse(line) as Record<string, unknown>, line);
      if (row.active !== 1) continue;
      const data = row.data as EncounterInfo;
      let list = active.get(patient);
      if (!list) active.set(patient, (list = []));
      list.push({ id: rec[ITEM.at.id], at: row.at ?? null, class: data.class, locations: row.locations ?? [], display: data.location?.bed ?? null });
    }
  }
  // The census's own rule (facts/placement.ts), with the topology's units as the units: a
  // patient is on the unit whose census lists them.
  const byLocation = new Map<string, string>();
  for (const u of units) for (const id of [u.id, ...(u.locations ?? [])]) byLocation.set(id, u.id);
  const lookup = {
    location: (id: string) => locations.get(id),
    isBed: (id: string) => locations.get(id)?.phys === 'bd',
    unitName: (id: string) => (byLocation.has(id) ? id : undefined),
  };
  const unitOfPatient = new Map<string, string>();
  for (const [patient, encounters] of active) {
    const current = encounters.map((e) => ({ id: e.id, at: e.at, class: e.class, ...resolveEncounterPlace(e.locations, e.display, lookup) }));
    const placed = placePatient(current);
    const unit = placed.kind === 'bed' ? current.find((e) => e.id === placed.encounter)?.unit : placed.kind === 'encounter' ? placed.unit : null;
    const ours = unit ? byLocation.get(unit.id) : undefined;
    if (ours) unitOfPatient.set(patient, ours);
  }
  return { unitOfPatient, patients };
}

/** Where a resource goes: with its patient, to every unit (about no patient), nowhere, or ask its JSON (a malformed line). */
type Owner = { patient: string } | 'all' | 'none' | 'malformed';

/** Records beside the lines that are not theirs (a record for another line, too few or too many). */
class NotTheirRecords extends Error {}

function ownerOfRecord(rec: ChartRecord): Owner {
  if (rec[0] === R.PATIENT) return { patient: rec[PATIENT.at.id] };
  if (rec[0] === R.ENTITY) return 'all';
  if (rec[0] === R.ITEM) return rec[ITEM.at.patient] === null ? 'none' : { patient: rec[ITEM.at.patient]! };
  return 'malformed';
}

/** ownerOfRecord() of a packed record, reading only the fields it needs. */
function ownerOfPacked(buf: Buffer, start: number, end: number): Owner {
  const kind = buf[start]! - 0x30;
  if (kind === R.ENTITY) return 'all';
  if (kind !== R.PATIENT && kind !== R.ITEM) return 'malformed';
  const field = recordField(buf, start, end, kind === R.PATIENT ? PATIENT.at.id : ITEM.at.patient);
  const id = field && recordText(buf, field);
  if (kind === R.PATIENT && !id) throw new NotTheirRecords();
  return id ? { patient: id } : 'none';
}

/** A line no record can place, by its JSON: as it always was, so that a unit gets what the house-wide snapshot's workstations would. */
function ownerOfJson(type: string, json: string): Exclude<Owner, 'malformed'> {
  let r: unknown;
  try {
    r = JSON.parse(json);
  } catch {
    return 'none'; // the house-wide snapshot carries it; its workstations report it
  }
  if (!r || typeof r !== 'object' || Array.isArray(r)) return 'none';
  const res = r as Record<string, unknown>;
  const owner = type === 'Patient' ? (typeof res['id'] === 'string' ? { id: res['id'] } : null) : patientRefOf(type, res);
  if (owner === null) return 'all';
  return 'id' in owner ? { patient: owner.id } : 'none';
}

/**
 * Write one export folder per unit under `outDir` (outDir/UNIT_ID/...), each with its own
 * manifest.json; the folders are made fresh each time. Each NDJSON file has its mapped records
 * beside it (publisher/mapped-files.ts), read from beside the export's own where it has them,
 * else mapped here: whose a resource is comes from its record.
 */
export async function partitionExport(exportDir: string, units: readonly ScopeUnit[], outDir: string): Promise<ScopeResult> {
  try {
    return await partition(exportDir, units, outDir, true);
  } catch (error) {
    if (!(error instanceof NotTheirRecords)) throw error;
    return partition(exportDir, units, outDir, false);
  }
}

async function partition(exportDir: string, units: readonly ScopeUnit[], outDir: string, takeBeside: boolean): Promise<ScopeResult> {
  const ids = new Set<string>();
  for (const u of units) {
    if (ids.has(u.id)) throw new PublishError(`The topology names unit ${u.id} twice.`);
    ids.add(u.id);
  }
  const { unitOfPatient, patients } = await placePatients(exportDir, units);
  const scanned = scanExport(exportDir);
  rmSync(outDir, { recursive: true, force: true });
  const dirOf = new Map<string, string>();
  units.forEach((u, i) => {
    // Folders by position: a unit id may hold characters a file name cannot.
    const dir = path.join(outDir, `unit-${String(i + 1).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    dirOf.set(u.id, dir);
  });
  const output = new Map<string, Array<{ type: string; url: string; count: number }>>(units.map((u) => [u.id, []]));
  const mapped = new Map<string, MappedFiles['files']>(units.map((u) => [u.id, []]));
  const resources = new Map<string, number>(units.map((u) => [u.id, 0]));
  const ndjson = scanned.sources.filter((s) => s.entry.kind === 'ndjson') as Array<Source & { entry: { type: string } }>;
  const ownMapper = mapperId(chartMapper);
  const block = Buffer.allocUnsafe(1 << 20);
  for (const [index, s] of ndjson.entries()) {
    const type = s.entry.type;
    const name = `${type}.${String(index + 1).padStart(4, '0')}.ndjson`;
    const sinks = new Map(units.map((u) => [u.id, { lines: new FileSink(path.join(dirOf.get(u.id)!, name)), records: new FileSink(path.join(dirOf.get(u.id)!, mappedFileName(name))) }]));
    const all = [...sinks.values()];
    const beside = takeBeside && s.mapped?.mapper === ownMapper ? new RecordReader(s.mapped.file) : null;
    const lines = new NdjsonLines(
      (buf, start, end, n) => {
        let owner: Owner;
        let record: { buf: Buffer; start: number; end: number } | null = null;
        let packed = '';
        if (beside) {
          record = beside.next();
          const line = record && recordField(record.buf, record.start, record.end, 1);
          if (!record || !line || record.buf.toString('latin1', line[0], line[1]) !== String(n)) throw new NotTheirRecords();
          owner = ownerOfPacked(record.buf, record.start, record.end);
        } else {
          const rec = mapLine(type, buf.toString('utf8', start, end), n);
          packed = packRecords([rec]);
          owner = ownerOfRecord(rec);
        }
        const placed = owner === 'malformed' ? ownerOfJson(type, buf.toString('utf8', start, end)) : owner;
        const to = placed === 'all' ? all : placed === 'none' ? [] : [sinks.get(unitOfPatient.get(placed.patient) ?? '')].filter((x) => x !== undefined);
        for (const sink of to) {
          sink.lines.bytes(buf, start, end);
          sink.lines.text('\n');
          const at = ++sink.lines.count;
          if (record) sink.records.relined(record.buf, record.start, record.end, at);
          else sink.records.text(relinePacked(packed, at));
        }
      },
      (line) => {
        throw new PublishError(`${s.entry.path} line ${line} is longer than 64 MB, which no workstation takes.`);
      },
    );
    const fd = openSync(s.file, 'r');
    try {
      for (let n; (n = readSync(fd, block, 0, block.length, null)) > 0; ) lines.push(block.subarray(0, n));
      lines.end();
      if (beside?.next()) throw new NotTheirRecords();
    } finally {
      closeSync(fd);
      beside?.close();
    }
    for (const [unit, sink] of sinks) {
      // Not synced: the folders are made afresh by every cycle, and read back at once.
      sink.lines.close(false);
      sink.records.close(false);
      if (sink.lines.count) {
        output.get(unit)!.push({ type, url: name, count: sink.lines.count });
        mapped.get(unit)!.push({ url: name, file: mappedFileName(name), bytes: sink.lines.size });
        resources.set(unit, resources.get(unit)! + sink.lines.count);
      }
    }
  }
  const result: ScopeResult = { units: new Map(), unplaced: patients - unitOfPatient.size, patients };
  for (const u of units) {
    const dir = dirOf.get(u.id)!;
    const manifest = { transactionTime: scanned.transactionTime, request: scanned.request ?? '', requiresAccessToken: false, output: output.get(u.id), error: [], [MAPPED_KEY]: { mapper: ownMapper, files: mapped.get(u.id)! } };
    writeFileAtomic(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
    result.units.set(u.id, { dir, patients: [...unitOfPatient.values()].filter((x) => x === u.id).length, resources: resources.get(u.id)! });
  }
  return result;
}
