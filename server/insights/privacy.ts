// A user's own insights data: export it, delete it. Deletion removes their events and per-viewer rows, takes
// their share out of every per-minute sum, and rebuilds the derived tables at once, so no unique count, basket,
// rule or "people also watched" keeps them.
import type { Database } from "bun:sqlite";
import type { AprioriOptions } from "./apriori";
import { rollup, type InsightEvent } from "./model";
import { rebuildDerived } from "./recommend";
import * as store from "./storage";

export interface UserData {
  userId: number;
  exportedAt: number;
  events: InsightEvent[];
  broadcasts: ReturnType<typeof store.userViewerRows>["broadcasts"];
  rooms: ReturnType<typeof store.userViewerRows>["rooms"];
  note: string;
}

export function exportUserData(db: Database, userId: number, now: number): UserData {
  const rows = store.userViewerRows(db, userId);
  return {
    userId, exportedAt: now, events: store.userEvents(db, userId), broadcasts: rows.broadcasts, rooms: rows.rooms,
    note: "Visits made while signed out are keyed by a hash that changes every day and cannot be linked to you; they are not included.",
  };
}

export function deleteUserData(db: Database, userId: number, now: number, opts?: AprioriOptions): { events: number } {
  const events = store.userEvents(db, userId);
  db.transaction(() => {
    const touched = store.userTouches(db, userId);
    store.writeBatch(db, events, rollup(events), "subtract");
    for (const b of touched.broadcasts) store.subtractUnique(db, b.broadcastId, b.n);
    store.deleteUserRows(db, userId);
    for (const d of touched.days) store.rebuildDay(db, d.ownerId, d.roomId, d.day);
  })();
  rebuildDerived(db, now, opts);
  return { events: events.length };
}
