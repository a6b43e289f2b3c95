// Room rules: creation, editing, slugs, stream keys and live state. Plain functions over a Database.
import type { Database } from "bun:sqlite";
import type { FieldError, User } from "../accounts/model";
import { randomToken } from "../accounts/secrets";
import { CATEGORIES, type LatencyMode, type Room, type RoomInput } from "./model";
import * as store from "./storage";

export type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function parseTags(raw: string): string[] {
  const tags = raw
    .split(/[,，\s]+/)
    .map((t) => t.trim().replace(/^#/, "").slice(0, 24))
    .filter(Boolean);
  return [...new Set(tags)].slice(0, 8);
}

export function validateRoomInput(input: RoomInput): FieldError[] {
  const errors: FieldError[] = [];
  const title = input.title.trim();
  if (title.length < 1 || title.length > 100) errors.push({ field: "title", message: "error.title" });
  if (input.description.length > 2000) errors.push({ field: "description", message: "error.description" });
  if (!(CATEGORIES as readonly string[]).includes(input.category)) errors.push({ field: "category", message: "error.category" });
  if (input.tags.length > 300) errors.push({ field: "tags", message: "error.tags" });
  return errors;
}

function slugify(title: string): string {
  return title
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
}

function uniqueSlug(db: Database, title: string): string {
  const base = slugify(title);
  if (base.length >= 3 && !store.slugExists(db, base)) return base;
  for (;;) {
    const suffix = randomToken(4).toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 5);
    const slug = base.length >= 3 ? `${base}-${suffix}` : `room-${suffix}`;
    if (suffix.length >= 4 && !store.slugExists(db, slug)) return slug;
  }
}

export function newStreamKey(): string {
  return "live_" + randomToken(24);
}

export function createRoom(db: Database, owner: User, input: RoomInput, now = Date.now()): Result<Room & { streamKey: string }> {
  if (owner.role !== "creator" && owner.role !== "admin") return { ok: false, errors: [{ field: "owner", message: "error.notCreator" }] };
  const errors = validateRoomInput(input);
  if (errors.length) return { ok: false, errors };
  const streamKey = newStreamKey();
  const id = db.transaction(() =>
    store.insertRoom(db, {
      ownerId: owner.id, slug: uniqueSlug(db, input.title), title: input.title.trim(), description: input.description.trim(),
      category: input.category, tags: parseTags(input.tags), streamKey, now,
    }),
  )();
  return { ok: true, value: { ...store.getRoomById(db, id)!, streamKey } };
}

export function editRoom(db: Database, room: Room, input: RoomInput, now = Date.now()): Result<Room> {
  const errors = validateRoomInput(input);
  if (errors.length) return { ok: false, errors };
  store.updateRoom(db, room.id, { title: input.title.trim(), description: input.description.trim(), category: input.category, tags: parseTags(input.tags), now });
  return { ok: true, value: store.getRoomById(db, room.id)! };
}

/** Only the owner (or an admin) manages a room. */
export function canManage(user: User | null, room: Room): boolean {
  return !!user && (user.id === room.ownerId || user.role === "admin");
}

/** Replaces the key; the old one stops matching at once because lookups go by the stored key. */
export function rotateStreamKey(db: Database, roomId: number, now = Date.now()): string {
  const key = newStreamKey();
  store.setStreamKey(db, roomId, key, now);
  return key;
}

export function maskKey(key: string): string {
  return key.slice(0, 5) + "•".repeat(12) + key.slice(-4);
}

export function roomForStreamKey(db: Database, key: string): Room | null {
  if (!/^live_[A-Za-z0-9_-]{16,64}$/.test(key)) return null;
  return store.getRoomByStreamKey(db, key);
}

/** The room's latency mode (null: the instance default); a live broadcast keeps its mode until the next publish. */
export function setLatencyMode(db: Database, roomId: number, mode: LatencyMode | null, now = Date.now()): void {
  store.setLatency(db, roomId, mode, now);
}

export function markLive(db: Database, roomId: number, since: number | null): void {
  store.setLiveSince(db, roomId, since);
}

export const { getRoomBySlug, getRoomById, listRooms, listRoomsByOwner, getStreamKey, setCover, clearAllLive } = store;
