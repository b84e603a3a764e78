/**
 * Typo tolerance for name search: a deletion-neighbourhood index (SymSpell) over the distinct
 * name tokens, verified with an optimal-string-alignment (Damerau) distance.
 */

/** Edit distance with adjacent transpositions; returns max + 1 as soon as it must exceed max. */
export function damerau(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, (prev2[j - 2] as number) + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n] as number;
}

function deletes(word: string, into: Set<string>): void {
  for (let i = 0; i < word.length; i++) into.add(word.slice(0, i) + word.slice(i + 1));
}

export class NameCorrector {
  private readonly index = new Map<string, string[]>();
  private readonly vocab: Set<string>;

  constructor(terms: Iterable<string>) {
    this.vocab = new Set(terms);
    // Built when the first near spelling is wanted (some 20,000 terms at 100,000 patients):
    // no set per term; a key the same term gave already is the last one on its list.
    const add = (k: string, t: string) => {
      const list = this.index.get(k);
      if (!list) this.index.set(k, [t]);
      else if (list[list.length - 1] !== t) list.push(t);
    };
    for (const t of this.vocab) {
      if (t.length < 3) continue;
      add(t, t);
      for (let i = 0; i < t.length; i++) add(t.slice(0, i) + t.slice(i + 1), t);
    }
  }

  /** Vocabulary terms within 1 edit (2 for words of 6+ letters) of word, best first, at most 8. */
  candidates(word: string): string[] {
    if (word.length < 3) return [];
    const max = word.length >= 6 ? 2 : 1;
    const keys = new Set<string>([word]);
    deletes(word, keys);
    if (max === 2) for (const k of [...keys]) deletes(k, keys);
    const found = new Map<string, number>();
    for (const k of keys) {
      for (const t of this.index.get(k) ?? []) {
        if (t === word || found.has(t)) continue;
        const d = damerau(t, word, max);
        if (d <= max) found.set(t, d);
      }
    }
    return [...found.entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).slice(0, 8).map(([t]) => t);
  }
}
