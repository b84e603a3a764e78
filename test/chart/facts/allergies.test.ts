import { describe, expect, it } from 'vitest';
import { summarizeAllergies } from '../../../electron/core/chart/facts/allergies';
import { mapResource } from '../../../electron/core/chart/map';
import type { Allergy, AllergySummary } from '../../../electron/shared/contract';
import type { Json } from '../../../electron/core/fhir/util';
import { allergySummaryText, pastAllergiesText, withdrawnAllergiesText } from '../../../electron/shared/allergy-text';

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const SNOMED = 'http://snomed.info/sct';

/** An AllergyIntolerance as an export sends it, mapped the way ingest maps it. */
function entry(
  id: string,
  code: Json,
  opts: { clinical?: string | null; verification?: string | null; criticality?: string } = {},
): Allergy {
  const r: Json = {
    resourceType: 'AllergyIntolerance',
    id,
    patient: { reference: 'Patient/p1' },
    code,
    ...(opts.clinical === null ? {} : { clinicalStatus: { coding: [{ system: CLINICAL, code: opts.clinical ?? 'active' }] } }),
    ...(opts.verification === null ? {} : { verificationStatus: { coding: [{ system: VERIFICATION, code: opts.verification ?? 'confirmed' }] } }),
    ...(opts.criticality ? { criticality: opts.criticality } : {}),
  };
  return mapResource('AllergyIntolerance', r, JSON.stringify(r)).data as Allergy;
}
const substance = (name: string) => ({ text: name });
const nkaCoded = (code: string) => ({ coding: [{ system: SNOMED, code, display: 'No known allergy' }] });
const nkaText = (text: string) => ({ text });

type Case = [string, Allergy[], Pick<AllergySummary, 'state' | 'conflict'> & { active: string[]; unconfirmed?: string[]; inactive: string[]; withdrawn?: number }];

const CASES: Case[] = [
  ['no entries at all: not recorded, never "no known allergies"', [], { state: 'not-recorded', conflict: false, active: [], inactive: [] }],
  ['active', [entry('a', substance('Penicillin'))], { state: 'allergies', conflict: false, active: ['Penicillin'], inactive: [] }],
  ['relapse is active', [entry('a', substance('Penicillin'), { clinical: 'relapse' })], { state: 'allergies', conflict: false, active: ['Penicillin'], inactive: [] }],
  ['recurrence is active', [entry('a', substance('Penicillin'), { clinical: 'recurrence' })], { state: 'allergies', conflict: false, active: ['Penicillin'], inactive: [] }],
  ['no clinical status warns as active', [entry('a', substance('Penicillin'), { clinical: null })], { state: 'allergies', conflict: false, active: ['Penicillin'], inactive: [] }],
  ['inactive only', [entry('a', substance('Latex'), { clinical: 'inactive' })], { state: 'only-inactive', conflict: false, active: [], inactive: ['Latex'] }],
  ['resolved only', [entry('a', substance('Latex'), { clinical: 'resolved' })], { state: 'only-inactive', conflict: false, active: [], inactive: ['Latex'] }],
  ['remission only', [entry('a', substance('Latex'), { clinical: 'remission' })], { state: 'only-inactive', conflict: false, active: [], inactive: ['Latex'] }],
  ['refuted is no allergy', [entry('a', substance('Codeine'), { verification: 'refuted' })], { state: 'not-recorded', conflict: false, active: [], inactive: [], withdrawn: 1 }],
  ['entered-in-error is no allergy', [entry('a', substance('Codeine'), { verification: 'entered-in-error', clinical: null })], { state: 'not-recorded', conflict: false, active: [], inactive: [], withdrawn: 1 }],
  ['unconfirmed is listed, marked', [entry('a', substance('Sulfa'), { verification: 'unconfirmed' })], { state: 'allergies', conflict: false, active: ['Sulfa'], unconfirmed: ['Sulfa'], inactive: [] }],
  ['presumed is listed, marked', [entry('a', substance('Sulfa'), { verification: 'presumed' })], { state: 'allergies', conflict: false, active: ['Sulfa'], unconfirmed: ['Sulfa'], inactive: [] }],
  ['coded 716186003', [entry('n', nkaCoded('716186003'))], { state: 'no-known-allergies', conflict: false, active: [], inactive: [] }],
  ['coded 409137002 (no known drug allergy)', [entry('n', nkaCoded('409137002'))], { state: 'no-known-allergies', conflict: false, active: [], inactive: [] }],
  ['text-only NKDA', [entry('n', nkaText('NKDA'))], { state: 'no-known-allergies', conflict: false, active: [], inactive: [] }],
  ['text-only NKA', [entry('n', nkaText('NKA'))], { state: 'no-known-allergies', conflict: false, active: [], inactive: [] }],
  ['text-only "No known allergies"', [entry('n', nkaText('No known allergies'))], { state: 'no-known-allergies', conflict: false, active: [], inactive: [] }],
  ['refuted NKA asserts nothing', [entry('n', nkaText('NKDA'), { verification: 'refuted' })], { state: 'not-recorded', conflict: false, active: [], inactive: [], withdrawn: 1 }],
  ['inactive NKA asserts nothing', [entry('n', nkaText('NKDA'), { clinical: 'inactive' })], { state: 'not-recorded', conflict: false, active: [], inactive: [] }],
  ['NKA with a past allergy', [entry('n', nkaCoded('716186003')), entry('a', substance('Latex'), { clinical: 'resolved' })], { state: 'no-known-allergies', conflict: false, active: [], inactive: ['Latex'] }],
  ['NKA next to an active allergy: the allergy wins, and the conflict is said', [entry('n', nkaText('NKDA')), entry('a', substance('Penicillin'))], { state: 'allergies', conflict: true, active: ['Penicillin'], inactive: [] }],
  ['active and resolved: each in its own list', [entry('a', substance('Penicillin')), entry('b', substance('Latex'), { clinical: 'resolved' })], { state: 'allergies', conflict: false, active: ['Penicillin'], inactive: ['Latex'] }],
  ['a resolved entry for an allergy that stands again is not "no longer active"', [entry('a', substance('Penicillin'), { clinical: 'relapse' }), entry('b', substance('penicillin '), { clinical: 'resolved' })], { state: 'allergies', conflict: false, active: ['Penicillin'], inactive: [] }],
  ['a substance resolved twice is listed once', [entry('a', substance('Latex'), { clinical: 'resolved' }), entry('b', substance('Latex'), { clinical: 'inactive' })], { state: 'only-inactive', conflict: false, active: [], inactive: ['Latex'] }],
  ['refuted and entered-in-error are counted, never listed', [entry('a', substance('Codeine'), { verification: 'refuted' }), entry('b', substance('Sulfa'), { verification: 'entered-in-error' }), entry('c', substance('Latex'), { clinical: 'inactive' })], { state: 'only-inactive', conflict: false, active: [], inactive: ['Latex'], withdrawn: 2 }],
  ['mixed', [entry('a', substance('Penicillin'), { clinical: 'relapse', criticality: 'high' }), entry('b', substance('Latex'), { clinical: 'inactive' }), entry('c', substance('Codeine'), { verification: 'refuted' }), entry('d', substance('Sulfa'), { verification: 'unconfirmed' })],
    { state: 'allergies', conflict: false, active: ['Penicillin', 'Sulfa'], unconfirmed: ['Sulfa'], inactive: ['Latex'], withdrawn: 1 }],
];

describe('allergy status, decided once', () => {
  it.each(CASES)('%s', (_name, entries, want) => {
    const got = summarizeAllergies(entries);
    expect(got.state).toBe(want.state);
    expect(got.conflict).toBe(want.conflict);
    expect(got.active.map((a) => a.substance)).toEqual(want.active);
    expect(got.active.filter((a) => a.unconfirmed).map((a) => a.substance)).toEqual(want.unconfirmed ?? []);
    expect(got.inactive.map((a) => a.substance)).toEqual(want.inactive);
    expect(got.withdrawn).toBe(want.withdrawn ?? 0);
  });

  it('keeps the reactions of an allergy that no longer stands, and words it apart', () => {
    const r: Json = {
      resourceType: 'AllergyIntolerance', id: 'x', patient: { reference: 'Patient/p1' }, code: { text: 'Latex' },
      clinicalStatus: { coding: [{ system: CLINICAL, code: 'resolved' }] }, reaction: [{ manifestation: [{ text: 'Rash' }] }],
    };
    const s = summarizeAllergies([entry('a', substance('Penicillin')), mapResource('AllergyIntolerance', r, JSON.stringify(r)).data as Allergy]);
    expect(s.inactive).toEqual([{ id: 'x', substance: 'Latex', reactions: ['Rash'], status: 'resolved' }]);
    expect(pastAllergiesText(s)).toBe('No longer active: Latex (Rash) — resolved');
    expect(allergySummaryText(s)).toBe('Penicillin');
    // When nothing stands, the one line already lists them: not said twice.
    const only = summarizeAllergies([entry('b', substance('Latex'), { clinical: 'inactive' })]);
    expect(allergySummaryText(only)).toBe('None active (no longer active: Latex — inactive)');
    expect(pastAllergiesText(only)).toBeNull();
    expect(withdrawnAllergiesText(summarizeAllergies([entry('c', substance('Codeine'), { verification: 'refuted' })]))).toBe(
      '1 entry refuted or entered in error — not an allergy, not listed',
    );
  });

  it('marks a high-criticality allergy severe', () => {
    expect(summarizeAllergies([entry('a', substance('Penicillin'), { criticality: 'high' })]).active[0]?.severe).toBe(true);
    expect(summarizeAllergies([entry('a', substance('Latex'), { criticality: 'low' })]).active[0]?.severe).toBe(false);
  });

  it('does not take a substance that starts like an abbreviation for "no known allergies"', () => {
    expect(summarizeAllergies([entry('a', substance('Nkase enzyme'))]).state).toBe('allergies');
  });
});
