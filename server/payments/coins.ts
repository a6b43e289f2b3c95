// Buying coins through the same providers as orders: a coin purchase is created pending and, once paid (creator
// of the platform confirms a manual payment, or the Stripe webhook arrives), credits the wallet exactly once —
// the status move and the wallet credit (keyed by the purchase id) share one transaction.
import type { MoneyDb } from "../deps";
import { creditCoins } from "../wallet/wallet";
import type { CoinPack, CoinPurchase } from "./model";
import * as store from "./storage";

/** Fixed packs; the price is in the platform's currency (USD) and only the server's table counts. */
export const COIN_PACKS: readonly CoinPack[] = [
  { id: "p100", coins: 100, priceMinor: 99, currency: "USD" },
  { id: "p500", coins: 500, priceMinor: 449, currency: "USD" },
  { id: "p1200", coins: 1200, priceMinor: 999, currency: "USD" },
];

export type CoinPurchaseResult = { ok: true; purchase: CoinPurchase } | { ok: false; status: 404 | 409 | 422; message: string };

export function startCoinPurchase(db: MoneyDb, input: { userId: number; packId: string; provider: "manual" | "stripe"; key: string }, now: number): CoinPurchaseResult {
  const pack = COIN_PACKS.find((p) => p.id === input.packId);
  if (!pack) return { ok: false, status: 404, message: `no coin pack "${input.packId}"` };
  if (!/^[A-Za-z0-9_.:-]{8,100}$/.test(input.key)) return { ok: false, status: 422, message: "idempotencyKey must be 8-100 letters, digits or ._:-" };
  return db.transaction((): CoinPurchaseResult => {
    const prior = store.getCoinPurchaseByKey(db, input.userId, input.key);
    if (prior) {
      return prior.coins === pack.coins && prior.provider === input.provider
        ? { ok: true, purchase: prior }
        : { ok: false, status: 409, message: "idempotencyKey was already used for a different purchase" };
    }
    return { ok: true, purchase: store.insertCoinPurchase(db, { userId: input.userId, coins: pack.coins, priceMinor: pack.priceMinor, currency: pack.currency, provider: input.provider, key: input.key, now }) };
  }).immediate();
}

/** Credits the coins once; false when the purchase was not pending (already credited or cancelled). */
export function fulfilCoinPurchase(db: MoneyDb, id: number, ref: string | null, now: number): boolean {
  return db.transaction(() => {
    const p = store.getCoinPurchase(db, id);
    if (!p || !store.moveCoinPurchase(db, id, "pending", "paid", ref, now)) return false;
    creditCoins(db, { userId: p.userId, coins: p.coins, reason: "purchase", ref: `coins:${id}`, idempotencyKey: `coin-purchase:${id}` }, now);
    return true;
  }).immediate();
}

export function cancelCoinPurchase(db: MoneyDb, id: number, now: number): boolean {
  return store.moveCoinPurchase(db, id, "pending", "cancelled", null, now);
}

export const { getCoinPurchase, listCoinPurchases } = store;
