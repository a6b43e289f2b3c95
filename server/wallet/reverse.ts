// Reversing a payment: every account that received coins in the original transaction gives exactly that much
// back to the payer, in one balanced transaction (so a refund of a split payment takes back the creator's and the
// platform's parts). Each give-back is the same conditional debit as any payment, so a recipient who already
// spent the coins makes the whole reversal fail and nothing moves. Keyed by the original transaction: a reversal
// happens once.
import type { MoneyDb } from "../deps";
import { requestHash } from "./wallet";
import * as store from "./storage";

export type ReverseResult = { ok: true; entryId: number; replay: boolean } | { ok: false; error: "insufficient" | "missing" };

class Insufficient extends Error {}

export function reverseTransfer(db: MoneyDb, txId: number, input: { reason: string; ref: string }, now = Date.now()): ReverseResult {
  const run = db.transaction((): ReverseResult => {
    const orig = store.txEntries(db, txId);
    if (!orig) return { ok: false, error: "missing" };
    const key = `reverse:${txId}`;
    const prior = store.findTx(db, orig.payerAccount, key);
    if (prior) return { ok: true, entryId: prior.id, replay: true };
    const back = orig.entries.filter((e) => e.accountId !== orig.payerAccount && e.amount > 0);
    for (const e of back) if (!store.debit(db, e.accountId, e.amount)) throw new Insufficient();
    const total = back.reduce((s, e) => s + e.amount, 0);
    store.credit(db, orig.payerAccount, total);
    const id = store.insertTx(db, { reason: input.reason, ref: input.ref, payerAccount: orig.payerAccount, key, requestHash: requestHash({ reverse: txId }), payerBalance: store.accountBalance(db, orig.payerAccount), now });
    for (const e of back) store.insertEntry(db, id, e.accountId, -e.amount);
    store.insertEntry(db, id, orig.payerAccount, total);
    return { ok: true, entryId: id, replay: false };
  });
  try {
    return run.immediate();
  } catch (err) {
    if (err instanceof Insufficient) return { ok: false, error: "insufficient" };
    throw err;
  }
}
