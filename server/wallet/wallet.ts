// The coin wallet: a double-entry ledger (docs/api.md: money and idempotency). Every movement is one SQLite transaction whose entries
// sum to zero; stored balances move in the same transaction; a debit is a conditional UPDATE that cannot take a
// user's balance below zero. Idempotency keys are unique per paying account: a repeat with the same request
// digest returns the first result without moving coins again, a repeat with another digest is a conflict.
// Callers pass deps.moneyDb (synchronous=FULL). A caller may wrap a call in its own db.transaction to write its
// own rows atomically with the movement (the inner transaction becomes a savepoint).
import type { MoneyDb } from "../deps";
import type { Database } from "bun:sqlite";
import { randomUUID } from "node:crypto";
import { WalletError, type CreditInput, type HistoryEntry, type LedgerCheck, type LedgerSummary, type TransferInput, type TransferResult } from "./model";
import { ISSUANCE_ACCOUNT, PLATFORM_ACCOUNT } from "./schema";
import * as store from "./storage";

export { WalletError } from "./model";
export type { CreditInput, HistoryEntry, LedgerCheck, Leg, TransferInput, TransferResult } from "./model";

/** Coins are whole numbers; this cap keeps every sum far inside SQLite's and JS's exact integer range. */
export const MAX_COINS = 1_000_000_000;

function isCoins(n: unknown, min: number): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= min && n <= MAX_COINS;
}

function checkKey(key: unknown): string {
  if (typeof key !== "string" || key.length < 1 || key.length > 200) throw new WalletError("wallet: idempotency key must be 1-200 characters");
  return key;
}

/** A stable digest of a request's content, for TransferInput.requestHash. */
export function requestHash(content: unknown): string {
  return new Bun.CryptoHasher("sha256").update(JSON.stringify(content)).digest("hex");
}

export function getBalance(db: Database, userId: number): number {
  const acct = store.userAccount(db, userId);
  return acct === null ? 0 : store.accountBalance(db, acct);
}

export function platformBalance(db: Database): number {
  return store.accountBalance(db, PLATFORM_ACCOUNT);
}

export function transferCoins(db: MoneyDb, input: TransferInput, now = Date.now()): TransferResult {
  if (!Number.isSafeInteger(input.payerId) || input.payerId < 1) throw new WalletError("wallet transfer: payerId must be a user id");
  if (!Array.isArray(input.legs) || input.legs.length === 0) throw new WalletError("wallet transfer: at least one leg is needed");
  for (const leg of input.legs) {
    if (!isCoins(leg.coins, 0)) throw new WalletError(`wallet transfer: leg coins must be an integer 0..${MAX_COINS}`);
    if (leg.userId !== "platform" && (!Number.isSafeInteger(leg.userId) || leg.userId < 1)) throw new WalletError("wallet transfer: leg userId must be a user id or \"platform\"");
  }
  const total = input.legs.reduce((s, l) => s + l.coins, 0);
  if (!isCoins(total, 1)) throw new WalletError(`wallet transfer: total must be 1..${MAX_COINS} coins`);
  const key = checkKey(input.idempotencyKey);
  if (typeof input.requestHash !== "string" || !input.requestHash) throw new WalletError("wallet transfer: requestHash is required");

  return db.transaction((): TransferResult => {
    const payer = store.ensureUserAccount(db, input.payerId);
    const prior = store.findTx(db, payer, key);
    if (prior) {
      return prior.request_hash === input.requestHash
        ? { ok: true, balance: prior.payer_balance, entryId: prior.id, replay: true }
        : { ok: false, error: "conflict" };
    }
    if (!store.debit(db, payer, total)) return { ok: false, error: "insufficient" };
    const balance = store.accountBalance(db, payer);
    const txId = store.insertTx(db, { reason: input.reason, ref: input.ref, payerAccount: payer, key, requestHash: input.requestHash, payerBalance: balance, now });
    store.insertEntry(db, txId, payer, -total);
    for (const leg of input.legs) {
      if (leg.coins === 0) continue;
      const acct = leg.userId === "platform" ? PLATFORM_ACCOUNT : store.ensureUserAccount(db, leg.userId);
      store.credit(db, acct, leg.coins);
      store.insertEntry(db, txId, acct, leg.coins);
    }
    return { ok: true, balance, entryId: txId, replay: false };
  }).immediate();
}

/**
 * Issues new coins to a user (admin credit, redeem codes, coin purchases). A repeated key with the same content
 * credits once; with other content it throws WalletError (the caller reused a key by mistake).
 */
export function creditCoins(db: MoneyDb, input: CreditInput, now = Date.now()): { balance: number; entryId: number; replay: boolean } {
  if (!Number.isSafeInteger(input.userId) || input.userId < 1) throw new WalletError("wallet credit: userId must be a user id");
  if (!isCoins(input.coins, 1)) throw new WalletError(`wallet credit: coins must be an integer 1..${MAX_COINS}`);
  const key = checkKey(input.idempotencyKey ?? `credit:${randomUUID()}`);
  const hash = requestHash({ userId: input.userId, coins: input.coins, reason: input.reason, ref: input.ref });
  return db.transaction(() => {
    const prior = store.findTx(db, ISSUANCE_ACCOUNT, key);
    if (prior) {
      if (prior.request_hash !== hash) throw new WalletError(`wallet credit: key "${key}" was already used for another credit`);
      return { balance: getBalance(db, input.userId), entryId: prior.id, replay: true };
    }
    const acct = store.ensureUserAccount(db, input.userId);
    store.debit(db, ISSUANCE_ACCOUNT, input.coins);
    const txId = store.insertTx(db, {
      reason: input.reason, ref: input.ref, payerAccount: ISSUANCE_ACCOUNT, key, requestHash: hash,
      payerBalance: store.accountBalance(db, ISSUANCE_ACCOUNT), now,
    });
    store.insertEntry(db, txId, ISSUANCE_ACCOUNT, -input.coins);
    store.credit(db, acct, input.coins);
    store.insertEntry(db, txId, acct, input.coins);
    return { balance: store.accountBalance(db, acct), entryId: txId, replay: false };
  }).immediate();
}

/** A user's movements, newest first; amount is the net change of their balance in each transaction. */
export function walletHistory(db: Database, userId: number, limit = 50, beforeTx: number | null = null): HistoryEntry[] {
  const acct = store.userAccount(db, userId);
  return acct === null ? [] : store.history(db, acct, Math.min(Math.max(limit, 1), 200), beforeTx);
}

/** Coins a user received for one reason since a time (e.g. gift earnings this month). */
export function receivedSince(db: Database, userId: number, reason: string, since: number): number {
  const acct = store.userAccount(db, userId);
  return acct === null ? 0 : store.receivedByReason(db, acct, reason, since);
}

export function ledgerSummary(db: Database): LedgerSummary {
  return {
    issued: -store.accountBalance(db, ISSUANCE_ACCOUNT),
    inWallets: store.totalBalance(db) - store.accountBalance(db, ISSUANCE_ACCOUNT) - store.accountBalance(db, PLATFORM_ACCOUNT),
    platform: store.accountBalance(db, PLATFORM_ACCOUNT),
  };
}

/** Verifies the ledger: every transaction balanced, every stored balance equal to its entries, none negative. */
export function checkLedger(db: Database): LedgerCheck {
  // One read transaction so a concurrent writer cannot make a consistent ledger look inconsistent.
  return db.transaction((): LedgerCheck => {
    const problems: string[] = [];
    for (const t of store.unbalancedTransactions(db)) problems.push(`transaction ${t.id}: entries sum to ${t.sum}, not 0 (or fewer than two entries)`);
    for (const a of store.driftedAccounts(db)) problems.push(`account ${a.id}: stored balance ${a.balance} but its entries sum to ${a.entries}`);
    for (const a of store.negativeAccounts(db)) problems.push(`account ${a.id}: balance ${a.balance} is below zero`);
    const orphans = store.orphanEntries(db);
    if (orphans) problems.push(`${orphans} entries belong to no transaction`);
    const total = store.totalBalance(db);
    if (total !== 0) problems.push(`all balances sum to ${total}, not 0`);
    return { ok: problems.length === 0, problems };
  }).deferred();
}
