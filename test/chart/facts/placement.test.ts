import { describe, expect, it } from 'vitest';
import {
  encounterClassCode,
  placePatient,
  resolveEncounterPlace,
  type CurrentEncounter,
  type Placement,
  type PlaceLocation,
} from '../../../electron/core/chart/facts/placement';

const W = { id: 'unit-w', name: 'Ward West' };
const enc = (id: string, cls: string | null, at: string | null, extra: Partial<CurrentEncounter> = {}): CurrentEncounter => ({
  id, class: cls, at, bed: null, unit: null, room: null, place: null, ...extra,
});
const listed = (encounter: string, encounterClass: string | null, rank: number, extra: { unit?: typeof W; room?: string; place?: string } = {}): Placement => ({
  kind: 'encounter', encounter, encounterClass, rank, unit: extra.unit ?? null, room: extra.room ?? null, place: extra.place ?? null,
});

const PLACEMENTS: Array<[string, CurrentEncounter[], Placement]> = [
  ['no current encounter: no bed recorded', [], { kind: 'no-bed-recorded', rank: 30 }],
  ['an inpatient stay in a bed', [enc('e1', 'IMP', '2026-02-27T08:00:00Z', { bed: 'bed-1' })], { kind: 'bed', encounter: 'e1', bed: 'bed-1' }],
  ['the latest stay with a bed wins', [enc('e1', 'IMP', '2026-02-20', { bed: 'bed-1' }), enc('e2', 'IMP', '2026-02-27', { bed: 'bed-2' })], { kind: 'bed', encounter: 'e2', bed: 'bed-2' }],
  ['a bed beats a later stay without one', [enc('e1', 'IMP', '2026-02-20', { bed: 'bed-1' }), enc('e2', 'EMER', '2026-02-27')], { kind: 'bed', encounter: 'e1', bed: 'bed-1' }],
  ['a clinic visit at a bed does not occupy it', [enc('e1', 'AMB', '2026-02-27', { bed: 'bed-1' })], listed('e1', 'AMB', 20)],
  ['an inpatient with no bed, by unit', [enc('e1', 'IMP', '2026-02-27', { unit: W, room: '12' })], listed('e1', 'IMP', 1, { unit: W, room: '12' })],
  ['an emergency visit with no location', [enc('e1', 'EMER', '2026-02-27')], listed('e1', 'EMER', 4)],
  ['the most acute class wins over a later clinic visit', [enc('e1', 'OBSENC', '2026-02-26'), enc('e2', 'AMB', '2026-02-28')], listed('e1', 'OBSENC', 5)],
  ['within a class, one with a unit before one without', [enc('e1', 'IMP', '2026-02-28'), enc('e2', 'IMP', '2026-02-20', { unit: W })], listed('e2', 'IMP', 1, { unit: W })],
  ['within a class, the latest', [enc('e1', 'AMB', '2026-02-20'), enc('e2', 'AMB', '2026-02-28', { place: 'Clinic B' })], listed('e2', 'AMB', 20, { place: 'Clinic B' })],
  ['a class the v3 table does not know, as sent', [enc('e1', 'daycare', '2026-02-28')], listed('e1', 'daycare', 10)],
  ['no class given', [enc('e1', null, '2026-02-28')], listed('e1', null, 11)],
  ['a class in words is coded', [enc('e1', 'Inpatient', '2026-02-28')], listed('e1', 'IMP', 1)],
];

describe('where the census lists a patient', () => {
  it.each(PLACEMENTS)('%s', (_name, current, want) => {
    expect(placePatient(current)).toEqual(want);
  });
});

const CLASSES: Array<[string | null, string | null]> = [
  ['IMP', 'IMP'], ['imp', 'IMP'], ['EMER', 'EMER'], ['OBSENC', 'OBSENC'], ['AMB', 'AMB'], ['ACUTE', 'ACUTE'], ['VR', 'VR'],
  ['emergency', 'EMER'], ['outpatient', 'AMB'], ['Observation encounter', 'OBSENC'], ['  ', null], [null, null], ['XYZ', 'XYZ'],
];

describe('encounter class codes', () => {
  it.each(CLASSES)('%s is %s', (raw, want) => expect(encounterClassCode(raw)).toBe(want));
});

// A hospital: building > ward > room > bed, a clinic with no physical type, a ward-level location.
const LOCATIONS: Record<string, PlaceLocation> = {
  bu: { name: 'Main', phys: 'bu', partOf: null },
  'unit-w': { name: 'Ward West', phys: 'wa', partOf: 'bu' },
  'unit-e': { name: 'Ward East', phys: null, partOf: 'bu' },
  'room-12': { name: '12', phys: 'ro', partOf: 'unit-w' },
  'room-30': { name: '30', phys: 'ro', partOf: 'unit-e' },
  'bed-12a': { name: '12-A', phys: 'bd', partOf: 'room-12' },
  clinic: { name: 'Brookside Clinic', phys: null, partOf: null },
};
const lookup = {
  location: (id: string) => LOCATIONS[id],
  isBed: (id: string) => id === 'bed-12a',
  // Ward East is a unit because beds hang from it (buildBeds put it in the unit table).
  unitName: (id: string) => (id === 'unit-e' ? 'Ward East' : undefined),
};

const PLACES: Array<[string, string[], string | null, ReturnType<typeof resolveEncounterPlace>]> = [
  ['a bed', ['bed-12a'], '12-A', { bed: 'bed-12a', unit: W, room: '12', place: '12-A' }],
  ['a ward', ['unit-w'], null, { bed: null, unit: W, room: null, place: null }],
  ['a room, up to its ward', ['room-12'], null, { bed: null, unit: W, room: '12', place: null }],
  ['a room under a unit known from its beds', ['room-30'], null, { bed: null, unit: { id: 'unit-e', name: 'Ward East' }, room: '30', place: null }],
  ['a clinic with no physical type is no unit, but its name is kept', ['clinic'], 'Clinic', { bed: null, unit: null, room: null, place: 'Brookside Clinic' }],
  ['a bed the export has no Location for: its display is kept', ['bed-gone'], '412-A', { bed: null, unit: null, room: null, place: '412-A' }],
  ['the first location that resolves', ['clinic', 'room-12'], null, { bed: null, unit: W, room: '12', place: 'Brookside Clinic' }],
  ['no location', [], null, { bed: null, unit: null, room: null, place: null }],
];

describe("an encounter's place", () => {
  it.each(PLACES)('%s', (_name, ids, display, want) => {
    expect(resolveEncounterPlace(ids, display, lookup)).toEqual(want);
  });
});
