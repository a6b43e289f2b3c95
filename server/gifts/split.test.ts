import { expect, test } from "bun:test";
import { splitGift } from "./split";

test("split rounds the creator's part down and gives the remainder to the platform", () => {
  const rows: [number, number, number, number][] = [
    // total, share, creator, platform
    [100, 70, 70, 30],
    [1, 70, 0, 1],
    [3, 70, 2, 1],
    [10, 70, 7, 3],
    [99, 70, 69, 30],
    [7, 50, 3, 4],
    [5, 100, 5, 0],
    [5, 0, 0, 5],
  ];
  for (const [total, share, creator, platform] of rows) expect(splitGift(total, share)).toEqual({ creator, platform });
});

test("parts always add up to the total and the creator never exceeds the share", () => {
  for (let share = 0; share <= 100; share++) {
    for (let total = 0; total <= 500; total++) {
      const { creator, platform } = splitGift(total, share);
      expect(creator + platform).toBe(total);
      expect(creator * 100).toBeLessThanOrEqual(total * share);
      expect((creator + 1) * 100).toBeGreaterThan(total * share);
    }
  }
});

test("bad inputs throw", () => {
  expect(() => splitGift(-1, 70)).toThrow();
  expect(() => splitGift(1.5, 70)).toThrow();
  expect(() => splitGift(10, 101)).toThrow();
});
