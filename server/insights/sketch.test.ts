// Distinct-viewer sketches: exact while small (so small rooms get exact counts), HyperLogLog beyond, merges
// that equal the sketch of the union, and a round trip through the stored bytes.
import { describe, expect, test } from "bun:test";
import { decodeSketch, emptySketch, encodeSketch, sketchAdd, sketchCount, sketchMerge, type Sketch } from "./model";

const of = (keys: Iterable<string>): Sketch => {
  let s = emptySketch();
  for (const k of keys) s = sketchAdd(s, k);
  return s;
};
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => `v${a + i}`);

describe("viewer sketches", () => {
  test("exact up to 1,024 distinct viewers, duplicates ignored", () => {
    expect(sketchCount(of([...range(0, 1000), ...range(0, 1000)]))).toBe(1000);
    expect(sketchCount(sketchMerge(of(range(0, 600)), of(range(300, 900))))).toBe(900);
  });

  test("HyperLogLog beyond: within 2 % at 100,000, and a merge counts the union", () => {
    const n = sketchCount(of(range(0, 100_000)));
    expect(Math.abs(n - 100_000) / 100_000).toBeLessThan(0.02);
    const u = sketchCount(sketchMerge(of(range(0, 60_000)), of(range(40_000, 100_000))));
    expect(Math.abs(u - 100_000) / 100_000).toBeLessThan(0.02);
    expect(sketchCount(sketchMerge(of(range(0, 5000)), of(range(0, 10))))).toBe(sketchCount(of(range(0, 5000))));
  });

  test("stored bytes round-trip", () => {
    for (const s of [of(range(0, 10)), of(range(0, 3000))]) expect(sketchCount(decodeSketch(encodeSketch(s)))).toBe(sketchCount(s));
  });
});
