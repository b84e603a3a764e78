import type { Allergy, BedLocation, PatientSummary } from '../../../electron/shared/contract';
import { formatAgeAt, formatDate } from './time';

/** "F", "M", or the recorded value when it is something else. */
export function sexLabel(sex: string | null | undefined): string {
  if (!sex) return '—';
  const s = sex.toLowerCase();
  if (s === 'female' || s === 'f') return 'F';
  if (s === 'male' || s === 'm') return 'M';
  return sex;
}

/** "76 y F" */
export function ageSex(p: Pick<PatientSummary, 'birthDate' | 'sex'>, now: number): string {
  return `${formatAgeAt(p.birthDate, now) ?? '—'} ${sexLabel(p.sex)}`;
}

/** "17 Feb 1948 (76 y)" */
export function dobWithAge(birthDate: string | null, now: number): string {
  if (!birthDate) return 'DOB not recorded';
  const age = formatAgeAt(birthDate, now);
  return age ? `${formatDate(birthDate)} (${age})` : formatDate(birthDate);
}

/** "412-A" or "Room 412" or "—". */
export function bedLabel(location: Pick<BedLocation, 'room' | 'bed'> | null | undefined): string {
  if (!location) return '—';
  const { room, bed } = location;
  // Beds are often named with their room already ("201-A"): do not repeat it.
  if (room && bed && room !== bed) return bed.startsWith(room) ? bed : `${room}-${bed}`;
  return room ?? bed ?? '—';
}

export function mrnLabel(mrn: string | null | undefined): string {
  return mrn ? `MRN ${mrn}` : 'MRN not recorded';
}

/** Allergies that still apply (refuted and inactive ones do not warn). */
export function activeAllergies(allergies: Allergy[]): Allergy[] {
  return allergies.filter(
    (a) =>
      !isNoKnownAllergy(a) &&
      a.verificationStatus !== 'refuted' &&
      a.verificationStatus !== 'entered-in-error' &&
      a.clinicalStatus !== 'inactive' &&
      a.clinicalStatus !== 'resolved',
  );
}

/** An entry that records the absence of allergies ("No known allergy"). */
export function isNoKnownAllergy(a: Allergy): boolean {
  return /^(no known|nka|nkda)/i.test(a.substance.trim());
}

/** How bad a reaction may be: severity, else criticality, in words. */
export function allergySeverity(a: Allergy): string | null {
  if (a.severity) return a.severity;
  if (a.criticality === 'high') return 'high risk';
  if (a.criticality === 'low') return 'low risk';
  return null;
}

export function isSevere(a: Allergy): boolean {
  return a.severity === 'severe' || a.criticality === 'high';
}

/** "Penicillin (severe: Anaphylaxis)" */
export function allergyText(a: Allergy): string {
  const sev = allergySeverity(a);
  const detail = [sev, a.reactions.join(', ')].filter(Boolean).join(': ');
  return detail ? `${a.substance} (${detail})` : a.substance;
}

/** One line for paper and banners: every allergy, or the explicit absence of any. */
export function allergyLine(allergies: Allergy[], noKnownAllergies = false): string {
  const active = activeAllergies(allergies);
  if (active.length > 0) return `ALLERGIES: ${active.map(allergyText).join('; ')}`;
  if (noKnownAllergies || allergies.some(isNoKnownAllergy)) return 'ALLERGIES: No known allergies';
  if (allergies.length > 0) return 'ALLERGIES: None active (see allergy list)';
  return 'ALLERGIES: Not recorded — ask the patient';
}
