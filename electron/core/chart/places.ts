import type { LocationInfo } from './mapper';

/**
 * Where a patient is: the unit a location belongs to (walking Location.partOf) and the
 * encounter that places them now. The workstation's census (store.ts) and the publisher's
 * per-unit scope (publisher/scope.ts) both decide it here, so a patient is on the unit whose
 * snapshot holds them.
 */

/** Location physical types that make a unit (ward, wing, area, level). */
export const UNIT_TYPES = new Set(['wa', 'wi', 'area', 'lvl', 'ward', 'wing']);

/** Encounter classes (v3 ActCode) that are not a stay in a bed: they never place a patient. */
export const OUTSIDE_CLASSES = new Set(['AMB', 'VR', 'HH', 'FLD']);

/**
 * The unit a location is part of: the first ancestor (or the location itself, for a unit)
 * that is a ward or the like, or else the first one that is not a room, bed, building or site.
 */
export function unitOf(locations: ReadonlyMap<string, LocationInfo>, id: string): string | null {
  const own = locations.get(id);
  if (own && UNIT_TYPES.has(own.phys ?? '')) return id;
  let cur = own?.partOf ?? null;
  for (let depth = 0; cur && depth < 10; depth++) {
    const p = locations.get(cur);
    if (!p) return null;
    if (UNIT_TYPES.has(p.phys ?? '') || (p.phys !== 'ro' && p.phys !== 'bd' && p.phys !== 'bu' && p.phys !== 'si')) return cur;
    cur = p.partOf;
  }
  return null;
}

export interface EncounterPlace {
  id: string;
  /** The encounter's start (its sort key). */
  at: string | null;
  class: string | null;
  /** Its location ids, the active one first. */
  locations: string[];
}

/** SQLite's order for ORDER BY at: NULL first, then by text; ties keep their order. */
const byAt = (a: { at: string | null }, b: { at: string | null }): number =>
  a.at === b.at ? 0 : a.at === null ? -1 : b.at === null ? 1 : a.at < b.at ? -1 : 1;

/**
 * The encounter that places a patient now, of their active ones: the latest with a bed, else
 * the latest at all; never an outpatient, virtual or home visit. `isBed` says which location
 * ids are beds.
 */
export function currentEncounter<E extends EncounterPlace>(active: readonly E[], isBed: (locationId: string) => boolean): { encounter: E; bed: string | null } | null {
  let chosen: { encounter: E; bed: string | null } | null = null;
  for (const e of [...active].sort(byAt)) {
    if (e.class && OUTSIDE_CLASSES.has(e.class.toUpperCase())) continue;
    const bed = e.locations.find(isBed) ?? null;
    if (chosen && chosen.bed !== null && bed === null) continue;
    chosen = { encounter: e, bed };
  }
  return chosen;
}
