// The membership rule the access layer asks: read-only, any connection.
import type { Database } from "bun:sqlite";
import * as store from "./storage";

/** The chat gate: in a members-only room, only the owner and members with access may post. */
export function mayChat(db: Database, userId: number, room: { id: number; ownerId: number }, now: number): boolean {
  return userId === room.ownerId || !store.membersOnlyChat(db, room.id) || store.activeAtLeast(db, userId, room.ownerId, null, now);
}

/** The member badge shown beside a name in the creator's chat, or null. */
export function memberBadge(db: Database, userId: number, creatorId: number, now: number): string | null {
  return store.badgeOf(db, userId, creatorId, now);
}

/**
 * True when the user's membership of the creator grants access now (active, or cancelled but still inside its
 * paid period). With `minTierId`, the member's tier must be that tier or one of the same creator priced at least
 * as high in the same currency.
 */
export function hasMembership(db: Database, userId: number, creatorId: number, minTierId: number | null, now: number): boolean {
  return store.activeAtLeast(db, userId, creatorId, minTierId, now);
}
