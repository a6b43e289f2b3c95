// Apriori on a hand-worked basket set. Baskets (8): {1,2} {1,2} {1,2,3} {3,4} {3,4} {3} {1} {4,5}
// Counts: 1→4, 2→3, 3→4, 4→3, 5→1; pairs {1,2}→3, {3,4}→2, {1,3} {2,3} {4,5}→1 each; {1,2,3}→1.
import { describe, expect, test } from "bun:test";
import { associationRules, frequentItemsets, SMALL_SHOP } from "./apriori";

const BASKETS = [[1, 2], [1, 2], [1, 2, 3], [3, 4], [3, 4], [3], [1], [4, 5]];
const close = (x: number) => Math.round(x * 1e9) / 1e9;

describe("Apriori", () => {
  test("frequent itemsets with at least 2 baskets", () => {
    const f = frequentItemsets(BASKETS, { ...SMALL_SHOP, minCount: 2 });
    expect(Object.fromEntries([...f].map(([k, v]) => [k, v.count]))).toEqual({ "1": 4, "2": 3, "3": 4, "4": 3, "1,2": 3, "3,4": 2 });
  });

  test("hand-computed support, confidence and lift, best first", () => {
    const rules = associationRules(BASKETS, { ...SMALL_SHOP, minCount: 2 }).map((r) => ({
      rule: `${r.antecedent.join("+")}=>${r.consequent}`, support: close(r.support), confidence: close(r.confidence), lift: close(r.lift),
    }));
    expect(rules).toEqual([
      // support {1,2} = 3/8; conf 2⇒1 = 3/3; lift = 1 / (4/8)
      { rule: "2=>1", support: 0.375, confidence: 1, lift: 2 },
      // conf 1⇒2 = 3/4; lift = 0.75 / (3/8)
      { rule: "1=>2", support: 0.375, confidence: 0.75, lift: 2 },
      // support {3,4} = 2/8; conf 4⇒3 = 2/3; lift = (2/3) / (4/8)
      { rule: "4=>3", support: 0.25, confidence: close(2 / 3), lift: close(4 / 3) },
      { rule: "3=>4", support: 0.25, confidence: 0.5, lift: close(4 / 3) },
    ]);
  });

  test("three-item rules when single baskets count; lift ≤ 1 is never shown", () => {
    const rules = associationRules(BASKETS, { minSupport: 0, minCount: 1, minConfidence: 0, maxSize: 3 });
    const r = rules.find((x) => x.antecedent.join(",") === "1,3" && x.consequent === 2)!;
    // {1,3}⇒2: support 1/8, confidence 1/1, lift 1 / (3/8) = 8/3
    expect([close(r.support), close(r.confidence), close(r.lift)]).toEqual([0.125, 1, close(8 / 3)]);
    // {1,2}⇒3: confidence 1/3, lift (1/3)/(4/8) = 2/3 < 1 → left out; so are 1⇒3 (lift 0.5) and 3⇒1.
    expect(rules.some((x) => x.antecedent.join(",") === "1,2" && x.consequent === 3)).toBe(false);
    expect(rules.some((x) => x.antecedent.join(",") === "1" && x.consequent === 3)).toBe(false);
    expect(rules.every((x) => x.lift > 1)).toBe(true);
  });

  test("the textbook 50 % support finds nothing in a small shop; the defaults do", () => {
    expect(associationRules(BASKETS, { ...SMALL_SHOP, minSupport: 0.5 })).toEqual([]);
    expect(associationRules(BASKETS).length).toBe(4);
    expect(associationRules([])).toEqual([]);
  });
});
