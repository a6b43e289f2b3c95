// The access domain's SQL: per-room modes and passwords, passes (who entered which password version), per-replay
// overrides and the media-token secret.
import type { Database } from "bun:sqlite";
import { PUBLIC_ACCESS, type AccessMode, type ReplayMode, type RoomAccess } from "./model";

interface AccessRow {
  room_id: number;
  mode: AccessMode;
  password_hash: string | null;
  password_version: number;
  min_tier_id: number | null;
  preview_minutes: number;
}

function toAccess(roomId: number, r: AccessRow | null): RoomAccess {
  if (!r) return { roomId, ...PUBLIC_ACCESS };
  return { roomId, mode: r.mode, passwordVersion: r.password_version, hasPassword: r.password_hash !== null, minTierId: r.min_tier_id, previewMinutes: r.preview_minutes };
}

export function getRoomAccess(db: Database, roomId: number): RoomAccess {
  return toAccess(roomId, db.query<AccessRow, [number]>("SELECT * FROM room_access WHERE room_id = ?").get(roomId));
}

export function getPasswordHash(db: Database, roomId: number): string | null {
  return db.query<{ password_hash: string | null }, [number]>("SELECT password_hash FROM room_access WHERE room_id = ?").get(roomId)?.password_hash ?? null;
}

/** The room's id, owner and access by slug in one query (the media hot path; `+?`: server/db/open.ts). */
export function accessBySlug(db: Database, slug: string): { access: RoomAccess; ownerId: number } | null {
  const r = db
    .query<AccessRow & { id: number; owner_id: number; mode: AccessMode | null }, [string]>(
      "SELECT r.id, r.owner_id, a.* FROM rooms r LEFT JOIN room_access a ON a.room_id = r.id WHERE r.slug = +?",
    )
    .get(slug);
  return r ? { access: toAccess(r.id, r.mode === null ? null : r), ownerId: r.owner_id } : null;
}

/** A replay's room access, its own override and the room's owner, in one query (`+?`: server/db/open.ts). */
export function accessByBroadcast(db: Database, broadcastId: number): { access: RoomAccess; replayMode: ReplayMode; ownerId: number; slug: string } | null {
  const r = db
    .query<AccessRow & { rid: number; owner_id: number; slug: string; mode: AccessMode | null; replay_mode: ReplayMode | null }, [number]>(
      `SELECT r.id AS rid, r.owner_id, r.slug, a.*, x.mode AS replay_mode FROM broadcasts b JOIN rooms r ON r.id = b.room_id
       LEFT JOIN room_access a ON a.room_id = r.id LEFT JOIN replay_access x ON x.broadcast_id = b.id WHERE b.id = +?`,
    )
    .get(broadcastId);
  if (!r) return null;
  return { access: toAccess(r.rid, r.mode === null ? null : r), replayMode: r.replay_mode ?? "inherit", ownerId: r.owner_id, slug: r.slug };
}

export function saveRoomAccess(
  db: Database,
  a: { roomId: number; mode: AccessMode; passwordHash: string | null | undefined; minTierId: number | null; previewMinutes: number; now: number },
): void {
  // passwordHash undefined keeps the stored password (and its version); a new hash bumps the version.
  db.query(
    `INSERT INTO room_access (room_id, mode, password_hash, password_version, min_tier_id, preview_minutes, updated_at)
     VALUES ($room, $mode, $hash, CASE WHEN $hash IS NULL THEN 0 ELSE 1 END, $tier, $preview, $now)
     ON CONFLICT(room_id) DO UPDATE SET mode = $mode, min_tier_id = $tier, preview_minutes = $preview, updated_at = $now,
       password_hash = CASE WHEN $keep THEN password_hash ELSE $hash END,
       password_version = CASE WHEN $keep THEN password_version ELSE password_version + 1 END`,
  ).run({
    $room: a.roomId, $mode: a.mode, $hash: a.passwordHash ?? null, $keep: a.passwordHash === undefined ? 1 : 0, $tier: a.minTierId,
    $preview: a.previewMinutes, $now: a.now,
  });
}

export function passVersion(db: Database, roomId: number, userId: number): number | null {
  return db.query<{ password_version: number }, [number, number]>("SELECT password_version FROM access_passes WHERE room_id = ? AND user_id = ?").get(roomId, userId)?.password_version ?? null;
}

export function savePass(db: Database, roomId: number, userId: number, version: number, now: number): void {
  db.query(
    "INSERT INTO access_passes (room_id, user_id, password_version, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(room_id, user_id) DO UPDATE SET password_version = excluded.password_version, created_at = excluded.created_at",
  ).run(roomId, userId, version, now);
}

export function setReplayMode(db: Database, broadcastId: number, mode: ReplayMode, now: number): void {
  db.query("INSERT INTO replay_access (broadcast_id, mode, updated_at) VALUES (?, ?, ?) ON CONFLICT(broadcast_id) DO UPDATE SET mode = excluded.mode, updated_at = excluded.updated_at").run(broadcastId, mode, now);
}

type ReplayRow = { id: number; started_at: number; duration_ms: number; mode: ReplayMode | null };
// `+?`: server/db/open.ts.
const REPLAY_SELECT = "SELECT b.id, b.started_at, b.duration_ms, x.mode FROM broadcasts b LEFT JOIN replay_access x ON x.broadcast_id = b.id WHERE b.room_id = +? AND b.ended_at IS NOT NULL";
const toReplay = (r: ReplayRow) => ({ id: r.id, startedAt: r.started_at, durationMs: r.duration_ms, mode: r.mode ?? ("inherit" as const) });

/** A room's finished broadcasts with their replay mode, newest first (the Studio's replay card). */
export function roomReplays(db: Database, roomId: number, limit: number): ReturnType<typeof toReplay>[] {
  return db.query<ReplayRow, [number, number]>(`${REPLAY_SELECT} ORDER BY b.id DESC LIMIT ?`).all(roomId, limit).map(toReplay);
}

export function roomReplay(db: Database, roomId: number, broadcastId: number): ReturnType<typeof toReplay> | null {
  const r = db.query<ReplayRow, [number, number]>(`${REPLAY_SELECT} AND b.id = +?`).get(roomId, broadcastId);
  return r ? toReplay(r) : null;
}

/** The stored media-token secret, created once (INSERT OR IGNORE: two processes starting together agree). */
export function mediaSecret(db: Database, fresh: string): string {
  db.query("INSERT OR IGNORE INTO access_secret (id, secret) VALUES (1, ?)").run(fresh);
  return db.query<{ secret: string }, []>("SELECT secret FROM access_secret WHERE id = 1").get()!.secret;
}
