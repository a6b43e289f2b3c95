import { describe, expect, test } from "bun:test";
import { ledgerDb } from "./testing";
import { checkLedger, creditCoins, getBalance, ledgerSummary, platformBalance, requestHash, transferCoins, walletHistory, WalletError } from "./wallet";

function gift(payerId: number, to: number, coins: number, key: string, content: unknown = { to, coins }) {
  const creator = Math.floor(coins * 0.7);
  return { payerId, legs: [{ userId: to, coins: creator }, { userId: "platform" as const, coins: coins - creator }], reason: "gift", ref: "t", idempotencyKey: key, requestHash: requestHash(content) };
}

describe("wallet", () => {
  test("credit, transfer, balances and history", () => {
    const { db, user } = ledgerDb();
    const a = user("alice");
    const c = user("carol");
    expect(getBalance(db, a)).toBe(0);
    expect(creditCoins(db, { userId: a, coins: 100, reason: "admin_credit", ref: "" }).balance).toBe(100);
    const r = transferCoins(db, gift(a, c, 10, "k1"));
    expect(r).toEqual({ ok: true, balance: 90, entryId: expect.any(Number), replay: false });
    expect(getBalance(db, c)).toBe(7);
    expect(platformBalance(db)).toBe(3);
    expect(walletHistory(db, a).map((h) => [h.reason, h.amount])).toEqual([["gift", -10], ["admin_credit", 100]]);
    expect(ledgerSummary(db)).toEqual({ issued: 100, inWallets: 97, platform: 3 });
    expect(checkLedger(db)).toEqual({ ok: true, problems: [] });
  });

  test("a repeated key returns the first result and debits once; other content is a conflict", () => {
    const { db, user } = ledgerDb();
    const a = user("alice");
    const c = user("carol");
    creditCoins(db, { userId: a, coins: 50, reason: "admin_credit", ref: "" });
    const first = transferCoins(db, gift(a, c, 10, "same"));
    const again = transferCoins(db, gift(a, c, 10, "same"));
    expect(again).toEqual({ ...first, replay: true } as typeof again);
    expect(getBalance(db, a)).toBe(40);
    expect(transferCoins(db, gift(a, c, 20, "same"))).toEqual({ ok: false, error: "conflict" });
    // Keys belong to their payer: another user may use the same string.
    const b = user("bob");
    creditCoins(db, { userId: b, coins: 10, reason: "admin_credit", ref: "" });
    expect(transferCoins(db, gift(b, c, 10, "same")).ok).toBe(true);
    expect(checkLedger(db).ok).toBe(true);
  });

  test("never below zero: a short wallet is refused and nothing moves", () => {
    const { db, user } = ledgerDb();
    const a = user("alice");
    const c = user("carol");
    creditCoins(db, { userId: a, coins: 9, reason: "admin_credit", ref: "" });
    expect(transferCoins(db, gift(a, c, 10, "k"))).toEqual({ ok: false, error: "insufficient" });
    expect(getBalance(db, a)).toBe(9);
    expect(getBalance(db, c)).toBe(0);
    // The refused key is not remembered: the same request succeeds once coins arrive.
    creditCoins(db, { userId: a, coins: 1, reason: "admin_credit", ref: "" });
    expect(transferCoins(db, gift(a, c, 10, "k")).ok).toBe(true);
    expect(getBalance(db, a)).toBe(0);
    expect(checkLedger(db).ok).toBe(true);
  });

  test("credit keys: same content once, other content throws", () => {
    const { db, user } = ledgerDb();
    const a = user("alice");
    creditCoins(db, { userId: a, coins: 5, reason: "redeem", ref: "code:1", idempotencyKey: "redeem:1:a" });
    expect(creditCoins(db, { userId: a, coins: 5, reason: "redeem", ref: "code:1", idempotencyKey: "redeem:1:a" }).replay).toBe(true);
    expect(getBalance(db, a)).toBe(5);
    expect(() => creditCoins(db, { userId: a, coins: 6, reason: "redeem", ref: "code:1", idempotencyKey: "redeem:1:a" })).toThrow(WalletError);
  });

  test("bad input is refused with a clear error", () => {
    const { db, user } = ledgerDb();
    const a = user("alice");
    expect(() => creditCoins(db, { userId: a, coins: 0, reason: "x", ref: "" })).toThrow(/coins must be an integer/);
    expect(() => creditCoins(db, { userId: a, coins: 1.5, reason: "x", ref: "" })).toThrow(/coins must be an integer/);
    expect(() => transferCoins(db, { ...gift(a, a, 10, "k"), legs: [] })).toThrow(/at least one leg/);
    expect(() => transferCoins(db, { ...gift(a, a, 10, "k"), legs: [{ userId: a, coins: -1 }] })).toThrow(/leg coins/);
    expect(() => transferCoins(db, { ...gift(a, a, 10, "k"), legs: [{ userId: "platform", coins: 0 }] })).toThrow(/total/);
    expect(() => transferCoins(db, gift(a, a, 10, ""))).toThrow(/idempotency key/);
  });

  test("wallet check finds a drifted balance, an unbalanced transaction and a negative balance", () => {
    const { db, user } = ledgerDb();
    const a = user("alice");
    creditCoins(db, { userId: a, coins: 5, reason: "admin_credit", ref: "" });
    db.run("UPDATE wallet_accounts SET balance = balance + 1 WHERE user_id = ?", [a]);
    let r = checkLedger(db);
    expect(r.ok).toBe(false);
    expect(r.problems.join("\n")).toContain("stored balance 6 but its entries sum to 5");
    db.run("UPDATE wallet_entries SET amount = amount + 1 WHERE account_id = (SELECT id FROM wallet_accounts WHERE user_id = ?)", [a]);
    r = checkLedger(db);
    expect(r.problems.join("\n")).toMatch(/transaction \d+: entries sum to 1/);
  });
});
