// The only SQL of the webhooks domain.
import type { Database } from "bun:sqlite";
import type { Delivery, DeliveryStatus, Webhook, WebhookEvent } from "./model";

interface WebhookRow { id: number; url: string; events: string; secret: string; created_at: number }
const toWebhook = (r: WebhookRow): Webhook => ({ id: r.id, url: r.url, events: r.events.split(",") as WebhookEvent[], secret: r.secret, createdAt: r.created_at });

export function insertWebhook(db: Database, w: { url: string; events: WebhookEvent[]; secret: string; now: number }): number {
  return Number(db.query("INSERT INTO webhooks (url, events, secret, created_at) VALUES (?, ?, ?, ?)").run(w.url, w.events.join(","), w.secret, w.now).lastInsertRowid);
}

export function listWebhooks(db: Database): Webhook[] {
  return (db.query("SELECT * FROM webhooks ORDER BY id").all() as WebhookRow[]).map(toWebhook);
}

export function getWebhook(db: Database, id: number): Webhook | null {
  const r = db.query("SELECT * FROM webhooks WHERE id = ?").get(id) as WebhookRow | null;
  return r ? toWebhook(r) : null;
}

export function deleteWebhook(db: Database, id: number): boolean {
  return db.query("DELETE FROM webhooks WHERE id = ?").run(id).changes > 0;
}

/** Queues an event for each given webhook; a repeat of the same event id for a webhook is ignored. */
export function enqueue(db: Database, webhookIds: readonly number[], e: { eventId: string; eventType: string; body: string; now: number }): void {
  const q = db.query("INSERT OR IGNORE INTO webhook_deliveries (webhook_id, event_id, event_type, body, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?)");
  db.transaction(() => {
    for (const id of webhookIds) q.run(id, e.eventId, e.eventType, e.body, e.now, e.now);
  })();
}

interface DeliveryRow {
  id: number; webhook_id: number; url: string; event_id: string; event_type: string; body: string; status: DeliveryStatus;
  attempts: number; next_at: number; created_at: number; last_status: number | null; last_error: string | null;
}
const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id, webhookId: r.webhook_id, url: r.url, eventId: r.event_id, eventType: r.event_type, body: r.body, status: r.status,
  attempts: r.attempts, nextAt: r.next_at, createdAt: r.created_at, lastStatus: r.last_status, lastError: r.last_error,
});
const DELIVERY = "SELECT d.*, w.url FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id";

export function dueDeliveries(db: Database, now: number, limit: number): Delivery[] {
  return (db.query(`${DELIVERY} WHERE d.status = 'pending' AND d.next_at <= ? ORDER BY d.next_at, d.id LIMIT ?`).all(now, limit) as DeliveryRow[]).map(toDelivery);
}

export function nextDueAt(db: Database): number | null {
  const r = db.query("SELECT min(next_at) AS at FROM webhook_deliveries WHERE status = 'pending'").get() as { at: number | null };
  return r.at;
}

export function recentDeliveries(db: Database, limit: number): Delivery[] {
  return (db.query(`${DELIVERY} ORDER BY d.id DESC LIMIT ?`).all(limit) as DeliveryRow[]).map(toDelivery);
}

/** Logs one attempt and moves the delivery on: delivered, failed for good, or pending until `nextAt`. */
export function recordAttempt(db: Database, a: { deliveryId: number; at: number; statusCode: number | null; error: string | null; durationMs: number; status: DeliveryStatus; nextAt: number }): void {
  db.transaction(() => {
    db.query("INSERT INTO webhook_attempts (delivery_id, at, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?)").run(a.deliveryId, a.at, a.statusCode, a.error, Math.round(a.durationMs));
    db.query("UPDATE webhook_deliveries SET attempts = attempts + 1, status = ?, next_at = ?, last_status = ?, last_error = ? WHERE id = ?").run(a.status, a.nextAt, a.statusCode, a.error, a.deliveryId);
  })();
}

export function attemptsOf(db: Database, deliveryId: number): { at: number; statusCode: number | null; error: string | null; durationMs: number }[] {
  return db.query("SELECT at, status_code AS statusCode, error, duration_ms AS durationMs FROM webhook_attempts WHERE delivery_id = ? ORDER BY id").all(deliveryId) as { at: number; statusCode: number | null; error: string | null; durationMs: number }[];
}
