import type { Administration, DoseOutcome, MarEvent } from '../../../shared/contract';

/**
 * What happened to a dose, and which scheduled dose nobody charted: the one place that decides
 * it for the MAR screen, the printed MAR and the CLI.
 *
 * From MedicationAdministration.status (FHIR R4): completed is given; not-done is refused when
 * its statusReason says the patient refused or declined (SNOMED 105480006 "Refusal of treatment
 * by patient", 182895007 "Drug declined by patient", or text saying refused / declined), else
 * held; on-hold is held; in-progress, stopped and entered-in-error are said as such; any other
 * status (unknown, or one FHIR does not define) is "other", shown as sent.
 */
const REFUSAL_CODES = new Set(['105480006', '182895007']);
const REFUSAL_TEXT = /refus|declin/i;

export function doseOutcome(a: Pick<Administration, 'status' | 'reason' | 'reasonCode'>): DoseOutcome {
  switch (a.status.trim().toLowerCase()) {
    case 'completed':
      return 'given';
    case 'not-done':
      return (a.reasonCode !== null && REFUSAL_CODES.has(a.reasonCode)) || (a.reason !== null && REFUSAL_TEXT.test(a.reason)) ? 'refused' : 'held';
    case 'on-hold':
      return 'held';
    case 'in-progress':
      return 'in-progress';
    case 'stopped':
      return 'stopped';
    case 'entered-in-error':
      return 'error';
    default:
      return 'other';
  }
}

const time = (iso: string | null): number => (iso ? Date.parse(iso) : NaN);

/**
 * One order's MAR events, oldest first: every charted dose with its outcome, then each
 * scheduled time that no charted dose within `matchMinutes` answers (the nearest unmatched one
 * answers it; an entered-in-error record answers none): "not charted" when the time has passed
 * by `asOf`, else "due". Doses without a time cannot be placed and are left to the list.
 */
export function marEvents(scheduled: readonly string[], administrations: readonly Administration[], asOf: string, matchMinutes: number): MarEvent[] {
  const asOfMs = Date.parse(asOf);
  const window = matchMinutes * 60_000;
  const charted = administrations.map((a) => ({ a, at: time(a.at) })).filter((x) => !Number.isNaN(x.at));
  const events: Array<MarEvent & { ms: number }> = charted.map(({ a, at }) => ({ kind: doseOutcome(a), at: a.at as string, administrationId: a.id, ms: at }));
  const matched = new Set<number>();
  const due = scheduled.map((s) => ({ s, ms: time(s) })).filter((x) => !Number.isNaN(x.ms)).sort((x, y) => x.ms - y.ms);
  for (const { s, ms } of due) {
    let best = -1;
    charted.forEach((c, i) => {
      if (matched.has(i) || c.a.status === 'entered-in-error' || Math.abs(c.at - ms) > window) return;
      if (best < 0 || Math.abs(c.at - ms) < Math.abs(charted[best]!.at - ms)) best = i;
    });
    if (best >= 0) matched.add(best);
    else events.push({ kind: ms <= asOfMs ? 'not-charted' : 'due', at: s, administrationId: null, ms });
  }
  return events.sort((x, y) => x.ms - y.ms).map(({ kind, at, administrationId }) => ({ kind, at, administrationId }));
}
