// Pay-per-view replays: the room's owner sets a price on a replay; a buyer pays once (coins through the ledger
// with the platform split, or manual/Stripe pending until paid) and keeps access. Same idempotency rules as
// tickets: a repeated key returns the first purchase, another content under it is a 409, and a second purchase
// of a replay already held is a 409 (a partial unique index enforces it).
import type { Database } from "bun:sqlite";
import { requestHash } from "../wallet/wallet";
import type { ReplayPurchase, Refusal, PayProvider } from "./model";
import * as store from "./storage";
import { payCoins, providerProblem, Refused, type PaidEnv } from "./tickets";

export type PurchaseResult = { ok: true; purchase: ReplayPurchase; replay: boolean } | { ok: false; refusal: Refusal };

export function setPrice(db: Database, broadcastId: number, ownerId: number, priceMinor: number, currency: string, now: number): string | null {
  if (!Number.isSafeInteger(priceMinor) || priceMinor < 0) return "price must be minor units (an integer 0 or more; 0 removes the price)";
  store.setReplayPrice(db, priceMinor === 0 ? { broadcastId, priceMinor: 0 } : { broadcastId, ownerId, priceMinor, currency }, now);
  return null;
}

export function buyReplay(env: PaidEnv, i: { broadcastId: number; userId: number; provider: string; idempotencyKey: string }): PurchaseResult {
  if (!/^[A-Za-z0-9_.:-]{8,100}$/.test(i.idempotencyKey)) return { ok: false, refusal: { status: 422, message: "idempotencyKey must be 8-100 letters, digits or ._:-" } };
  const hash = requestHash(["ppv", i.broadcastId, i.provider]);
  const now = env.now();
  const run = env.db.transaction((): { purchase: ReplayPurchase; replay: boolean } => {
    const prior = store.getPurchaseByKey(env.db, i.userId, i.idempotencyKey);
    if (prior) {
      if (prior.requestHash !== hash) throw new Refused({ status: 409, message: "idempotencyKey was already used for a different purchase" });
      return { purchase: prior, replay: true };
    }
    const price = store.getReplayPrice(env.db, i.broadcastId);
    if (!price) throw new Refused({ status: 404, message: `replay ${i.broadcastId} is not for sale` });
    if (price.ownerId === i.userId) throw new Refused({ status: 422, message: "this is your own replay" });
    if (store.heldPurchase(env.db, i.broadcastId, i.userId)) throw new Refused({ status: 409, message: "you already bought this replay" });
    const problem = providerProblem(env, i.provider, price.currency);
    if (problem) throw new Refused({ status: 422, message: problem });
    const id = store.insertPurchase(env.db, { broadcastId: i.broadcastId, userId: i.userId, sellerId: price.ownerId, provider: i.provider as PayProvider, priceMinor: price.priceMinor, currency: price.currency, key: i.idempotencyKey, hash, now });
    if (i.provider === "wallet") {
      const tx = payCoins(env, { payerId: i.userId, creatorId: price.ownerId, coins: price.priceMinor, reason: "ppv", ref: `ppv:${id}` });
      store.movePurchase(env.db, id, "pending", "paid", now, { ledgerTx: tx });
    }
    return { purchase: store.getPurchase(env.db, id)!, replay: false };
  });
  try {
    return { ok: true, ...run.immediate() };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, refusal: err.refusal };
    throw err;
  }
}

/** Manual confirmation by the seller or the Stripe webhook; the paid amount must match. */
export function settlePurchase(env: PaidEnv, id: number, how: { ref: string; paid?: { amountMinor: number | null; currency: string } }): { ok: boolean; message: string } {
  const p = store.getPurchase(env.db, id);
  if (!p) return { ok: false, message: `no replay purchase ${id}` };
  if (how.paid && (how.paid.amountMinor !== p.priceMinor || how.paid.currency.toUpperCase() !== p.currency)) return { ok: false, message: `paid ${how.paid.amountMinor} ${how.paid.currency} but purchase ${id} costs ${p.priceMinor} ${p.currency}` };
  return store.movePurchase(env.db, id, "pending", "paid", env.now(), { ref: how.ref }) ? { ok: true, message: "replay purchase paid" } : { ok: true, message: "stale" };
}

export const { getReplayPrice, getPurchase, heldPurchase } = store;
