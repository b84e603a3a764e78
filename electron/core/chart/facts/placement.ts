/**
 * Where the census lists a patient, decided once at ingest: in a bed; else under the class of
 * their current encounter (as the export codes it) and its unit, where the encounter's location
 * resolves to one; else in the one "no bed recorded" list. Every patient gets exactly one place.
 */

/** Location.physicalType codes that name a unit (ward, wing, area, level). */
export const UNIT_TYPES = new Set(['wa', 'wi', 'area', 'lvl', 'ward', 'wing']);

/**
 * A parent a bed or room hangs from counts as its unit unless it is itself a room or bed or a
 * building or site (what buildBeds has always done, so beds and bed-less patients agree).
 */
export function isUnitParent(phys: string | null): boolean {
  return UNIT_TYPES.has(phys ?? '') || (phys !== 'ro' && phys !== 'bd' && phys !== 'bu' && phys !== 'si');
}

/** What placement needs of a Location. */
export interface PlaceLocation {
  name: string | null;
  phys: string | null;
  partOf: string | null;
}

/** An active encounter of the patient, its location already resolved (resolveEncounterPlace). */
export interface CurrentEncounter {
  id: string;
  at: string | null;
  /** The class as the export codes it (code, else display). */
  class: string | null;
  /** A bed Location of this export among its locations. */
  bed: string | null;
  unit: { id: string; name: string } | null;
  room: string | null;
  /** What the encounter names as its place when that is neither a bed nor its unit (a clinic, a bed the export has no Location for). */
  place: string | null;
}

export type Placement =
  | { kind: 'bed'; encounter: string; bed: string }
  | {
      kind: 'encounter';
      encounter: string;
      /** The v3 ActCode when recognized, else the class as sent (null: the encounter gives none). */
      encounterClass: string | null;
      /** Order of the census groups: the most acute first. */
      rank: number;
      unit: { id: string; name: string } | null;
      room: string | null;
      place: string | null;
    }
  | { kind: 'no-bed-recorded'; rank: number };

/** v3 ActCode encounter classes, most acute first; outpatient classes after any other. */
const CLASS_RANK: Record<string, number> = {
  IMP: 1, ACUTE: 2, NONAC: 3, EMER: 4, OBSENC: 5, SS: 6, PRENC: 7,
  AMB: 20, VR: 21, HH: 22, FLD: 23,
};
const OTHER_CLASS_RANK = 10;
const NO_CLASS_RANK = 11;
export const NO_BED_RECORDED_RANK = 30;

/** Classes written out instead of coded, as some exports send them. */
const CLASS_WORDS: Record<string, string> = {
  inpatient: 'IMP', 'inpatient encounter': 'IMP', 'inpatient acute': 'ACUTE', 'inpatient non-acute': 'NONAC',
  emergency: 'EMER', observation: 'OBSENC', 'observation encounter': 'OBSENC', 'short stay': 'SS', 'pre-admission': 'PRENC',
  ambulatory: 'AMB', outpatient: 'AMB', virtual: 'VR', 'home health': 'HH', field: 'FLD',
};

/** Outpatient classes never put a patient in a bed (a clinic visit does not occupy one). */
const OUTPATIENT = new Set(['AMB', 'VR', 'HH', 'FLD']);

/** The class as a v3 ActCode where the export's code or words name one, else as sent. */
export function encounterClassCode(raw: string | null): string | null {
  const t = raw?.trim();
  if (!t) return null;
  const upper = t.toUpperCase();
  if (upper in CLASS_RANK) return upper;
  return CLASS_WORDS[t.toLowerCase()] ?? t;
}

export function classRank(code: string | null): number {
  return code === null ? NO_CLASS_RANK : (CLASS_RANK[code] ?? OTHER_CLASS_RANK);
}

/** Latest start first; an encounter without a start after those with one. */
const latestFirst = (a: CurrentEncounter, b: CurrentEncounter): number =>
  a.at === b.at ? 0 : a.at === null ? 1 : b.at === null ? -1 : a.at < b.at ? 1 : -1;

/**
 * The patient's place from their active encounters: the latest non-outpatient encounter with a
 * bed; else the most acute encounter (one with a unit before one without, then the latest);
 * else no bed recorded.
 */
export function placePatient(current: readonly CurrentEncounter[]): Placement {
  const inBed = current.filter((e) => e.bed !== null && !OUTPATIENT.has(encounterClassCode(e.class) ?? '')).sort(latestFirst)[0];
  if (inBed) return { kind: 'bed', encounter: inBed.id, bed: inBed.bed as string };
  const ranked = current
    .map((e) => ({ e, code: encounterClassCode(e.class) }))
    .sort((a, b) => classRank(a.code) - classRank(b.code) || Number(b.e.unit !== null) - Number(a.e.unit !== null) || latestFirst(a.e, b.e));
  const chosen = ranked[0];
  if (!chosen) return { kind: 'no-bed-recorded', rank: NO_BED_RECORDED_RANK };
  const { e, code } = chosen;
  return { kind: 'encounter', encounter: e.id, encounterClass: code, rank: classRank(code), unit: e.unit, room: e.room, place: e.place };
}

/**
 * Where an encounter's locations (most specific current first) put it: a bed of this export; else
 * the unit (and room) the first location that resolves to one names, walking Location.partOf;
 * and the name it gives its place when that is not the unit (a clinic's Location, or a bed named
 * only by the reference's display).
 */
export function resolveEncounterPlace(
  locationIds: readonly string[],
  display: string | null,
  lookup: { location: (id: string) => PlaceLocation | undefined; isBed: (id: string) => boolean; unitName: (id: string) => string | undefined },
): Pick<CurrentEncounter, 'bed' | 'unit' | 'room' | 'place'> {
  const bed = locationIds.find((id) => lookup.isBed(id)) ?? null;
  const first = locationIds[0];
  const named = (first !== undefined ? lookup.location(first)?.name : null) ?? display;
  const unitRef = (id: string) => ({ id, name: lookup.unitName(id) ?? lookup.location(id)?.name ?? id });
  let unit: { id: string; name: string } | null = null;
  let room: string | null = null;
  for (const id of locationIds) {
    const loc = lookup.location(id);
    if (lookup.unitName(id) !== undefined || (loc && UNIT_TYPES.has(loc.phys ?? ''))) {
      unit = unitRef(id);
      break;
    }
    if (!loc || (loc.phys !== 'ro' && loc.phys !== 'bd')) continue;
    if (loc.phys === 'ro') room = loc.name;
    let cur = loc.partOf;
    for (let depth = 0; cur && depth < 10; depth++) {
      const p = lookup.location(cur);
      if (!p) break;
      if (p.phys === 'ro' && !room) room = p.name;
      if (lookup.unitName(cur) !== undefined || isUnitParent(p.phys)) {
        unit = unitRef(cur);
        break;
      }
      cur = p.partOf;
    }
    if (unit || room) break;
  }
  const place = named && named !== unit?.name && named !== room ? named : null;
  return { bed, unit, room, place };
}
