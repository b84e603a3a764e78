import type { ActiveAllergy, AllergySummary, InactiveAllergy } from './contract';

/**
 * The words for an allergy summary, the same on every screen, page and in the CLI. Display
 * only: what the entries mean is decided in core (chart/facts/allergies.ts).
 */

/** "Penicillin (severe: Anaphylaxis)", "Latex (high risk) — unconfirmed" */
export function activeAllergyText(a: ActiveAllergy): string {
  const sev = a.severity ?? (a.criticality === 'high' ? 'high risk' : a.criticality === 'low' ? 'low risk' : null);
  const detail = [sev, a.reactions.join(', ')].filter(Boolean).join(': ');
  return `${a.substance}${detail ? ` (${detail})` : ''}${a.unconfirmed ? ' — unconfirmed' : ''}`;
}

/** "Latex (Rash) — resolved" */
export function inactiveAllergyText(a: InactiveAllergy): string {
  return `${a.substance}${a.reactions.length ? ` (${a.reactions.join(', ')})` : ''} — ${a.status}`;
}

export const ALLERGY_CONFLICT_TEXT = 'the chart also says "no known allergies" — confirm with the patient';

/** The whole answer in one line, without a label. */
export function allergySummaryText(s: AllergySummary): string {
  switch (s.state) {
    case 'allergies':
      return `${s.active.map(activeAllergyText).join('; ')}${s.conflict ? ` (${ALLERGY_CONFLICT_TEXT})` : ''}`;
    case 'no-known-allergies':
      return 'No known allergies';
    case 'only-inactive':
      return `None active (no longer active: ${s.inactive.map(inactiveAllergyText).join('; ')})`;
    case 'not-recorded':
      return 'Not recorded — ask the patient';
  }
}

/** The line every printed page carries: "ALLERGIES: …". */
export function allergyLine(s: AllergySummary): string {
  return `ALLERGIES: ${allergySummaryText(s)}`;
}

/**
 * The allergies the chart no longer counts as standing, listed apart from the ones that do:
 * "No longer active: Latex (Rash) — resolved". Null when there are none, or when the summary's
 * own line already lists them (nothing else stands).
 */
export function pastAllergiesText(s: AllergySummary): string | null {
  if (s.inactive.length === 0 || s.state === 'only-inactive') return null;
  return `No longer active: ${s.inactive.map(inactiveAllergyText).join('; ')}`;
}

/** "1 entry refuted or entered in error — not an allergy, not listed": why the lists are shorter than the entries. */
export function withdrawnAllergiesText(s: AllergySummary): string | null {
  if (s.withdrawn === 0) return null;
  return `${s.withdrawn} ${s.withdrawn === 1 ? 'entry' : 'entries'} refuted or entered in error — not an allergy, not listed`;
}
