import { htmlToText } from './html-text';

/**
 * Small, allocation-light helpers over parsed FHIR JSON. Input is untrusted: every accessor
 * tolerates missing or mistyped fields and returns null instead of throwing.
 */

export type Json = Record<string, unknown>;

export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
export const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
export const obj = (v: unknown): Json | null => (isObj(v) ? v : null);

/** A Coding's or CodeableConcept's human text: text, then the first display, then the code. */
export function ccText(v: unknown): string | null {
  const c = obj(first(v));
  if (!c) return typeof v === 'string' ? v : null;
  const t = str(c['text']) ?? str(c['display']);
  if (t) return t;
  for (const coding of arr(c['coding'])) {
    const d = isObj(coding) ? str(coding['display']) : null;
    if (d) return d;
  }
  for (const coding of arr(c['coding'])) {
    const d = isObj(coding) ? str(coding['code']) : null;
    if (d) return d;
  }
  return str(c['code']);
}

/** First coding of a CodeableConcept (or the Coding itself). */
export function coding(v: unknown): { code: string | null; system: string | null; display: string | null } {
  const c = obj(first(v));
  if (!c) return { code: null, system: null, display: null };
  const cd = obj(first(c['coding'])) ?? c;
  return { code: str(cd['code']), system: str(cd['system']), display: str(cd['display']) };
}

/** Every code of a CodeableConcept (or list of them), lower-cased. */
export function codes(v: unknown): string[] {
  const out: string[] = [];
  for (const c of arr(v)) {
    if (!isObj(c)) continue;
    if (str(c['code'])) out.push((c['code'] as string).toLowerCase());
    for (const cd of arr(c['coding'])) if (isObj(cd) && str(cd['code'])) out.push((cd['code'] as string).toLowerCase());
  }
  return out;
}

export interface Coded {
  code: string | null;
  system: string | null;
  display: string;
}

export function coded(v: unknown, fallback = 'Not recorded'): Coded {
  const c = coding(v);
  return { code: c.code, system: c.system, display: ccText(v) ?? fallback };
}

export interface RefParts {
  type: string | null;
  id: string;
}

/**
 * The target of a Reference string: "Type/id", "Type/id/_history/n", an absolute URL ending
 * in Type/id, or "urn:uuid:id" (type unknown). Contained ("#x") and empty references give null.
 */
export function parseRef(reference: unknown): RefParts | null {
  const r = str(reference);
  if (!r || r.startsWith('#')) return null;
  if (r.startsWith('urn:uuid:')) return { type: null, id: r.slice(9) };
  if (r.startsWith('urn:oid:')) return { type: null, id: r.slice(8) };
  const hist = r.indexOf('/_history/');
  const clean = hist >= 0 ? r.slice(0, hist) : r;
  const slash = clean.lastIndexOf('/');
  if (slash <= 0) return null;
  const id = clean.slice(slash + 1);
  const before = clean.slice(0, slash);
  const typeStart = before.lastIndexOf('/');
  const type = before.slice(typeStart + 1);
  if (!id || !/^[A-Z][A-Za-z]+$/.test(type)) return null;
  return { type, id };
}

/** The display of a Reference, or a marker the query layer resolves to a name ("\u0001Type/id"). */
export function refLabel(v: unknown, contained?: Map<string, Json>): string | null {
  const r = obj(first(v));
  if (!r) return null;
  const d = str(r['display']);
  if (d) return d;
  const reference = str(r['reference']);
  if (reference?.startsWith('#') && contained) {
    const c = contained.get(reference.slice(1));
    if (c) return nameOf(c);
  }
  const p = parseRef(reference);
  if (p) return `\u0001${p.type ?? ''}/${p.id}`;
  const ident = obj(r['identifier']);
  return ident ? str(ident['value']) : null;
}

/** A HumanName as "Given Middle Family" (text wins when present). */
export function humanName(n: unknown): string | null {
  const h = obj(n);
  if (!h) return null;
  const text = str(h['text']);
  if (text) return text;
  const given = arr(h['given']).filter((g): g is string => typeof g === 'string');
  const family = str(h['family']);
  const parts = [...given, ...(family ? [family] : [])];
  return parts.length ? parts.join(' ') : null;
}

/** The name a non-patient resource is known by (Practitioner, Organization, Location, Medication, ...). */
export function nameOf(r: Json): string | null {
  if (typeof r['name'] === 'string') return r['name'] as string;
  const names = arr(r['name']);
  if (names.length) {
    const official = names.find((n) => isObj(n) && n['use'] === 'official') ?? names[0];
    const n = humanName(official);
    if (n) {
      const prefix = isObj(official) ? arr(official['prefix']).filter((p) => typeof p === 'string') : [];
      return prefix.length && !n.startsWith(String(prefix[0])) ? `${prefix.join(' ')} ${n}` : n;
    }
  }
  return ccText(r['code']) ?? ccText(r['type']) ?? str(r['title']) ?? str(r['description']);
}

/** Contained resources by local id. */
export function containedMap(r: Json): Map<string, Json> | undefined {
  const list = r['contained'];
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const m = new Map<string, Json>();
  for (const c of list) if (isObj(c) && typeof c['id'] === 'string') m.set(c['id'], c);
  return m;
}

/** A Quantity as "5 mg". */
export function quantity(v: unknown): string | null {
  const q = obj(v);
  if (!q) return null;
  const value = num(q['value']);
  if (value === null) return null;
  const unit = str(q['unit']) ?? str(q['code']);
  const comparator = str(q['comparator']) ?? '';
  return unit ? `${comparator}${value} ${unit}` : `${comparator}${value}`;
}

export function period(v: unknown): { start: string | null; end: string | null } {
  const p = obj(v);
  return p ? { start: str(p['start']), end: str(p['end']) } : { start: null, end: null };
}

export { htmlToText };

/** Text of an Attachment: base64 data decoded; HTML reduced to text; binary noted, not shown. */
export function attachmentText(v: unknown): string | null {
  const a = obj(v);
  if (!a) return null;
  const type = (str(a['contentType']) ?? 'text/plain').toLowerCase();
  const data = str(a['data']);
  if (!data) {
    const url = str(a['url']);
    return url ? `[Attachment not included in the extract: ${str(a['title']) ?? url}]` : null;
  }
  if (!type.startsWith('text/') && !type.includes('xml') && !type.includes('json')) {
    return `[${type} attachment${str(a['title']) ? ` "${str(a['title'])}"` : ''}: not shown as text]`;
  }
  const text = Buffer.from(data, 'base64').toString('utf8');
  return type.includes('html') || type.includes('xml') ? htmlToText(text) : text;
}

/** The sortable date-time of a date or date-time string (null stays null). */
export const dateKey = (v: string | null): string | null => v;
