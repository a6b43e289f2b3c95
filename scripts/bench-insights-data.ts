// Synthetic insights data written straight into a Livehouse SQLite file through the same path capture uses
// (rollup() + writeBatch in 50k-event transactions), for scripts/bench-insights. Deterministic (seeded).
import type { Database } from "bun:sqlite";
import type { AppDb, MoneyDb } from "../server/deps";
import { insertUser } from "../server/accounts/storage";
import { createAccessToken } from "../server/accounts/accounts";
import { createRoom } from "../server/rooms/rooms";
import { createProduct } from "../server/shop/products";
import { DAY, MINUTE, rollup, type EventType, type InsightEvent } from "../server/insights/model";
import * as store from "../server/insights/storage";
import { rng } from "../test/helpers/rng";

export interface Fixture {
  token: string;
  ownerId: number;
  roomId: number;
  bigBroadcastId: number;
  periodEnd: number;
  events: number;
}

const BEAT = 15_000;

/**
 * One broadcast of `viewers` sessions: beats every 15 s for 1-19 minutes each (signed-in users from a stable pool
 * of 20,000, so some return; the rest anonymous and new every day), a chat line or like now and then, impressions
 * of the 3 pinned products, a few clicks, carts and paid orders.
 */
function* broadcastEvents(r: () => number, o: { ownerId: number; roomId: number; broadcastId: number; start: number; minutes: number; viewers: number; products: number[] }): Generator<InsightEvent> {
  const base = { ownerId: o.ownerId, roomId: o.roomId, broadcastId: o.broadcastId, productId: null, amountMinor: null, currency: null, value: 1 };
  const ev = (type: EventType, at: number, viewer: string, userId: number | null, extra: Partial<InsightEvent> = {}): InsightEvent => ({ ...base, type, at, viewer, userId, ...extra });
  for (const [i, p] of o.products.entries()) yield ev("pin", o.start + (i * o.minutes * MINUTE) / 4, "", null, { productId: p, amountMinor: 1500 + i * 1000 });
  for (let v = 0; v < o.viewers; v++) {
    const userId = r() < 0.6 ? 1000 + Math.floor(r() * 20_000) : null;
    const viewer = userId !== null ? `u${userId}` : `a${o.broadcastId}-${v}`;
    const join = o.start + Math.floor(r() * (o.minutes - 1) * MINUTE);
    const leave = Math.min(o.start + o.minutes * MINUTE, join + (1 + Math.floor(r() * 18)) * MINUTE);
    yield ev("join", join, viewer, userId);
    for (const p of o.products) if (r() < 0.7) yield ev("impression", join + 1000, viewer, userId, { productId: p });
    for (let t = join + BEAT; t <= leave; t += BEAT) {
      yield ev("beat", t, viewer, userId, { value: BEAT });
      const x = r();
      if (x < 0.02) yield ev("chat", t, viewer, userId);
      else if (x < 0.05) yield ev("like", t, viewer, userId);
    }
    if (r() < 0.1) {
      const p = o.products[Math.floor(r() * o.products.length)]!;
      yield ev("click", join + 30_000, viewer, userId, { productId: p });
      if (userId !== null && r() < 0.4) {
        yield ev("cart", join + 40_000, viewer, userId, { productId: p });
        yield ev("order", join + 50_000, viewer, userId, { productId: p, amountMinor: 2500, currency: "USD" });
        if (r() < 0.8) yield ev("paid", join + 55_000, viewer, userId, { productId: p, amountMinor: 2500, currency: "USD" });
      }
    }
    if (userId !== null && r() < 0.01) yield ev("gift", join + 20_000, viewer, userId, { value: 10 + Math.floor(r() * 500) });
    yield ev("leave", leave, viewer, userId);
  }
}

function writeAll(db: Database, events: Iterable<InsightEvent>): number {
  let batch: InsightEvent[] = [];
  let n = 0;
  const flush = () => {
    store.writeBatch(db, batch, rollup(batch));
    n += batch.length;
    batch = [];
  };
  for (const e of events) {
    batch.push(e);
    if (batch.length >= 50_000) flush();
  }
  flush();
  return n;
}

/** A creator with one room: a 1-million-event broadcast, and 90 days of daily broadcasts totalling `periodEvents`. */
export function generate(db: AppDb, moneyDb: MoneyDb, opts: { bigEvents: number; periodEvents: number; days: number; now: number; log: (s: string) => void }): Fixture {
  const r = rng(42);
  const owner = insertUser(db, { username: "benchmaker", displayName: "Bench Maker", passwordHash: "x", role: "creator", now: 0 });
  const room = createRoom(db, owner, { title: "Bench room", description: "", category: "shopping", tags: "" }, 0);
  if (!room.ok) throw new Error("room");
  const products = ["Mug", "Tee", "Cap"].map((title) => {
    const p = createProduct(moneyDb, owner, { title, description: "", priceMinor: 1500, currency: "USD", stock: 1000, kind: "digital", variants: [] }, 0);
    if (!p.ok) throw new Error(title);
    return p.value.id;
  });
  const periodEnd = Math.floor(opts.now / DAY) * DAY;
  let events = 0;
  let id = 1;
  // ~45 events per viewer session on average (beats every 15 s for 1-19 minutes plus the rest).
  const perViewer = 45;
  const day = (d: number, viewers: number, minutes: number) => {
    const start = periodEnd - (opts.days - d) * DAY + 18 * 3600_000;
    const b = { ownerId: owner.id, roomId: room.value.id, broadcastId: id++, start, minutes, viewers, products };
    store.startBroadcast(db, { broadcastId: b.broadcastId, roomId: b.roomId, ownerId: b.ownerId, startedAt: start });
    events += writeAll(db, broadcastEvents(r, b));
    store.endBroadcast(db, b.broadcastId, start + minutes * MINUTE);
    return b.broadcastId;
  };
  const t0 = performance.now();
  const perDay = Math.round(opts.periodEvents / opts.days / perViewer);
  for (let d = 0; d < opts.days; d++) {
    day(d, perDay, 120);
    if (d % 10 === 9) opts.log(`  day ${d + 1}/${opts.days}: ${events} events, ${Math.round(events / ((performance.now() - t0) / 1000))} events/s`);
  }
  const big = day(opts.days - 1, Math.round(opts.bigEvents / perViewer), 180);
  opts.log(`  big broadcast ${big}: ${events} events in total, ${Math.round((performance.now() - t0) / 1000)} s`);
  return { token: createAccessToken(db, owner.id, "bench").token, ownerId: owner.id, roomId: room.value.id, bigBroadcastId: big, periodEnd, events };
}
