// The only file of the objects domain with SQL: each replay's upload to object storage.
import type { Database } from "bun:sqlite";
import type { ReplayUpload } from "./model";

interface Row {
  broadcast_id: number;
  prefix: string;
  state: "pending" | "done";
  attempts: number;
  next_at: number;
  last_error: string | null;
  uploaded_at: number | null;
}

const toUpload = (r: Row): ReplayUpload => ({
  broadcastId: r.broadcast_id, prefix: r.prefix, state: r.state, attempts: r.attempts, nextAt: r.next_at, lastError: r.last_error, uploadedAt: r.uploaded_at,
});

/** Queues a replay once; a second call for the same broadcast changes nothing. */
export function queueUpload(db: Database, broadcastId: number, prefix: string, at: number): void {
  db.query("INSERT INTO replay_uploads (broadcast_id, prefix, next_at) VALUES (?, ?, ?) ON CONFLICT(broadcast_id) DO NOTHING").run(broadcastId, prefix, at);
}

export function getUpload(db: Database, broadcastId: number): ReplayUpload | null {
  const r = db.query<Row, [number]>("SELECT * FROM replay_uploads WHERE broadcast_id = ?").get(broadcastId);
  return r ? toUpload(r) : null;
}

export function dueUploads(db: Database, now: number, limit: number): ReplayUpload[] {
  return db.query<Row, [number, number]>("SELECT * FROM replay_uploads WHERE state = 'pending' AND next_at <= ? ORDER BY next_at LIMIT ?").all(now, limit).map(toUpload);
}

/** When the earliest pending upload is due, or null when none is pending. */
export function nextDue(db: Database): number | null {
  return db.query<{ at: number | null }, []>("SELECT MIN(next_at) AS at FROM replay_uploads WHERE state = 'pending'").get()?.at ?? null;
}

export function markFailed(db: Database, broadcastId: number, error: string, nextAt: number): void {
  db.query("UPDATE replay_uploads SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE broadcast_id = ? AND state = 'pending'").run(error.slice(0, 500), nextAt, broadcastId);
}

export function markDone(db: Database, broadcastId: number, at: number): void {
  db.query("UPDATE replay_uploads SET state = 'done', uploaded_at = ?, last_error = NULL WHERE broadcast_id = ?").run(at, broadcastId);
}

/** Uploaded replays whose broadcast row is gone (retention): their objects are to be deleted. */
export function orphanedUploads(db: Database): ReplayUpload[] {
  return db.query<Row, []>("SELECT u.* FROM replay_uploads u LEFT JOIN broadcasts b ON b.id = u.broadcast_id WHERE b.id IS NULL").all().map(toUpload);
}

export function deleteUpload(db: Database, broadcastId: number): void {
  db.query("DELETE FROM replay_uploads WHERE broadcast_id = ?").run(broadcastId);
}

/**
 * Replays with no upload yet: ended before object storage was configured, or while the server was stopping.
 * (Reads media's broadcasts table, as orphanedUploads does: the upload row's life follows the broadcast's.)
 */
export function replaysWithoutUpload(db: Database): number[] {
  return db
    .query<{ id: number }, []>("SELECT b.id FROM broadcasts b LEFT JOIN replay_uploads u ON u.broadcast_id = b.id WHERE u.broadcast_id IS NULL AND b.ended_at IS NOT NULL AND b.duration_ms > 0 ORDER BY b.id")
    .all()
    .map((r) => r.id);
}
