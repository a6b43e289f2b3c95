// The only file of the rooms domain with SQL.
import type { Database } from "bun:sqlite";
import type { Category, LatencyMode, Room } from "./model";

interface RoomRow {
  id: number;
  owner_id: number;
  owner_name: string;
  owner_username: string;
  slug: string;
  title: string;
  description: string;
  /** Only validated categories are written (rooms.ts checks CATEGORIES). */
  category: Category;
  tags: string;
  cover_path: string | null;
  latency: LatencyMode | null;
  live_since: number | null;
  created_at: number;
  updated_at: number;
}

// The owner's names by subquery, not a join (server/db/open.ts): ~10 µs of this query's ~11 on the room page.
const SELECT = `SELECT r.id, r.owner_id, (SELECT display_name FROM users WHERE id = r.owner_id) AS owner_name,
  (SELECT username FROM users WHERE id = r.owner_id) AS owner_username, r.slug, r.title,
  r.description, r.category, r.tags, r.cover_path, r.latency, r.live_since, r.created_at, r.updated_at
  FROM rooms r`;

function toRoom(r: RoomRow): Room {
  return {
    id: r.id, ownerId: r.owner_id, ownerName: r.owner_name, ownerUsername: r.owner_username, slug: r.slug, title: r.title,
    description: r.description, category: r.category, tags: JSON.parse(r.tags) as string[], coverPath: r.cover_path,
    latency: r.latency, liveSince: r.live_since, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export function insertRoom(db: Database, r: { ownerId: number; slug: string; title: string; description: string; category: string; tags: string[]; streamKey: string; now: number }): number {
  return db
    .query<{ id: number }, [number, string, string, string, string, string, string, number, number]>(
      `INSERT INTO rooms (owner_id, slug, title, description, category, tags, stream_key, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .get(r.ownerId, r.slug, r.title, r.description, r.category, JSON.stringify(r.tags), r.streamKey, r.now, r.now)!.id;
}

export function updateRoom(db: Database, id: number, r: { title: string; description: string; category: string; tags: string[]; now: number }): void {
  db.query("UPDATE rooms SET title = ?, description = ?, category = ?, tags = ?, updated_at = ? WHERE id = ?").run(
    r.title, r.description, r.category, JSON.stringify(r.tags), r.now, id,
  );
}

export function setCover(db: Database, id: number, path: string | null, now: number): void {
  db.query("UPDATE rooms SET cover_path = ?, updated_at = ? WHERE id = ?").run(path, now, id);
}

export function getRoomBySlug(db: Database, slug: string): Room | null {
  const r = db.query<RoomRow, [string]>(`${SELECT} WHERE r.slug = ?`).get(slug);
  return r ? toRoom(r) : null;
}

export function getRoomById(db: Database, id: number): Room | null {
  const r = db.query<RoomRow, [number]>(`${SELECT} WHERE r.id = ?`).get(id);
  return r ? toRoom(r) : null;
}

export function getRoomByStreamKey(db: Database, key: string): Room | null {
  const r = db.query<RoomRow, [string]>(`${SELECT} WHERE r.stream_key = ?`).get(key);
  return r ? toRoom(r) : null;
}

export function slugExists(db: Database, slug: string): boolean {
  return !!db.query("SELECT 1 FROM rooms WHERE slug = ?").get(slug);
}

export function listRooms(db: Database, limit: number): Room[] {
  return db.query<RoomRow, [number]>(`${SELECT} ORDER BY r.live_since IS NULL, r.live_since DESC, r.updated_at DESC LIMIT ?`).all(limit).map(toRoom);
}

export function listRoomsByOwner(db: Database, ownerId: number): Room[] {
  return db.query<RoomRow, [number]>(`${SELECT} WHERE r.owner_id = ? ORDER BY r.id`).all(ownerId).map(toRoom);
}

export function getStreamKey(db: Database, roomId: number): string | null {
  return db.query<{ k: string }, [number]>("SELECT stream_key AS k FROM rooms WHERE id = ?").get(roomId)?.k ?? null;
}

export function setStreamKey(db: Database, roomId: number, key: string, now: number): void {
  db.query("UPDATE rooms SET stream_key = ?, updated_at = ? WHERE id = ?").run(key, now, roomId);
}

export function setLatency(db: Database, roomId: number, mode: LatencyMode | null, now: number): void {
  db.query("UPDATE rooms SET latency = ?, updated_at = ? WHERE id = ?").run(mode, now, roomId);
}

export function setLiveSince(db: Database, roomId: number, at: number | null): void {
  db.query("UPDATE rooms SET live_since = ? WHERE id = ?").run(at, roomId);
}

export function clearAllLive(db: Database): void {
  db.query("UPDATE rooms SET live_since = NULL WHERE live_since IS NOT NULL").run();
}
