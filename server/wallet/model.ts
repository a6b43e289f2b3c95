/** Why coins moved; each is shown translated (`wallet.reason.*`) in wallet history. */
export type LedgerReason = "gift" | "admin_credit" | "redeem" | "purchase" | "order" | "refund" | "ticket" | "membership" | "ppv" | "auction";

/** A receiving side of a transfer: a user's wallet or the platform's. */
export type Leg = { userId: number; coins: number } | { userId: "platform"; coins: number };

export interface TransferInput {
  payerId: number;
  legs: Leg[];
  /** Short machine word, a LedgerReason in the product (tests use their own); shown translated in wallet history. */
  reason: string;
  /** What the movement was for, e.g. "gift:3/room:7"; free text kept with the transaction. */
  ref: string;
  idempotencyKey: string;
  /** Digest of the request's content; a repeat of the key with another digest is a conflict. */
  requestHash: string;
}

export type TransferResult =
  | { ok: true; balance: number; entryId: number; replay: boolean }
  | { ok: false; error: "insufficient" | "conflict" };

export interface CreditInput {
  userId: number;
  coins: number;
  reason: string;
  ref: string;
  /** Omit for one-off admin credits; give one whenever the caller might retry. */
  idempotencyKey?: string;
}

export interface HistoryEntry {
  txId: number;
  amount: number;
  reason: LedgerReason;
  ref: string;
  createdAt: number;
}

/** A redeem code as the admin page lists it. */
export interface CodeRow { id: number; code: string; coins: number; maxUses: number; uses: number; note: string; createdAt: number; expiresAt: number | null }

export interface LedgerSummary {
  /** Every coin ever credited (admin, codes, purchases). */
  issued: number;
  /** Coins held in user wallets. */
  inWallets: number;
  platform: number;
}

export interface LedgerCheck {
  ok: boolean;
  problems: string[];
}

/** Bad input or a replayed credit key with other content: programming or operator errors, never a user's. */
export class WalletError extends Error {}
