// The creator's replay settings in one step: who may watch (like the room, everyone, pay per view) and, for pay
// per view, the price. The price belongs to the classes domain (server/classes/ppv.ts, which sells replays);
// server/app.tsx hands its functions over as ReplayPrices, so access never reads its tables.
import type { Database } from "bun:sqlite";
import type { FieldError } from "../accounts/model";
import { CURRENCIES } from "../shop/model";
import type { Access } from "./access";
import { isReplayMode, type ReplayOffer } from "./model";
import * as store from "./storage";

export interface ReplayPrices {
  get(db: Database, broadcastId: number): { priceMinor: number; currency: string } | null;
  /** priceMinor 0 takes the replay off sale; returns a problem or null. */
  set(db: Database, broadcastId: number, ownerId: number, priceMinor: number, currency: string, now: number): string | null;
}

export const REPLAYS_SHOWN = 20;

export function replayOffers(db: Database, moneyDb: Database, prices: ReplayPrices, roomId: number): ReplayOffer[] {
  return store.roomReplays(db, roomId, REPLAYS_SHOWN).map((r) => ({ ...r, price: prices.get(moneyDb, r.id) }));
}

export function replayOffer(db: Database, moneyDb: Database, prices: ReplayPrices, roomId: number, broadcastId: number): ReplayOffer | null {
  const r = store.roomReplay(db, roomId, broadcastId);
  return r ? { ...r, price: prices.get(moneyDb, r.id) } : null;
}

export function validateOffer(input: { mode: string; price: number | null; currency: string }): FieldError[] {
  const errors: FieldError[] = [];
  if (!isReplayMode(input.mode)) errors.push({ field: "mode", message: "replays.access.error.mode" });
  if (input.mode === "ppv") {
    if (input.price === null || !Number.isSafeInteger(input.price) || input.price < 1) errors.push({ field: "price", message: "replays.access.error.price" });
    if (!Object.hasOwn(CURRENCIES, input.currency.trim().toUpperCase())) errors.push({ field: "currency", message: "replays.access.error.currency" });
  }
  return errors;
}

/**
 * Saves a validated offer: pay per view sets the price, then the mode; any other mode takes the replay off sale
 * (buyers keep access: a purchase entitles whatever the mode).
 */
export function saveOffer(access: Access, moneyDb: Database, prices: ReplayPrices, o: { broadcastId: number; ownerId: number; mode: string; price: number | null; currency: string; now: number }): FieldError[] {
  const errors = validateOffer(o);
  if (errors.length || !isReplayMode(o.mode)) return errors;
  const problem = o.mode === "ppv" ? prices.set(moneyDb, o.broadcastId, o.ownerId, o.price!, o.currency.trim().toUpperCase(), o.now) : prices.set(moneyDb, o.broadcastId, o.ownerId, 0, "", o.now);
  if (problem) return [{ field: "price", message: "replays.access.error.price" }];
  access.setReplayMode(o.broadcastId, o.mode);
  return [];
}
