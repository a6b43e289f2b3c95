import { expect, test } from "bun:test";
import { createComboCounter } from "./combo";

test("repeats within the window add up; a pause or another gift starts over", () => {
  const c = createComboCounter(1000);
  expect(c.hit("r1:u1:g1", 1, 0)).toBe(1);
  expect(c.hit("r1:u1:g1", 1, 500)).toBe(2);
  expect(c.hit("r1:u1:g1", 5, 1400)).toBe(7);
  expect(c.hit("r1:u1:g2", 1, 1500)).toBe(1);
  expect(c.hit("r1:u1:g1", 1, 2401)).toBe(1);
});
