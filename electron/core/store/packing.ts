import { DamagedBatchError } from './content';
import type { Codec, Field, RecordKind } from './table';

/*
 * Records cross threads, and snapshots (mapped entries), packed into one string per batch:
 * a structured clone of thousands of small arrays costs far more than one flat string.
 * Fields are separated by U+0000 and each record ends with U+0001; a record starts with its
 * kind (one digit). JSON text cannot hold a raw control character (JSON.parse refuses it), so
 * it goes as it is; other strings go as they are unless they hold U+0000..U+0002, then as
 * U+0002 + JSON. U+0002 alone is null. Numbers as decimal text; other values as JSON. How each
 * field is packed comes from its description (store/table.ts), read once when the packer is made.
 */

export const SEP = '\u0000';
export const END = '\u0001';
const NULL = '\u0002';

const TEXT = 0;
const JSON_TEXT = 1;
const NUMBER = 2;
const VALUE = 3;
/** Added to a field's code when it is never null. */
const REQ = 4;
const CODE: Record<Codec, number> = { text: TEXT, 'json-text': JSON_TEXT, number: NUMBER, json: VALUE };
const codeOf = (f: Field): number => CODE[f.codec] | (f.nullable ? 0 : REQ);

/** Does the text hold U+0000, U+0001 or U+0002? */
function hasSeparator(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) <= 2) return true;
  return false;
}

function encode(code: number, value: unknown): string {
  if (value === null) return NULL;
  switch (code & 3) {
    case TEXT:
      return hasSeparator(value as string) ? NULL + JSON.stringify(value) : (value as string);
    case JSON_TEXT:
      return value as string;
    case NUMBER:
      return String(value);
    default:
      return JSON.stringify(value);
  }
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** JSON text of an object or an array, by its first and last characters (a full parse would cost the ingest a fifth). */
function looksLikeJson(text: string): boolean {
  let a = 0;
  let b = text.length - 1;
  while (a < b && isSpace(text.charCodeAt(a))) a++;
  while (b > a && isSpace(text.charCodeAt(b))) b--;
  const first = text.charCodeAt(a);
  const last = text.charCodeAt(b);
  return b > a && ((first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d));
}

/** One field back from its text; throws for anything encode() would not have written. */
function decode(code: number, text: string): unknown {
  if (text.charCodeAt(0) === 2) {
    if (text.length === 1) {
      if (code & REQ) throw new Error('a required field is null');
      return null;
    }
    // Only strings holding a separator are written this way.
    const value: unknown = code & 3 ? undefined : JSON.parse(text.slice(1));
    if (typeof value !== 'string') throw new Error('not a string');
    return value;
  }
  switch (code & 3) {
    case TEXT:
      return text;
    case JSON_TEXT:
      if (!looksLikeJson(text)) throw new Error('not JSON');
      return text;
    case NUMBER: {
      const n = Number(text);
      if (Number.isNaN(n) || text === '') throw new Error('not a number'); // records hold no NaN
      return n;
    }
    default:
      return JSON.parse(text);
  }
}

export interface Packer<Rec extends readonly unknown[]> {
  /** Records to one string (see above). */
  pack(records: readonly Rec[]): string;
  /**
   * pack(), undone; throws DamagedBatchError for anything it would not have written: a record
   * cut short or run on, a field too many or too few, a field of the wrong type, null where a
   * value is required, an unknown kind, or a record `wellFormed` refuses.
   */
  unpack(packed: string): Rec[];
}

/** A packer for records of these kinds (kinds 0 to 9); `wellFormed` checks what the fields' types do not. */
export function createPacker<Rec extends readonly [number, ...unknown[]]>(
  kinds: readonly RecordKind<number, readonly (readonly [string, Field])[]>[],
  wellFormed: (rec: unknown[]) => boolean,
): Packer<Rec> {
  const codes: (readonly number[] | undefined)[] = [];
  for (const k of kinds) {
    if (!Number.isInteger(k.kind) || k.kind < 0 || k.kind > 9 || codes[k.kind]) throw new Error(`record kind ${k.kind} is not one digit, or twice`);
    codes[k.kind] = k.fields.map(([, f]) => codeOf(f));
  }
  return {
    pack(records) {
      let out = '';
      for (let r = 0; r < records.length; r++) {
        const rec = records[r]!;
        const fields = codes[rec[0]]!;
        out += rec[0];
        for (let i = 0; i < fields.length; i++) out += SEP + encode(fields[i]!, rec[i + 1]);
        out += END;
      }
      return out;
    },
    unpack(packed) {
      const out: Rec[] = [];
      if (packed === '') return out;
      if (packed.charCodeAt(packed.length - 1) !== 1) throw new DamagedBatchError('the last record is not ended');
      const records = packed.split(END);
      for (let r = 0; r < records.length - 1; r++) {
        const parts = records[r]!.split(SEP);
        const kind = Number(parts[0]);
        const fields = codes[kind];
        if (!fields || parts[0]!.length !== 1 || parts.length !== fields.length + 1) throw new DamagedBatchError(`record ${r + 1} is damaged`);
        const rec: unknown[] = [kind];
        try {
          for (let i = 0; i < fields.length; i++) rec.push(decode(fields[i]!, parts[i + 1]!));
        } catch {
          throw new DamagedBatchError(`record ${r + 1} is damaged`);
        }
        if (!wellFormed(rec)) throw new DamagedBatchError(`record ${r + 1} is damaged`);
        out.push(rec as unknown as Rec);
      }
      return out;
    },
  };
}
