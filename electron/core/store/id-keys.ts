/**
 * The (resource type, id) pairs a reader sees, to find ids that repeat within a type. Every
 * resource of an ingest goes through it, so it keeps no strings and looks nothing up as it
 * goes: each pair becomes a 53-bit hash appended to a typed array (8 bytes a pair, written in
 * order, no garbage), and the repeats are found once, at the end, by sorting the hashes.
 * A hash that comes twice is almost always the same pair twice, but two pairs may share one,
 * so the caller confirms each before it calls anything a duplicate (chart/store.ts against
 * its tables, publisher/publish.ts against the export).
 */
export class IdKeys {
  private keys: Float64Array;
  private count = 0;
  private type = '';
  private seed = 0;

  /** `expected`: how many pairs are coming, if known (room for them is made at once, up to 4 million). */
  constructor(expected = 1 << 16) {
    this.keys = new Float64Array(Math.min(Math.max(expected, 16), 1 << 22));
  }

  get size(): number {
    return this.count;
  }

  /** One resource of `type` whose id is text[start, end). */
  note(type: string, text: string, start = 0, end = text.length): void {
    if (type !== this.type) {
      this.type = type;
      this.seed = typeSeed(type);
    }
    if (this.count === this.keys.length) {
      const grown = new Float64Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    this.keys[this.count++] = hashId(this.seed, text, start, end);
  }

  /** The hashes so far, sorted, to send to another thread (this reader is done). */
  seen(): SeenIds {
    const keys = this.keys.subarray(0, this.count).sort();
    return { keys };
  }

  /**
   * The hashes that occur more than once, here and in what other readers saw (their sorted
   * keys) taken together: one sort of these, then one pass over all of them in order.
   */
  repeated(...others: SeenIds[]): Set<number> {
    let all = this.seen().keys;
    for (const o of others) all = merge(all, o.keys);
    const out = new Set<number>();
    for (let i = 1; i < all.length; i++) if (all[i] === all[i - 1]) out.add(all[i]!);
    return out;
  }
}

/** Two sorted arrays as one. */
function merge(x: Float64Array, y: Float64Array): Float64Array {
  if (x.length === 0) return y;
  if (y.length === 0) return x;
  const out = new Float64Array(x.length + y.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < x.length && j < y.length) out[k++] = x[i]! <= y[j]! ? x[i++]! : y[j++]!;
  while (i < x.length) out[k++] = x[i++]!;
  while (j < y.length) out[k++] = y[j++]!;
  return out;
}

/** What a reader saw of the ids (IdKeys.seen()), to be sent to the thread that stores the records. */
export interface SeenIds {
  keys: Float64Array;
}

export function typeSeed(type: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < type.length; i++) h = Math.imul(h ^ type.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The 53-bit hash of a (type, id) pair, as IdKeys keeps it; for confirming a repeated one. */
export const idKey = (type: string, id: string): number => hashId(typeSeed(type), id, 0, id.length);

/** Two independent 32-bit lanes over text[start, end), two characters a step, mixed into 53 bits (exact in a double). */
function hashId(seed: number, text: string, start: number, end: number): number {
  let a = seed ^ 0x9e3779b9;
  let b = Math.imul(seed, 0x85ebca6b) ^ 0x27d4eb2f;
  let i = start;
  for (; i + 1 < end; i += 2) {
    const c = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b = (b << 13) | (b >>> 19);
  }
  if (i < end) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (mix(a ^ (end - start)) >>> 0) * 0x200000 + (mix(b ^ (end - start)) >>> 11);
}

/** MurmurHash3's 32-bit finaliser: every input bit moves every output bit. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** "ids that repeat: Patient 1, MedicationRequest 2" — the types and counts, never the ids. */
export const repeatedIdsText = (repeated: Record<string, number>): string =>
  `ids that repeat: ${Object.entries(repeated)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ')}`;
