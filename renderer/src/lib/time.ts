export { formatAge } from '../../../electron/shared/time-text';

export { datedWhenOld, formatClock, formatDate, formatDateTime, formatDay, formatStamp } from '../../../electron/shared/time-text';

/** A date-only FHIR value ("1948-02-17", "1948-02", "1948") read without any time zone shift. */
function dateParts(value: string): { y: number; m: number | null; d: number | null } | null {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (!match) return null;
  return { y: Number(match[1]), m: match[2] ? Number(match[2]) : null, d: match[3] ? Number(match[3]) : null };
}

/** Age in whole years (or months/days for infants) at `now`: "76 y", "8 mo", "12 d". */
export function formatAgeAt(birthDate: string | null | undefined, now: number): string | null {
  if (!birthDate) return null;
  const parts = dateParts(birthDate.slice(0, 10));
  if (!parts) return null;
  const at = new Date(now);
  const m = parts.m ?? 1;
  const d = parts.d ?? 1;
  let years = at.getFullYear() - parts.y;
  let months = at.getMonth() + 1 - m;
  if (at.getDate() < d) months -= 1;
  if (months < 0) {
    years -= 1;
    months += 12;
  }
  if (years < 0) return null;
  if (years >= 2) return `${years} y`;
  if (years * 12 + months >= 1) return `${years * 12 + months} mo`;
  const days = Math.floor((now - new Date(parts.y, m - 1, d).getTime()) / 86_400_000);
  return `${Math.max(0, days)} d`;
}
