import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { mapResource, patientRefOf } from '../chart/map';
import { R } from '../chart/codes';
import { mapLine, type LocationInfo } from '../chart/mapper';
import { ENTITY, ITEM } from '../chart/tables';
import { placePatient, resolveEncounterPlace } from '../chart/facts/placement';
import type { EncounterInfo } from '../../shared/contract';
import { ndjsonLines } from '../files/folders';
import { writeFileAtomic } from '../home/layout';
import { PublishError } from './errors';
import { scanExport } from './export-folder';

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

/** Lines written per unit and file, flushed in blocks (tens of thousands of small writes otherwise). */
class Sink {
  private buffer: string[] = [];
  private size = 0;
  count = 0;
  private fd: number | null = null;
  constructor(readonly file: string) {}
  add(line: string): void {
    this.buffer.push(line, '\n');
    this.size += line.length + 1;
    this.count++;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (!this.buffer.length) return;
    this.fd ??= openSync(this.file, 'w', 0o600);
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    if (this.fd !== null) {
      fsyncSync(this.fd);
      closeSync(this.fd);
    }
  }
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

/**
 * Write one export folder per unit under `outDir` (outDir/UNIT_ID/...), each with its own
 * manifest.json; the folders are made fresh each time.
 */
export async function partitionExport(exportDir: string, units: readonly ScopeUnit[], outDir: string): Promise<ScopeResult> {
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
  const resources = new Map<string, number>(units.map((u) => [u.id, 0]));
  const ndjson = scanned.sources.filter((s) => s.entry.kind === 'ndjson') as Array<{ file: string; entry: { type: string } }>;
  for (const [index, s] of ndjson.entries()) {
    const type = s.entry.type;
    const name = `${type}.${String(index + 1).padStart(4, '0')}.ndjson`;
    const sinks = new Map(units.map((u) => [u.id, new Sink(path.join(dirOf.get(u.id)!, name))]));
    for await (const line of ndjsonLines(s.file)) {
      let r: unknown;
      try {
        r = JSON.parse(line);
      } catch {
        continue; // the house-wide snapshot carries it; its workstations report it
      }
      if (!r || typeof r !== 'object' || Array.isArray(r)) continue;
      const res = r as Record<string, unknown>;
      const owner = type === 'Patient' ? (typeof res['id'] === 'string' ? { id: res['id'] } : null) : patientRefOf(type, res);
      if (owner === null) {
        // About no patient: every unit's charts may name it.
        for (const sink of sinks.values()) sink.add(line);
      } else if ('id' in owner) {
        const unit = unitOfPatient.get(owner.id);
        if (unit) sinks.get(unit)!.add(line);
      }
    }
    for (const [unit, sink] of sinks) {
      sink.close();
      if (sink.count) {
        output.get(unit)!.push({ type, url: name, count: sink.count });
        resources.set(unit, resources.get(unit)! + sink.count);
      }
    }
  }
  const result: ScopeResult = { units: new Map(), unplaced: patients - unitOfPatient.size, patients };
  for (const u of units) {
    const dir = dirOf.get(u.id)!;
    writeFileAtomic(path.join(dir, 'manifest.json'), `${JSON.stringify({ transactionTime: scanned.transactionTime, request: scanned.request ?? '', requiresAccessToken: false, output: output.get(u.id), error: [] }, null, 1)}\n`);
    result.units.set(u.id, { dir, patients: [...unitOfPatient.values()].filter((x) => x === u.id).length, resources: resources.get(u.id)! });
  }
  return result;
}
