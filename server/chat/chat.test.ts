// Chat's group commit on a real SQLite file: the messages posted in one turn of the event loop share one
// transaction, each is committed before it is announced, they are announced in the order posted, and a message that
// cannot be saved fails alone.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { createUser } from "../accounts/accounts";
import type { User } from "../accounts/model";
import { loadConfig } from "../config";
import type { Deps } from "../deps";
import { migrate } from "../db/migrate";
import { openDb } from "../db/open";
import { SCHEMAS } from "../db/schema";
import { createBus } from "../events/bus";
import type { RoomEvent } from "../realtime/model";
import type { Room } from "../rooms/model";
import { createRoom } from "../rooms/rooms";
import { removeDir, tempDataDir } from "../../test/helpers/server";
import { createChat } from "./chat";

const dir = tempDataDir();
const path = join(dir, "livehouse.db");
const db = openDb(path, "app");
migrate(db, SCHEMAS);
// A second connection, as another process would have: it sees only what is committed.
const other = new Database(path, { readonly: true });
const deps: Deps = { config: loadConfig(["--data-dir", dir, "--chat-rate-limit", "1000"], {}), db, moneyDb: openDb(path, "money"), bus: createBus(() => {}), now: () => Date.now(), log: () => {} };
const chat = createChat(deps, { toUser: () => {}, disconnectUser: () => {}, canWatch: () => true });
const heard: { text: string; committed: boolean }[] = [];
deps.bus.on("room.event", ({ event }: { roomId: number; event: RoomEvent }) => {
  if (event.type !== "chat") return;
  const row = other.query("SELECT count(*) AS n FROM chat_messages WHERE id = ?").get(event.id) as { n: number };
  heard.push({ text: event.text, committed: row.n === 1 });
});
let users: User[] = [];
let room: Room;

function newRoom(title: string): Room {
  const r = createRoom(db, users[0]!, { title, description: "", category: "other", tags: "" });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

/** Frames in the WAL since it was last emptied: every commit appends the pages it changed. */
function walFrames(): number {
  return (db.query("PRAGMA wal_checkpoint(PASSIVE)").get() as { log: number }).log;
}

beforeAll(async () => {
  for (const name of ["anna", "benny", "cyril"]) {
    const r = await createUser(db, { username: name, password: "password123", role: name === "anna" ? "creator" : "viewer" });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    users.push(r.value);
  }
  room = newRoom("Group commit");
});

afterAll(() => {
  other.close();
  deps.moneyDb.close();
  db.close();
  removeDir(dir);
});

test("messages posted in one turn share one commit, are committed before they are announced, and keep their order", async () => {
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  heard.length = 0;
  const texts = Array.from({ length: 30 }, (_, i) => `line ${i}`);
  const posts = texts.map((t, i) => chat.post(room, { user: users[i % 3]!, ip: null }, t));
  // Nothing is written, and so nothing announced, before the turn ends.
  expect(heard).toEqual([]);
  expect((other.query("SELECT count(*) AS n FROM chat_messages").get() as { n: number }).n).toBe(0);
  const results = await Promise.all(posts);
  expect(results.every((r) => r.ok)).toBe(true);
  expect(heard).toEqual(texts.map((text) => ({ text, committed: true })));
  const ids = results.map((r) => (r.ok ? r.event!.id : 0));
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
  // One transaction: a few pages (the table's leaf and its index's), not two or more pages per message.
  expect(walFrames()).toBeLessThan(10);
  // A message posted alone afterwards is its own commit, at once.
  const single = await chat.post(room, { user: users[1]!, ip: null }, "later");
  expect(single.ok).toBe(true);
  expect(heard.at(-1)).toEqual({ text: "later", committed: true });
});

test("a message that cannot be saved fails alone: the others of its turn are committed and announced", async () => {
  heard.length = 0;
  const doomed = newRoom("Gone before the commit");
  const before = chat.post(room, { user: users[1]!, ip: null }, "first");
  const lost = chat.post(doomed, { user: users[2]!, ip: null }, "into a deleted room");
  const after = chat.post(room, { user: users[2]!, ip: null }, "second");
  // The room goes away between the post and the end of the turn: its message breaks the foreign key.
  db.query("DELETE FROM rooms WHERE id = ?").run(doomed.id);
  expect((await before).ok).toBe(true);
  await expect(lost).rejects.toThrow(/FOREIGN KEY/);
  expect((await after).ok).toBe(true);
  expect(heard.map((h) => h.text)).toEqual(["first", "second"]);
  expect(chat.history(room.id).slice(-2).map((e) => e.text)).toEqual(["first", "second"]);
});
