// Stats: what a creator sees about one broadcast or a period, read from the rollups (never by scanning events,
// except a broadcast's gifts and pins, which an index on (broadcast_id, type) reaches directly).
import type { Database } from "bun:sqlite";
import { getUserById } from "../accounts/accounts";
import { getProduct } from "../shop/products";
import {
  DAY, decodeSketch, emptySketch, MINUTE, RETENTION_MINUTES, ratio, sketchCount, sketchMerge, sumMinutes, timeline, totals,
  type BroadcastStats, type BroadcastSummary, type Money, type MinuteRow, type PeriodStats, type RevenueKind,
} from "./model";
import * as store from "./storage";
import type { BroadcastRow, Scope } from "./storage";

export type { Scope };

function gmvOf(rows: readonly { kind: RevenueKind; currency: string; minor: number }[]): Money[] {
  const m = new Map<string, number>();
  for (const r of rows) if (r.kind === "paid") m.set(r.currency, (m.get(r.currency) ?? 0) + r.minor);
  return [...m].sort(([a], [b]) => a.localeCompare(b)).map(([currency, minor]) => ({ minor, currency }));
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function endOf(b: BroadcastRow, now: number): number {
  return b.endedAt ?? Math.max(b.startedAt, now);
}

function summary(b: BroadcastRow, sum: MinuteRow, peak: number, unique: number, gmv: Money[], now: number): BroadcastSummary {
  const ms = endOf(b, now) - b.startedAt;
  return {
    broadcastId: b.broadcastId, roomId: b.roomId, startedAt: b.startedAt, endedAt: b.endedAt, units: sum.units,
    ...totals(sum, { peakViewers: peak, avgViewers: ms > 0 ? round2(sum.watchMs / ms) : 0, uniqueViewers: unique }, gmv),
  };
}

export function getBroadcast(db: Database, broadcastId: number): BroadcastRow | null {
  return store.getBroadcast(db, broadcastId);
}

export function broadcastStats(db: Database, b: BroadcastRow, now: number): BroadcastStats {
  const end = endOf(b, now);
  const minutes = store.broadcastMinutes(db, b.broadcastId);
  const sum = sumMinutes(minutes);
  const line = timeline(minutes, b.startedAt, end);
  const { unique, retained } = store.viewerCounts(db, b.broadcastId, RETENTION_MINUTES.map((m) => m * MINUTE));
  const revenue = store.revenueOfBroadcast(db, b.broadcastId);
  const s = summary(b, sum, Math.max(0, ...line.map((p) => p.viewers)), unique, gmvOf(revenue), now);
  const liveMinutes = (end - b.startedAt) / MINUTE;
  return {
    ...s,
    timeline: line,
    avgWatchSeconds: unique ? Math.round(sum.watchMs / 1000 / unique) : null,
    chatPerMinute: liveMinutes > 0 ? round2(sum.chat / liveMinutes) : 0,
    retention: RETENTION_MINUTES.map((m, i) => ({ minutes: m, viewers: retained[i] ?? 0 })),
    topGifters: store.topGifters(db, b.broadcastId, 5).map((g) => ({ ...g, name: getUserById(db, g.userId)?.displayName ?? "—" })),
    pins: store.pinsOf(db, b.broadcastId).map((p) => ({ t: p.at, productId: p.productId, title: getProduct(db, p.productId)?.title ?? `#${p.productId}` })),
    revenue,
    steps: { cartRate: ratio(sum.carts, sum.clicks), orderRate: ratio(sum.orders, sum.carts), payRate: ratio(sum.paid, sum.orders) },
  };
}

/** Per UTC hour of day: minutes live (from the broadcasts' spans), average concurrent viewers and paid orders in them. */
function bestHours(list: readonly BroadcastRow[], rows: readonly { hour: number; watchMs: number; paid: number }[], now: number): PeriodStats["hours"] {
  const live = Array<number>(24).fill(0);
  for (const b of list) {
    for (let t = b.startedAt; t < endOf(b, now); ) {
      const next = Math.min(endOf(b, now), (Math.floor(t / 3600_000) + 1) * 3600_000);
      live[Math.floor(t / 3600_000) % 24]! += next - t;
      t = next;
    }
  }
  const by = new Map(rows.map((r) => [r.hour, r]));
  return live.flatMap((ms, hour) => ms > 0 ? [{ hour, liveMinutes: Math.round(ms / MINUTE), avgViewers: round2((by.get(hour)?.watchMs ?? 0) / ms), paidOrders: by.get(hour)?.paid ?? 0 }] : []);
}

/**
 * Distinct viewers in the period's UTC days and how many were first seen then (in one of the scope's rooms): the
 * merge of per-room-day sketches — exact up to 1,024 viewers per sketch, HyperLogLog (≈0.8 %) beyond.
 */
function periodViewers(db: Database, scope: Scope, from: number, to: number): { unique: number; fresh: number } {
  let seen = emptySketch();
  let fresh = emptySketch();
  for (const d of store.daySketches(db, scope, Math.floor(from / DAY), Math.ceil(to / DAY))) {
    seen = sketchMerge(seen, decodeSketch(d.seen));
    fresh = sketchMerge(fresh, decodeSketch(d.fresh));
  }
  return { unique: sketchCount(seen), fresh: sketchCount(fresh) };
}

/** Totals over [from, to): every broadcast that started in it, plus shop activity outside broadcasts. */
export function periodStats(db: Database, scope: Scope, from: number, to: number, now: number): PeriodStats {
  const list = store.listBroadcasts(db, scope, from, to);
  const ids = list.map((b) => b.broadcastId);
  const sums = store.broadcastSums(db, ids);
  const revenue = store.revenueOfBroadcasts(db, ids);
  const broadcasts = list.map((b) => {
    const sum = sums.get(b.broadcastId);
    const rows = revenue.filter((r) => r.broadcastId === b.broadcastId);
    return summary(b, sum ?? sumMinutes([]), Math.round((sum?.peakMs ?? 0) / MINUTE), b.uniqueViewers, gmvOf(rows), now);
  });
  const sum = store.periodSum(db, scope, from, to);
  const viewers = periodViewers(db, scope, from, to);
  const liveMs = list.reduce((a, b) => a + (endOf(b, now) - b.startedAt), 0);
  const hours = bestHours(list, store.hourly(db, scope, from, to), now);
  return {
    from, to, broadcasts, hours,
    ...totals(sum, {
      peakViewers: Math.max(0, ...broadcasts.map((b) => b.peakViewers)),
      avgViewers: liveMs > 0 ? round2(sum.watchMs / liveMs) : 0,
      uniqueViewers: viewers.unique,
    }, gmvOf(store.periodRevenue(db, scope, from, to))),
    returningViewers: Math.max(0, viewers.unique - viewers.fresh),
    newViewers: Math.min(viewers.unique, viewers.fresh),
  };
}

/** Parses a period: `days` (7/30/90) back from today's end, or explicit from/to (YYYY-MM-DD or UTC ms). */
export function parsePeriod(q: { from?: string; to?: string; days?: string }, now: number): { from: number; to: number } | { error: string } {
  const day = (s: string, end: boolean): number | null => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
      const t = Date.parse(s + "T00:00:00Z");
      return Number.isNaN(t) ? null : t + (end ? DAY : 0);
    }
    return /^\d{1,15}$/.test(s) ? Number(s) : null;
  };
  if (q.from || q.to) {
    const from = q.from ? day(q.from, false) : 0;
    const to = q.to ? day(q.to, true) : now + 1;
    if (from === null || to === null) return { error: "from and to must be YYYY-MM-DD or UTC milliseconds" };
    if (to <= from) return { error: "to must be after from" };
    return { from, to };
  }
  const days = q.days ? Number(q.days) : 30;
  if (!Number.isSafeInteger(days) || days < 1 || days > 3660) return { error: "days must be a whole number from 1 to 3660" };
  const end = Math.floor(now / DAY) * DAY + DAY;
  return { from: end - days * DAY, to: end };
}
