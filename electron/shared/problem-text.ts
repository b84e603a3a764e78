import type { Condition } from './contract';

/**
 * A problem's status in words, from the standing core decided (chart/facts/problems.ts): the
 * clinical status as sent; for a withdrawn one, why (refuted, entered in error); for one sent
 * without a status, "status not recorded" (or "abated" when only an abatement was sent).
 */
export function conditionStatusText(c: Condition): string {
  if (c.standing === 'not-a-problem') return (c.verificationStatus ?? 'withdrawn').replace(/-/g, ' ');
  if (c.clinicalStatus) return c.clinicalStatus;
  return c.standing === 'past' ? 'abated' : 'status not recorded';
}

/** Problems the summary lists: the current ones and those sent without a status (so none is hidden, none called active). */
export function summaryProblems(conditions: readonly Condition[]): Condition[] {
  return conditions.filter((c) => c.standing === 'current' || c.standing === 'unstated');
}
