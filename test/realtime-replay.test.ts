// The realtime layer in-process over a real SQLite file and a controllable clock: chat offsets into a broadcast
// (replay in sync), per-broadcast stats (peak viewers, likes, messages), retention. Requests go through app.handle.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { join } from "node:path";
import { createAccessToken, createUser } from "../server/accounts/accounts";
import type { User } from "../server/accounts/model";
import { loadConfig } from "../server/config";
import { migrate } from "../server/db/migrate";
import { openDb } from "../server/db/open";
import { SCHEMAS } from "../server/db/schema";
import { createBus } from "../server/events/bus";
import type { Deps } from "../server/deps";
import { createChat } from "../server/chat/chat";
import { chatRoutes } from "../server/chat/routes";
import { chatRenderers, renderChatHistory } from "../server/chat/renderers";
import { createRealtime } from "../server/realtime";
import { createHub } from "../server/realtime/hub";
import { createRoom } from "../server/rooms/rooms";
import type { Room } from "../server/rooms/model";
import { createAccess } from "../server/access/access";
import { NO_ENTITLEMENTS } from "../server/access/entitlements";
import { removeDir, tempDataDir } from "./helpers/server";

let clock = Date.UTC(2026, 0, 1, 12);
const dir = tempDataDir();
const db = openDb(join(dir, "livehouse.db"), "app");
migrate(db, SCHEMAS);
const deps: Deps = { config: loadConfig(["--data-dir", dir, "--chat-retention-days", "1"], {}), db, moneyDb: openDb(join(dir, "livehouse.db"), "money"), bus: createBus(() => {}), now: () => clock, log: () => {} };
// Wired as server/app.tsx wires them: the hub and chat are built first, then realtime; chat routes mounted beside.
const hub = createHub({ ...deps, renderers: chatRenderers });
const { canWatchRoom: canWatch } = createAccess(deps, NO_ENTITLEMENTS);
const chat = createChat(deps, { toUser: hub.toUser, disconnectUser: hub.disconnectUser, canWatch });
const rt = createRealtime(deps, { hub, chat, history: renderChatHistory, canWatch });
deps.bus.on("room.event", rt.forgetHistory);
const realtime = {
  ...rt,
  chat,
  service: {
    start: () => rt.services.forEach((s) => s.start()),
    stop: () => [...rt.services].reverse().forEach((s) => s.stop()),
  },
};
const app = new Elysia().use(rt.routes()).use(chatRoutes({ ...deps, chat, viewerCount: rt.viewerCount }));
let room: Room;
let token = "";

beforeAll(async () => {
  const owner = (await createUser(db, { username: "cara", password: "password123", role: "creator" })) as { ok: true; value: User };
  const viewer = (await createUser(db, { username: "bob", password: "password123", role: "viewer" })) as { ok: true; value: User };
  room = (createRoom(db, owner.value, { title: "Replay room", description: "", category: "other", tags: "" }) as { ok: true; value: Room }).value;
  token = createAccessToken(db, viewer.value.id, "t").token;
});

afterAll(() => {
  realtime.service.stop();
  deps.moneyDb.close();
  db.close();
  removeDir(dir);
});

const say = (text: string) =>
  app.handle(new Request(`http://localhost/api/v1/rooms/${room.slug}/chat`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ text }) }));
const get = (path: string) => app.handle(new Request(`http://localhost${path}`));

test("messages keep their offset into the broadcast; the replay route returns them in order by window", async () => {
  expect((await (await say("before the broadcast")).json()).offsetMs).toBeNull();
  const startedAt = clock;
  deps.bus.emit("broadcast.started", { roomId: room.id, slug: room.slug, broadcastId: 42, at: startedAt });
  clock += 5_000;
  expect((await (await say("five seconds in")).json()).offsetMs).toBe(5_000);
  clock += 60_000;
  expect((await say("a minute later")).status).toBe(201);
  const all = await (await get("/api/v1/broadcasts/42/chat")).json();
  expect(all.messages.map((m: { text: string; offsetMs: number }) => [m.offsetMs, m.text])).toEqual([[5_000, "five seconds in"], [65_000, "a minute later"]]);
  const window = await (await get("/api/v1/broadcasts/42/chat?from=60000&to=70000")).json();
  expect(window.messages.map((m: { text: string }) => m.text)).toEqual(["a minute later"]);
  expect((await get("/api/v1/broadcasts/43/chat")).status).toBe(404);
  expect((await get("/api/v1/broadcasts/42/chat?from=10&to=5")).status).toBe(422);
  expect((await get("/api/v1/broadcasts/42/chat?from=abc")).status).toBe(422);
});

test("peak viewers, likes and messages are stored per broadcast", async () => {
  for (const v of ["viewer-aaaa-1", "viewer-bbbb-2", "viewer-cccc-3"]) expect((await get(`/api/v1/rooms/${room.slug}/ping?v=${v}`)).status).toBe(204);
  realtime.viewers.tick();
  clock += 20_000; // the pings expire
  realtime.viewers.tick();
  expect(realtime.viewerCount(room.id)).toBe(0);
  for (let i = 0; i < 4; i++) realtime.chat.like(room.id, `u${i}`);
  deps.bus.emit("broadcast.ended", { roomId: room.id, slug: room.slug, broadcastId: 42, at: clock }); // flushes pending likes first
  const stats = realtime.chat.stats(42)!;
  expect(stats).toMatchObject({ peakViewers: 3, likes: 4, messages: 2, endedAt: clock });
  const replay = await (await get("/api/v1/broadcasts/42/chat")).json();
  expect(replay).toMatchObject({ peakViewers: 3, likes: 4 });
  expect((await (await say("after the broadcast")).json()).offsetMs).toBeNull();
});

test("a ban can cover the address: another account from it is refused too", async () => {
  const mallory = (await createUser(db, { username: "mallory", password: "password123", role: "viewer" })) as { ok: true; value: User };
  const sock = (await createUser(db, { username: "sockpuppet", password: "password123", role: "viewer" })) as { ok: true; value: User };
  const owner = (await createUser(db, { username: "boss", password: "password123", role: "admin" })) as { ok: true; value: User };
  expect((await realtime.chat.post(room, { user: mallory.value, ip: "203.0.113.9" }, "hello")).ok).toBe(true);
  expect(realtime.chat.moderate(room, owner.value, { action: "ban", username: "mallory", ip: true })).toEqual({ ok: true });
  expect(await realtime.chat.post(room, { user: sock.value, ip: "203.0.113.9" }, "it's me again")).toMatchObject({ ok: false, code: "banned" });
  expect((await realtime.chat.post(room, { user: sock.value, ip: "198.51.100.1" }, "elsewhere")).ok).toBe(true);
});

test("retention removes messages older than the configured days", async () => {
  clock += 2 * 24 * 3600_000;
  expect((await say("fresh")).status).toBe(201);
  realtime.service.start(); // sweeps at start, then hourly
  realtime.service.stop();
  expect(realtime.chat.history(room.id).map((e) => e.text)).toEqual(["fresh"]);
});
