// The only file of the media domain with SQL: broadcasts (each becomes a replay) and per-room ladders.
import type { Database } from "bun:sqlite";
import type { Broadcast } from "./model";

interface Row {
  id: number;
  room_id: number;
  started_at: number;
  ended_at: number | null;
  duration_ms: number;
  ladder: string;
}

const toBroadcast = (r: Row): Broadcast => ({
  id: r.id, roomId: r.room_id, startedAt: r.started_at, endedAt: r.ended_at, durationMs: r.duration_ms, ladder: JSON.parse(r.ladder) as string[],
});

export function insertBroadcast(db: Database, roomId: number, startedAt: number): number {
  return db.query<{ id: number }, [number, number]>("INSERT INTO broadcasts (room_id, started_at) VALUES (?, ?) RETURNING id").get(roomId, startedAt)!.id;
}

export function setBroadcastLadder(db: Database, id: number, ladder: string[]): void {
  db.query("UPDATE broadcasts SET ladder = ? WHERE id = ?").run(JSON.stringify(ladder), id);
}

export function endBroadcast(db: Database, id: number, endedAt: number, durationMs: number): void {
  db.query("UPDATE broadcasts SET ended_at = ?, duration_ms = ? WHERE id = ? AND ended_at IS NULL").run(endedAt, Math.round(durationMs), id);
}

export function getBroadcast(db: Database, id: number): Broadcast | null {
  const r = db.query<Row, [number]>("SELECT * FROM broadcasts WHERE id = ?").get(id);
  return r ? toBroadcast(r) : null;
}

/** A finished broadcast with media (a replay), or null. */
export function getReplay(db: Database, id: number): Broadcast | null {
  const b = getBroadcast(db, id);
  return b && b.endedAt !== null && b.durationMs > 0 ? b : null;
}

/** Broadcasts a crash left open. */
export function openBroadcasts(db: Database): Broadcast[] {
  return db.query<Row, []>("SELECT * FROM broadcasts WHERE ended_at IS NULL").all().map(toBroadcast);
}

/** Finished broadcasts with media, newest first. */
export function listReplays(db: Database, roomId: number, limit: number): Broadcast[] {
  return db
    .query<Row, [number, number]>("SELECT * FROM broadcasts WHERE room_id = ? AND ended_at IS NOT NULL AND duration_ms > 0 ORDER BY started_at DESC LIMIT ?")
    .all(roomId, limit)
    .map(toBroadcast);
}

/** Finished broadcasts that ended before `before` (retention), and empty ones. */
export function expiredBroadcasts(db: Database, before: number): Broadcast[] {
  return db.query<Row, [number]>("SELECT * FROM broadcasts WHERE ended_at IS NOT NULL AND (ended_at < ? OR duration_ms = 0)").all(before).map(toBroadcast);
}

export function deleteBroadcast(db: Database, id: number): void {
  db.query("DELETE FROM broadcasts WHERE id = ?").run(id);
}

export function getRoomLadder(db: Database, roomId: number): string | null {
  return db.query<{ ladder: string }, [number]>("SELECT ladder FROM media_room_ladders WHERE room_id = ?").get(roomId)?.ladder ?? null;
}

export function setRoomLadder(db: Database, roomId: number, ladder: string | null): void {
  if (ladder === null) db.query("DELETE FROM media_room_ladders WHERE room_id = ?").run(roomId);
  else db.query("INSERT INTO media_room_ladders (room_id, ladder) VALUES (?, ?) ON CONFLICT(room_id) DO UPDATE SET ladder = excluded.ladder").run(roomId, ladder);
}
