// Coin holds (auctions): a hold moves coins from a user's wallet into an escrow account in one balanced ledger
// transaction with the same conditional debit as any payment, so a hold can never take a balance below zero and
// held coins cannot be spent twice. Releasing is reverseTransfer of the hold (escrow gives exactly that much back,
// once per hold). The escrow account belongs to whoever holds (server/auctions makes its own); callers run these
// inside their own transaction on the money connection, where they nest as savepoints.
import type { MoneyDb } from "../deps";
import { reverseTransfer } from "./reverse";
import * as store from "./storage";
import { requestHash } from "./wallet";

export type HoldResult = { ok: true; txId: number } | { ok: false; error: "insufficient" | "conflict" };

export function holdCoins(db: MoneyDb, i: { payerId: number; escrowAccountId: number; coins: number; ref: string; idempotencyKey: string }, now: number): HoldResult {
  if (!Number.isSafeInteger(i.coins) || i.coins < 1) throw new Error("wallet hold: coins must be a positive integer");
  const hash = requestHash({ hold: i.ref, coins: i.coins, escrow: i.escrowAccountId });
  return db.transaction((): HoldResult => {
    const payer = store.ensureUserAccount(db, i.payerId);
    const prior = store.findTx(db, payer, i.idempotencyKey);
    if (prior) return prior.request_hash === hash ? { ok: true, txId: prior.id } : { ok: false, error: "conflict" };
    if (!store.debit(db, payer, i.coins)) return { ok: false, error: "insufficient" };
    const txId = store.insertTx(db, { reason: "auction", ref: i.ref, payerAccount: payer, key: i.idempotencyKey, requestHash: hash, payerBalance: store.accountBalance(db, payer), now });
    store.insertEntry(db, txId, payer, -i.coins);
    store.credit(db, i.escrowAccountId, i.coins);
    store.insertEntry(db, txId, i.escrowAccountId, i.coins);
    return { ok: true, txId };
  }).immediate();
}

/** Gives a hold back to its payer; a second release of the same hold changes nothing. */
export function releaseHold(db: MoneyDb, holdTx: number, ref: string, now: number): void {
  const r = reverseTransfer(db, holdTx, { reason: "auction", ref }, now);
  // The escrow only ever pays back what it received for this hold, so a refusal means the ledger is broken.
  if (!r.ok) throw new Error(`wallet hold ${holdTx}: release failed (${r.error})`);
}

