/**
 * A snapshot that loses most of the hospital is more likely a failed export (an empty
 * Patient file, a resource type the EHR job skipped) than a hospital that emptied overnight.
 * Judged from the signed manifest's counts against the snapshot in use, before any payload
 * is decrypted. Counts are compared as they are: a home's unit scope is fixed.
 */
export interface Drop {
  /** Set when the snapshot has fewer patients than the fraction allows. */
  patients: { snapshot: number; inUse: number } | null;
  /** Types the snapshot in use has (count > 0) and this snapshot has none of. */
  missing: Array<{ type: string; inUse: number }>;
}

export function findDrop(counts: Record<string, number>, inUse: Record<string, number>, minPatientFraction: number): Drop | null {
  const now = counts['Patient'] ?? 0;
  const before = inUse['Patient'] ?? 0;
  const patients = before > 0 && now < before * minPatientFraction ? { snapshot: now, inUse: before } : null;
  const missing = Object.entries(inUse)
    .filter(([type, n]) => n > 0 && (counts[type] ?? 0) === 0 && !(type === 'Patient' && patients))
    .map(([type, n]) => ({ type, inUse: n }))
    .sort((a, b) => a.type.localeCompare(b.type));
  return patients || missing.length > 0 ? { patients, missing } : null;
}

/** The refusal detail: numbers and type names only. */
export function describeDrop(drop: Drop): string {
  const parts: string[] = [];
  if (drop.patients) parts.push(`${drop.patients.snapshot} patients where the snapshot in use has ${drop.patients.inUse}`);
  if (drop.missing.length > 0) parts.push(`no ${drop.missing.map((m) => `${m.type} (${m.inUse} in use)`).join(', ')}`);
  return parts.join('; ');
}
