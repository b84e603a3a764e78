/**
 * Dates and times in words, the same on every screen, page and in the CLI: one clock (the
 * workstation's time zone), every date with its year, and a date-only value never given a
 * time. FHIR dateTimes carry the offset the source wrote; a time is shown in the workstation's
 * zone, and that zone is named ("UTC-04:00") whenever the source's offset differs, so a reader
 * comparing with the EHR's own printout knows the clocks are not the same.
 */

export interface ZoneOption {
  /** An IANA time zone to show times in (tests, a CLI flag); the workstation's when not given. */
  timeZone?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number) => String(n).padStart(2, '0');

/** A calendar date and a wall clock, with the offset (minutes east of UTC) it stands in. */
interface Wall {
  y: number;
  m: number;
  d: number;
  hh: number;
  mm: number;
  weekday: number;
  offset: number;
}

/** A value as the EHR wrote it. */
type Parsed =
  /** "2019-03-12", "2019-03", "2019": a date, never a time. */
  | { kind: 'date'; y: number; m: number | null; d: number | null }
  /** A time with no offset: shown as written, since its zone is unknown. */
  | { kind: 'floating'; wall: Wall }
  /** A moment; `offset` is the source's, null when the text did not say (a parsed number). */
  | { kind: 'instant'; ms: number; offset: number | null };

const DATE_ONLY = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function parse(value: string | number): Parsed | null {
  if (typeof value === 'number') return Number.isFinite(value) ? { kind: 'instant', ms: value, offset: null } : null;
  const v = value.trim();
  const date = DATE_ONLY.exec(v);
  if (date) return { kind: 'date', y: Number(date[1]), m: date[2] ? Number(date[2]) : null, d: date[3] ? Number(date[3]) : null };
  const dt = DATE_TIME.exec(v);
  if (dt) {
    const [y, m, d, hh, mm, ss] = [1, 2, 3, 4, 5, 6].map((i) => Number(dt[i] ?? 0)) as [number, number, number, number, number, number];
    const zone = dt[7];
    if (!zone) return { kind: 'floating', wall: { y, m, d, hh, mm, weekday: new Date(Date.UTC(y, m - 1, d)).getUTCDay(), offset: 0 } };
    const offset = zone.toUpperCase() === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
    const ms = Date.UTC(y, m - 1, d, hh, mm, ss) - offset * 60_000;
    return Number.isNaN(ms) ? null : { kind: 'instant', ms, offset };
  }
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : { kind: 'instant', ms, offset: null };
}

// One formatter per zone: building an Intl.DateTimeFormat costs far more than using one.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(key, f);
  }
  return f;
}

/** The workstation's (or the given zone's) calendar and clock at a moment. */
function wallAt(ms: number, timeZone: string | undefined): Wall {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const y = parts['year']!;
  const m = parts['month']!;
  const d = parts['day']!;
  const hh = parts['hour']! % 24;
  const mm = parts['minute']!;
  const local = Date.UTC(y, m - 1, d, hh, mm, parts['second']!);
  const offset = Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  return { y, m, d, hh, mm, weekday: new Date(Date.UTC(y, m - 1, d)).getUTCDay(), offset };
}

/** "UTC", "UTC-04:00", "UTC+05:30": the zone a time is shown in, named by its offset. */
export function zoneName(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'UTC';
  const a = Math.abs(offsetMinutes);
  return `UTC${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

const dayText = (w: Pick<Wall, 'y' | 'm' | 'd'>) => `${pad(w.d)} ${MONTHS[w.m - 1] ?? '?'} ${w.y}`;
const clockText = (w: Wall) => `${pad(w.hh)}:${pad(w.mm)}`;

/** The wall clock a value is shown at, and whether its zone must be named. */
function shown(p: Exclude<Parsed, { kind: 'date' }>, opts: ZoneOption): { wall: Wall; named: boolean } {
  if (p.kind === 'floating') return { wall: p.wall, named: false };
  const wall = wallAt(p.ms, opts.timeZone);
  return { wall, named: p.offset !== null && p.offset !== wall.offset };
}

/** "12 Mar 2019", "Mar 2019", "2019": a date, with its year, in the workstation's calendar. */
export function formatDate(value: string | null | undefined, opts: ZoneOption = {}): string {
  if (!value) return '—';
  const p = parse(value);
  if (!p) return value;
  if (p.kind === 'date') {
    if (p.m === null) return String(p.y);
    return p.d === null ? `${MONTHS[p.m - 1] ?? '?'} ${p.y}` : dayText({ y: p.y, m: p.m, d: p.d });
  }
  return dayText(shown(p, opts).wall);
}

/**
 * "30 Apr 2015 21:48", or "01 May 2015 01:48 UTC" when the source wrote another offset; a
 * date-only value stays a date ("12 Mar 2019").
 */
export function formatDateTime(value: string | null | undefined, opts: ZoneOption = {}): string {
  if (!value) return '—';
  const p = parse(value);
  if (!p) return value;
  if (p.kind === 'date') return formatDate(value);
  const { wall, named } = shown(p, opts);
  return `${dayText(wall)} ${clockText(wall)}${named ? ` ${zoneName(wall.offset)}` : ''}`;
}

/**
 * A moment this system made or computed (the copy's "as of", printed at, expires, the MAR's
 * window and next due): the workstation's clock, never a zone, since no source offset exists.
 */
export function formatStamp(value: string | number | null | undefined, opts: ZoneOption = {}): string {
  if (value === null || value === undefined || value === '') return '—';
  const p = parse(value);
  if (!p) return String(value);
  if (p.kind === 'date') return formatDate(String(value));
  const wall = p.kind === 'floating' ? p.wall : wallAt(p.ms, opts.timeZone);
  return `${dayText(wall)} ${clockText(wall)}`;
}

/**
 * "02 Dec 2026 03:45 UTC", "01 Dec 2026 22:45 UTC-05:00": a moment for a reader elsewhere (IT's
 * fleet report, read from a share in another building or zone), always with its zone.
 */
export function formatStampWithZone(value: string | number | null | undefined, opts: ZoneOption = {}): string {
  if (value === null || value === undefined || value === '') return '—';
  const p = parse(value);
  if (!p || p.kind !== 'instant') return formatStamp(value, opts);
  const wall = wallAt(p.ms, opts.timeZone);
  return `${dayText(wall)} ${clockText(wall)} ${zoneName(wall.offset)}`;
}

/** "14:05" (under a heading that gives the date), with the zone when the source's offset differs. */
export function formatClock(value: string | number, opts: ZoneOption = {}): string {
  const p = parse(value);
  if (!p || p.kind === 'date') return String(value);
  const { wall, named } = shown(p, opts);
  return `${clockText(wall)}${named ? ` ${zoneName(wall.offset)}` : ''}`;
}

/** "Sat 21 Nov 2026": a day column's heading. */
export function formatDay(ms: number, opts: ZoneOption = {}): string {
  const w = wallAt(ms, opts.timeZone);
  return `${WEEKDAYS[w.weekday]} ${dayText(w)}`;
}

const DAY_MS = 86_400_000;

/**
 * A measurement the banner carries (weight, height) with the date it was taken once it is
 * more than a day old: "61.2 kg (12 Mar 2019)". Within a day the value stands alone.
 */
export function datedWhenOld(text: string, at: string | null | undefined, now: number, opts: ZoneOption = {}): string {
  if (!at) return `${text} (date not recorded)`;
  const p = parse(at);
  if (!p) return `${text} (${at})`;
  const ms = p.kind === 'instant' ? p.ms : p.kind === 'date' ? Date.UTC(p.y, (p.m ?? 12) - 1, p.d ?? 28) : Date.UTC(p.wall.y, p.wall.m - 1, p.wall.d, p.wall.hh, p.wall.mm);
  return now - ms > DAY_MS ? `${text} (${formatDate(at, opts)})` : text;
}

/** "2 h 13 min", "45 min", "3 d 4 h": how long ago, in words a glance can read. */
export function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A date-only FHIR value ("1948-02-17", "1948-02", "1948") read without any time zone shift. */
function dateParts(value: string): { y: number; m: number | null; d: number | null } | null {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (!match) return null;
  return { y: Number(match[1]), m: match[2] ? Number(match[2]) : null, d: match[3] ? Number(match[3]) : null };
}

/**
 * Age in whole years (or months/days for infants) at `now`: "76 y", "8 mo", "12 d"; the one
 * age the screens, the pages and the CLI show. A birthday comes at midnight on the
 * workstation's calendar (the clock every date here is read in); someone born on 29 February
 * has their birthday on 1 March in other years. Null for no, an unreadable or a future date.
 */
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
