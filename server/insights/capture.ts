// Capture: turns the bus's facts into insight events. A fact handler runs on the request path, so it only
// appends a small record to an in-memory queue; every FLUSH_MS the queue is resolved (viewer keys, owners,
// prices) and written with its rollup in one transaction on the app (synchronous=NORMAL) connection. Losing the
// last quarter second of analytics in a power cut is acceptable; slowing a chat message is not.
//
// Viewer sessions come from presence facts (page socket open/close, HLS-only pings): every HEARTBEAT_MS each
// present viewer of a live room gets a "beat" carrying the ms watched since its last beat, so watch time is exact
// to one heartbeat however the viewer left (a closed socket ends at once, a pinging viewer at its last ping).
import type { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import type { Bus } from "../events/bus";
import { getRoomById } from "../rooms/rooms";
import { getProduct } from "../shop/products";
import { DAY, rollup, type EventType, type InsightEvent } from "./model";
import * as store from "./storage";

declare module "../events/bus" {
  interface Facts {
    /** A paid class ticket or membership (hook for the paid-access domain; counted as revenue per currency). */
    "access.paid": { kind: "ticket" | "membership"; ownerId: number; roomId: number | null; userId: number; amountMinor: number; currency: string; at: number };
  }
}

export const FLUSH_MS = 250;
export const HEARTBEAT_MS = 15_000;
/** Matches the viewer counter: a ping keeps an HLS-only viewer present this long. */
export const PING_EXPIRY_MS = 15_000;
const CLICK_ATTRIBUTION_MS = 3600_000;
const MAX_DEDUPE = 500_000;

/** Who did something: a signed-in user, or an anonymous client (address + user agent, hashed, never stored). */
export interface Who {
  userId: number | null;
  client: string | null;
}

interface Pending {
  at: number;
  type: EventType;
  roomId: number | null;
  /** Known owner (seller, creator); otherwise the room's owner. */
  ownerId?: number;
  broadcastId: number | null;
  viewer?: string;
  who?: Who;
  productId?: number | null;
  value?: number;
  amountMinor?: number | null;
  currency?: string | null;
  /** Attribute to the room where this viewer was last seen (clicks, carts, orders placed outside a room). */
  attribute?: boolean;
}

interface Present {
  key: string;
  userId: number | null;
  sockets: number;
  /** Last ping + expiry (HLS-only viewers); 0 when only sockets keep it present. */
  expires: number;
  lastSeen: number;
  lastBeat: number;
}

export interface CaptureStats {
  enabled: boolean;
  queued: number;
  written: number;
  flushes: number;
  flushMsTotal: number;
  flushMsMax: number;
  queueMax: number;
}

export interface CaptureDeps {
  db: Database;
  bus: Bus;
  now: () => number;
  log: (msg: string) => void;
  /** False: facts are ignored (the benchmark's baseline). */
  enabled?: boolean;
}

export function hashKey(salt: string, id: string): string {
  return createHash("sha256").update(salt).update("\0").update(id).digest("base64url").slice(0, 22);
}

export function createCapture(deps: CaptureDeps) {
  const { db, bus, now } = deps;
  const enabled = deps.enabled !== false;
  let queue: Pending[] = [];
  const live = new Map<number, { broadcastId: number; startedAt: number }>();
  const presence = new Map<number, Map<string, Present>>();
  const pinned = new Map<number, Set<number>>();
  const seen = new Set<string>();
  const lastRoom = new Map<string, { roomId: number; at: number }>();
  const owners = new Map<number, number | null>();
  const stats: CaptureStats = { enabled, queued: 0, written: 0, flushes: 0, flushMsTotal: 0, flushMsMax: 0, queueMax: 0 };
  let salts = { day: -2, salt: "", user: "" };
  const timers: ReturnType<typeof setInterval>[] = [];

  function saltsFor(at: number) {
    const day = Math.floor(at / DAY);
    if (salts.day !== day) {
      salts = { day, salt: store.salt(db, day), user: store.salt(db, -1) };
      store.deleteSaltsBefore(db, day);
    }
    return salts;
  }

  /** The pseudonymous key: stable for a signed-in user, rotating daily for an anonymous client. */
  function keyOf(who: Who, at: number): string {
    const s = saltsFor(at);
    if (who.userId !== null) return "u" + hashKey(s.user, String(who.userId));
    return who.client ? "a" + hashKey(s.salt, who.client) : "";
  }

  function ownerOfRoom(roomId: number): number | null {
    if (!owners.has(roomId)) owners.set(roomId, getRoomById(db, roomId)?.ownerId ?? null);
    return owners.get(roomId)!;
  }

  function push(p: Pending): void {
    if (!enabled) return;
    queue.push(p);
    stats.queued++;
    if (queue.length > stats.queueMax) stats.queueMax = queue.length;
  }

  function current(roomId: number | null): number | null {
    return roomId === null ? null : live.get(roomId)?.broadcastId ?? null;
  }

  /** Once per viewer, product and broadcast (or day when offline): the product was on this viewer's screen. */
  function impression(roomId: number, viewer: string, userId: number | null, productId: number, at: number): void {
    const scope = current(roomId) ?? `d${Math.floor(at / DAY)}`;
    const k = `${scope}:${viewer}:${productId}`;
    if (!viewer || seen.has(k)) return;
    if (seen.size >= MAX_DEDUPE) seen.clear();
    seen.add(k);
    push({ at, type: "impression", roomId, broadcastId: current(roomId), viewer, who: { userId, client: null }, productId });
  }

  function arrive(roomId: number, viewerId: string, who: Who, at: number, expires: number): void {
    let room = presence.get(roomId);
    if (!room) presence.set(roomId, (room = new Map()));
    let p = room.get(viewerId);
    if (!p) {
      p = { key: keyOf(who, at), userId: who.userId, sockets: 0, expires: 0, lastSeen: at, lastBeat: at };
      room.set(viewerId, p);
      const b = current(roomId);
      if (b !== null) push({ at, type: "join", roomId, broadcastId: b, viewer: p.key, who: { userId: p.userId, client: null } });
      for (const productId of pinned.get(roomId) ?? []) impression(roomId, p.key, p.userId, productId, at);
    }
    if (expires) p.expires = Math.max(p.expires, expires);
    else p.sockets++;
    p.lastSeen = at;
    if (p.key) lastRoom.set(p.key, { roomId, at });
  }

  /** Writes the ms watched since the last beat (up to `until`) for a present viewer of a live room. */
  function beat(roomId: number, p: Present, until: number): void {
    const b = current(roomId);
    const ms = until - p.lastBeat;
    if (b !== null && ms > 0) push({ at: until, type: "beat", roomId, broadcastId: b, viewer: p.key, who: { userId: p.userId, client: null }, value: ms });
    p.lastBeat = Math.max(p.lastBeat, until);
  }

  function depart(roomId: number, viewerId: string, p: Present, until: number): void {
    beat(roomId, p, until);
    const b = current(roomId);
    if (b !== null) push({ at: until, type: "leave", roomId, broadcastId: b, viewer: p.key, who: { userId: p.userId, client: null } });
    presence.get(roomId)?.delete(viewerId);
  }

  /** The heartbeat: beats for everyone present, departures for pinging viewers whose ping expired. */
  function tick(at = now()): void {
    for (const [roomId, room] of presence) {
      for (const [viewerId, p] of room) {
        // A viewer kept present only by pings watched until its last ping, not until now.
        const until = p.sockets > 0 ? at : Math.min(at, p.expires - PING_EXPIRY_MS);
        if (p.sockets === 0 && p.expires <= at) depart(roomId, viewerId, p, until);
        else beat(roomId, p, until);
      }
      if (room.size === 0) presence.delete(roomId);
    }
    for (const [k, v] of lastRoom) if (at - v.at > CLICK_ATTRIBUTION_MS) lastRoom.delete(k);
  }

  function resolve(p: Pending): InsightEvent | null {
    let roomId = p.roomId;
    let broadcastId = p.broadcastId;
    const viewer = p.viewer ?? (p.who ? keyOf(p.who, p.at) : "");
    let ownerId = p.ownerId ?? null;
    let amountMinor = p.amountMinor ?? null;
    if (p.productId != null && (ownerId === null || (p.type === "pin" && amountMinor === null))) {
      const product = getProduct(db, p.productId);
      if (!product) return null;
      ownerId ??= product.ownerId;
      if (p.type === "pin" || p.type === "impression" || p.type === "click" || p.type === "cart") amountMinor ??= product.priceMinor;
    }
    if (roomId === null && p.attribute && viewer) {
      const last = lastRoom.get(viewer);
      if (last && p.at - last.at <= CLICK_ATTRIBUTION_MS && ownerOfRoom(last.roomId) === ownerId) {
        roomId = last.roomId;
        broadcastId = current(roomId);
      }
    }
    if (ownerId === null) ownerId = roomId === null ? null : ownerOfRoom(roomId);
    if (ownerId === null) return null;
    return {
      at: p.at, ownerId, roomId, broadcastId, viewer, userId: p.who?.userId ?? null, type: p.type, productId: p.productId ?? null,
      value: p.value ?? 1, amountMinor, currency: p.currency ?? null,
    };
  }

  function flush(): number {
    if (!queue.length) return 0;
    const batch = queue;
    queue = [];
    const t0 = performance.now();
    const events: InsightEvent[] = [];
    for (const p of batch) {
      const e = resolve(p);
      if (e) events.push(e);
    }
    try {
      store.writeBatch(db, events, rollup(events));
      stats.written += events.length;
    } catch (err) {
      deps.log(`insights capture: could not write ${events.length} events: ${err instanceof Error ? err.message : String(err)}`);
    }
    const ms = performance.now() - t0;
    stats.flushes++;
    stats.flushMsTotal += ms;
    stats.flushMsMax = Math.max(stats.flushMsMax, ms);
    return events.length;
  }

  const who = (userId: number | null): Who => ({ userId, client: null });
  // Broadcast facts are taken from the owner too (remote, with several processes): each process captures the joins
  // and leaves of its own viewers; the database writes here are idempotent.
  const offs = enabled ? [
    bus.on("broadcast.started", (f) => {
      live.set(f.roomId, { broadcastId: f.broadcastId, startedAt: f.at });
      const ownerId = ownerOfRoom(f.roomId);
      if (ownerId !== null) store.startBroadcast(db, { broadcastId: f.broadcastId, roomId: f.roomId, ownerId, startedAt: f.at });
      // Whoever is already in the room starts watching this broadcast now.
      for (const p of presence.get(f.roomId)?.values() ?? []) {
        p.lastBeat = f.at;
        push({ at: f.at, type: "join", roomId: f.roomId, broadcastId: f.broadcastId, viewer: p.key, who: who(p.userId) });
      }
    }, { remote: true }),
    bus.on("broadcast.ended", (f) => {
      for (const p of presence.get(f.roomId)?.values() ?? []) {
        beat(f.roomId, p, f.at);
        push({ at: f.at, type: "leave", roomId: f.roomId, broadcastId: f.broadcastId, viewer: p.key, who: who(p.userId) });
      }
      flush();
      if (live.get(f.roomId)?.broadcastId === f.broadcastId) live.delete(f.roomId);
      store.endBroadcast(db, f.broadcastId, f.at);
      for (const k of seen) if (k.startsWith(`${f.broadcastId}:`)) seen.delete(k);
    }, { remote: true }),
    bus.on("viewer.joined", (f) => arrive(f.roomId, f.viewerId, f, f.at, 0)),
    bus.on("viewer.pinged", (f) => arrive(f.roomId, f.viewerId, f, f.at, f.at + PING_EXPIRY_MS)),
    bus.on("viewer.left", (f) => {
      const p = presence.get(f.roomId)?.get(f.viewerId);
      if (!p) return;
      p.sockets = Math.max(0, p.sockets - 1);
      if (p.sockets === 0 && p.expires <= f.at) depart(f.roomId, f.viewerId, p, f.at);
    }),
    bus.on("chat.posted", (f) => push({ at: f.at, type: "chat", roomId: f.roomId, broadcastId: current(f.roomId), who: who(f.userId) })),
    bus.on("like.sent", (f) => {
      const p = f.viewerId ? presence.get(f.roomId)?.get(f.viewerId) : undefined;
      push({ at: f.at, type: "like", roomId: f.roomId, broadcastId: current(f.roomId), viewer: p?.key, who: who(f.userId) });
    }),
    bus.on("follow.created", (f) => push({ at: now(), type: "follow", roomId: f.roomId, ownerId: f.creatorId, broadcastId: current(f.roomId), who: who(f.followerId) })),
    bus.on("gift.sent", (f) => push({ at: f.at, type: "gift", roomId: f.roomId, ownerId: f.creatorId, broadcastId: current(f.roomId), who: who(f.senderId), value: f.coins })),
    bus.on("room.event", ({ roomId, event }) => {
      if (event.type !== "pin") return;
      const ids = new Set(Array.isArray(event.pins) ? event.pins.map((c: { productId?: unknown }) => Number(c.productId)).filter(Number.isSafeInteger) : []);
      const before = pinned.get(roomId) ?? new Set<number>();
      pinned.set(roomId, ids);
      const at = now();
      for (const productId of ids) {
        if (before.has(productId)) continue;
        push({ at, type: "pin", roomId, broadcastId: current(roomId), productId });
        for (const p of presence.get(roomId)?.values() ?? []) impression(roomId, p.key, p.userId, productId, at);
      }
      for (const productId of before) if (!ids.has(productId)) push({ at, type: "unpin", roomId, broadcastId: current(roomId), productId });
    }),
    bus.on("shop.bag.shown", (f) => {
      const viewer = keyOf(f, f.at);
      for (const productId of f.productIds) impression(f.roomId, viewer, f.userId, productId, f.at);
    }),
    bus.on("product.viewed", (f) => push({ at: f.at, type: "click", roomId: null, broadcastId: null, who: f, productId: f.productId, attribute: true })),
    bus.on("cart.added", (f) => push({ at: f.at, type: "cart", roomId: null, broadcastId: null, who: who(f.userId), productId: f.productId, value: f.quantity, attribute: true })),
    bus.on("order.placed", (f) => push({
      at: f.at, type: "order", roomId: f.roomId, ownerId: f.sellerId, broadcastId: current(f.roomId), who: who(f.buyerId), productId: f.productId,
      value: f.quantity, amountMinor: f.totalMinor, currency: f.currency, attribute: f.roomId === null,
    })),
    bus.on("order.paid", (f) => push({
      at: f.at, type: "paid", roomId: f.roomId, ownerId: f.sellerId, broadcastId: current(f.roomId), who: who(f.buyerId), productId: f.productId,
      value: f.quantity, amountMinor: f.totalMinor, currency: f.currency, attribute: f.roomId === null,
    })),
    bus.on("sponsor.impression", (f) => push({ at: f.at, type: "sponsor_impression", roomId: f.roomId, ownerId: f.ownerId, broadcastId: current(f.roomId), who: f, productId: f.slotId })),
    bus.on("sponsor.click", (f) => push({ at: f.at, type: "sponsor_click", roomId: f.roomId, ownerId: f.ownerId, broadcastId: current(f.roomId), who: f, productId: f.slotId })),
    bus.on("access.paid", (f) => push({
      at: f.at, type: f.kind, roomId: f.roomId, ownerId: f.ownerId, broadcastId: current(f.roomId), who: who(f.userId), amountMinor: f.amountMinor, currency: f.currency,
    })),
  ] : [];

  return {
    stats,
    flush,
    tick,
    keyOf,
    /** Broadcasts that were live when the process stopped are closed at their last recorded minute. */
    recover(): void {
      for (const b of store.openBroadcasts(db)) {
        const minutes = store.broadcastMinutes(db, b.broadcastId);
        store.endBroadcast(db, b.broadcastId, Math.max(b.startedAt, (minutes.at(-1)?.minute ?? b.startedAt) + 60_000));
      }
    },
    service: {
      name: "insights-capture",
      start(): void {
        if (!enabled) return;
        timers.push(setInterval(flush, FLUSH_MS), setInterval(() => tick(), HEARTBEAT_MS));
      },
      stop(): void {
        for (const t of timers) clearInterval(t);
        timers.length = 0;
        for (const off of offs) off();
        flush();
      },
    },
  };
}

export type Capture = ReturnType<typeof createCapture>;
