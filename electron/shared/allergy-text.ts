import type { ActiveAllergy, AllergySummary } from './contract';

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

export const ALLERGY_CONFLICT_TEXT = 'the chart also says "no known allergies" — confirm with the patient';

/** The whole answer in one line, without a label. */
export function allergySummaryText(s: AllergySummary): string {
  switch (s.state) {
    case 'allergies':
      return `${s.active.map(activeAllergyText).join('; ')}${s.conflict ? ` (${ALLERGY_CONFLICT_TEXT})` : ''}`;
    case 'no-known-allergies':
      return 'No known allergies';
    case 'only-inactive':
      return `None active (no longer active: ${s.inactive.map((a) => `${a.substance} — ${a.status}`).join('; ')})`;
    case 'not-recorded':
      return 'Not recorded — ask the patient';
  }
}

/** The line every printed page carries: "ALLERGIES: …". */
export function allergyLine(s: AllergySummary): string {
  return `ALLERGIES: ${allergySummaryText(s)}`;
}
