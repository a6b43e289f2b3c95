// What other domains may ask about broadcasts (media's storage stays its own): Admin → System counts the disk
// used by the broadcasts still live.
import type { Database } from "bun:sqlite";
import type { Broadcast } from "./model";
import * as store from "./storage";

export function openBroadcasts(db: Database): Broadcast[] {
  return store.openBroadcasts(db);
}

/** A finished broadcast with media (a replay), or null: object storage needs its length for presigned URLs. */
export function getReplay(db: Database, id: number): Broadcast | null {
  return store.getReplay(db, id);
}
