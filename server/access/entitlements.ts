// What access asks the classes and memberships domains (issue 9's other half). server/app.tsx fills this from
// their rule functions (server/classes/access.ts hasTicketForRoom, server/memberships/access.ts hasMembership and
// hasReplayPurchase); access never reads their tables.
import type { Database } from "bun:sqlite";

export interface Entitlements {
  /** A valid, unrefunded ticket to a class held in the room now or soon. */
  ticket(db: Database, userId: number, roomId: number, now: number): boolean;
  /** An active membership of the creator, at least minTierId when given. */
  membership(db: Database, userId: number, creatorId: number, minTierId: number | null, now: number): boolean;
  /** The user bought this replay (pay-per-view). */
  replay(db: Database, userId: number, broadcastId: number): boolean;
}

/** Nobody holds anything: for callers that only read or set modes (the CLI) and tests of the other modes. */
export const NO_ENTITLEMENTS: Entitlements = { ticket: () => false, membership: () => false, replay: () => false };
