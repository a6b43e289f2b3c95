// Redeem codes: the admin creates codes worth N coins with a number of uses; each user redeems a code once.
// Redeeming is one transaction: the use is taken with a conditional UPDATE (never beyond max uses), the
// (code, user) pair is a primary key, and the coins are credited with an idempotency key per (code, user).
import type { MoneyDb } from "../deps";
import type { Database } from "bun:sqlite";
import { randomInt } from "node:crypto";
import type { MessageKey } from "../i18n";
import type { CodeRow } from "./model";
import * as store from "./storage";
import { creditCoins, MAX_COINS } from "./wallet";


// No 0/O, 1/I/L: codes get read aloud and typed from screenshots.
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

export function newCode(): string {
  const c = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  return `${c.slice(0, 4)}-${c.slice(4, 8)}-${c.slice(8)}`;
}

/** Accepts what people type: any case, spaces, missing dashes. */
export function normalizeCode(raw: string): string {
  const c = raw.toUpperCase().replace(/[^A-Z0-9]/g, "");
  return c.length === 12 ? `${c.slice(0, 4)}-${c.slice(4, 8)}-${c.slice(8)}` : c;
}

export interface CodeRequest {
  coins: number;
  maxUses: number;
  count: number;
  note: string;
  expiresAt: number | null;
}

export function validateCodeRequest(r: CodeRequest): { field: string; message: MessageKey }[] {
  const errors: { field: string; message: MessageKey }[] = [];
  if (!Number.isSafeInteger(r.coins) || r.coins < 1 || r.coins > MAX_COINS) errors.push({ field: "coins", message: "redeem.error.coins" });
  if (!Number.isSafeInteger(r.maxUses) || r.maxUses < 1 || r.maxUses > 1_000_000) errors.push({ field: "maxUses", message: "redeem.error.uses" });
  if (!Number.isSafeInteger(r.count) || r.count < 1 || r.count > 100) errors.push({ field: "count", message: "redeem.error.count" });
  if (r.note.length > 100) errors.push({ field: "note", message: "redeem.error.note" });
  return errors;
}

export function createCodes(db: MoneyDb, createdBy: number, r: CodeRequest, now = Date.now()): CodeRow[] {
  return db.transaction(() =>
    Array.from({ length: r.count }, () => store.insertCode(db, { code: newCode(), coins: r.coins, maxUses: r.maxUses, note: r.note.trim(), createdBy, now, expiresAt: r.expiresAt })),
  ).immediate();
}

export type RedeemResult = { ok: true; coins: number; balance: number } | { ok: false; error: "unknown" | "expired" | "used" | "exhausted" };

export function redeemCode(db: MoneyDb, userId: number, raw: string, now = Date.now()): RedeemResult {
  const text = normalizeCode(raw);
  return db.transaction((): RedeemResult => {
    const code = store.codeByText(db, text);
    if (!code) return { ok: false, error: "unknown" };
    if (code.expiresAt !== null && code.expiresAt <= now) return { ok: false, error: "expired" };
    if (store.hasRedeemed(db, code.id, userId)) return { ok: false, error: "used" };
    if (!store.takeCodeUse(db, code.id)) return { ok: false, error: "exhausted" };
    const r = creditCoins(db, { userId, coins: code.coins, reason: "redeem", ref: `code:${code.id}`, idempotencyKey: `redeem:${code.id}:${userId}` }, now);
    store.insertCodeUse(db, code.id, userId, r.entryId, now);
    return { ok: true, coins: code.coins, balance: r.balance };
  }).immediate();
}

export const listCodes = (db: Database, limit = 100) => store.listCodes(db, limit);
