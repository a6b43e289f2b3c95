// The only file of the overlays domain with SQL.
import type { Database } from "bun:sqlite";

export function tokenOf(db: Database, roomId: number): string | null {
  return db.query<{ token: string }, [number]>("SELECT token FROM overlay_tokens WHERE room_id = ?").get(roomId)?.token ?? null;
}

export function saveToken(db: Database, roomId: number, token: string, now: number): void {
  db.query(
    "INSERT INTO overlay_tokens (room_id, token, created_at) VALUES (?, ?, ?) ON CONFLICT(room_id) DO UPDATE SET token = excluded.token, created_at = excluded.created_at",
  ).run(roomId, token, now);
}

/** Inserts only when the room has no token yet (two first visits racing keep one token). */
export function insertTokenIfMissing(db: Database, roomId: number, token: string, now: number): void {
  db.query("INSERT INTO overlay_tokens (room_id, token, created_at) VALUES (?, ?, ?) ON CONFLICT(room_id) DO NOTHING").run(roomId, token, now);
}

export function roomIdForToken(db: Database, token: string): number | null {
  return db.query<{ room_id: number }, [string]>("SELECT room_id FROM overlay_tokens WHERE token = ?").get(token)?.room_id ?? null;
}
