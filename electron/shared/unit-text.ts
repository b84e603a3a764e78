/**
 * Units as people read them: the UCUM codes EHRs send (Cel, mm[Hg], 10*3/uL, kg/m2, {score})
 * in the form a nurse writes them (°C, mmHg, ×10³/µL, kg/m², nothing). Display only, the same
 * on every screen, page and in the CLI. A unit this does not know is shown as sent.
 */

/** What a numeric result without any unit says in place of one. */
export const NO_UNIT_TEXT = 'no unit given';

/** Whole units whose readable form is not built from their parts. */
const WHOLE: Record<string, string> = {
  Cel: '°C',
  '[degF]': '°F',
  'mm[Hg]': 'mmHg',
  'cm[H2O]': 'cmH₂O',
  '[pH]': 'pH',
  // UCUM's unity: a count or ratio with no unit.
  '1': '',
};

/** Bracketed UCUM atoms. */
const ATOMS: Record<string, string> = {
  '[IU]': 'IU', '[iU]': 'IU', '[in_i]': 'in', '[ft_i]': 'ft', '[lb_av]': 'lb', '[oz_av]': 'oz', '[HPF]': 'HPF', '[LPF]': 'LPF',
  '[degF]': '°F', '[pH]': 'pH', "[arb'U]": 'arb. unit', '[drp]': 'drop', '[foz_us]': 'fl oz', '[ppm]': 'ppm',
};

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };
const sup = (digits: string) => [...digits].map((d) => SUPERSCRIPT[d] ?? d).join('');

/** Base units that take the micro prefix "u" (µ) in UCUM's ASCII form. */
const MICRO_BASES = /^u(g|L|l|mol|m|U|eq|kat|s|Pa|\[IU\]|\[iU\])$/;

/** One term of a unit (between "/" or "." operators). */
function term(t: string): string {
  if (t === '') return t;
  const power = /^x?10[*^E](-?\d+)$/i.exec(t);
  if (power) return `×10${sup(power[1]!)}`;
  const atom = ATOMS[t];
  if (atom !== undefined) return atom;
  if (MICRO_BASES.test(t)) return `µ${term(t.slice(1))}`;
  // Prefixed bracket atoms: m[IU] -> mIU.
  const prefixed = /^([a-zµ])(\[[^\]]+\])$/.exec(t);
  if (prefixed && ATOMS[prefixed[2]!] !== undefined) return `${prefixed[1]}${ATOMS[prefixed[2]!]}`;
  if (t === 'meq') return 'mEq';
  if (t === 'eq') return 'Eq';
  // Areas and volumes: m2, cm2, mm3, m-2 -> m², cm², mm³, m⁻².
  const area = /^([kcdmµ]?m)(-?[23])$/.exec(t);
  if (area) return `${area[1]}${sup(area[2]!)}`;
  return t;
}

/**
 * The readable form of a unit as sent: null when none was sent, '' when the unit reads as
 * nothing (UCUM's "1", or only an annotation such as {score} or {INR}), else the unit.
 */
export function unitText(unit: string | null | undefined): string | null {
  const u = unit?.trim();
  if (!u) return null;
  const whole = WHOLE[u];
  if (whole !== undefined) return whole;
  // Annotations are comments ({cells}/uL is /uL); the body-surface one is a real divisor.
  const bare = u.replace(/\{1\.73_?m2\}/g, '1.73 m²').replace(/\{[^}]*\}/g, '');
  if (bare !== u && bare.trim() === '') return '';
  // Split on the division and multiplication operators, keeping them (a "." between digits is a decimal point).
  const parts = bare.split(/(\/|(?<=[A-Za-z\]])\.(?=[A-Za-z[]))/);
  const read = parts.map((p) => (p === '/' ? '/' : p === '.' ? '·' : term(p))).join('');
  return read.replace(/[/·]+$/, '') || (bare === u ? u : '');
}

/**
 * A value with its unit as read: "37.2 °C", "96%", "3" (a score), and for a number sent
 * without any unit "16.55 (no unit given)". A non-numeric value (text, a coded answer) needs none.
 */
export function withUnit(value: string, unit: string | null | undefined): string {
  const u = unitText(unit);
  if (u === null) return looksNumeric(value) ? `${value} (${NO_UNIT_TEXT})` : value;
  if (u === '') return value;
  return u === '%' ? `${value}%` : `${value} ${u}`;
}

/** "16.55", "<5", "≥ 90", "120/80": a number (or a pair), perhaps with a comparator. */
export function looksNumeric(value: string): boolean {
  return /^\s*(?:[<>≤≥]=?\s*)?[-+]?\d+(?:[.,]\d+)?(?:\/\d+(?:[.,]\d+)?)?\s*$/.test(value);
}
