// Membership rules on a controllable clock: join with coins (split through the ledger), renew automatically from
// the wallet once per period, expire when coins are short or renewal is off, cancel keeps access until the
// period's end, manual payments wait for the creator, and hasMembership honours a minimum tier.
import { beforeEach, describe, expect, test } from "bun:test";
import { fixture, type Fixture } from "../classes/testing";
import { listNotices } from "../classes/notices";
import { checkLedger, getBalance } from "../wallet/wallet";
import { hasMembership } from "./access";
import { cancelMembership, createTier, getMembership, joinMembership, settleMembershipPayment, sweepMemberships } from "./memberships";
import { PERIOD_MS } from "./model";

let f: Fixture;
let n = 0;
const join = (userId: number, tierId: number, over: { provider?: string; autoRenew?: boolean; key?: string } = {}) =>
  joinMembership(f.env, { creatorId: f.teacher.id, userId, tierId, provider: over.provider ?? "wallet", idempotencyKey: over.key ?? `m-key-${++n}-abc`, autoRenew: over.autoRenew ?? false });

function tier(name: string, price: number, currency = "COIN") {
  const r = createTier(f.db, f.teacher, { name, priceMinor: price, currency, perks: "", badge: "★" }, f.clock.now);
  if (!r.ok) throw new Error(r.message);
  return r.tier;
}

beforeEach(() => {
  f = fixture();
});

describe("memberships", () => {
  test("join with coins: active for a period, creator and platform paid, a repeated key charges once", () => {
    const t = tier("Fan", 100);
    const u = f.user("ann", 250);
    const r = join(u.id, t.id, { key: "join-key-1" });
    expect(r.ok && r.membership?.status).toBe("active");
    expect(join(u.id, t.id, { key: "join-key-1" }).ok).toBe(true);
    expect(getBalance(f.db, u.id)).toBe(150);
    expect(getBalance(f.db, f.teacher.id)).toBe(80);
    expect(hasMembership(f.db, u.id, f.teacher.id, null, f.clock.now)).toBe(true);
    expect(hasMembership(f.db, u.id, f.teacher.id, null, f.clock.now + PERIOD_MS)).toBe(false);
    expect(checkLedger(f.db).ok).toBe(true);
  });

  test("short coins: 402 and no membership", () => {
    const t = tier("Fan", 100);
    const u = f.user("ann", 99);
    const r = join(u.id, t.id);
    expect(r.ok ? 0 : r.refusal.status).toBe(402);
    expect(getMembership(f.db, f.teacher.id, u.id)).toBeNull();
  });

  test("auto-renew from the wallet once per period; expires when the wallet is short", () => {
    const t = tier("Fan", 100);
    const u = f.user("ann", 250);
    join(u.id, t.id, { autoRenew: true });
    const end1 = getMembership(f.db, f.teacher.id, u.id)!.periodEnd;
    f.clock.now = end1;
    expect(sweepMemberships(f.env)).toMatchObject({ renewed: 1, expired: 0 });
    expect(sweepMemberships(f.env)).toMatchObject({ renewed: 0, expired: 0 });
    expect(getMembership(f.db, f.teacher.id, u.id)!.periodEnd).toBe(end1 + PERIOD_MS);
    expect(getBalance(f.db, u.id)).toBe(50);
    f.clock.now = end1 + PERIOD_MS;
    expect(sweepMemberships(f.env)).toMatchObject({ renewed: 0, expired: 1 });
    expect(getMembership(f.db, f.teacher.id, u.id)!.status).toBe("expired");
    expect(getBalance(f.db, u.id)).toBe(50);
    expect(hasMembership(f.db, u.id, f.teacher.id, null, f.clock.now)).toBe(false);
    expect(listNotices(f.db, u.id).map((x) => x.kind)).toContain("membership.expired");
    expect(checkLedger(f.db).ok).toBe(true);
  });

  test("cancel: no renewal, access until the period's end, then expired", () => {
    const t = tier("Fan", 100);
    const u = f.user("ann", 500);
    join(u.id, t.id, { autoRenew: true });
    const m = cancelMembership(f.db, f.teacher.id, u.id, f.clock.now);
    expect(m?.status).toBe("cancelled");
    expect(cancelMembership(f.db, f.teacher.id, u.id, f.clock.now)).toBeNull();
    f.clock.now = m!.periodEnd - 1;
    expect(hasMembership(f.db, u.id, f.teacher.id, null, f.clock.now)).toBe(true);
    f.clock.now = m!.periodEnd;
    expect(sweepMemberships(f.env)).toMatchObject({ renewed: 0, expired: 1 });
    expect(getBalance(f.db, u.id)).toBe(400);
    expect(hasMembership(f.db, u.id, f.teacher.id, null, f.clock.now)).toBe(false);
  });

  test("renewing by hand: a reminder before the end (once), an early renewal extends from the end", () => {
    const t = tier("Fan", 100);
    const u = f.user("ann", 500);
    join(u.id, t.id);
    const end = getMembership(f.db, f.teacher.id, u.id)!.periodEnd;
    f.clock.now = end - 2 * 86_400_000;
    expect(sweepMemberships(f.env).reminded).toBe(1);
    expect(sweepMemberships(f.env).reminded).toBe(0);
    expect(listNotices(f.db, u.id)[0]!.kind).toBe("membership.renew");
    join(u.id, t.id);
    expect(getMembership(f.db, f.teacher.id, u.id)!.periodEnd).toBe(end + PERIOD_MS);
  });

  test("manual payment: nothing until the creator confirms; minimum tier by price", () => {
    const low = tier("Fan", 500, "USD");
    const high = tier("Patron", 2000, "USD");
    const u = f.user("ann");
    const r = join(u.id, low.id, { provider: "manual" });
    expect(r.ok && r.payment.status).toBe("pending");
    expect(hasMembership(f.db, u.id, f.teacher.id, null, f.clock.now)).toBe(false);
    if (!r.ok) return;
    expect(settleMembershipPayment(f.env, r.payment.id, { ref: "bank", paid: { amountMinor: 400, currency: "USD" } }).ok).toBe(false);
    expect(settleMembershipPayment(f.env, r.payment.id, { ref: "bank" }).ok).toBe(true);
    expect(hasMembership(f.db, u.id, f.teacher.id, null, f.clock.now)).toBe(true);
    expect(hasMembership(f.db, u.id, f.teacher.id, low.id, f.clock.now)).toBe(true);
    expect(hasMembership(f.db, u.id, f.teacher.id, high.id, f.clock.now)).toBe(false);
    expect(hasMembership(f.db, u.id, f.teacher.id + 99, null, f.clock.now)).toBe(false);
  });

  test("tiers: validation and one name per creator; own membership refused", () => {
    expect(createTier(f.db, f.teacher, { name: "", priceMinor: 1, currency: "COIN", perks: "", badge: "" }, 0).ok).toBe(false);
    expect(createTier(f.db, f.teacher, { name: "X", priceMinor: 0, currency: "COIN", perks: "", badge: "" }, 0).ok).toBe(false);
    expect(createTier(f.db, f.teacher, { name: "X", priceMinor: 1, currency: "XXX", perks: "", badge: "" }, 0).ok).toBe(false);
    const t = tier("Fan", 100);
    expect(createTier(f.db, f.teacher, { name: "Fan", priceMinor: 1, currency: "COIN", perks: "", badge: "" }, 0).ok).toBe(false);
    expect(createTier(f.db, f.user("viewer"), { name: "Fan", priceMinor: 1, currency: "COIN", perks: "", badge: "" }, 0).ok).toBe(false);
    expect(join(f.teacher.id, t.id).ok).toBe(false);
  });
});
