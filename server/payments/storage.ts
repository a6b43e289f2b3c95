// The only file of the payments domain with SQL: coin purchases and the webhook event log.
import type { Database } from "bun:sqlite";
import type { CoinPurchase } from "./model";

interface Row {
  id: number; user_id: number; coins: number; price_minor: number; currency: string; provider: "manual" | "stripe";
  status: "pending" | "paid" | "cancelled"; idempotency_key: string; provider_ref: string | null; created_at: number;
}

function toPurchase(r: Row): CoinPurchase {
  return {
    id: r.id, userId: r.user_id, coins: r.coins, priceMinor: r.price_minor, currency: r.currency, provider: r.provider,
    status: r.status, idempotencyKey: r.idempotency_key, providerRef: r.provider_ref, createdAt: r.created_at,
  };
}

/** Records a provider event; false when this event id was seen before (the caller then does nothing). */
export function recordWebhookEvent(db: Database, provider: string, eventId: string, type: string, outcome: string, now: number): boolean {
  return db.query("INSERT OR IGNORE INTO webhook_events (provider, event_id, type, outcome, received_at) VALUES (?, ?, ?, ?, ?)")
    .run(provider, eventId, type, outcome, now).changes === 1;
}

export function setWebhookOutcome(db: Database, provider: string, eventId: string, outcome: string): void {
  db.query("UPDATE webhook_events SET outcome = ? WHERE provider = ? AND event_id = ?").run(outcome, provider, eventId);
}

export function insertCoinPurchase(db: Database, p: { userId: number; coins: number; priceMinor: number; currency: string; provider: "manual" | "stripe"; key: string; now: number }): CoinPurchase {
  const r = db.query<Row, (string | number)[]>(
    `INSERT INTO coin_purchases (user_id, coins, price_minor, currency, provider, status, idempotency_key, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING *`,
  ).get(p.userId, p.coins, p.priceMinor, p.currency, p.provider, p.key, p.now, p.now)!;
  return toPurchase(r);
}

export function getCoinPurchase(db: Database, id: number): CoinPurchase | null {
  const r = db.query<Row, [number]>("SELECT * FROM coin_purchases WHERE id = ?").get(id);
  return r ? toPurchase(r) : null;
}

export function getCoinPurchaseByKey(db: Database, userId: number, key: string): CoinPurchase | null {
  const r = db.query<Row, [number, string]>("SELECT * FROM coin_purchases WHERE user_id = ? AND idempotency_key = ?").get(userId, key);
  return r ? toPurchase(r) : null;
}

export function listCoinPurchases(db: Database, opts: { userId: number | null; status: string | null }, limit = 200): CoinPurchase[] {
  return db.query<Row, (string | number | null)[]>(
    "SELECT * FROM coin_purchases WHERE (?1 IS NULL OR user_id = ?1) AND (?2 IS NULL OR status = ?2) ORDER BY id DESC LIMIT ?3",
  ).all(opts.userId, opts.status, limit).map(toPurchase);
}

export function moveCoinPurchase(db: Database, id: number, from: string, to: string, ref: string | null, now: number): boolean {
  return db.query("UPDATE coin_purchases SET status = ?, provider_ref = COALESCE(?, provider_ref), updated_at = ? WHERE id = ? AND status = ?")
    .run(to, ref, now, id, from).changes === 1;
}
