// The shop inside a live room: up to 3 pinned products and "X just bought Y" notices, delivered through the
// realtime contract (room.event). Pins are stored with their offset into the current broadcast so a replay can
// show what was pinned at each moment (shoppable replay).
import type { Database } from "bun:sqlite";
import type { Bus } from "../events/bus";
import type { Room } from "../rooms/model";
import { currentFlashSale } from "./flash-sales";
import { formatMoney, saleState, stockOf, thumbName, type Pin, type PinCard, type PinEvent, type Product } from "./model";
import * as store from "./storage";

export const MAX_PINS = 3;

/** Which broadcast each room is in right now, learned from the media pipeline's facts. */
export interface LiveBroadcasts {
  current(roomId: number): { broadcastId: number; startedAt: number } | null;
  stop(): void;
}

export function trackBroadcasts(bus: Bus, db: Database, now: () => number): LiveBroadcasts {
  const live = new Map<number, { broadcastId: number; startedAt: number }>();
  const offs = [
    bus.on("broadcast.started", (f) => live.set(f.roomId, { broadcastId: f.broadcastId, startedAt: f.at }), { remote: true }),
    bus.on("broadcast.ended", (f) => {
      const b = live.get(f.roomId);
      if (b) store.endBroadcastPins(db, f.roomId, now(), f.at - b.startedAt);
      live.delete(f.roomId);
      bus.emit("room.event", { roomId: f.roomId, event: pinEvent(db, f.roomId, now(), "clear", null) });
    }, { remote: true }),
  ];
  return { current: (roomId) => live.get(roomId) ?? null, stop: () => offs.forEach((off) => off()) };
}

export function pinCard(db: Database, p: Product, now: number): PinCard {
  const sale = currentFlashSale(db, p.id, now);
  const live = sale && saleState(sale, now) === "live" ? sale : null;
  return {
    productId: p.id, title: p.title, price: formatMoney(p.priceMinor, p.currency), priceMinor: p.priceMinor, currency: p.currency,
    salePrice: live ? formatMoney(live.priceMinor, p.currency) : null, saleEndsAt: live?.endsAt ?? null, stock: stockOf(p),
    image: p.images[0] ? `/shop/images/${thumbName(p.images[0])}` : null, url: `/shop/p/${p.id}`,
  };
}

/** The current pin list as a room event. */
export function pinEvent(db: Database, roomId: number, now: number, action: PinEvent["action"], productId: number | null): PinEvent {
  const pins = store.activePins(db, roomId)
    .map((pin) => store.getProduct(db, pin.productId))
    .filter((p): p is Product => p !== null && p.active)
    .map((p) => pinCard(db, p, now));
  return { type: "pin", action, productId, pins };
}

export function activePinCards(db: Database, roomId: number, now: number): PinCard[] {
  return pinEvent(db, roomId, now, "pin", null).pins;
}

export type PinResult = { ok: true; event: PinEvent } | { ok: false; status: 404 | 409; message: string };

export function pinProduct(db: Database, bus: Bus, live: LiveBroadcasts, room: Room, productId: number, now: number): PinResult {
  const p = store.getProduct(db, productId);
  if (!p || !p.active || p.ownerId !== room.ownerId) return { ok: false, status: 404, message: `no product ${productId} in this room's shop` };
  const b = live.current(room.id);
  const r = db.transaction((): PinResult | null => {
    const pins = store.activePins(db, room.id);
    if (pins.some((x) => x.productId === productId)) return null;
    if (pins.length >= MAX_PINS) return { ok: false, status: 409, message: `at most ${MAX_PINS} products can be pinned; unpin one first` };
    store.insertPin(db, { roomId: room.id, productId, broadcastId: b?.broadcastId ?? null, offsetMs: b ? now - b.startedAt : null, now });
    return null;
  }).immediate();
  if (r) return r;
  const event = pinEvent(db, room.id, now, "pin", productId);
  bus.emit("room.event", { roomId: room.id, event });
  return { ok: true, event };
}

export function unpinProduct(db: Database, bus: Bus, live: LiveBroadcasts, room: Room, productId: number, now: number): PinResult {
  const b = live.current(room.id);
  if (!store.endPin(db, room.id, productId, now, b ? now - b.startedAt : null)) return { ok: false, status: 404, message: `product ${productId} is not pinned` };
  const event = pinEvent(db, room.id, now, "unpin", productId);
  bus.emit("room.event", { roomId: room.id, event });
  return { ok: true, event };
}

/** Shoppable replay: every pin of a broadcast with when it appeared and went away (ms into the broadcast). */
export function replayPins(db: Database, broadcastId: number): (Pin & { title: string })[] {
  return store.pinsOfBroadcast(db, broadcastId).map((pin) => ({ ...pin, title: store.getProduct(db, pin.productId)?.title ?? "" }));
}

/** "X just bought Y" for paid orders placed from a room (display names only). */
export function announcePurchases(bus: Bus): () => void {
  return bus.on("order.paid", (f) => {
    if (f.roomId === null) return;
    bus.emit("room.event", { roomId: f.roomId, event: { type: "purchase", buyer: f.buyerName, product: f.title, productId: f.productId, quantity: f.quantity } });
  });
}

/**
 * Keeps pinned cards current (stock, sold out) while orders take or return stock: at most one pin refresh per
 * room per event-loop turn, however many orders a flash sale takes in that turn.
 */
export function refreshPinsOnStock(bus: Bus, db: Database, now: () => number): () => void {
  const dirty = new Set<number>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const roomId of dirty) bus.emit("room.event", { roomId, event: pinEvent(db, roomId, now(), "update", null) });
    dirty.clear();
  };
  const mark = (productId: number) => {
    for (const roomId of store.roomsPinning(db, productId)) dirty.add(roomId);
    if (dirty.size && !scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const offs = [
    bus.on("order.placed", (f) => mark(f.productId)),
    bus.on("order.changed", (f) => {
      if (f.status === "cancelled" || f.status === "expired") mark(f.productId);
    }),
  ];
  return () => offs.forEach((off) => off());
}
