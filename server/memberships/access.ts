// The membership rule the access layer asks: read-only, any connection.
import type { Database } from "bun:sqlite";
import * as store from "./storage";

/**
 * True when the user's membership of the creator grants access now (active, or cancelled but still inside its
 * paid period). With `minTierId`, the member's tier must be that tier or one of the same creator priced at least
 * as high in the same currency.
 */
export function hasMembership(db: Database, userId: number, creatorId: number, minTierId: number | null, now: number): boolean {
  return store.activeAtLeast(db, userId, creatorId, minTierId, now);
}
