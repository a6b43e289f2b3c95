// The only SQL of the sharing domain: embedding origins, and (read only) a creator's replays for the feed.
import type { Database } from "bun:sqlite";

export function listOrigins(db: Database, roomId: number): string[] {
  return db.query<{ origin: string }, [number]>("SELECT origin FROM embed_origins WHERE room_id = ? ORDER BY origin").all(roomId).map((r) => r.origin);
}

/** Replaces the room's list in one transaction. */
export function setOrigins(db: Database, roomId: number, origins: readonly string[], now: number): void {
  db.transaction(() => {
    db.query("DELETE FROM embed_origins WHERE room_id = ?").run(roomId);
    const add = db.query("INSERT OR IGNORE INTO embed_origins (room_id, origin, created_at) VALUES (?, ?, ?)");
    for (const o of origins) add.run(roomId, o, now);
  })();
}

export interface ReplayEntry { id: number; roomSlug: string; roomTitle: string; startedAt: number; endedAt: number; durationMs: number }

/** A creator's finished broadcasts, newest first. */
export function ownerReplays(db: Database, ownerId: number, limit: number): ReplayEntry[] {
  return db.query<{ id: number; slug: string; title: string; started_at: number; ended_at: number; duration_ms: number }, [number, number]>(
    "SELECT b.id, r.slug, r.title, b.started_at, b.ended_at, b.duration_ms FROM broadcasts b JOIN rooms r ON r.id = b.room_id WHERE r.owner_id = ? AND b.ended_at IS NOT NULL ORDER BY b.started_at DESC LIMIT ?",
  ).all(ownerId, limit).map((r) => ({ id: r.id, roomSlug: r.slug, roomTitle: r.title, startedAt: r.started_at, endedAt: r.ended_at, durationMs: r.duration_ms }));
}

/** The room's newest finished broadcast (its thumbnail stands in for an offline room's poster). */
export function lastReplayId(db: Database, roomId: number): number | null {
  return db.query<{ id: number }, [number]>("SELECT id FROM broadcasts WHERE room_id = ? AND ended_at IS NOT NULL ORDER BY started_at DESC LIMIT 1").get(roomId)?.id ?? null;
}
