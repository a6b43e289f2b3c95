// Gift rules: the catalogue, sending a gift (one ledger transaction plus its send record), the per-broadcast
// top-gifters board and the creator's goal. Plain functions over the money connection (deps.moneyDb).
import type { MoneyDb } from "../deps";
import type { Database } from "bun:sqlite";
import type { User } from "../accounts/model";
import type { Room } from "../rooms/model";
import { requestHash, transferCoins } from "../wallet/wallet";
import { MAX_COUNT, TIERS, type FieldError, type Gift, type GiftInput, type GiftSend, type Gifter, type Goal, type Tier } from "./model";
import { splitGift } from "./split";
import * as store from "./storage";

declare module "../events/bus" {
  interface Facts {
    "gift.sent": {
      roomId: number; sendId: number; senderId: number; creatorId: number; giftId: number; count: number;
      coins: number; creatorCoins: number; platformCoins: number; at: number;
    };
  }
}

export const MAX_GIFT_COINS = 1_000_000;

/** Default tier by price, when the admin does not choose one. */
export function tierFor(coins: number): Tier {
  return coins >= 1000 ? 4 : coins >= 100 ? 3 : coins >= 10 ? 2 : 1;
}

export function validateGift(input: GiftInput): FieldError[] {
  const errors: FieldError[] = [];
  const name = input.name.trim();
  if (name.length < 1 || name.length > 40) errors.push({ field: "name", message: "gift.error.name" });
  if (!Number.isSafeInteger(input.coins) || input.coins < 1 || input.coins > MAX_GIFT_COINS) errors.push({ field: "coins", message: "gift.error.coins" });
  if (input.tier !== undefined && !(TIERS as readonly number[]).includes(input.tier)) errors.push({ field: "tier", message: "gift.error.tier" });
  return errors;
}

export type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function createGift(db: Database, input: GiftInput & { image?: string | null }, now = Date.now()): Result<Gift> {
  const errors = validateGift(input);
  if (errors.length) return { ok: false, errors };
  const tier = (input.tier ?? tierFor(input.coins)) as Tier;
  return { ok: true, value: store.insertGift(db, { name: input.name.trim(), image: input.image ?? null, coins: input.coins, tier, now }) };
}

export type SaveGiftInput = GiftInput & { active: boolean; image?: string | null };

export function editGift(db: Database, gift: Gift, input: SaveGiftInput): Result<Gift> {
  const errors = validateGift(input);
  if (errors.length) return { ok: false, errors };
  store.updateGift(db, gift.id, { name: input.name.trim(), coins: input.coins, tier: (input.tier ?? gift.tier) as Tier, active: input.active, image: input.image });
  return { ok: true, value: store.getGift(db, gift.id)! };
}

export const { getGift, listGifts, topGifters, recentReceived, earningsByRoom } = store;

export interface SendInput {
  sender: User;
  room: Room;
  giftId: number;
  count: number;
  idempotencyKey: string;
  creatorSharePercent: number;
}

export type SendResult =
  | { ok: true; replay: boolean; balance: number; send: GiftSend; gift: Gift }
  | { ok: false; error: "invalid"; message: string }
  | { ok: false; error: "gift_not_found" | "insufficient" | "conflict"; gift?: Gift };

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,100}$/;

/** The broadcast a gift belongs to: the room's current live start, or 0 while offline. */
export function broadcastOf(room: Room): number {
  return room.liveSince ?? 0;
}

export function sendGift(db: MoneyDb, input: SendInput, now = Date.now()): SendResult {
  if (!IDEMPOTENCY_KEY.test(input.idempotencyKey)) return { ok: false, error: "invalid", message: "idempotencyKey must be 1-100 visible ASCII characters" };
  if (!Number.isSafeInteger(input.count) || input.count < 1 || input.count > MAX_COUNT) return { ok: false, error: "invalid", message: `count must be an integer from 1 to ${MAX_COUNT}` };
  const gift = store.getGift(db, input.giftId);
  if (!gift || !gift.active) return { ok: false, error: "gift_not_found" };
  const total = gift.coins * input.count;
  const { creator, platform } = splitGift(total, input.creatorSharePercent);
  return db.transaction((): SendResult => {
    const r = transferCoins(db, {
      payerId: input.sender.id,
      legs: [{ userId: input.room.ownerId, coins: creator }, { userId: "platform", coins: platform }],
      reason: "gift",
      ref: `gift:${gift.id}x${input.count}@room:${input.room.id}`,
      idempotencyKey: `gift:${input.idempotencyKey}`,
      requestHash: requestHash({ room: input.room.id, gift: gift.id, count: input.count }),
    }, now);
    if (!r.ok) return { ok: false, error: r.error, gift };
    if (r.replay) {
      const first = store.sendByTx(db, r.entryId);
      // A key first used by another wallet movement (not a gift) carries other content.
      return first ? { ok: true, replay: true, balance: r.balance, send: first, gift } : { ok: false, error: "conflict", gift };
    }
    const send = store.insertSend(db, {
      txId: r.entryId, roomId: input.room.id, broadcastAt: broadcastOf(input.room), senderId: input.sender.id, creatorId: input.room.ownerId,
      giftId: gift.id, count: input.count, coins: total, creatorCoins: creator, platformCoins: platform, now,
    });
    store.addToTotals(db, send, broadcastOf(input.room));
    return { ok: true, replay: false, balance: r.balance, send, gift };
  }).immediate();
}

export function goalFor(db: Database, roomId: number): Goal | null {
  return store.getGoal(db, roomId);
}

export function validateGoal(input: { title: string; target: number }): FieldError[] {
  const errors: FieldError[] = [];
  if (input.title.trim().length > 60) errors.push({ field: "title", message: "gift.error.goalTitle" });
  if (!Number.isSafeInteger(input.target) || input.target < 0 || input.target > 1_000_000_000) errors.push({ field: "target", message: "gift.error.goalTarget" });
  return errors;
}

/** Sets the goal (progress counts gifts from now on); a target of 0 removes it. */
export function setGoal(db: Database, roomId: number, input: { title: string; target: number }, now = Date.now()): Result<Goal | null> {
  const errors = validateGoal(input);
  if (errors.length) return { ok: false, errors };
  if (input.target === 0) store.clearGoal(db, roomId);
  else store.setGoal(db, roomId, { title: input.title.trim(), target: input.target, now });
  return { ok: true, value: goalFor(db, roomId) };
}

export function board(db: Database, room: Room): Gifter[] {
  return store.topGifters(db, room.id, broadcastOf(room), 5);
}
