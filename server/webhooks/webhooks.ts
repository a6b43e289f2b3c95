// Webhook rules: register a receiver, turn bus facts into events in the durable outbox.
import type { Database } from "bun:sqlite";
import { randomBytes, randomUUID } from "node:crypto";
import type { Bus } from "../events/bus";
import { TEST_EVENT, checkTargetUrl, parseEvents, type Envelope, type WebhookEvent } from "./model";
import * as store from "./storage";

export interface WebhookEnv {
  db: Database;
  now: () => number;
  own: { httpPort: number; publicUrl: string };
  /** Wakes the dispatcher (new work is due now). */
  kick?: () => void;
}

export function createWebhook(env: WebhookEnv, input: { url: string; events: string }): { ok: true; id: number; secret: string } | { ok: false; error: string } {
  const target = checkTargetUrl(input.url, env.own);
  if ("error" in target) return { ok: false, error: `--url: ${target.error}` };
  const events = parseEvents(input.events);
  if ("error" in events) return { ok: false, error: `--events: ${events.error}` };
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  const id = store.insertWebhook(env.db, { url: target.url, events: events.events, secret, now: env.now() });
  return { ok: true, id, secret };
}

function envelope(type: string, data: Record<string, unknown>, now: number): Envelope {
  return { id: `evt_${randomUUID().replaceAll("-", "")}`, type, createdAt: new Date(now).toISOString(), data };
}

/** Queues an event for every webhook subscribed to it. Returns the event id. */
export function publishEvent(env: WebhookEnv, type: WebhookEvent, data: Record<string, unknown>): string | null {
  const ids = store.listWebhooks(env.db).filter((w) => w.events.includes(type)).map((w) => w.id);
  if (!ids.length) return null;
  const now = env.now();
  const e = envelope(type, data, now);
  store.enqueue(env.db, ids, { eventId: e.id, eventType: type, body: JSON.stringify(e), now });
  env.kick?.();
  return e.id;
}

/** The admin's "send test": one event to one webhook, whatever it subscribes to. */
export function sendTest(env: WebhookEnv, webhookId: number): string | null {
  if (!store.getWebhook(env.db, webhookId)) return null;
  const now = env.now();
  const e = envelope(TEST_EVENT, { webhookId, message: "Livehouse test event" }, now);
  store.enqueue(env.db, [webhookId], { eventId: e.id, eventType: TEST_EVENT, body: JSON.stringify(e), now });
  env.kick?.();
  return e.id;
}

/**
 * Facts → webhook events. The outbox row is written when the fact is published (after the domain's commit), so a
 * crash in between loses that one event; from the outbox on, delivery is at-least-once.
 * ticket.sold and member.joined are part of the contract (docs/webhooks.md).
 */
/** The facts that become webhook events; returns the unsubscribers (app.tsx drops them on stop). */
export function subscribeFacts(env: WebhookEnv, bus: Bus): (() => void)[] {
  return [
  bus.on("broadcast.started", (f) => void publishEvent(env, "room.live", { roomId: f.roomId, slug: f.slug, broadcastId: f.broadcastId, at: f.at })),
  bus.on("broadcast.ended", (f) => void publishEvent(env, "room.offline", { roomId: f.roomId, slug: f.slug, broadcastId: f.broadcastId, at: f.at, replay: `/replays/${f.broadcastId}/index.m3u8` })),
  bus.on("order.paid", (f) => void publishEvent(env, "order.paid", { orderId: f.orderId, productId: f.productId, title: f.title, quantity: f.quantity, totalMinor: f.totalMinor, currency: f.currency, buyer: f.buyerName, sellerId: f.sellerId, roomId: f.roomId })),
  bus.on("gift.sent", (f) => void publishEvent(env, "gift.sent", { roomId: f.roomId, sendId: f.sendId, giftId: f.giftId, count: f.count, coins: f.coins, senderId: f.senderId, creatorId: f.creatorId, at: f.at })),
  // A ticket becomes valid once paid (or granted): that is the sale.
  bus.on("ticket.changed", (f) => {
    if (f.status === "valid") void publishEvent(env, "ticket.sold", { ticketId: f.ticketId, classId: f.classId, userId: f.userId });
  }),
  bus.on("membership.started", (f) => void publishEvent(env, "member.joined", { membershipId: f.membershipId, creatorId: f.creatorId, userId: f.userId, tierId: f.tierId, tierName: f.tierName, priceMinor: f.priceMinor, currency: f.currency, periodEnd: f.periodEnd, at: f.at })),
  ];
}
