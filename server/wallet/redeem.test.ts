import { expect, test } from "bun:test";
import { createCodes, normalizeCode, redeemCode, validateCodeRequest } from "./redeem";
import { ledgerDb } from "./testing";
import { checkLedger, getBalance } from "./wallet";

test("a code redeems once per user and never beyond its uses", () => {
  const { db, user } = ledgerDb();
  const admin = user("root");
  const [a, b, c] = [user("a"), user("b"), user("c")];
  const [code] = createCodes(db, admin, { coins: 25, maxUses: 2, count: 1, note: "launch", expiresAt: null });
  expect(code!.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  expect(redeemCode(db, a, code!.code.toLowerCase().replaceAll("-", " "))).toEqual({ ok: true, coins: 25, balance: 25 });
  expect(redeemCode(db, a, code!.code)).toEqual({ ok: false, error: "used" });
  expect(redeemCode(db, b, code!.code).ok).toBe(true);
  expect(redeemCode(db, c, code!.code)).toEqual({ ok: false, error: "exhausted" });
  expect(redeemCode(db, c, "NOPE-NOPE-NOPE")).toEqual({ ok: false, error: "unknown" });
  expect([getBalance(db, a), getBalance(db, b), getBalance(db, c)]).toEqual([25, 25, 0]);
  expect(checkLedger(db).ok).toBe(true);
});

test("expired codes are refused; bad requests are named", () => {
  const { db, user } = ledgerDb();
  const admin = user("root");
  const [code] = createCodes(db, admin, { coins: 5, maxUses: 1, count: 1, note: "", expiresAt: 1000 }, 0);
  expect(redeemCode(db, user("a"), code!.code, 1000)).toEqual({ ok: false, error: "expired" });
  expect(validateCodeRequest({ coins: 0, maxUses: 0, count: 101, note: "", expiresAt: null }).map((e) => e.field)).toEqual(["coins", "maxUses", "count"]);
  expect(normalizeCode(" abcd efgh jkmn ")).toBe("ABCD-EFGH-JKMN");
});
