// Insights: the types every layer shares and the pure arithmetic on them (ratios, timelines, retention).
// Contract of the JSON shapes: docs/insights.md.
import type { Category } from "../rooms/model";

/** What happened in a room. `value`: ms watched (beat), coins (gift), quantity (order, paid, cart), count (like). */
export const EVENT_TYPES = [
  "join", "leave", "beat", "chat", "like", "follow", "gift", "pin", "unpin",
  "impression", "click", "cart", "order", "paid",
  // Hooks for paid access (classes, memberships): counted as revenue per currency when those domains emit them.
  "ticket", "membership",
  // Sponsor slots (server/sponsors): product_id holds the slot's id; no rollup counts them.
  "sponsor_impression", "sponsor_click",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Revenue kinds counted per currency besides shop orders. */
export const REVENUE_KINDS = ["paid", "ticket", "membership"] as const;
export type RevenueKind = (typeof REVENUE_KINDS)[number];

export interface InsightEvent {
  at: number;
  /** The creator the event belongs to (room owner or seller): scopes shops, baskets and the creator's period. */
  ownerId: number;
  roomId: number | null;
  broadcastId: number | null;
  /** Pseudonymous viewer key: a salted hash; for anonymous visitors the salt rotates every UTC day. "" for none. */
  viewer: string;
  /** Signed-in users only, so they can export and delete their own data. */
  userId: number | null;
  type: EventType;
  productId: number | null;
  value: number;
  amountMinor: number | null;
  currency: string | null;
}

export interface Money {
  minor: number;
  currency: string;
}

/** The contract's totals (GET /api/v1/broadcasts/<id>/stats and /rooms/<slug>/stats). */
export interface Totals {
  peakViewers: number;
  avgViewers: number;
  uniqueViewers: number;
  watchSeconds: number;
  chatMessages: number;
  likes: number;
  follows: number;
  giftCoins: number;
  productImpressions: number;
  productClicks: number;
  carts: number;
  orders: number;
  paidOrders: number;
  gmv: Money[];
  ctr: number | null;
  cvr: number | null;
}

export interface TimelinePoint {
  t: number;
  viewers: number;
}

export interface BroadcastSummary extends Totals {
  broadcastId: number;
  roomId: number;
  startedAt: number;
  endedAt: number | null;
  units: number;
}

export interface BroadcastStats extends BroadcastSummary {
  timeline: TimelinePoint[];
  avgWatchSeconds: number | null;
  chatPerMinute: number;
  retention: { minutes: number; viewers: number }[];
  topGifters: { userId: number; name: string; coins: number }[];
  pins: { t: number; productId: number; title: string }[];
  revenue: { kind: RevenueKind; minor: number; currency: string; count: number }[];
  /** carts / clicks, orders / carts, paid / orders: the funnel's step rates (null when the step before is 0). */
  steps: { cartRate: number | null; orderRate: number | null; payRate: number | null };
}

export interface PeriodStats extends Totals {
  from: number;
  to: number;
  broadcasts: BroadcastSummary[];
  /** Hour of day (UTC) → average concurrent viewers and paid orders per live hour, for "best hours to go live". */
  hours: { hour: number; liveMinutes: number; avgViewers: number; paidOrders: number }[];
  returningViewers: number;
  newViewers: number;
}

/** One per-minute rollup row (all counters additive, so a batch of events adds to them). */
export interface MinuteRow {
  watchMs: number;
  chat: number;
  likes: number;
  follows: number;
  giftCoins: number;
  impressions: number;
  clicks: number;
  carts: number;
  orders: number;
  paid: number;
  units: number;
}

export const RETENTION_MINUTES = [1, 5, 15, 30, 60] as const;
export const MINUTE = 60_000;
export const DAY = 86_400_000;

export function emptyMinute(): MinuteRow {
  return { watchMs: 0, chat: 0, likes: 0, follows: 0, giftCoins: 0, impressions: 0, clicks: 0, carts: 0, orders: 0, paid: 0, units: 0 };
}

/** The rollup counters one event adds (beats add seconds; funnel events count once each). */
export function minuteDelta(e: Pick<InsightEvent, "type" | "value">): Partial<MinuteRow> | null {
  switch (e.type) {
    case "beat": return { watchMs: e.value };
    case "chat": return { chat: 1 };
    case "like": return { likes: e.value };
    case "follow": return { follows: 1 };
    case "gift": return { giftCoins: e.value };
    case "impression": return { impressions: 1 };
    case "click": return { clicks: 1 };
    case "cart": return { carts: 1 };
    case "order": return { orders: 1 };
    case "paid": return { paid: 1, units: e.value };
    default: return null;
  }
}

/** a / b, or null when b is 0 (rounded to 4 decimals so JSON stays readable). */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : Math.round((a / b) * 10_000) / 10_000;
}

export function minuteOf(at: number): number {
  return Math.floor(at / MINUTE) * MINUTE;
}

/**
 * Concurrent viewers per minute of the broadcast (every minute, zeros included): ms watched in the minute / ms of
 * the minute that lie inside the broadcast (the first and last minute may be partial), rounded to whole viewers.
 */
export function timeline(rows: readonly { minute: number; watchMs: number }[], startedAt: number, endedAt: number): TimelinePoint[] {
  const watched = new Map(rows.map((r) => [r.minute, r.watchMs]));
  const out: TimelinePoint[] = [];
  for (let m = minuteOf(startedAt); m < endedAt; m += MINUTE) {
    const span = Math.min(m + MINUTE, endedAt) - Math.max(m, startedAt);
    out.push({ t: m, viewers: Math.round((watched.get(m) ?? 0) / Math.max(span, 1000)) });
  }
  return out;
}

export function sumMinutes(rows: readonly MinuteRow[]): MinuteRow {
  const s = emptyMinute();
  for (const r of rows) for (const k of Object.keys(s) as (keyof MinuteRow)[]) s[k] += r[k];
  return s;
}

/** Builds the contract's totals from summed counters, the viewer figures and GMV. */
export function totals(sum: MinuteRow, v: { peakViewers: number; avgViewers: number; uniqueViewers: number }, gmv: Money[]): Totals {
  return {
    peakViewers: v.peakViewers, avgViewers: v.avgViewers, uniqueViewers: v.uniqueViewers, watchSeconds: Math.round(sum.watchMs / 1000),
    chatMessages: sum.chat, likes: sum.likes, follows: sum.follows, giftCoins: sum.giftCoins,
    productImpressions: sum.impressions, productClicks: sum.clicks, carts: sum.carts, orders: sum.orders, paidOrders: sum.paid,
    gmv, ctr: ratio(sum.clicks, sum.impressions), cvr: ratio(sum.paid, sum.clicks),
  };
}

/** The contract's JSON for a broadcast: the totals plus the timeline. */
export function statsJson(s: BroadcastStats): Totals & { timeline: TimelinePoint[] } & Record<string, unknown> {
  return {
    peakViewers: s.peakViewers, avgViewers: s.avgViewers, uniqueViewers: s.uniqueViewers, watchSeconds: s.watchSeconds,
    chatMessages: s.chatMessages, likes: s.likes, follows: s.follows, giftCoins: s.giftCoins, productImpressions: s.productImpressions,
    productClicks: s.productClicks, carts: s.carts, orders: s.orders, paidOrders: s.paidOrders, gmv: s.gmv, ctr: s.ctr, cvr: s.cvr,
    timeline: s.timeline,
    broadcastId: s.broadcastId, startedAt: s.startedAt, endedAt: s.endedAt, units: s.units, avgWatchSeconds: s.avgWatchSeconds,
    chatPerMinute: s.chatPerMinute, retention: s.retention, topGifters: s.topGifters, pins: s.pins, revenue: s.revenue, steps: s.steps,
  };
}

// ---- recommendations and models (shapes shared by the API and the views)

export interface BoughtTogether {
  productId: number;
  title: string;
  support: number;
  confidence: number;
  lift: number;
}

export type SimilarReason = { kind: "coviewing"; shared: number; room: string } | { kind: "watched"; room: string } | { kind: "popular"; category: Category };

export interface SimilarRoom {
  slug: string;
  title: string;
  live: boolean;
  score: number;
  reason: SimilarReason;
}

export interface Forecast {
  units: number;
  low: number;
  high: number;
  r2: number;
  n: number;
}

export interface PropensityReport {
  ownerId: number;
  auc: number | null;
  trainN: number;
  testN: number;
  scores: { productId: number; title: string; score: number }[];
}

/** Regression needs at least this many past broadcasts before it predicts anything. */
export const MIN_FORECAST_POINTS = 10;

// ---- rollups: everything the pages read is a sum of what each event adds, so a batch adds to the tables and a
// rebuild replays the events through the same function.

export interface MinuteKey {
  ownerId: number;
  roomId: number;
  broadcastId: number;
  minute: number;
}

export interface Rollup {
  minutes: Map<string, MinuteKey & { row: MinuteRow }>;
  revenue: Map<string, MinuteKey & { kind: RevenueKind; currency: string; minor: number; count: number }>;
  /** One row per viewer per broadcast: unique viewers, watch time, retention. */
  viewers: Map<string, { broadcastId: number; viewer: string; roomId: number; ownerId: number; userId: number | null; firstAt: number; lastAt: number; watchMs: number }>;
  /** One row per viewer per room: behaviour weights for "rooms you may like". */
  /** Viewers seen per owner, room and UTC day (beats and joins): the period's distinct-viewer sketches. */
  days: Map<string, { ownerId: number; roomId: number; day: number; viewers: Set<string> }>;
  affinity: Map<string, { roomId: number; viewer: string; ownerId: number; userId: number | null; watchMs: number; likes: number; chat: number; purchases: number; firstAt: number; lastAt: number }>;
}

export function rollup(events: Iterable<InsightEvent>): Rollup {
  const r: Rollup = { minutes: new Map(), revenue: new Map(), viewers: new Map(), days: new Map(), affinity: new Map() };
  const add = (k: MinuteKey, d: Partial<MinuteRow>) => {
    const key = `${k.ownerId}:${k.roomId}:${k.broadcastId}:${k.minute}`;
    let m = r.minutes.get(key);
    if (!m) r.minutes.set(key, (m = { ...k, row: emptyMinute() }));
    for (const [f, v] of Object.entries(d) as [keyof MinuteRow, number][]) m.row[f] += v;
  };
  for (const e of events) {
    const k: MinuteKey = { ownerId: e.ownerId, roomId: e.roomId ?? 0, broadcastId: e.broadcastId ?? 0, minute: minuteOf(e.at) };
    const key = `${k.ownerId}:${k.roomId}:${k.broadcastId}:${k.minute}`;
    if (e.type === "beat") {
      // A beat covers [at - value, at): its ms go to the minutes they were watched in.
      for (let t = e.at - e.value; t < e.at; ) {
        const end = Math.min(e.at, minuteOf(t) + MINUTE);
        add({ ...k, minute: minuteOf(t) }, { watchMs: end - t });
        t = end;
      }
    } else {
      const d = minuteDelta(e);
      if (d) add(k, d);
    }
    if ((REVENUE_KINDS as readonly string[]).includes(e.type) && e.amountMinor !== null && e.currency) {
      const rk = `${key}:${e.type}:${e.currency}`;
      let m = r.revenue.get(rk);
      if (!m) r.revenue.set(rk, (m = { ...k, kind: e.type as RevenueKind, currency: e.currency, minor: 0, count: 0 }));
      m.minor += e.amountMinor;
      m.count += 1;
    }
    if (e.viewer && e.broadcastId !== null && e.roomId !== null && (e.type === "beat" || e.type === "join")) {
      const vk = `${e.broadcastId}:${e.viewer}`;
      let v = r.viewers.get(vk);
      if (!v) r.viewers.set(vk, (v = { broadcastId: e.broadcastId, viewer: e.viewer, roomId: e.roomId, ownerId: e.ownerId, userId: e.userId, firstAt: e.at, lastAt: e.at, watchMs: 0 }));
      v.firstAt = Math.min(v.firstAt, e.at);
      v.lastAt = Math.max(v.lastAt, e.at);
      if (e.type === "beat") v.watchMs += e.value;
      const day = Math.floor(e.at / DAY);
      const dk = `${e.ownerId}:${e.roomId}:${day}`;
      let d = r.days.get(dk);
      if (!d) r.days.set(dk, (d = { ownerId: e.ownerId, roomId: e.roomId, day, viewers: new Set() }));
      d.viewers.add(e.viewer);
    }
    if (e.viewer && e.roomId !== null && (e.type === "join" || e.type === "beat" || e.type === "like" || e.type === "chat" || e.type === "paid")) {
      const ak = `${e.roomId}:${e.viewer}`;
      let a = r.affinity.get(ak);
      if (!a) r.affinity.set(ak, (a = { roomId: e.roomId, viewer: e.viewer, ownerId: e.ownerId, userId: e.userId, watchMs: 0, likes: 0, chat: 0, purchases: 0, firstAt: e.at, lastAt: e.at }));
      a.firstAt = Math.min(a.firstAt, e.at);
      a.lastAt = Math.max(a.lastAt, e.at);
      if (e.type === "join") continue;
      if (e.type === "beat") a.watchMs += e.value;
      else if (e.type === "like") a.likes += e.value;
      else if (e.type === "chat") a.chat += 1;
      else a.purchases += 1;
    }
  }
  return r;
}

/** Behaviour weight of one viewer in one room: minutes watched, plus likes, chat and purchases by strength. */
export function affinityWeight(a: { watchMs: number; likes: number; chat: number; purchases: number }): number {
  return a.watchMs / MINUTE + 0.5 * Math.min(a.likes, 20) + 2 * Math.min(a.chat, 20) + 10 * a.purchases;
}

/** What identifies an anonymous client before hashing (address + user agent); hashed with a daily salt, never stored. */
export function clientId(ip: string | null, userAgent: string | null): string | null {
  return ip || userAgent ? `${ip ?? ""}|${userAgent ?? ""}` : null;
}

// ---- distinct-viewer sketches: exact sets while small, HyperLogLog (2^14 registers, ~0.8 % error) beyond, so a
// period's unique viewers merge per-day sketches instead of counting hundreds of thousands of rows.

const HLL_P = 14;
const HLL_M = 1 << HLL_P;
const EXACT_MAX = 1024;

export type Sketch = { kind: "exact"; hashes: Set<bigint> } | { kind: "hll"; registers: Uint8Array };

export function emptySketch(): Sketch {
  return { kind: "exact", hashes: new Set() };
}

function toHll(s: Sketch): Uint8Array {
  if (s.kind === "hll") return s.registers;
  const r = new Uint8Array(HLL_M);
  for (const h of s.hashes) hllAdd(r, h);
  return r;
}

function hllAdd(r: Uint8Array, h: bigint): void {
  // Top 14 bits pick the register; the rank is 1 + the leading zeros of the remaining 50 bits (18 + 32).
  const hi = Number(h >> 32n);
  const lo = Number(h & 0xffffffffn);
  const idx = hi >>> (32 - HLL_P);
  const rest = hi & ((1 << (32 - HLL_P)) - 1);
  const rank = rest !== 0 ? Math.clz32(rest) - HLL_P + 1 : 32 - HLL_P + Math.clz32(lo) + 1;
  if (rank > r[idx]!) r[idx] = rank;
}

export function hashViewer(viewer: string): bigint {
  return BigInt.asUintN(64, BigInt(Bun.hash.wyhash(viewer, 0x1f2e3d4cn)));
}

export function sketchAdd(s: Sketch, viewer: string): Sketch {
  const h = hashViewer(viewer);
  if (s.kind === "hll") {
    hllAdd(s.registers, h);
    return s;
  }
  s.hashes.add(h);
  return s.hashes.size > EXACT_MAX ? { kind: "hll", registers: toHll(s) } : s;
}

/** The union; `a` may be reused (callers fold many sketches into one accumulator). */
export function sketchMerge(a: Sketch, b: Sketch): Sketch {
  if (a.kind === "exact" && b.kind === "exact") {
    const u = new Set([...a.hashes, ...b.hashes]);
    return u.size > EXACT_MAX ? { kind: "hll", registers: toHll({ kind: "exact", hashes: u }) } : { kind: "exact", hashes: u };
  }
  if (a.kind === "exact" && b.kind === "hll") return sketchMerge({ kind: "hll", registers: new Uint8Array(b.registers) }, a);
  const r = a.kind === "hll" ? a.registers : toHll(a);
  const o = toHll(b);
  for (let i = 0; i < HLL_M; i++) if (o[i]! > r[i]!) r[i] = o[i]!;
  return { kind: "hll", registers: r };
}

export function sketchCount(s: Sketch): number {
  if (s.kind === "exact") return s.hashes.size;
  let sum = 0;
  let zeros = 0;
  for (const v of s.registers) {
    sum += 2 ** -v;
    if (v === 0) zeros++;
  }
  const e = ((0.7213 / (1 + 1.079 / HLL_M)) * HLL_M * HLL_M) / sum;
  return Math.round(e <= 2.5 * HLL_M && zeros > 0 ? HLL_M * Math.log(HLL_M / zeros) : e);
}

export function encodeSketch(s: Sketch): Uint8Array {
  if (s.kind === "hll") return Uint8Array.of(1, ...s.registers);
  const out = new Uint8Array(1 + 8 * s.hashes.size);
  const view = new DataView(out.buffer);
  let i = 1;
  for (const h of s.hashes) {
    view.setBigUint64(i, h, true);
    i += 8;
  }
  return out;
}

export function decodeSketch(b: Uint8Array): Sketch {
  if (b[0] === 1) return { kind: "hll", registers: b.slice(1) };
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const hashes = new Set<bigint>();
  for (let i = 1; i + 8 <= b.length; i += 8) hashes.add(view.getBigUint64(i, true));
  return { kind: "exact", hashes };
}
