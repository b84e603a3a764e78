import type { Condition, ConditionStanding } from '../../../shared/contract';

/**
 * Problem standing: the one place that decides whether a Condition is a current problem, from
 * FHIR R4's two statuses (http://hl7.org/fhir/R4/condition.html):
 * - verificationStatus refuted or entered-in-error: not a problem (whatever the clinicalStatus);
 * - clinicalStatus active, recurrence or relapse: current;
 * - clinicalStatus inactive, remission or resolved: past;
 * - no (or an unknown) clinicalStatus: past when an abatement is given (FHIR: an abated
 *   condition is not active), else unstated: listed with the current problems as "status not
 *   recorded", never called active.
 * Unconfirmed, provisional and differential conditions keep the standing their clinicalStatus gives.
 */
const CURRENT = new Set(['active', 'recurrence', 'relapse']);
const PAST = new Set(['inactive', 'remission', 'resolved']);
const WITHDRAWN = new Set(['refuted', 'entered-in-error']);

const norm = (s: string | null | undefined) => s?.trim().toLowerCase() ?? '';

export function conditionStanding(c: Pick<Condition, 'clinicalStatus' | 'abatement'> & { verificationStatus?: string | null }): ConditionStanding {
  if (WITHDRAWN.has(norm(c.verificationStatus))) return 'not-a-problem';
  const clinical = norm(c.clinicalStatus);
  if (CURRENT.has(clinical)) return 'current';
  if (PAST.has(clinical)) return 'past';
  return c.abatement ? 'past' : 'unstated';
}

const RANK: Record<ConditionStanding, number> = { current: 0, unstated: 1, past: 2, 'not-a-problem': 3 };

/** The problem list's order: current, then unstated, past and withdrawn; newest onset first within each. */
export function byStanding(a: Condition, b: Condition): number {
  return RANK[a.standing] - RANK[b.standing] || (b.onset ?? '').localeCompare(a.onset ?? '');
}

