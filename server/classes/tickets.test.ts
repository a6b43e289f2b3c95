// Ticket rules on a real SQLite file: refusals write nothing, a repeat purchase is refused, short coins are a 402,
// coupons keep their limits, refunds give the coins back (creator and platform parts) and free the seat, pending
// reservations expire exactly once, and the access rule follows the class window.
import { beforeEach, describe, expect, test } from "bun:test";
import { checkLedger, getBalance, platformBalance } from "../wallet/wallet";
import { hasReplayPurchase, hasTicketForRoom } from "./access";
import { addCoupon, getClass } from "./classes";
import { buyReplay, setPrice, settlePurchase } from "./ppv";
import { buyTicket, grantTicket, refundTicket, settleTicket, sweepExpiredTickets, type BuyTicketInput } from "./tickets";
import { fixture, type Fixture } from "./testing";

let f: Fixture;
let n = 0;
const buy = (classId: number, userId: number, over: Partial<BuyTicketInput> = {}) =>
  buyTicket(f.env, { classId, userId, provider: "wallet", idempotencyKey: `key-${++n}-abcdef`, coupon: null, email: null, ...over });
const tickets = () => f.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM tickets").get()!.n;

beforeEach(() => {
  f = fixture();
});

describe("buying tickets", () => {
  test("coins pay the teacher's share and the platform's; the seat is taken; the ledger holds", () => {
    const c = f.klass({ priceMinor: 100 });
    const u = f.user("ann", 150);
    const paid: unknown[] = [];
    f.bus.on("access.paid", (e) => paid.push(e));
    const r = buy(c.id, u.id);
    expect(r.ok && r.ticket.status).toBe("valid");
    // The sale is revenue of the class's room for creator insights.
    expect(paid).toEqual([{ kind: "ticket", ownerId: f.teacher.id, roomId: c.roomId, userId: u.id, amountMinor: 100, currency: "COIN", at: f.clock.now }]);
    expect(getBalance(f.db, u.id)).toBe(50);
    expect(getBalance(f.db, f.teacher.id)).toBe(80);
    expect(platformBalance(f.db)).toBe(20);
    expect(getClass(f.db, c.id)!.seatsTaken).toBe(1);
    expect(checkLedger(f.db).ok).toBe(true);
  });

  test("a repeat purchase is refused with 409; the same key returns the first ticket", () => {
    const c = f.klass();
    const u = f.user("ann", 1000);
    const first = buy(c.id, u.id, { idempotencyKey: "same-key-123" });
    expect(first.ok).toBe(true);
    const again = buy(c.id, u.id, { idempotencyKey: "same-key-123" });
    expect(again.ok && again.replay).toBe(true);
    const other = buy(c.id, u.id);
    expect(other.ok ? 0 : other.refusal.status).toBe(409);
    expect(other.ok ? "" : other.refusal.message).toContain("already hold");
    const changed = buy(c.id, u.id, { idempotencyKey: "same-key-123", provider: "manual" });
    expect(changed.ok ? 0 : changed.refusal.status).toBe(409);
    expect(getBalance(f.db, u.id)).toBe(900);
    expect(getClass(f.db, c.id)!.seatsTaken).toBe(1);
  });

  test("short coins: 402, and nothing is written (no ticket, no seat, no coin moved)", () => {
    const c = f.klass({ priceMinor: 100 });
    const u = f.user("ann", 99);
    const r = buy(c.id, u.id);
    expect(r.ok ? 0 : r.refusal.status).toBe(402);
    expect(tickets()).toBe(0);
    expect(getClass(f.db, c.id)!.seatsTaken).toBe(0);
    expect(getBalance(f.db, u.id)).toBe(99);
  });

  test("capacity: the last seat goes once, then 409 full", () => {
    const c = f.klass({ capacity: 2 });
    const [a, b, d] = [f.user("a", 500), f.user("b", 500), f.user("d", 500)];
    expect(buy(c.id, a!.id).ok).toBe(true);
    expect(buy(c.id, b!.id).ok).toBe(true);
    const r = buy(c.id, d!.id);
    expect(r.ok ? 0 : r.refusal.status).toBe(409);
    expect(getBalance(f.db, d!.id)).toBe(500);
    expect(grantTicket(f.env, c.id, d!.id).ok).toBe(false);
  });

  test("wrong currency for the provider, ended class, own class and bad keys are refused", () => {
    const coin = f.klass();
    const usd = f.klass({ currency: "USD", priceMinor: 2500 });
    const u = f.user("ann", 1000);
    const wrong = buy(usd.id, u.id, { provider: "wallet" });
    expect(wrong.ok ? 0 : wrong.refusal.status).toBe(422);
    const stripe = buy(usd.id, u.id, { provider: "stripe" });
    expect(stripe.ok ? "" : stripe.refusal.message).toContain("not enabled");
    expect(buy(coin.id, f.teacher.id).ok).toBe(false);
    expect(buy(coin.id, u.id, { idempotencyKey: "short" }).ok).toBe(false);
    f.clock.now += 3 * 3_600_000;
    const late = buy(coin.id, u.id);
    expect(late.ok ? "" : late.refusal.message).toContain("ended");
    expect(tickets()).toBe(0);
  });
});

describe("coupons", () => {
  test("percent and fixed discounts, limited uses, expiry; a refused purchase does not spend a use", () => {
    const c = f.klass({ priceMinor: 100, capacity: 10 });
    expect(addCoupon(f.db, c, { code: "HALF", kind: "percent", amount: 50, maxUses: 2, expiresAt: null }, f.clock.now).ok).toBe(true);
    expect(addCoupon(f.db, c, { code: "HALF", kind: "fixed", amount: 5, maxUses: 2, expiresAt: null }, f.clock.now).ok).toBe(false);
    expect(addCoupon(f.db, c, { code: "TEN", kind: "fixed", amount: 10, maxUses: 5, expiresAt: f.clock.now + 60_000 }, f.clock.now).ok).toBe(true);
    expect(addCoupon(f.db, c, { code: "BAD", kind: "percent", amount: 150, maxUses: 1, expiresAt: null }, f.clock.now).ok).toBe(false);
    const poor = f.user("poor", 10);
    const refused = buy(c.id, poor.id, { coupon: "HALF" });
    expect(refused.ok ? 0 : refused.refusal.status).toBe(402);
    const [a, b, d] = [f.user("a", 500), f.user("b", 500), f.user("d", 500)];
    const ra = buy(c.id, a!.id, { coupon: "HALF" });
    expect(ra.ok && ra.ticket.priceMinor).toBe(50);
    expect(getBalance(f.db, a!.id)).toBe(450);
    expect(buy(c.id, b!.id, { coupon: "HALF" }).ok).toBe(true);
    const third = buy(c.id, d!.id, { coupon: "HALF" });
    expect(third.ok ? "" : third.refusal.message).toContain("used up");
    const ten = buy(c.id, d!.id, { coupon: "TEN" });
    expect(ten.ok && ten.ticket.priceMinor).toBe(90);
    f.clock.now += 120_000;
    const e = f.user("e", 500);
    const expired = buy(c.id, e.id, { coupon: "TEN" });
    expect(expired.ok ? "" : expired.refusal.message).toContain("expired");
    const none = buy(c.id, e.id, { coupon: "NOPE" });
    expect(none.ok ? 0 : none.refusal.status).toBe(404);
    const uses = f.db.query<{ code: string; uses: number }, []>("SELECT code, uses FROM class_coupons ORDER BY id").all();
    expect(uses).toEqual([{ code: "HALF", uses: 2 }, { code: "TEN", uses: 1 }]);
  });

  test("a 100 % coupon makes a free ticket that needs no payment", () => {
    const c = f.klass({ currency: "USD", priceMinor: 2000 });
    addCoupon(f.db, c, { code: "FREE", kind: "percent", amount: 100, maxUses: 1, expiresAt: null }, f.clock.now);
    const u = f.user("ann");
    const r = buy(c.id, u.id, { provider: "manual", coupon: "FREE" });
    expect(r.ok && [r.ticket.status, r.ticket.provider, r.ticket.priceMinor]).toEqual(["valid", "free", 0]);
  });
});

describe("refunds, reservations, settlement", () => {
  test("a refund returns every coin (teacher and platform parts), frees the seat, and happens once", async () => {
    const c = f.klass({ priceMinor: 100, capacity: 1 });
    const u = f.user("ann", 100);
    const r = buy(c.id, u.id);
    if (!r.ok) throw new Error(r.refusal.message);
    const other = f.user("bob", 100);
    expect(buy(c.id, other.id).ok).toBe(false);
    const refund = await refundTicket(f.env, r.ticket);
    expect(refund.ok && refund.ticket.status).toBe("refunded");
    expect(getBalance(f.db, u.id)).toBe(100);
    expect(getBalance(f.db, f.teacher.id)).toBe(0);
    expect(platformBalance(f.db)).toBe(0);
    expect(getClass(f.db, c.id)!.seatsTaken).toBe(0);
    expect(checkLedger(f.db).ok).toBe(true);
    expect((await refundTicket(f.env, r.ticket)).ok).toBe(false);
    expect(getBalance(f.db, u.id)).toBe(100);
    expect(buy(c.id, other.id).ok).toBe(true);
    expect(hasTicketForRoom(f.db, u.id, f.room.id, c.startsAt)).toBe(false);
  });

  test("a refund the teacher cannot cover (coins already spent) fails whole", async () => {
    const c = f.klass({ priceMinor: 100 });
    const u = f.user("ann", 100);
    const r = buy(c.id, u.id);
    if (!r.ok) throw new Error(r.refusal.message);
    f.db.query("UPDATE wallet_accounts SET balance = 0 WHERE user_id = ?").run(f.teacher.id);
    f.db.query("UPDATE wallet_accounts SET balance = balance + 80 WHERE id = 2").run();
    const refund = await refundTicket(f.env, r.ticket);
    expect(refund.ok ? "" : refund.refusal.message).toContain("too few coins");
    expect(getClass(f.db, c.id)!.seatsTaken).toBe(1);
    expect(getBalance(f.db, u.id)).toBe(0);
  });

  test("a manual ticket holds its seat until it expires; the seat and coupon use come back once; a late payment retakes a free seat", () => {
    const c = f.klass({ currency: "USD", priceMinor: 2000, capacity: 1 });
    addCoupon(f.db, c, { code: "ONE", kind: "fixed", amount: 100, maxUses: 1, expiresAt: null }, f.clock.now);
    const u = f.user("ann");
    const r = buy(c.id, u.id, { provider: "manual", coupon: "ONE" });
    expect(r.ok && [r.ticket.status, r.ticket.priceMinor]).toEqual(["pending", 1900]);
    expect(hasTicketForRoom(f.db, u.id, f.room.id, c.startsAt)).toBe(false);
    f.clock.now += 15 * 60_000;
    expect(sweepExpiredTickets(f.env)).toBe(1);
    expect(sweepExpiredTickets(f.env)).toBe(0);
    expect(getClass(f.db, c.id)!.seatsTaken).toBe(0);
    expect(f.db.query<{ uses: number }, []>("SELECT uses FROM class_coupons").get()!.uses).toBe(0);
    if (!r.ok) return;
    expect(settleTicket(f.env, r.ticket.id, { by: "stripe", ref: "pi_1", paid: { amountMinor: 1900, currency: "usd" } }).message).toContain("late");
    expect(getClass(f.db, c.id)!.seatsTaken).toBe(1);
  });

  test("a payment with the wrong amount or currency does not validate the ticket", () => {
    const c = f.klass({ currency: "USD", priceMinor: 2000 });
    const u = f.user("ann");
    const r = buy(c.id, u.id, { provider: "manual" });
    if (!r.ok) throw new Error(r.refusal.message);
    expect(settleTicket(f.env, r.ticket.id, { by: "stripe", ref: "pi_1", paid: { amountMinor: 1999, currency: "usd" } }).ok).toBe(false);
    expect(settleTicket(f.env, r.ticket.id, { by: "stripe", ref: "pi_1", paid: { amountMinor: 2000, currency: "eur" } }).ok).toBe(false);
    expect(settleTicket(f.env, r.ticket.id, { by: "stripe", ref: "pi_1", paid: { amountMinor: 2000, currency: "usd" } }).ok).toBe(true);
    expect(hasTicketForRoom(f.db, u.id, f.room.id, c.startsAt)).toBe(true);
  });
});

describe("access rules", () => {
  test("hasTicketForRoom: valid ticket, this room, inside [start − 30 min, end + 30 min]", () => {
    const c = f.klass({ minutes: 60 });
    const u = f.user("ann", 1000);
    const stranger = f.user("bob");
    expect(grantTicket(f.env, c.id, u.id).ok).toBe(true);
    const min = 60_000;
    expect(hasTicketForRoom(f.db, u.id, f.room.id, c.startsAt - 31 * min)).toBe(false);
    expect(hasTicketForRoom(f.db, u.id, f.room.id, c.startsAt - 30 * min)).toBe(true);
    expect(hasTicketForRoom(f.db, u.id, f.room.id, c.startsAt + 90 * min)).toBe(true);
    expect(hasTicketForRoom(f.db, u.id, f.room.id, c.startsAt + 91 * min)).toBe(false);
    expect(hasTicketForRoom(f.db, stranger.id, f.room.id, c.startsAt)).toBe(false);
    expect(hasTicketForRoom(f.db, u.id, f.room.id + 1, c.startsAt)).toBe(false);
  });

  test("hasReplayPurchase: coins buy a priced replay once; buyers keep access; manual waits for confirmation", () => {
    const bid = f.db.query<{ id: number }, [number]>("INSERT INTO broadcasts (room_id, started_at) VALUES (?, 0) RETURNING id").get(f.room.id)!.id;
    const u = f.user("ann", 100);
    const v = f.user("bob");
    expect(buyReplay(f.env, { broadcastId: bid, userId: u.id, provider: "wallet", idempotencyKey: "ppv-key-1" }).ok).toBe(false);
    expect(setPrice(f.db, bid, f.teacher.id, 30, "COIN", f.clock.now)).toBeNull();
    const r = buyReplay(f.env, { broadcastId: bid, userId: u.id, provider: "wallet", idempotencyKey: "ppv-key-1" });
    expect(r.ok && r.purchase.status).toBe("paid");
    expect(getBalance(f.db, u.id)).toBe(70);
    expect(hasReplayPurchase(f.db, u.id, bid)).toBe(true);
    const twice = buyReplay(f.env, { broadcastId: bid, userId: u.id, provider: "wallet", idempotencyKey: "ppv-key-2" });
    expect(twice.ok ? 0 : twice.refusal.status).toBe(409);
    expect(hasReplayPurchase(f.db, v.id, bid)).toBe(false);
    setPrice(f.db, bid, f.teacher.id, 500, "USD", f.clock.now);
    const manual = buyReplay(f.env, { broadcastId: bid, userId: v.id, provider: "manual", idempotencyKey: "ppv-key-3" });
    expect(manual.ok && manual.purchase.status).toBe("pending");
    expect(hasReplayPurchase(f.db, v.id, bid)).toBe(false);
    if (manual.ok) expect(settlePurchase(f.env, manual.purchase.id, { ref: "bank" }).ok).toBe(true);
    expect(hasReplayPurchase(f.db, v.id, bid)).toBe(true);
  });
});
