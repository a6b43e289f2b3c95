// The only file of the wallet domain with SQL.
import type { Database } from "bun:sqlite";
import { ISSUANCE_ACCOUNT } from "./schema";
import type { CodeRow, HistoryEntry } from "./model";

export function userAccount(db: Database, userId: number): number | null {
  return db.query<{ id: number }, [number]>("SELECT id FROM wallet_accounts WHERE user_id = ?").get(userId)?.id ?? null;
}

export function ensureUserAccount(db: Database, userId: number): number {
  db.query("INSERT INTO wallet_accounts (kind, user_id) VALUES ('user', ?) ON CONFLICT(user_id) DO NOTHING").run(userId);
  return userAccount(db, userId)!;
}

export function accountBalance(db: Database, accountId: number): number {
  return db.query<{ b: number }, [number]>("SELECT balance AS b FROM wallet_accounts WHERE id = ?").get(accountId)?.b ?? 0;
}

/** The conditional debit: changes no row when the balance would go below zero. Returns whether it debited. */
export function debit(db: Database, accountId: number, coins: number): boolean {
  if (accountId === ISSUANCE_ACCOUNT) {
    db.query("UPDATE wallet_accounts SET balance = balance - ? WHERE id = ?").run(coins, accountId);
    return true;
  }
  return db.query("UPDATE wallet_accounts SET balance = balance - ? WHERE id = ? AND balance >= ?").run(coins, accountId, coins).changes === 1;
}

export function credit(db: Database, accountId: number, coins: number): void {
  db.query("UPDATE wallet_accounts SET balance = balance + ? WHERE id = ?").run(coins, accountId);
}

export interface TxRow {
  id: number;
  request_hash: string;
  payer_balance: number;
}

export function findTx(db: Database, payerAccount: number, key: string): TxRow | null {
  return db
    .query<TxRow, [number, string]>("SELECT id, request_hash, payer_balance FROM wallet_transactions WHERE payer_account = ? AND idem_key = ?")
    .get(payerAccount, key);
}

export function insertTx(
  db: Database,
  t: { reason: string; ref: string; payerAccount: number; key: string; requestHash: string; payerBalance: number; now: number },
): number {
  return db
    .query<{ id: number }, [string, string, number, string, string, number, number]>(
      `INSERT INTO wallet_transactions (reason, ref, payer_account, idem_key, request_hash, payer_balance, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .get(t.reason, t.ref, t.payerAccount, t.key, t.requestHash, t.payerBalance, t.now)!.id;
}

export function insertEntry(db: Database, txId: number, accountId: number, amount: number): void {
  db.query("INSERT INTO wallet_entries (tx_id, account_id, amount) VALUES (?, ?, ?)").run(txId, accountId, amount);
}

export function history(db: Database, accountId: number, limit: number, beforeTx: number | null): HistoryEntry[] {
  return db
    .query<HistoryEntry, [number, number, number]>(
      `SELECT t.id AS txId, SUM(e.amount) AS amount, t.reason, t.ref, t.created_at AS createdAt
       FROM wallet_entries e JOIN wallet_transactions t ON t.id = e.tx_id
       WHERE e.account_id = ? AND t.id < ? GROUP BY t.id ORDER BY t.id DESC LIMIT ?`,
    )
    .all(accountId, beforeTx ?? Number.MAX_SAFE_INTEGER, limit);
}

/** Sum of a user's credits by reason since a time (earnings pages). */
export function receivedByReason(db: Database, accountId: number, reason: string, since: number): number {
  return (
    db
      .query<{ s: number | null }, [number, string, number]>(
        `SELECT SUM(e.amount) AS s FROM wallet_entries e JOIN wallet_transactions t ON t.id = e.tx_id
         WHERE e.account_id = ? AND t.reason = ? AND t.created_at >= ? AND e.amount > 0`,
      )
      .get(accountId, reason, since)?.s ?? 0
  );
}

export function unbalancedTransactions(db: Database): { id: number; sum: number }[] {
  return db
    .query<{ id: number; sum: number }, []>(
      `SELECT t.id, COALESCE(SUM(e.amount), 0) AS sum FROM wallet_transactions t LEFT JOIN wallet_entries e ON e.tx_id = t.id
       GROUP BY t.id HAVING COALESCE(SUM(e.amount), 0) != 0 OR COUNT(e.id) < 2`,
    )
    .all();
}

export function driftedAccounts(db: Database): { id: number; balance: number; entries: number }[] {
  return db
    .query<{ id: number; balance: number; entries: number }, []>(
      `SELECT a.id, a.balance, COALESCE(SUM(e.amount), 0) AS entries FROM wallet_accounts a
       LEFT JOIN wallet_entries e ON e.account_id = a.id GROUP BY a.id HAVING a.balance != COALESCE(SUM(e.amount), 0)`,
    )
    .all();
}

export function negativeAccounts(db: Database): { id: number; balance: number }[] {
  return db.query<{ id: number; balance: number }, []>("SELECT id, balance FROM wallet_accounts WHERE kind != 'issuance' AND balance < 0").all();
}

export function orphanEntries(db: Database): number {
  return db.query<{ n: number }, []>(
    "SELECT COUNT(*) AS n FROM wallet_entries e WHERE NOT EXISTS (SELECT 1 FROM wallet_transactions t WHERE t.id = e.tx_id)",
  ).get()!.n;
}

export function totalBalance(db: Database): number {
  return db.query<{ s: number }, []>("SELECT COALESCE(SUM(balance), 0) AS s FROM wallet_accounts").get()!.s;
}

const CODE_COLS = "id, code, coins, max_uses AS maxUses, uses, note, created_at AS createdAt, expires_at AS expiresAt";

export function insertCode(db: Database, c: { code: string; coins: number; maxUses: number; note: string; createdBy: number; now: number; expiresAt: number | null }): CodeRow {
  return db
    .query<CodeRow, [string, number, number, string, number, number, number | null]>(
      `INSERT INTO redeem_codes (code, coins, max_uses, note, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${CODE_COLS}`,
    )
    .get(c.code, c.coins, c.maxUses, c.note, c.createdBy, c.now, c.expiresAt)!;
}

export function codeByText(db: Database, code: string): CodeRow | null {
  return db.query<CodeRow, [string]>(`SELECT ${CODE_COLS} FROM redeem_codes WHERE code = ?`).get(code);
}

export function listCodes(db: Database, limit: number): CodeRow[] {
  return db.query<CodeRow, [number]>(`SELECT ${CODE_COLS} FROM redeem_codes ORDER BY id DESC LIMIT ?`).all(limit);
}

/** Takes one use of a code; changes nothing when it is used up. */
export function takeCodeUse(db: Database, codeId: number): boolean {
  return db.query("UPDATE redeem_codes SET uses = uses + 1 WHERE id = ? AND uses < max_uses").run(codeId).changes === 1;
}

export function hasRedeemed(db: Database, codeId: number, userId: number): boolean {
  return !!db.query("SELECT 1 FROM redeem_uses WHERE code_id = ? AND user_id = ?").get(codeId, userId);
}

export function insertCodeUse(db: Database, codeId: number, userId: number, txId: number, now: number): void {
  db.query("INSERT INTO redeem_uses (code_id, user_id, tx_id, created_at) VALUES (?, ?, ?, ?)").run(codeId, userId, txId, now);
}
