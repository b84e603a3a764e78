import type { ActiveAllergy, Allergy, AllergySummary, InactiveAllergy } from '../../../shared/contract';

/**
 * Allergy status: the one place that decides it. The mapper asks `isNoKnownAllergy` of each
 * AllergyIntolerance; the queries ask `summarizeAllergies` of a patient's entries, and the
 * census row and the chart carry the answer to every screen, page and the CLI.
 */

/** SNOMED CT "no known allergy" and its narrower forms (drug, food, environmental, latex-free...). */
const NKA_CODES = new Set(['716186003', '409137002', '428607008', '429625007', '428197003']);
/** Text-only assertions of no allergies: "NKA", "NKDA", "No known allergies", "No known drug allergy". */
const NKA_TEXT = /^\s*(nk(d|f)?a\b|no\s+known\s+(drug\s+|food\s+)?allerg|no\s+allergies\b)/i;

/** Whether an entry asserts the absence of allergies rather than naming a substance. */
export function isNoKnownAllergy(codes: readonly string[], text: string | null): boolean {
  return codes.some((c) => NKA_CODES.has(c)) || (text !== null && NKA_TEXT.test(text));
}

/** FHIR R4 clinicalStatus: active, recurrence, relapse stand; inactive, remission, resolved do not. */
type Clinical = 'active' | InactiveAllergy['status'];

function clinicalOf(code: string | null): Clinical {
  const c = code?.trim().toLowerCase() ?? '';
  if (c === 'inactive' || c === 'remission' || c === 'resolved') return c;
  // active, recurrence, relapse; a missing or unknown status warns rather than hides.
  return 'active';
}

/** Refuted and entered-in-error entries are not allergies (nor "no known allergies"): never listed, never counted. */
function withdrawn(verification: string | null): boolean {
  const v = verification?.trim().toLowerCase();
  return v === 'refuted' || v === 'entered-in-error';
}

const sameSubstance = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

function unconfirmed(verification: string | null): boolean {
  const v = verification?.trim().toLowerCase();
  return v === 'unconfirmed' || v === 'presumed';
}

/**
 * What a patient's allergy entries say, in the order given (callers pass newest first).
 * A standing "no known allergies" entry next to a standing allergy does not hide it: the
 * allergies win and `conflict` says the record disagrees with itself.
 */
export function summarizeAllergies(allergies: readonly Allergy[]): AllergySummary {
  const active: ActiveAllergy[] = [];
  const inactive: InactiveAllergy[] = [];
  let nka = false;
  let withdrawnCount = 0;
  for (const a of allergies) {
    if (withdrawn(a.verificationStatus)) {
      withdrawnCount += 1;
      continue;
    }
    const clinical = clinicalOf(a.clinicalStatus);
    if (a.noKnownAllergy) {
      // An inactive "no known allergies" is one the chart no longer asserts.
      if (clinical === 'active') nka = true;
      continue;
    }
    if (clinical !== 'active') {
      inactive.push({ id: a.id, substance: a.substance, reactions: a.reactions, status: clinical });
      continue;
    }
    active.push({
      id: a.id,
      substance: a.substance,
      severity: a.severity,
      criticality: a.criticality,
      reactions: a.reactions,
      severe: a.severity === 'severe' || a.criticality === 'high',
      unconfirmed: unconfirmed(a.verificationStatus),
    });
  }
  // A past entry for a substance that stands again is not "no longer active"; one line per substance.
  const standing = new Set(active.map((a) => sameSubstance(a.substance)));
  const past = inactive.filter((a, i) => {
    const key = sameSubstance(a.substance);
    return !standing.has(key) && inactive.findIndex((b) => sameSubstance(b.substance) === key) === i;
  });
  const state = active.length > 0 ? 'allergies' : nka ? 'no-known-allergies' : past.length > 0 ? 'only-inactive' : 'not-recorded';
  return { state, active, inactive: past, conflict: nka && active.length > 0, withdrawn: withdrawnCount };
}
