// Auction rules on a real SQLite file with a hand-moved clock: proxy bidding against a hand-worked sequence,
// coin holds in the ledger at every step, reserve, ties, the host ending early, anti-snipe extension, sudden
// death, idempotency, refusals; and the bid race across processes checked against a replay of the bid log.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { User } from "../accounts/model";
import { getOrder } from "../shop/orders";
import { checkLedger, getBalance } from "../wallet/wallet";
import { endAuction, getAuction, listBids, placeBid, startAuction } from "./auctions";
import { applyBid, extendedEnd, incrementOf, type Auction, type AuctionInput, type BidState } from "./model";
import { escrowAccount } from "./storage";
import { auctionFixture, type Fixture } from "./testing";

const BUN = join(import.meta.dir, "../../node_modules/.bin/bun");

function start(f: Fixture, over: Partial<AuctionInput> = {}): Auction {
  const r = startAuction(f.env, f.room, { productId: f.product(), variantId: null, startMinor: 100, currency: "COIN", seconds: 30, reserveMinor: null, extendSeconds: 10, increment: { kind: "fixed", minor: 10 }, suddenDeath: false, ...over });
  if (!r.ok) throw new Error(r.refusal.message);
  return r.auction;
}

let keys = 0;
function bid(f: Fixture, a: Auction, who: User, amount: number, max: number | null = null, key = `key-${++keys}-xyz`) {
  return placeBid(f.env, who, { auctionId: a.id, amountMinor: amount, maxMinor: max, idempotencyKey: key, shippingAddress: null });
}

const escrow = (f: Fixture) => getBalance(f.db, -1) + (f.db.query<{ b: number }, [number]>("SELECT balance AS b FROM wallet_accounts WHERE id = ?").get(escrowAccount(f.db))!.b);

describe("applyBid (pure)", () => {
  test("the hand-worked proxy sequence", () => {
    // Start 100, fixed increment 10. Each row: bidder, amount, max → leader, price.
    let s: BidState = { startMinor: 100, reserveMinor: null, increment: { kind: "fixed", minor: 10 }, priceMinor: 100, leaderId: null, leaderMax: null };
    const steps: [number, number, number, { lead: boolean; leader: number; price: number } | string][] = [
      [1, 100, 300, { lead: true, leader: 1, price: 100 }], // alice opens with a proxy up to 300
      [2, 150, 150, { lead: false, leader: 1, price: 160 }], // bob 150: alice's proxy answers 160
      [3, 200, 400, { lead: true, leader: 3, price: 310 }], // carol max 400 beats 300: one step above alice's max
      [2, 320, 400, { lead: false, leader: 3, price: 400 }], // bob ties carol's 400: the earlier max keeps it, at 400
      [3, 420, 420, "leading"], // carol may not bid against herself
      [1, 405, 405, "too_low"], // next minimum is 410
      [1, 410, 410, { lead: true, leader: 1, price: 410 }], // alice 410 beats carol's 400
    ];
    for (const [who, amount, max, want] of steps) {
      const out = applyBid(s, who, amount, max);
      if (typeof want === "string") {
        expect(out.ok ? "ok" : out.code).toBe(want);
        continue;
      }
      expect(out).toEqual({ ok: true, lead: want.lead, priceMinor: want.price, leaderId: want.leader, leaderMax: want.lead ? max : s.leaderMax! });
      if (out.ok) s = { ...s, priceMinor: out.priceMinor, leaderId: out.leaderId, leaderMax: out.leaderMax };
    }
  });

  test("a proxy whose maximum reaches the reserve pays the reserve; percent increments round up", () => {
    const s: BidState = { startMinor: 100, reserveMinor: 250, increment: { kind: "percent", percent: 5 }, priceMinor: 100, leaderId: null, leaderMax: null };
    expect(applyBid(s, 1, 100, 300)).toMatchObject({ ok: true, priceMinor: 250 });
    expect(applyBid(s, 1, 100, 200)).toMatchObject({ ok: true, priceMinor: 100 });
    expect(incrementOf({ kind: "percent", percent: 5 }, 101)).toBe(6);
    expect(incrementOf({ kind: "percent", percent: 5 }, 1)).toBe(1);
  });

  test("late bids extend to now + N; early bids and sudden death do not", () => {
    expect(extendedEnd(10_000, 1_000, 5_000, false)).toBe(10_000);
    expect(extendedEnd(10_000, 6_000, 5_000, false)).toBe(11_000);
    expect(extendedEnd(10_000, 9_999, 5_000, true)).toBe(10_000);
  });
});

describe("auctions on the ledger", () => {
  test("the hand-worked sequence through the database: holds follow the leader, the winner pays the hammer price", () => {
    const f = auctionFixture();
    const [alice, bob, carol] = [f.bidder("alice", 1000), f.bidder("bob", 1000), f.bidder("carol", 1000)];
    const a = start(f);
    expect(bid(f, a, alice, 100, 300)).toMatchObject({ ok: true, lead: true });
    expect([getBalance(f.db, alice.id), escrow(f)]).toEqual([700, 300]);
    expect(bid(f, a, bob, 150, null, "bob-first-bid")).toMatchObject({ ok: true, lead: false, auction: { priceMinor: 160, leaderId: alice.id } });
    expect([getBalance(f.db, bob.id), escrow(f)]).toEqual([1000, 300]);
    expect(bid(f, a, carol, 200, 400)).toMatchObject({ ok: true, lead: true, auction: { priceMinor: 310 } });
    expect([getBalance(f.db, alice.id), getBalance(f.db, carol.id), escrow(f)]).toEqual([1000, 600, 400]);
    expect(bid(f, a, bob, 320, 400)).toMatchObject({ ok: true, lead: false, auction: { priceMinor: 400, leaderId: carol.id } });
    expect(bid(f, a, carol, 420)).toMatchObject({ ok: false, refusal: { code: "leading", status: 409 } });
    expect(bid(f, a, alice, 405)).toMatchObject({ ok: false, refusal: { code: "too_low", status: 409 } });
    expect(bid(f, a, alice, 410)).toMatchObject({ ok: true, lead: true, auction: { priceMinor: 410 } });
    expect([getBalance(f.db, alice.id), getBalance(f.db, carol.id), escrow(f)]).toEqual([590, 1000, 410]);
    expect(listBids(f.db, a.id).map((b) => [b.bidderName, b.outcome, b.priceAfter])).toEqual([
      ["alice", "lead", 100], ["bob", "outbid", 160], ["carol", "lead", 310], ["bob", "outbid", 400], ["alice", "lead", 410],
    ]);

    // A retry of an old bid gets its first answer, though its amount is far below the price by now.
    expect(bid(f, a, bob, 150, null, "bob-first-bid")).toMatchObject({ ok: true, replay: true, lead: false, bid: { amountMinor: 150, outcome: "outbid" } });
    expect(endAuction(f.env, a.id, "timer")).toBeNull(); // not due yet
    f.clock.t = a.endsAt;
    const ended = endAuction(f.env, a.id, "timer")!;
    expect(ended).toMatchObject({ status: "ended", outcome: "sold", winnerId: alice.id, priceMinor: 410 });
    const order = getOrder(f.db, ended.orderId!)!;
    expect(order).toMatchObject({ buyerId: alice.id, sellerId: f.seller.id, unitPriceMinor: 410, totalMinor: 410, status: "paid", provider: "wallet", roomId: f.room.id });
    expect([getBalance(f.db, alice.id), getBalance(f.db, f.seller.id), escrow(f)]).toEqual([590, 410, 0]);
    expect(endAuction(f.env, a.id, "host")).toBeNull(); // exactly once
    expect(checkLedger(f.db)).toEqual({ ok: true, problems: [] });
    expect(f.events.map((e) => e.action)).toEqual(["started", "bid", "bid", "bid", "bid", "bid", "ended"]);
    expect(f.events.at(-1)!.auction).toMatchObject({ status: "ended", winner: "alice", orderId: order.id, priceMinor: 410 });
  });

  test("reserve not met: no sale, no order, the hold goes back", () => {
    const f = auctionFixture();
    const bob = f.bidder("bob", 1000);
    const a = start(f, { reserveMinor: 500 });
    expect(bid(f, a, bob, 150)).toMatchObject({ ok: true, lead: true, auction: { priceMinor: 150 } });
    expect(escrow(f)).toBe(150);
    f.clock.t = a.endsAt + 1;
    expect(endAuction(f.env, a.id, "timer")).toMatchObject({ outcome: "reserve_not_met", winnerId: null, orderId: null });
    expect([getBalance(f.db, bob.id), escrow(f)]).toEqual([1000, 0]);
    expect(f.db.query("SELECT COUNT(*) AS n FROM orders").get()).toEqual({ n: 0 });
    expect(checkLedger(f.db).ok).toBe(true);
  });

  test("ties: the same amount twice goes to the first; equal maximums keep the earlier leader", () => {
    const f = auctionFixture();
    const [x, y, z] = [f.bidder("x", 1000), f.bidder("y", 1000), f.bidder("z", 1000)];
    const a = start(f);
    expect(bid(f, a, x, 100)).toMatchObject({ ok: true, lead: true });
    expect(bid(f, a, y, 100)).toMatchObject({ ok: false, refusal: { code: "too_low" } });
    expect(bid(f, a, y, 110, 500)).toMatchObject({ ok: true, lead: true, auction: { priceMinor: 110 } });
    expect(bid(f, a, z, 200, 500)).toMatchObject({ ok: true, lead: false, auction: { priceMinor: 500, leaderId: y.id } });
    f.clock.t = a.endsAt;
    expect(endAuction(f.env, a.id, "timer")).toMatchObject({ outcome: "sold", winnerId: y.id, priceMinor: 500 });
  });

  test("the host ends early: the leader buys at the current price; a cancel sells nothing", () => {
    const f = auctionFixture();
    const bob = f.bidder("bob", 1000);
    const a = start(f, { seconds: 60 });
    bid(f, a, bob, 120, 900);
    f.clock.t += 5_000;
    expect(endAuction(f.env, a.id, "host")).toMatchObject({ outcome: "sold", winnerId: bob.id, priceMinor: 120, endedAt: f.clock.t });
    expect(getBalance(f.db, bob.id)).toBe(880);
    const b = start(f, { seconds: 60 });
    bid(f, b, bob, 100);
    expect(endAuction(f.env, b.id, "cancel")).toMatchObject({ outcome: "cancelled", winnerId: null, orderId: null });
    expect(getBalance(f.db, bob.id)).toBe(880);
    expect(bid(f, b, f.bidder("late", 1000), 200)).toMatchObject({ ok: false, refusal: { code: "ended", status: 409 } });
    expect(checkLedger(f.db).ok).toBe(true);
  });

  test("late bids extend the end; sudden death does not; a bid at the end is refused", () => {
    const f = auctionFixture();
    const [p, q] = [f.bidder("p", 1000), f.bidder("q", 1000)];
    const a = start(f, { seconds: 20, extendSeconds: 5 });
    f.clock.t = a.endsAt - 2_000;
    expect(bid(f, a, p, 100)).toMatchObject({ ok: true, auction: { endsAt: f.clock.t + 5_000 } });
    expect(f.events.map((e) => e.action)).toEqual(["started", "bid", "extended"]);
    f.clock.t += 4_999;
    expect(bid(f, a, q, 110)).toMatchObject({ ok: true, auction: { endsAt: f.clock.t + 5_000 } });
    f.clock.t += 5_000;
    expect(bid(f, a, p, 200)).toMatchObject({ ok: false, refusal: { code: "ended" } });
    expect(endAuction(f.env, a.id, "timer")).toMatchObject({ winnerId: q.id });

    const sd = start(f, { seconds: 20, suddenDeath: true });
    f.clock.t = sd.endsAt - 1;
    expect(bid(f, sd, p, 100)).toMatchObject({ ok: true, auction: { endsAt: sd.endsAt } });
  });

  test("refusals: seller, short coins, idempotent replay and conflict, bad shapes, bag, stock, one auction per room", () => {
    const f = auctionFixture();
    const [rich, poor] = [f.bidder("rich", 1000), f.bidder("poor", 50)];
    const a = start(f);
    expect(bid(f, a, f.seller, 100)).toMatchObject({ ok: false, refusal: { code: "forbidden", status: 403 } });
    expect(bid(f, a, poor, 100)).toMatchObject({ ok: false, refusal: { code: "insufficient", status: 402 } });
    const first = bid(f, a, rich, 100, 200, "same-key-1");
    expect(bid(f, a, rich, 100, 200, "same-key-1")).toMatchObject({ ok: true, replay: true, bid: { id: first.ok ? first.bid.id : -1 } });
    expect(bid(f, a, rich, 150, 200, "same-key-1")).toMatchObject({ ok: false, refusal: { code: "conflict", status: 409 } });
    expect(bid(f, a, poor, 0)).toMatchObject({ ok: false, refusal: { code: "invalid", field: "amountMinor", status: 422 } });
    expect(bid(f, a, poor, 120, 110)).toMatchObject({ ok: false, refusal: { code: "invalid", field: "maxMinor" } });
    expect(bid(f, a, poor, 120, null, "bad key")).toMatchObject({ ok: false, refusal: { code: "invalid", field: "idempotencyKey" } });
    expect(placeBid(f.env, rich, { auctionId: 999, amountMinor: 100, maxMinor: null, idempotencyKey: "nosuchauction", shippingAddress: null })).toMatchObject({ ok: false, refusal: { status: 404 } });
    // A poor bidder beaten at once by a proxy would still move the price: they must be able to pay it too.
    expect(bid(f, a, poor, 110)).toMatchObject({ ok: false, refusal: { code: "insufficient" } });

    const base: AuctionInput = { productId: f.product(), variantId: null, startMinor: 100, currency: "COIN", seconds: 30, reserveMinor: null, extendSeconds: null, increment: null, suddenDeath: false };
    const refused = (over: Partial<AuctionInput>) => { const r = startAuction(f.env, f.room, { ...base, ...over }); return r.ok ? "started" : `${r.refusal.status} ${r.refusal.field ?? r.refusal.code}`; };
    expect(refused({})).toBe("409 running");
    endAuction(f.env, a.id, "cancel");
    expect(refused({ seconds: 0 })).toBe("422 seconds");
    expect(refused({ seconds: 3601 })).toBe("422 seconds");
    expect(refused({ startMinor: 0 })).toBe("422 startMinor");
    expect(refused({ reserveMinor: 50 })).toBe("422 reserveMinor");
    expect(refused({ extendSeconds: -1 })).toBe("422 extendSeconds");
    expect(refused({ increment: { kind: "percent", percent: 0 } })).toBe("422 incrementPercent");
    expect(refused({ currency: "USD" })).toBe("422 currency");
    expect(refused({ productId: 999 })).toBe("404 not_found");
    expect(refused({ variantId: 5 })).toBe("422 variantId");
    expect(refused({ productId: f.product({ stock: 0 }) })).toBe("409 sold_out");
    expect(refused({ productId: f.product({ variants: [{ label: "red", priceMinor: null, stock: 1 }] }) })).toBe("422 variantId");
    expect(refused({})).toBe("started");
  });

  test("a physical item needs an address with the bid, and the winner's order carries it; non-coin auctions end in a manual order", () => {
    const f = auctionFixture();
    const bob = f.bidder("bob", 0);
    const a = start(f, { productId: f.product({ kind: "physical", currency: "USD", priceMinor: 2000 }), currency: "USD", startMinor: 1000 });
    expect(bid(f, a, bob, 1000)).toMatchObject({ ok: false, refusal: { field: "shippingAddress" } });
    expect(placeBid(f.env, bob, { auctionId: a.id, amountMinor: 1000, maxMinor: null, idempotencyKey: "addr-bid-1", shippingAddress: "1 Main St, Springfield" })).toMatchObject({ ok: true, lead: true });
    f.clock.t = a.endsAt;
    const ended = endAuction(f.env, a.id, "timer")!;
    expect(getOrder(f.db, ended.orderId!)).toMatchObject({ provider: "manual", status: "pending", totalMinor: 1000, currency: "USD", shippingAddress: "1 Main St, Springfield" });
  });

  test("a variant: its title and stock, and the winner's order names it", () => {
    const f = auctionFixture();
    const bob = f.bidder("bob", 500);
    const pid = f.product({ variants: [{ label: "red", priceMinor: null, stock: 0 }, { label: "blue", priceMinor: 150, stock: 2 }] });
    const variants = f.db.query<{ id: number; label: string }, [number]>("SELECT id, label FROM product_variants WHERE product_id = ? ORDER BY id").all(pid);
    const sold = startAuction(f.env, f.room, { productId: pid, variantId: variants[0]!.id, startMinor: 100, currency: "COIN", seconds: 30, reserveMinor: null, extendSeconds: null, increment: null, suddenDeath: false });
    expect(sold).toMatchObject({ ok: false, refusal: { code: "sold_out" } });
    const a = start(f, { productId: pid, variantId: variants[1]!.id });
    expect(a.title).toBe("Signed vinyl (blue)");
    bid(f, a, bob, 100);
    f.clock.t = a.endsAt;
    const order = getOrder(f.db, endAuction(f.env, a.id, "timer")!.orderId!)!;
    expect(order).toMatchObject({ variantId: variants[1]!.id, variantLabel: "blue", unitPriceMinor: 100, status: "paid" });
    expect(f.db.query("SELECT stock FROM product_variants WHERE id = ?").get(variants[1]!.id)).toEqual({ stock: 1 });
  });

  test("the item sold out before the end: no sale, the hold goes back", () => {
    const f = auctionFixture();
    const bob = f.bidder("bob", 500);
    const a = start(f, { productId: f.product({ stock: 1 }) });
    bid(f, a, bob, 100, 300);
    f.db.query("UPDATE products SET stock = 0 WHERE id = ?").run(a.productId);
    f.clock.t = a.endsAt;
    expect(endAuction(f.env, a.id, "timer")).toMatchObject({ outcome: "unavailable", orderId: null, winnerId: null });
    expect(getBalance(f.db, bob.id)).toBe(500);
  });
});

test("the bid race across processes: one winner, the state equals a replay of the bid log, no hold leaked", async () => {
  const f = auctionFixture();
  const bidders = Array.from({ length: 8 }, (_, i) => f.bidder(`racer${i}`, 5_000));
  f.clock.t = Date.now(); // the workers bid on the real clock
  const a = start(f, { seconds: 3600, increment: { kind: "fixed", minor: 5 } });
  const workers = [3, 5, 7, 11].map((seed) =>
    Bun.spawn([BUN, join(import.meta.dir, "../../test/auctions-race-worker.ts"), f.path, String(a.id), String(seed), "150", bidders.map((b) => b.id).join(",")], { stdout: "pipe", stderr: "inherit" }),
  );
  const lines = (await Promise.all(workers.map(async (w) => {
    const text = await new Response(w.stdout).text();
    expect(await w.exited).toBe(0);
    return text;
  }))).join("\n").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { ok: boolean; code: string });
  expect(lines.length).toBe(600);
  const accepted = lines.filter((l) => l.ok).length;
  expect(accepted).toBeGreaterThan(10);
  expect(lines.filter((l) => !l.ok && !["too_low", "leading", "insufficient"].includes(l.code))).toEqual([]);

  const log = listBids(f.db, a.id);
  expect(log.length).toBe(accepted);
  let s: BidState = { startMinor: a.startMinor, reserveMinor: a.reserveMinor, increment: a.increment, priceMinor: a.startMinor, leaderId: null, leaderMax: null };
  for (const b of log) {
    const out = applyBid(s, b.bidderId, b.amountMinor, b.maxMinor);
    expect(out).toMatchObject({ ok: true, priceMinor: b.priceAfter, leaderId: b.leaderAfter });
    if (out.ok) s = { ...s, priceMinor: out.priceMinor, leaderId: out.leaderId, leaderMax: out.leaderMax };
  }
  const now = getAuction(f.db, a.id)!;
  expect([now.priceMinor, now.leaderId, now.leaderMax, now.bids]).toEqual([s.priceMinor, s.leaderId, s.leaderMax, log.length]);
  expect(escrow(f)).toBe(s.leaderMax!);
  f.clock.t = now.endsAt;
  const ended = endAuction(f.env, a.id, "timer")!;
  expect(ended).toMatchObject({ outcome: "sold", winnerId: s.leaderId, priceMinor: s.priceMinor });
  expect(escrow(f)).toBe(0);
  const total = bidders.reduce((n, b) => n + getBalance(f.db, b.id), 0);
  expect(total + getBalance(f.db, f.seller.id)).toBe(8 * 5_000);
  expect(getBalance(f.db, f.seller.id)).toBe(s.priceMinor);
  expect(checkLedger(f.db)).toEqual({ ok: true, problems: [] });
}, 60_000);
