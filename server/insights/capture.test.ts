// A scripted broadcast through the real bus, capture queue and SQLite file: known viewer sessions, chat, likes,
// gifts, pins, clicks and orders give exactly these stats; a rebuild from the raw events gives the same; deleting
// a user's data takes them out of every count.
import { beforeEach, describe, expect, test } from "bun:test";
import type { AppDb } from "../deps";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertUser } from "../accounts/storage";
import type { User } from "../accounts/model";
import { migrate } from "../db/migrate";
import { openDb } from "../db/open";
import { SCHEMAS } from "../db/schema";
import { createBus, type Bus } from "../events/bus";
import { createRoom } from "../rooms/rooms";
import type { Room } from "../rooms/model";
import { pinCard } from "../shop/pins";
import { createProduct, getProduct } from "../shop/products";
import { createCapture, HEARTBEAT_MS, type Capture } from "./capture";
import { deleteUserData, exportUserData } from "./privacy";
import { rebuildRollups } from "./recommend";
import { broadcastStats, getBroadcast, periodStats } from "./stats";
import { statsJson } from "./model";

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const S = 1000;
const B = 7;

let db: AppDb;
let bus: Bus;
let capture: Capture;
let clock: number;
let seller: User, alice: User, bob: User, carol: User;
let room: Room;
let p1: number, p2: number;

function user(username: string, role: "creator" | "viewer" = "viewer"): User {
  return insertUser(db, { username, displayName: username[0]!.toUpperCase() + username.slice(1), passwordHash: "x", role, now: 0 });
}

beforeEach(() => {
  const path = join(mkdtempSync(join(tmpdir(), "lh-insights-")), "livehouse.db");
  db = openDb(path, "app");
  migrate(db, SCHEMAS);
  const moneyDb = openDb(path, "money");
  bus = createBus();
  clock = T0;
  seller = user("seller", "creator");
  alice = user("alice");
  bob = user("bob");
  carol = user("carol");
  const r = createRoom(db, seller, { title: "Shop live", description: "", category: "shopping", tags: "" }, 0);
  if (!r.ok) throw new Error("room");
  room = r.value;
  const mk = (title: string, priceMinor: number) => {
    const p = createProduct(moneyDb, seller, { title, description: "", priceMinor, currency: "USD", stock: 100, kind: "digital", variants: [] }, 0);
    if (!p.ok) throw new Error("product");
    return p.value.id;
  };
  p1 = mk("Mug", 1500);
  p2 = mk("Tee", 2500);
  capture = createCapture({ db, bus, now: () => clock, log: (m) => { throw new Error(m); } });
});

const B_CLIENT = "10.0.0.2|UA-B";

/** Runs the script second by second: facts at their time, a heartbeat every HEARTBEAT_MS, a flush now and then. */
function runScript() {
  const at = new Map<number, (() => void)[]>();
  const on = (sec: number, fn: () => void) => at.set(sec, [...(at.get(sec) ?? []), fn]);
  const r = room.id;
  on(0, () => bus.emit("broadcast.started", { roomId: r, slug: room.slug, broadcastId: B, at: clock }));
  // A: signed in, socket open 0 → 600 s. B: anonymous socket 120 → 420 s. C: HLS-only, pings every 4 s until 88 s.
  on(0, () => bus.emit("viewer.joined", { roomId: r, viewerId: "va", userId: alice.id, client: "10.0.0.1|UA-A", at: clock }));
  on(600, () => bus.emit("viewer.left", { roomId: r, viewerId: "va", at: clock }));
  on(120, () => bus.emit("viewer.joined", { roomId: r, viewerId: "vb", userId: null, client: B_CLIENT, at: clock }));
  on(420, () => bus.emit("viewer.left", { roomId: r, viewerId: "vb", at: clock }));
  for (let s = 0; s <= 88; s += 4) on(s, () => bus.emit("viewer.pinged", { roomId: r, viewerId: "vc", userId: null, client: "10.0.0.3|UA-C", at: clock }));
  for (const s of [65, 130, 190]) on(s, () => bus.emit("chat.posted", { roomId: r, userId: alice.id, at: clock }));
  for (let i = 0; i < 5; i++) on(150, () => bus.emit("like.sent", { roomId: r, userId: null, viewerId: "vb", at: clock }));
  on(200, () => bus.emit("follow.created", { creatorId: seller.id, followerId: alice.id, username: "alice", displayName: "Alice", roomId: r }));
  const gift = (u: User, coins: number) => bus.emit("gift.sent", { roomId: r, sendId: 1, senderId: u.id, creatorId: seller.id, giftId: 1, count: 1, coins, creatorCoins: coins, platformCoins: 0, at: clock });
  on(300, () => gift(alice, 100));
  on(310, () => gift(bob, 30));
  on(320, () => gift(bob, 30));
  // Pins: P1 at 90 s (A and C present; B sees it on joining), P2 at 240 s (A and B present).
  const card = (id: number) => pinCard(db, getProduct(db, id)!, clock);
  on(90, () => bus.emit("room.event", { roomId: r, event: { type: "pin", action: "pin", productId: p1, pins: [card(p1)] } }));
  on(240, () => bus.emit("room.event", { roomId: r, event: { type: "pin", action: "pin", productId: p2, pins: [card(p1), card(p2)] } }));
  on(250, () => bus.emit("product.viewed", { productId: p1, userId: alice.id, client: null, at: clock }));
  on(260, () => bus.emit("product.viewed", { productId: p2, userId: null, client: B_CLIENT, at: clock }));
  on(270, () => bus.emit("cart.added", { productId: p1, userId: alice.id, quantity: 2, at: clock }));
  const order = (kind: "order.placed" | "order.paid", u: User, productId: number, quantity: number, totalMinor: number, currency: string) => {
    if (kind === "order.placed") bus.emit(kind, { orderId: 1, buyerId: u.id, sellerId: seller.id, productId, provider: "manual", roomId: r, quantity, totalMinor, currency, at: clock });
    else bus.emit(kind, { orderId: 1, buyerId: u.id, buyerName: u.displayName, sellerId: seller.id, productId, title: "", quantity, roomId: r, totalMinor, currency, at: clock });
  };
  on(280, () => order("order.placed", alice, p1, 2, 3000, "USD"));
  on(281, () => order("order.paid", alice, p1, 2, 3000, "USD"));
  on(290, () => order("order.placed", bob, p2, 1, 2500, "USD"));
  on(300, () => order("order.placed", carol, p1, 1, 900, "EUR"));
  on(300, () => order("order.paid", carol, p1, 1, 900, "EUR"));
  on(720, () => bus.emit("broadcast.ended", { roomId: r, slug: room.slug, broadcastId: B, at: clock }));
  for (let s = 0; s <= 720; s++) {
    clock = T0 + s * S;
    for (const fn of at.get(s) ?? []) fn();
    if (s > 0 && (s * S) % HEARTBEAT_MS === 0) capture.tick(clock);
    if (s % 7 === 0) capture.flush();
  }
  capture.flush();
}

const expected = {
  peakViewers: 2, avgViewers: 1.37, uniqueViewers: 3, watchSeconds: 988, chatMessages: 3, likes: 5, follows: 1, giftCoins: 160,
  productImpressions: 5, productClicks: 2, carts: 1, orders: 3, paidOrders: 2,
  gmv: [{ minor: 900, currency: "EUR" }, { minor: 3000, currency: "USD" }], ctr: 0.4, cvr: 1,
  timeline: [2, 1, 2, 2, 2, 2, 2, 1, 1, 1, 0, 0].map((viewers, i) => ({ t: T0 + i * 60_000, viewers })),
};

describe("a scripted broadcast", () => {
  test("gives exactly the stats its script implies", () => {
    runScript();
    const s = broadcastStats(db, getBroadcast(db, B)!, clock);
    expect(statsJson(s)).toMatchObject(expected);
    expect(s.avgWatchSeconds).toBe(329);
    expect(s.chatPerMinute).toBe(0.25);
    expect(s.units).toBe(3);
    expect(s.retention).toEqual([{ minutes: 1, viewers: 3 }, { minutes: 5, viewers: 2 }, { minutes: 15, viewers: 0 }, { minutes: 30, viewers: 0 }, { minutes: 60, viewers: 0 }]);
    expect(s.topGifters).toEqual([{ userId: alice.id, name: "Alice", coins: 100 }, { userId: bob.id, name: "Bob", coins: 60 }]);
    expect(s.pins.map((p) => [p.t - T0, p.title])).toEqual([[90_000, "Mug"], [240_000, "Tee"]]);
    expect(s.steps).toEqual({ cartRate: 0.5, orderRate: 3, payRate: 0.6667 });
    expect(capture.stats.flushes).toBeGreaterThan(10);
  });

  test("no raw address or user agent is stored, and the anonymous key changes with the day", () => {
    runScript();
    const dump = JSON.stringify(db.query("SELECT * FROM insights_events").all()) + JSON.stringify(db.query("SELECT * FROM insights_viewers").all());
    expect(dump).not.toContain("10.0.0.");
    expect(dump).not.toContain("UA-");
    const today = capture.keyOf({ userId: null, client: B_CLIENT }, T0);
    expect(capture.keyOf({ userId: null, client: B_CLIENT }, T0 + 86_400_000)).not.toBe(today);
    expect(capture.keyOf({ userId: alice.id, client: null }, T0 + 86_400_000)).toBe(capture.keyOf({ userId: alice.id, client: null }, T0));
  });

  test("a rebuild from the raw events gives the same stats as the incremental rollups", () => {
    runScript();
    const before = broadcastStats(db, getBroadcast(db, B)!, clock);
    expect(rebuildRollups(db, 17)).toBeGreaterThan(50);
    expect(broadcastStats(db, getBroadcast(db, B)!, clock)).toEqual(before);
  });

  test("the period totals cover the broadcast, with new and returning viewers", () => {
    runScript();
    const p = periodStats(db, { kind: "room", roomId: room.id }, T0 - 86_400_000, T0 + 86_400_000, clock);
    expect(p).toMatchObject({ uniqueViewers: 3, watchSeconds: 988, giftCoins: 160, paidOrders: 2, ctr: 0.4, cvr: 1, returningViewers: 0, newViewers: 3 });
    expect(p.broadcasts.map((b) => [b.broadcastId, b.uniqueViewers, b.peakViewers])).toEqual([[B, 3, 2]]);
    expect(p.hours).toEqual([{ hour: 12, liveMinutes: 12, avgViewers: 1.37, paidOrders: 2 }]);
  });

  test("a second broadcast the next day: the signed-in viewer returns, a visitor is new again (daily key)", () => {
    runScript();
    const day2 = T0 + 86_400_000;
    clock = day2;
    bus.emit("broadcast.started", { roomId: room.id, slug: room.slug, broadcastId: 8, at: clock });
    bus.emit("viewer.joined", { roomId: room.id, viewerId: "va2", userId: alice.id, client: null, at: clock });
    bus.emit("viewer.joined", { roomId: room.id, viewerId: "vb2", userId: null, client: B_CLIENT, at: clock });
    clock = day2 + 120_000;
    capture.tick(clock);
    bus.emit("broadcast.ended", { roomId: room.id, slug: room.slug, broadcastId: 8, at: clock });
    const p = periodStats(db, { kind: "room", roomId: room.id }, day2 - 3600_000, day2 + 86_400_000, clock);
    expect(p).toMatchObject({ uniqueViewers: 2, returningViewers: 1, newViewers: 1, watchSeconds: 240 });
    const both = periodStats(db, { kind: "owner", ownerId: seller.id }, T0, day2 + 86_400_000, clock);
    expect(both).toMatchObject({ uniqueViewers: 4, newViewers: 4, returningViewers: 0 });
    expect(both.broadcasts.map((b) => b.broadcastId)).toEqual([8, B]);
  });

  test("deleting a user's data removes them from unique counts, sums and exports", () => {
    runScript();
    expect(exportUserData(db, alice.id, clock).events.length).toBeGreaterThan(40);
    const r = deleteUserData(db, alice.id, clock);
    expect(r.events).toBeGreaterThan(40);
    const s = statsJson(broadcastStats(db, getBroadcast(db, B)!, clock));
    expect(s).toMatchObject({
      uniqueViewers: 2, watchSeconds: 388, chatMessages: 0, follows: 0, giftCoins: 60, productImpressions: 3, productClicks: 1, carts: 0,
      orders: 2, paidOrders: 1, gmv: [{ minor: 900, currency: "EUR" }], likes: 5,
    });
    expect(s.topGifters).toEqual([{ userId: bob.id, name: "Bob", coins: 60 }]);
    expect(exportUserData(db, alice.id, clock)).toMatchObject({ events: [], broadcasts: [], rooms: [] });
    // The per-minute sums agree with a rebuild from what is left.
    const left = broadcastStats(db, getBroadcast(db, B)!, clock);
    rebuildRollups(db);
    expect(broadcastStats(db, getBroadcast(db, B)!, clock)).toEqual(left);
  });
});
