// The rules the access layer (room and replay access modes, media tokens) asks about paid access. Pure reads:
// they never write, so they take any connection.
import type { Database } from "bun:sqlite";
import { ACCESS_MARGIN_MS } from "./model";
import * as store from "./storage";

/**
 * True when the user holds a valid (paid or granted, not refunded) ticket to a class held in the room whose
 * window [start − 30 min, end + 30 min] contains `now`.
 */
export function hasTicketForRoom(db: Database, userId: number, roomId: number, now: number): boolean {
  return store.validTicketInWindow(db, userId, roomId, now, ACCESS_MARGIN_MS);
}

/** True when the user bought this replay (pay-per-view) and the purchase was not refunded: buyers keep access. */
export function hasReplayPurchase(db: Database, userId: number, broadcastId: number): boolean {
  return store.hasPaidPurchase(db, userId, broadcastId);
}
