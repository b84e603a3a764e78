/**
 * Which (resource type, id) pairs have been seen, to find ids that repeat within a type.
 * Millions of pairs go through it on the ingest's hot path, so it keeps no strings: each pair
 * is a 63-bit hash in an open-addressed table of 32-bit words (8 bytes a pair, no garbage).
 * add() answers false when the hash was seen before: almost always the same pair (a repeat),
 * but two different pairs may share a hash, so the caller confirms each one (see
 * chart/store.ts and snapshot/publish.ts) before it calls anything a duplicate.
 */
export class IdSet {
  private table: Uint32Array;
  private mask: number;
  private used = 0;

  constructor(capacity = 1 << 16) {
    let slots = 1 << 4;
    while (slots < capacity * 2) slots *= 2;
    this.table = new Uint32Array(slots * 2);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.used;
  }

  /** The hash seed of a resource type; pass it to add() with each id of that type. */
  static seed(type: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < type.length; i++) h = Math.imul(h ^ type.charCodeAt(i), 0x01000193);
    return h >>> 0;
  }

  /** Record (type, id); false when its hash is already in (probably the same pair: confirm it). */
  add(seed: number, id: string): boolean {
    // Two independent 32-bit lanes (FNV-1a and a multiply-rotate), then a final mix of each.
    let a = seed ^ 0x9e3779b9;
    let b = Math.imul(seed, 0x85ebca6b) ^ 0x27d4eb2f;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b = (b << 13) | (b >>> 19);
    }
    a = mix(a ^ id.length) | 1; // never 0: an empty slot is (0, 0)
    b = mix(b ^ id.length);
    const table = this.table;
    let slot = a & this.mask;
    for (;;) {
      const at = slot * 2;
      const x = table[at]!;
      if (x === 0) break;
      if (x === a >>> 0 && table[at + 1] === b >>> 0) return false;
      slot = (slot + 1) & this.mask;
    }
    table[slot * 2] = a;
    table[slot * 2 + 1] = b;
    if (++this.used * 2 > this.mask + 1) this.grow();
    return true;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    for (let at = 0; at < old.length; at += 2) {
      const a = old[at]!;
      if (a === 0) continue;
      let slot = a & this.mask;
      while (this.table[slot * 2] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot * 2] = a;
      this.table[slot * 2 + 1] = old[at + 1]!;
    }
  }
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
