import type { BedLocation, CensusGroup } from './contract';

/**
 * The words for where a patient is, the same on every screen, page and in the CLI. Display
 * only: where the census lists a patient is decided in core (chart/facts/placement.ts).
 */

/** v3 ActCode encounter classes in words. */
const CLASS_WORDS: Record<string, string> = {
  IMP: 'Inpatient',
  ACUTE: 'Inpatient (acute)',
  NONAC: 'Inpatient (non-acute)',
  EMER: 'Emergency',
  OBSENC: 'Observation',
  SS: 'Short stay',
  PRENC: 'Pre-admission',
  AMB: 'Ambulatory',
  VR: 'Virtual',
  HH: 'Home health',
  FLD: 'Field',
};

/** "Inpatient", "Emergency"; a class the table does not know as the export sent it. */
export function encounterClassText(code: string | null): string {
  if (code === null) return 'Encounter class not recorded';
  return CLASS_WORDS[code] ?? `Encounter class “${code}”`;
}

export const NO_BED_RECORDED = 'No bed recorded';

/** "Inpatient · Ward West", "Ambulatory · no unit recorded", "No bed recorded". */
export function censusGroupTitle(g: Pick<CensusGroup, 'kind' | 'encounterClass' | 'unit'>): string {
  if (g.kind === 'no-bed-recorded') return NO_BED_RECORDED;
  return `${encounterClassText(g.encounterClass)} · ${g.unit?.name ?? 'no unit recorded'}`;
}

/** What the group's patients have in common, under its title. */
export function censusGroupNote(g: Pick<CensusGroup, 'kind'>): string {
  return g.kind === 'no-bed-recorded' ? 'No current encounter in this copy.' : 'A current encounter that names no bed of this copy.';
}

/** "Showing the first 200 of 8,412 (by name) — find the others with Search." or null when all are listed. */
export function censusGroupCut(g: Pick<CensusGroup, 'total' | 'patients'>): string | null {
  if (g.patients.length >= g.total) return null;
  return `Showing the first ${g.patients.length.toLocaleString('en-US')} of ${g.total.toLocaleString('en-US')} (by name) — find the others with Search.`;
}

/** The place column of a patient without a bed: "No bed recorded (room 12)", "No bed recorded (Brookside Clinic)". */
export function noBedText(p: { location: BedLocation | null; place: string | null }): string {
  const detail = p.location?.room ? `room ${p.location.room}` : p.place;
  return detail ? `${NO_BED_RECORDED} (${detail})` : NO_BED_RECORDED;
}

/** "412-A" or "Room 412" or "—". */
export function bedLabel(location: Pick<BedLocation, 'room' | 'bed'> | null | undefined): string {
  if (!location) return '—';
  const { room, bed } = location;
  // Beds are often named with their room already ("201-A"): do not repeat it.
  if (room && bed && room !== bed) return bed.startsWith(room) ? bed : `${room}-${bed}`;
  return room ?? bed ?? '—';
}

/** "Ward West · Bed 12-A", "Ward West · No bed recorded (room 12)", "No bed recorded": never blank. */
export function placeLine(location: BedLocation | null): string {
  const unit = location?.unit?.name;
  const where = location?.bed ? `Bed ${bedLabel(location)}` : noBedText({ location, place: null });
  return unit ? `${unit} · ${where}` : where;
}
