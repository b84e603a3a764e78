import type { PatientSummary } from '../../../electron/shared/contract';
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

export function mrnLabel(mrn: string | null | undefined): string {
  return mrn ? `MRN ${mrn}` : 'MRN not recorded';
}

// Allergy wording: one helper for every screen and page (and the CLI); display only.
export {
  ALLERGY_CONFLICT_TEXT,
  activeAllergyText,
  allergyLine,
  allergySummaryText,
  inactiveAllergyText,
  pastAllergiesText,
  withdrawnAllergiesText,
} from '../../../electron/shared/allergy-text';
// Place wording (bed, unit, "No bed recorded"): one helper for every screen and page, and the CLI.
export { bedLabel, censusGroupCut, censusGroupNote, censusGroupTitle, noBedText, placeLine } from '../../../electron/shared/census-text';
