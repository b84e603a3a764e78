import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { displayName, readExport, type Json } from './export';

/**
 * Turn a generated export (electron/core/demo) into one without bed Locations, the shape of many
 * real exports: every bed Location is dropped and the encounters point elsewhere, so that each
 * census group appears. What the census must then say of each patient is returned, from the FHIR.
 *  - Medical ICU stays: the encounter names the room (which hangs from the unit)
 *  - Emergency Department visits: the encounter names the unit itself
 *  - other units' stays: the encounter still names a bed the export no longer has (a display only)
 *  - one of those stays has ended (no current encounter), one is an ambulatory visit
 *  - one patient has no encounter at all
 */
export interface BedlessPatient {
  id: string;
  /** As every screen shows it: "Family, Given Middle". */
  name: string;
  mrn: string;
  birthDate: string;
  /** The census group's title (shared/census-text.ts censusGroupTitle). */
  group: string;
  unitId: string | null;
  room: string | null;
  /** The bed the encounter names by display only. */
  place: string | null;
}

const read = readExport;
const write = (dir: string, type: string, rows: Json[]) => writeFileSync(path.join(dir, `${type}.ndjson`), rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
const refId = (ref: unknown) => String((ref as { reference: string }).reference).split('/')[1]!;

/** A patient the export holds with no encounter at all. */
export const WALK_IN = { id: 'walk-in-no-encounter', family: 'Quellwater', given: 'Ona', mrn: 'NOBED0001', birthDate: '1961-04-09' };

/** The export's patients that no Encounter names (the census lists them under "No bed recorded"), read from the FHIR. */
export function patientsWithoutEncounter(dir: string): { id: string; name: string }[] {
  const named = new Set(read(dir, 'Encounter').map((e) => refId(e['subject'])));
  return read(dir, 'Patient')
    .filter((p) => !named.has(String(p['id'])))
    .map((p) => ({ id: String(p['id']), name: displayName(p) }));
}

export function removeBeds(dir: string): BedlessPatient[] {
  const locations = read(dir, 'Location');
  const byId = new Map(locations.map((l) => [String(l['id']), l]));
  const isBed = (l: Json) => JSON.stringify(l['physicalType'] ?? '').includes('"bd"');
  const patients = read(dir, 'Patient');
  patients.push({
    resourceType: 'Patient',
    id: WALK_IN.id,
    identifier: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: 'urn:test:mrn', value: WALK_IN.mrn }],
    name: [{ use: 'official', family: WALK_IN.family, given: [WALK_IN.given] }],
    gender: 'female',
    birthDate: WALK_IN.birthDate,
  });
  const out = new Map<string, BedlessPatient>();
  for (const p of patients) {
    const mrn = (p['identifier'] as Array<{ type?: unknown; value: string }>).find((i) => JSON.stringify(i.type ?? '').includes('"MR"'))!.value;
    out.set(String(p['id']), {
      id: String(p['id']), name: displayName(p), mrn, birthDate: String(p['birthDate']),
      group: 'No bed recorded', unitId: null, room: null, place: null,
    });
  }

  let others = 0;
  const encounters = read(dir, 'Encounter').map((e) => {
    const who = out.get(refId(e['subject']))!;
    const loc = (e['location'] as Array<{ location: { reference: string; display?: string } }>)[0]!;
    const bed = byId.get(refId(loc.location))!;
    const room = byId.get(refId(bed['partOf']))!;
    const unit = byId.get(refId(room['partOf']))!;
    const unitId = String(unit['id']);
    if (unitId === 'unit-icu') {
      loc.location = { reference: `Location/${String(room['id'])}` };
      Object.assign(who, { group: `Inpatient · ${String(unit['name'])}`, unitId, room: String(room['name']) });
    } else if (unitId === 'unit-ed') {
      loc.location = { reference: `Location/${unitId}` };
      Object.assign(who, { group: `Emergency · ${String(unit['name'])}`, unitId });
    } else {
      const n = others++;
      if (n === 0) return { ...e, status: 'finished', period: { start: (e['period'] as { start: string }).start, end: (e['period'] as { start: string }).start } };
      if (n === 1) e['class'] = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' };
      Object.assign(who, { group: n === 1 ? 'Ambulatory · no unit recorded' : 'Inpatient · no unit recorded', place: loc.location.display ?? null });
    }
    return e;
  });
  const kept = locations.filter((l) => !isBed(l));
  write(dir, 'Location', kept);
  write(dir, 'Encounter', encounters);
  write(dir, 'Patient', patients);
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { output: Array<{ type: string; count?: number }> };
  for (const o of manifest.output) {
    if (o.type === 'Location' && typeof o.count === 'number') o.count = kept.length;
    if (o.type === 'Patient' && typeof o.count === 'number') o.count = patients.length;
  }
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  return [...out.values()];
}
