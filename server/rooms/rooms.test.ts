import { Database } from "bun:sqlite";
import { beforeEach, describe, expect, test } from "bun:test";
import { createUser } from "../accounts/accounts";
import type { User } from "../accounts/model";
import { migrate } from "../db/migrate";
import { SCHEMAS } from "../db/schema";
import * as rooms from "./rooms";

let db: Database;
let creator: User;
let viewer: User;
const input = { title: "Friday Night Jazz", description: "live", category: "music", tags: "jazz, #live, jazz" };

beforeEach(async () => {
  db = new Database(":memory:");
  migrate(db, SCHEMAS);
  const c = await createUser(db, { username: "creator", password: "password1", role: "creator" });
  const v = await createUser(db, { username: "viewer", password: "password1", role: "viewer" });
  if (!c.ok || !v.ok) throw new Error("setup");
  creator = c.value;
  viewer = v.value;
});

describe("rooms", () => {
  test("a creator creates a room with a slug, tags and a secret stream key", () => {
    const r = rooms.createRoom(db, creator, input);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.slug).toBe("friday-night-jazz");
    expect(r.value.tags).toEqual(["jazz", "live"]);
    expect(r.value.streamKey).toMatch(/^live_[A-Za-z0-9_-]{32}$/);
    expect(rooms.roomForStreamKey(db, r.value.streamKey)?.id).toBe(r.value.id);
  });

  test("slugs stay unique; non-latin titles get a generated slug", () => {
    const a = rooms.createRoom(db, creator, input);
    const b = rooms.createRoom(db, creator, input);
    const c = rooms.createRoom(db, creator, { ...input, title: "周五爵士夜" });
    if (!a.ok || !b.ok || !c.ok) throw new Error("setup");
    expect(b.value.slug).not.toBe(a.value.slug);
    expect(b.value.slug.startsWith("friday-night-jazz-")).toBe(true);
    expect(c.value.slug).toMatch(/^room-[a-z0-9]{4,5}$/);
  });

  test("viewers cannot create rooms; bad input writes nothing", () => {
    expect(rooms.createRoom(db, viewer, input).ok).toBe(false);
    const bad = rooms.createRoom(db, creator, { title: " ", description: "x".repeat(2001), category: "nope", tags: "" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.field)).toEqual(["title", "description", "category"]);
    expect(rooms.listRooms(db, 10)).toHaveLength(0);
  });

  test("rotating the key refuses the old one at once", () => {
    const r = rooms.createRoom(db, creator, input);
    if (!r.ok) throw new Error("setup");
    const fresh = rooms.rotateStreamKey(db, r.value.id);
    expect(rooms.roomForStreamKey(db, r.value.streamKey)).toBeNull();
    expect(rooms.roomForStreamKey(db, fresh)?.id).toBe(r.value.id);
    expect(rooms.maskKey(fresh)).not.toContain(fresh.slice(5, -4));
  });

  test("live rooms list first", () => {
    const a = rooms.createRoom(db, creator, { ...input, title: "Alpha" });
    const b = rooms.createRoom(db, creator, { ...input, title: "Beta" });
    if (!a.ok || !b.ok) throw new Error("setup");
    rooms.markLive(db, a.value.id, 1000);
    expect(rooms.listRooms(db, 10).map((r) => r.title)).toEqual(["Alpha", "Beta"]);
    rooms.markLive(db, a.value.id, null);
    rooms.markLive(db, b.value.id, 2000);
    expect(rooms.listRooms(db, 10)[0]?.title).toBe("Beta");
  });

  test("only the owner or an admin manages a room", async () => {
    const r = rooms.createRoom(db, creator, input);
    if (!r.ok) throw new Error("setup");
    expect(rooms.canManage(creator, r.value)).toBe(true);
    expect(rooms.canManage(viewer, r.value)).toBe(false);
    expect(rooms.canManage({ ...viewer, role: "admin" }, r.value)).toBe(true);
  });
});
