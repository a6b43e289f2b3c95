// Apriori association rules over baskets (pure). A basket is the set of distinct products one buyer paid for in
// one shop on one UTC day. support(X) = baskets containing X / all baskets; confidence(A⇒B) = support(A∪B) /
// support(A); lift(A⇒B) = confidence / support(B). Level-wise: a k-itemset can only be frequent if every
// (k-1)-subset is, so candidates come from joining frequent (k-1)-itemsets.

export interface AprioriOptions {
  /** Minimum support as a fraction of baskets. */
  minSupport: number;
  /** And at least this many baskets (a rule from one basket is an anecdote). */
  minCount: number;
  minConfidence: number;
  maxSize: number;
}

/** Small-shop defaults: a few dozen baskets a week, so the textbook 0.5 support would find nothing. */
export const SMALL_SHOP: AprioriOptions = { minSupport: 0.01, minCount: 2, minConfidence: 0.1, maxSize: 3 };

export interface Rule {
  antecedent: number[];
  consequent: number;
  support: number;
  confidence: number;
  lift: number;
  count: number;
}

/** The thresholds the configuration chose (config.ts: --insights-min-support, -count, -confidence). */
export function aprioriOptions(c: { insightsMinSupport: number; insightsMinCount: number; insightsMinConfidence: number }): AprioriOptions {
  return { minSupport: c.insightsMinSupport, minCount: c.insightsMinCount, minConfidence: c.insightsMinConfidence, maxSize: 2 };
}

const keyOf = (items: readonly number[]) => items.join(",");

/** Frequent itemsets (sorted item ids) with their basket counts. */
export function frequentItemsets(baskets: readonly (readonly number[])[], opts: AprioriOptions): Map<string, { items: number[]; count: number }> {
  const sets = baskets.map((b) => [...new Set(b)].sort((x, y) => x - y));
  const minCount = Math.max(opts.minCount, Math.ceil(opts.minSupport * sets.length - 1e-9));
  const out = new Map<string, { items: number[]; count: number }>();
  let level = new Map<string, { items: number[]; count: number }>();
  const singles = new Map<number, number>();
  for (const b of sets) for (const i of b) singles.set(i, (singles.get(i) ?? 0) + 1);
  for (const [i, c] of singles) if (c >= minCount) level.set(String(i), { items: [i], count: c });
  for (let k = 2; level.size && k <= opts.maxSize + 1; k++) {
    for (const [key, v] of level) out.set(key, v);
    if (k > opts.maxSize) break;
    const prev = [...level.values()].map((v) => v.items).sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    const candidates = new Map<string, number[]>();
    for (let i = 0; i < prev.length; i++) {
      for (let j = i + 1; j < prev.length; j++) {
        const a = prev[i]!;
        const b = prev[j]!;
        if (keyOf(a.slice(0, -1)) !== keyOf(b.slice(0, -1))) continue;
        const c = [...a, b.at(-1)!].sort((x, y) => x - y);
        // Prune: every (k-1)-subset must be frequent.
        if (c.every((_, d) => level.has(keyOf(c.filter((__, e) => e !== d))))) candidates.set(keyOf(c), c);
      }
    }
    const counts = new Map<string, number>();
    for (const b of sets) {
      if (b.length < k) continue;
      const has = new Set(b);
      for (const [key, c] of candidates) if (c.every((i) => has.has(i))) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    level = new Map();
    for (const [key, count] of counts) if (count >= minCount) level.set(key, { items: candidates.get(key)!, count });
  }
  for (const [key, v] of level) out.set(key, v);
  return out;
}

/** Rules X ⇒ y with a single consequent, only those with lift > 1, best first (lift, then confidence). */
export function associationRules(baskets: readonly (readonly number[])[], opts: AprioriOptions = SMALL_SHOP): Rule[] {
  const n = baskets.length;
  if (!n) return [];
  const freq = frequentItemsets(baskets, opts);
  const rules: Rule[] = [];
  for (const { items, count } of freq.values()) {
    if (items.length < 2) continue;
    for (const consequent of items) {
      const antecedent = items.filter((i) => i !== consequent);
      const a = freq.get(keyOf(antecedent));
      const c = freq.get(String(consequent));
      if (!a || !c) continue;
      const support = count / n;
      const confidence = count / a.count;
      const lift = confidence / (c.count / n);
      if (confidence >= opts.minConfidence && lift > 1 + 1e-12) rules.push({ antecedent, consequent, support, confidence, lift, count });
    }
  }
  return rules.sort((x, y) => y.lift - x.lift || y.confidence - x.confidence || x.consequent - y.consequent);
}
