// Comparing a presented secret (a token, a signature, a CSRF value) with the expected one in constant time, so
// the time taken says nothing about how much of it matched.
import { timingSafeEqual } from "node:crypto";

export function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
