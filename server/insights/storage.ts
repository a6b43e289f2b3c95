// The only file of the insights domain with SQL: the event stream, its rollups, and the derived tables.
import type { Database } from "bun:sqlite";
import { randomBytes } from "node:crypto";
import {
  DAY, decodeSketch, emptyMinute, emptySketch, encodeSketch, sketchAdd,
  type EventType, type InsightEvent, type MinuteRow, type RevenueKind, type Rollup, type Sketch,
} from "./model";

/** Which rows a period query covers: one room, one creator's rooms and shop, or the whole instance (admin). */
export type Scope = { kind: "room"; roomId: number } | { kind: "owner"; ownerId: number } | { kind: "all" };

function scopeWhere(s: Scope, alias = ""): { sql: string; args: number[] } {
  const p = alias ? `${alias}.` : "";
  if (s.kind === "room") return { sql: `${p}room_id = ?`, args: [s.roomId] };
  if (s.kind === "owner") return { sql: `${p}owner_id = ?`, args: [s.ownerId] };
  return { sql: "1 = 1", args: [] };
}

// ---- salts

/** The salt of a UTC day (created on first use); day -1 is the permanent salt for signed-in users. */
export function salt(db: Database, day: number): string {
  const row = db.query<{ salt: string }, [number]>("SELECT salt FROM insights_salts WHERE day = ?").get(day);
  if (row) return row.salt;
  db.query("INSERT OR IGNORE INTO insights_salts (day, salt) VALUES (?, ?)").run(day, randomBytes(32).toString("base64url"));
  return db.query<{ salt: string }, [number]>("SELECT salt FROM insights_salts WHERE day = ?").get(day)!.salt;
}

/** Forgets old daily salts, so yesterday's visitor keys can never be recomputed. */
export function deleteSaltsBefore(db: Database, day: number): void {
  db.query("DELETE FROM insights_salts WHERE day >= 0 AND day < ?").run(day);
}

// ---- writing events and their rollups

const MINUTE_COLS = ["watch_ms", "chat", "likes", "follows", "gift_coins", "impressions", "clicks", "carts", "orders", "paid", "units"] as const;
const MINUTE_FIELDS: readonly (keyof MinuteRow)[] = ["watchMs", "chat", "likes", "follows", "giftCoins", "impressions", "clicks", "carts", "orders", "paid", "units"];

/**
 * "append": stores a batch of events and adds its rollup to the derived tables, in one transaction.
 * "replay": adds the rollup only (a rebuild). "subtract": takes the minute and revenue sums away (a user's
 * deletion; their per-viewer rows are deleted outright).
 */
export function writeBatch(db: Database, events: readonly InsightEvent[], r: Rollup, mode: "append" | "replay" | "subtract" = "append"): void {
  const sign = mode === "subtract" ? -1 : 1;
  const ins = db.query(`INSERT INTO insights_events (at, owner_id, room_id, broadcast_id, viewer, user_id, type, product_id, value, amount_minor, currency)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const min = db.query(`INSERT INTO insights_minutes (owner_id, room_id, broadcast_id, minute, ${MINUTE_COLS.join(", ")})
    VALUES (?, ?, ?, ?, ${MINUTE_COLS.map(() => "?").join(", ")})
    ON CONFLICT DO UPDATE SET ${MINUTE_COLS.map((c) => `${c} = ${c} + excluded.${c}`).join(", ")}`);
  const rev = db.query(`INSERT INTO insights_revenue (owner_id, room_id, broadcast_id, minute, kind, currency, minor, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET minor = minor + excluded.minor, count = count + excluded.count`);
  const vw = db.query(`INSERT INTO insights_viewers (broadcast_id, viewer, room_id, owner_id, user_id, first_at, last_at, watch_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at), watch_ms = watch_ms + excluded.watch_ms,
      user_id = coalesce(user_id, excluded.user_id)`);
  const af = db.query(`INSERT INTO insights_affinity (room_id, viewer, owner_id, user_id, watch_ms, likes, chat, purchases, first_at, last_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET watch_ms = watch_ms + excluded.watch_ms, likes = likes + excluded.likes, chat = chat + excluded.chat,
      purchases = purchases + excluded.purchases, first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at),
      user_id = coalesce(user_id, excluded.user_id)`);
  const viewerExists = db.query<{ x: number }, [number, string]>("SELECT 1 AS x FROM insights_viewers WHERE broadcast_id = ? AND viewer = ?");
  const affinityExists = db.query<{ x: number }, [number, string]>("SELECT 1 AS x FROM insights_affinity WHERE room_id = ? AND viewer = ?");
  const addUnique = db.query("UPDATE insights_broadcasts SET unique_viewers = unique_viewers + ? WHERE broadcast_id = ?");
  db.transaction(() => {
    if (mode === "append") {
      for (const e of events) ins.run(e.at, e.ownerId, e.roomId, e.broadcastId, e.viewer, e.userId, e.type, e.productId, e.value, e.amountMinor, e.currency);
    }
    for (const m of r.minutes.values()) min.run(m.ownerId, m.roomId, m.broadcastId, m.minute, ...MINUTE_FIELDS.map((f) => sign * m.row[f]));
    for (const m of r.revenue.values()) rev.run(m.ownerId, m.roomId, m.broadcastId, m.minute, m.kind, m.currency, sign * m.minor, sign * m.count);
    if (sign === 1) {
      const fresh = new Map<string, { ownerId: number; roomId: number; day: number; viewers: string[] }>();
      const newPerBroadcast = new Map<number, number>();
      for (const v of r.viewers.values()) {
        if (!viewerExists.get(v.broadcastId, v.viewer)) newPerBroadcast.set(v.broadcastId, (newPerBroadcast.get(v.broadcastId) ?? 0) + 1);
        vw.run(v.broadcastId, v.viewer, v.roomId, v.ownerId, v.userId, v.firstAt, v.lastAt, v.watchMs);
      }
      for (const [b, n] of newPerBroadcast) addUnique.run(n, b);
      for (const a of r.affinity.values()) {
        if (!affinityExists.get(a.roomId, a.viewer)) {
          const day = Math.floor(a.firstAt / DAY);
          const k = `${a.ownerId}:${a.roomId}:${day}`;
          const f = fresh.get(k) ?? { ownerId: a.ownerId, roomId: a.roomId, day, viewers: [] };
          f.viewers.push(a.viewer);
          fresh.set(k, f);
        }
        af.run(a.roomId, a.viewer, a.ownerId, a.userId, a.watchMs, a.likes, a.chat, a.purchases, a.firstAt, a.lastAt);
      }
      for (const [k, d] of r.days) addToDay(db, d.ownerId, d.roomId, d.day, d.viewers, fresh.get(k)?.viewers ?? []);
      for (const [k, f] of fresh) if (!r.days.has(k)) addToDay(db, f.ownerId, f.roomId, f.day, [], f.viewers);
    }
  })();
}

type EventRow = {
  id: number; at: number; owner_id: number; room_id: number | null; broadcast_id: number | null; viewer: string; user_id: number | null;
  type: EventType; product_id: number | null; value: number; amount_minor: number | null; currency: string | null;
};

function toEvent(r: EventRow): InsightEvent {
  return {
    at: r.at, ownerId: r.owner_id, roomId: r.room_id, broadcastId: r.broadcast_id, viewer: r.viewer, userId: r.user_id, type: r.type,
    productId: r.product_id, value: r.value, amountMinor: r.amount_minor, currency: r.currency,
  };
}

type DayRow = { seen: Uint8Array; fresh: Uint8Array };

/** Adds viewers to a room-day's sketches (seen, and first seen in the room). */
function addToDay(db: Database, ownerId: number, roomId: number, day: number, seen: Iterable<string>, fresh: Iterable<string>): void {
  const row = db.query<DayRow, [number, number, number]>("SELECT seen, fresh FROM insights_day_viewers WHERE owner_id = ? AND room_id = ? AND day = ?").get(ownerId, roomId, day);
  let s: Sketch = row ? decodeSketch(row.seen) : emptySketch();
  let f: Sketch = row ? decodeSketch(row.fresh) : emptySketch();
  for (const v of seen) s = sketchAdd(s, v);
  for (const v of fresh) f = sketchAdd(f, v);
  db.query("INSERT OR REPLACE INTO insights_day_viewers (owner_id, room_id, day, seen, fresh) VALUES (?, ?, ?, ?, ?)").run(ownerId, roomId, day, encodeSketch(s), encodeSketch(f));
}

/** The sketches of every room-day of the scope in [fromDay, toDay). */
export function daySketches(db: Database, scope: Scope, fromDay: number, toDay: number): DayRow[] {
  const w = scopeWhere(scope);
  return db.query<DayRow, number[]>(`SELECT seen, fresh FROM insights_day_viewers WHERE ${w.sql} AND day >= ? AND day < ?`).all(...w.args, fromDay, toDay);
}

/** Recomputes one room-day's sketches from what is stored now (after a user's rows were deleted). */
export function rebuildDay(db: Database, ownerId: number, roomId: number, day: number): void {
  const seen = db.query<{ viewer: string }, [number, number, number, number]>(
    `SELECT DISTINCT viewer FROM insights_events WHERE owner_id = ? AND type IN ('join', 'beat') AND room_id = ? AND broadcast_id IS NOT NULL AND viewer != '' AND at >= ? AND at < ?`,
  ).all(ownerId, roomId, day * DAY, (day + 1) * DAY).map((r) => r.viewer);
  const fresh = db.query<{ viewer: string }, [number, number, number]>("SELECT viewer FROM insights_affinity WHERE room_id = ? AND first_at >= ? AND first_at < ?")
    .all(roomId, day * DAY, (day + 1) * DAY).map((r) => r.viewer);
  db.query("DELETE FROM insights_day_viewers WHERE owner_id = ? AND room_id = ? AND day = ?").run(ownerId, roomId, day);
  addToDay(db, ownerId, roomId, day, seen, fresh);
}

/** What a user's rows touch: the broadcasts they count in, and the room-days of their sketches. */
export function userTouches(db: Database, userId: number): { broadcasts: { broadcastId: number; n: number }[]; days: { ownerId: number; roomId: number; day: number }[] } {
  const broadcasts = db.query<{ broadcast_id: number; n: number }, [number]>("SELECT broadcast_id, count(*) AS n FROM insights_viewers WHERE user_id = ? GROUP BY broadcast_id").all(userId)
    .map((r) => ({ broadcastId: r.broadcast_id, n: r.n }));
  const days = db.query<{ owner_id: number; room_id: number; day: number }, [number, number]>(
    `SELECT DISTINCT owner_id, room_id, at / 86400000 AS day FROM insights_events WHERE user_id = ? AND type IN ('join', 'beat') AND room_id IS NOT NULL
     UNION SELECT owner_id, room_id, first_at / 86400000 FROM insights_affinity WHERE user_id = ?`,
  ).all(userId, userId).map((r) => ({ ownerId: r.owner_id, roomId: r.room_id, day: r.day }));
  return { broadcasts, days };
}

export function subtractUnique(db: Database, broadcastId: number, n: number): void {
  db.query("UPDATE insights_broadcasts SET unique_viewers = max(0, unique_viewers - ?) WHERE broadcast_id = ?").run(n, broadcastId);
}

/** Events in id order after `afterId`, a page at a time (rebuilds stream the table instead of loading it). */
export function eventsPage(db: Database, afterId: number, limit: number): { lastId: number; events: InsightEvent[] } {
  const rows = db.query<EventRow, [number, number]>("SELECT * FROM insights_events WHERE id > ? ORDER BY id LIMIT ?").all(afterId, limit);
  return { lastId: rows.at(-1)?.id ?? afterId, events: rows.map(toEvent) };
}

/** Empties every table derived from the events (before a rebuild replays them). */
export function clearRollups(db: Database): void {
  db.exec(`DELETE FROM insights_minutes; DELETE FROM insights_revenue; DELETE FROM insights_viewers; DELETE FROM insights_affinity;
    DELETE FROM insights_day_viewers; UPDATE insights_broadcasts SET unique_viewers = 0;`);
}

// ---- a user's own data (Settings: export and delete)

export function userEvents(db: Database, userId: number): InsightEvent[] {
  return db.query<EventRow, [number]>("SELECT * FROM insights_events WHERE user_id = ? ORDER BY id").all(userId).map(toEvent);
}

export function userViewerRows(db: Database, userId: number) {
  return {
    broadcasts: db.query<{ broadcast_id: number; room_id: number; first_at: number; last_at: number; watch_ms: number }, [number]>(
      "SELECT broadcast_id, room_id, first_at, last_at, watch_ms FROM insights_viewers WHERE user_id = ? ORDER BY first_at").all(userId),
    rooms: db.query<{ room_id: number; watch_ms: number; likes: number; chat: number; purchases: number; last_at: number }, [number]>(
      "SELECT room_id, watch_ms, likes, chat, purchases, last_at FROM insights_affinity WHERE user_id = ? ORDER BY room_id").all(userId),
  };
}

/** Deletes a user's events and per-viewer rows; the caller subtracts the events' rollup (writeBatch sign -1) in the same transaction. */
export function deleteUserRows(db: Database, userId: number): void {
  db.query("DELETE FROM insights_events WHERE user_id = ?").run(userId);
  db.query("DELETE FROM insights_viewers WHERE user_id = ?").run(userId);
  db.query("DELETE FROM insights_affinity WHERE user_id = ?").run(userId);
}

// ---- broadcasts

export interface BroadcastRow {
  broadcastId: number;
  roomId: number;
  ownerId: number;
  startedAt: number;
  endedAt: number | null;
  uniqueViewers: number;
}

type BRow = { broadcast_id: number; room_id: number; owner_id: number; started_at: number; ended_at: number | null; unique_viewers: number };
const toB = (r: BRow): BroadcastRow => ({ broadcastId: r.broadcast_id, roomId: r.room_id, ownerId: r.owner_id, startedAt: r.started_at, endedAt: r.ended_at, uniqueViewers: r.unique_viewers });

export function startBroadcast(db: Database, b: Omit<BroadcastRow, "endedAt" | "uniqueViewers">): void {
  db.query("INSERT OR IGNORE INTO insights_broadcasts (broadcast_id, room_id, owner_id, started_at) VALUES (?, ?, ?, ?)").run(b.broadcastId, b.roomId, b.ownerId, b.startedAt);
}

export function endBroadcast(db: Database, broadcastId: number, at: number): void {
  db.query("UPDATE insights_broadcasts SET ended_at = ? WHERE broadcast_id = ? AND ended_at IS NULL").run(at, broadcastId);
}

export function getBroadcast(db: Database, broadcastId: number): BroadcastRow | null {
  const r = db.query<BRow, [number]>("SELECT * FROM insights_broadcasts WHERE broadcast_id = ?").get(broadcastId);
  return r ? toB(r) : null;
}

export function listBroadcasts(db: Database, scope: Scope, from: number, to: number): BroadcastRow[] {
  const w = scopeWhere(scope);
  return db.query<BRow, number[]>(`SELECT * FROM insights_broadcasts WHERE ${w.sql} AND started_at >= ? AND started_at < ? ORDER BY started_at DESC`)
    .all(...w.args, from, to).map(toB);
}

/** Broadcasts that never saw their end (a crash): closed at their last recorded minute. */
export function openBroadcasts(db: Database): BroadcastRow[] {
  return db.query<BRow, []>("SELECT * FROM insights_broadcasts WHERE ended_at IS NULL").all().map(toB);
}

// ---- reading rollups

type MRow = { watch_ms: number; chat: number; likes: number; follows: number; gift_coins: number; impressions: number; clicks: number; carts: number; orders: number; paid: number; units: number };
const SUMS = MINUTE_COLS.map((c) => `coalesce(sum(${c}), 0) AS ${c}`).join(", ");

function toMinute(r: MRow): MinuteRow {
  return {
    watchMs: r.watch_ms, chat: r.chat, likes: r.likes, follows: r.follows, giftCoins: r.gift_coins, impressions: r.impressions,
    clicks: r.clicks, carts: r.carts, orders: r.orders, paid: r.paid, units: r.units,
  };
}

/** A broadcast's minutes, in order (summed over owners: a shop order in the room may belong to its owner only). */
export function broadcastMinutes(db: Database, broadcastId: number): (MinuteRow & { minute: number })[] {
  return db.query<MRow & { minute: number }, [number]>(`SELECT minute, ${SUMS} FROM insights_minutes WHERE broadcast_id = ? GROUP BY minute ORDER BY minute`)
    .all(broadcastId).map((r) => ({ minute: r.minute, ...toMinute(r) }));
}

/** Per-broadcast sums for many broadcasts at once (the period table). */
export function broadcastSums(db: Database, ids: readonly number[]): Map<number, MinuteRow & { peakMs: number }> {
  const out = new Map<number, MinuteRow & { peakMs: number }>();
  if (!ids.length) return out;
  const q = db.query<MRow & { broadcast_id: number; peak_ms: number }, number[]>(
    `SELECT broadcast_id, ${SUMS}, max(watch_ms) AS peak_ms FROM insights_minutes WHERE broadcast_id IN (${ids.map(() => "?").join(",")}) GROUP BY broadcast_id`);
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of q.all(...ids.slice(i, i + 500))) out.set(r.broadcast_id, { ...toMinute(r), peakMs: r.peak_ms });
  }
  return out;
}

/** Totals over a period (every minute in [from, to), live or not). */
export function periodSum(db: Database, scope: Scope, from: number, to: number): MinuteRow {
  const w = scopeWhere(scope);
  const r = db.query<MRow, number[]>(`SELECT ${SUMS} FROM insights_minutes WHERE ${w.sql} AND minute >= ? AND minute < ?`).get(...w.args, from, to);
  return r ? toMinute(r) : emptyMinute();
}

/** Live minutes by UTC hour of day: how many, viewers watching (ms) and paid orders — "best hours to go live". */
export function hourly(db: Database, scope: Scope, from: number, to: number): { hour: number; minutes: number; watchMs: number; paid: number }[] {
  const w = scopeWhere(scope);
  return db.query<{ hour: number; minutes: number; watch_ms: number; paid: number }, number[]>(
    `SELECT (minute / 3600000) % 24 AS hour, count(*) AS minutes, sum(watch_ms) AS watch_ms, sum(paid) AS paid
     FROM insights_minutes WHERE ${w.sql} AND broadcast_id > 0 AND minute >= ? AND minute < ? GROUP BY hour ORDER BY hour`,
  ).all(...w.args, from, to).map((r) => ({ hour: r.hour, minutes: r.minutes, watchMs: r.watch_ms, paid: r.paid }));
}

export function revenueOfBroadcast(db: Database, broadcastId: number): { kind: RevenueKind; currency: string; minor: number; count: number }[] {
  return db.query<{ kind: RevenueKind; currency: string; minor: number; count: number }, [number]>(
    "SELECT kind, currency, sum(minor) AS minor, sum(count) AS count FROM insights_revenue WHERE broadcast_id = ? GROUP BY kind, currency HAVING count > 0 ORDER BY kind, currency",
  ).all(broadcastId);
}

export function revenueOfBroadcasts(db: Database, ids: readonly number[]): { broadcastId: number; kind: RevenueKind; currency: string; minor: number }[] {
  if (!ids.length) return [];
  const q = db.query<{ broadcast_id: number; kind: RevenueKind; currency: string; minor: number }, number[]>(
    `SELECT broadcast_id, kind, currency, sum(minor) AS minor FROM insights_revenue WHERE broadcast_id IN (${ids.map(() => "?").join(",")}) GROUP BY broadcast_id, kind, currency`);
  const out: { broadcastId: number; kind: RevenueKind; currency: string; minor: number }[] = [];
  for (let i = 0; i < ids.length; i += 500) for (const r of q.all(...ids.slice(i, i + 500))) out.push({ broadcastId: r.broadcast_id, kind: r.kind, currency: r.currency, minor: r.minor });
  return out;
}

export function periodRevenue(db: Database, scope: Scope, from: number, to: number): { kind: RevenueKind; currency: string; minor: number; count: number }[] {
  const w = scopeWhere(scope);
  return db.query<{ kind: RevenueKind; currency: string; minor: number; count: number }, number[]>(
    `SELECT kind, currency, sum(minor) AS minor, sum(count) AS count FROM insights_revenue WHERE ${w.sql} AND minute >= ? AND minute < ?
     GROUP BY kind, currency HAVING count > 0 ORDER BY kind, currency`,
  ).all(...w.args, from, to);
}

/** Unique viewers of a broadcast and how many of them watched at least each threshold. */
export function viewerCounts(db: Database, broadcastId: number, thresholdsMs: readonly number[]): { unique: number; retained: number[] } {
  const cols = thresholdsMs.map((_, i) => `sum(watch_ms >= ?) AS r${i}`).join(", ");
  const r = db.query<Record<string, number>, number[]>(`SELECT count(*) AS n${cols ? ", " + cols : ""} FROM insights_viewers WHERE broadcast_id = ?`)
    .get(...thresholdsMs, broadcastId)!;
  return { unique: r.n ?? 0, retained: thresholdsMs.map((_, i) => r[`r${i}`] ?? 0) };
}



export function topGifters(db: Database, broadcastId: number, limit: number): { userId: number; coins: number }[] {
  return db.query<{ user_id: number; coins: number }, [number, number]>(
    `SELECT user_id, sum(value) AS coins FROM insights_events WHERE broadcast_id = ? AND type = 'gift' AND user_id IS NOT NULL
     GROUP BY user_id ORDER BY coins DESC, user_id LIMIT ?`,
  ).all(broadcastId, limit).map((r) => ({ userId: r.user_id, coins: r.coins }));
}

export function pinsOf(db: Database, broadcastId: number): { at: number; productId: number }[] {
  return db.query<{ at: number; product_id: number }, [number]>(
    "SELECT at, product_id FROM insights_events WHERE broadcast_id = ? AND type = 'pin' AND product_id IS NOT NULL ORDER BY at",
  ).all(broadcastId).map((r) => ({ at: r.at, productId: r.product_id }));
}

// ---- inputs of the derived tables

/** Distinct (shop, buyer, UTC day, product) of paid orders: the Apriori baskets. */
export function basketItems(db: Database): { ownerId: number; userId: number; day: number; productId: number }[] {
  return db.query<{ owner_id: number; user_id: number; day: number; product_id: number }, []>(
    `SELECT DISTINCT owner_id, user_id, at / 86400000 AS day, product_id FROM insights_events
     WHERE type = 'paid' AND user_id IS NOT NULL AND product_id IS NOT NULL ORDER BY owner_id, user_id, day`,
  ).all().map((r) => ({ ownerId: r.owner_id, userId: r.user_id, day: r.day, productId: r.product_id }));
}

export function replaceRules(db: Database, rules: readonly { ownerId: number; productId: number; otherId: number; support: number; confidence: number; lift: number }[]): void {
  const ins = db.query("INSERT INTO insights_rules (owner_id, product_id, other_id, support, confidence, lift) VALUES (?, ?, ?, ?, ?, ?)");
  db.transaction(() => {
    db.exec("DELETE FROM insights_rules");
    for (const r of rules) ins.run(r.ownerId, r.productId, r.otherId, r.support, r.confidence, r.lift);
  })();
}

export function rulesFor(db: Database, productId: number, limit: number): { otherId: number; support: number; confidence: number; lift: number }[] {
  return db.query<{ other_id: number; support: number; confidence: number; lift: number }, [number, number]>(
    "SELECT other_id, support, confidence, lift FROM insights_rules WHERE product_id = ? ORDER BY lift DESC, confidence DESC, other_id LIMIT ?",
  ).all(productId, limit).map((r) => ({ otherId: r.other_id, support: r.support, confidence: r.confidence, lift: r.lift }));
}

/** Co-viewing: for each pair of rooms, the viewers they share and the behaviour weight in the other room. */
export function affinityRows(db: Database, since: number): { roomId: number; viewer: string; watchMs: number; likes: number; chat: number; purchases: number }[] {
  return db.query<{ room_id: number; viewer: string; watch_ms: number; likes: number; chat: number; purchases: number }, [number]>(
    "SELECT room_id, viewer, watch_ms, likes, chat, purchases FROM insights_affinity WHERE last_at >= ? ORDER BY viewer",
  ).all(since).map((r) => ({ roomId: r.room_id, viewer: r.viewer, watchMs: r.watch_ms, likes: r.likes, chat: r.chat, purchases: r.purchases }));
}

export function replaceSimilar(db: Database, rows: readonly { roomId: number; otherId: number; score: number; shared: number }[]): void {
  const ins = db.query("INSERT INTO insights_similar (room_id, other_id, score, shared) VALUES (?, ?, ?, ?)");
  db.transaction(() => {
    db.exec("DELETE FROM insights_similar");
    for (const r of rows) ins.run(r.roomId, r.otherId, r.score, r.shared);
  })();
}

export function similarTo(db: Database, roomId: number, limit: number): { otherId: number; score: number; shared: number }[] {
  return db.query<{ other_id: number; score: number; shared: number }, [number, number]>(
    "SELECT other_id, score, shared FROM insights_similar WHERE room_id = ? ORDER BY score DESC, other_id LIMIT ?",
  ).all(roomId, limit).map((r) => ({ otherId: r.other_id, score: r.score, shared: r.shared }));
}

/** The rooms a viewer key spent most time in (for "because you watched X"). */
export function topRoomsOf(db: Database, viewer: string, limit: number): { roomId: number; watchMs: number }[] {
  return db.query<{ room_id: number; watch_ms: number }, [string, number]>(
    "SELECT room_id, watch_ms FROM insights_affinity WHERE viewer = ? ORDER BY watch_ms DESC LIMIT ?",
  ).all(viewer, limit).map((r) => ({ roomId: r.room_id, watchMs: r.watch_ms }));
}

/** Watch minutes per room over a recent window (popularity for the cold start). */
export function roomPopularity(db: Database, since: number): Map<number, number> {
  return new Map(db.query<{ room_id: number; ms: number }, [number]>(
    "SELECT room_id, sum(watch_ms) AS ms FROM insights_minutes WHERE minute >= ? AND room_id > 0 GROUP BY room_id",
  ).all(since).map((r) => [r.room_id, r.ms]));
}

/** Funnel events per (viewer, product, UTC day) of one shop: the purchase-propensity training rows. */
export function funnelRows(db: Database, ownerId: number): { viewer: string; productId: number; day: number; impressions: number; clicks: number; carts: number; paid: number; price: number }[] {
  return db.query<{ viewer: string; product_id: number; day: number; impressions: number; clicks: number; carts: number; paid: number; price: number }, [number]>(
    `SELECT viewer, product_id, at / 86400000 AS day, sum(type = 'impression') AS impressions, sum(type = 'click') AS clicks,
       sum(type = 'cart') AS carts, sum(type = 'paid') AS paid, coalesce(max(amount_minor), 0) AS price
     FROM insights_events WHERE owner_id = ? AND type IN ('impression', 'click', 'cart', 'paid') AND product_id IS NOT NULL AND viewer != ''
     GROUP BY viewer, product_id, day`,
  ).all(ownerId).map((r) => ({ viewer: r.viewer, productId: r.product_id, day: r.day, impressions: r.impressions, clicks: r.clicks, carts: r.carts, paid: r.paid, price: r.price }));
}

export function shopOwners(db: Database): number[] {
  return db.query<{ owner_id: number }, []>("SELECT DISTINCT owner_id FROM insights_events WHERE type IN ('impression', 'paid')").all().map((r) => r.owner_id);
}

export function replacePropensity(db: Database, ownerId: number, scores: readonly { productId: number; score: number }[], model: { auc: number | null; trainN: number; testN: number; at: number }): void {
  const ins = db.query("INSERT INTO insights_propensity (product_id, owner_id, score) VALUES (?, ?, ?)");
  db.transaction(() => {
    db.query("DELETE FROM insights_propensity WHERE owner_id = ?").run(ownerId);
    for (const s of scores) ins.run(s.productId, ownerId, s.score);
    db.query("INSERT INTO insights_models (owner_id, auc, train_n, test_n, built_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(owner_id) DO UPDATE SET auc = excluded.auc, train_n = excluded.train_n, test_n = excluded.test_n, built_at = excluded.built_at")
      .run(ownerId, model.auc, model.trainN, model.testN, model.at);
  })();
}

export function propensityScores(db: Database, ownerId: number): Map<number, number> {
  return new Map(db.query<{ product_id: number; score: number }, [number]>("SELECT product_id, score FROM insights_propensity WHERE owner_id = ?").all(ownerId).map((r) => [r.product_id, r.score]));
}

export function propensityModel(db: Database, ownerId: number): { auc: number | null; trainN: number; testN: number; builtAt: number } | null {
  const r = db.query<{ auc: number | null; train_n: number; test_n: number; built_at: number }, [number]>("SELECT * FROM insights_models WHERE owner_id = ?").get(ownerId);
  return r ? { auc: r.auc, trainN: r.train_n, testN: r.test_n, builtAt: r.built_at } : null;
}

/** Per-broadcast training rows of the sales forecast: units sold, viewers, mean pinned price, minutes live. */
export function pinPrices(db: Database, ids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  if (!ids.length) return out;
  const q = db.query<{ broadcast_id: number; price: number }, number[]>(
    `SELECT broadcast_id, avg(amount_minor) AS price FROM insights_events WHERE broadcast_id IN (${ids.map(() => "?").join(",")}) AND type = 'pin' AND amount_minor IS NOT NULL GROUP BY broadcast_id`);
  for (let i = 0; i < ids.length; i += 500) for (const r of q.all(...ids.slice(i, i + 500))) out.set(r.broadcast_id, r.price);
  return out;
}

/** A sponsor slot's impressions, distinct viewers reached and clicks per UTC day, and its distinct viewers overall. */
export function sponsorCounts(db: Database, ownerId: number, slotId: number): { days: { day: number; impressions: number; uniqueViewers: number; clicks: number }[]; uniqueViewers: number } {
  const where = "WHERE owner_id = ? AND type IN ('sponsor_impression', 'sponsor_click') AND product_id = ?";
  const days = db.query<{ day: number; impressions: number; uniqueViewers: number; clicks: number }, [number, number]>(
    `SELECT at / 86400000 AS day, sum(type = 'sponsor_impression') AS impressions, sum(type = 'sponsor_click') AS clicks,
       count(DISTINCT CASE WHEN type = 'sponsor_impression' AND viewer != '' THEN viewer END) AS uniqueViewers
     FROM insights_events ${where} GROUP BY day ORDER BY day`,
  ).all(ownerId, slotId);
  const all = db.query<{ n: number }, [number, number]>(`SELECT count(DISTINCT viewer) AS n FROM insights_events ${where} AND type = 'sponsor_impression' AND viewer != ''`).get(ownerId, slotId);
  return { days, uniqueViewers: all?.n ?? 0 };
}
