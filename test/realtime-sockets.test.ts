// Chat and moderation through real WebSocket clients and real HTTP against the real server (one per file).
// Each moderation action is observed by a second client, as a viewer would see it.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { removeDir, startServer, type RunningServer } from "./helpers/server";
import { WebSession } from "./helpers/session";
import { WsClient } from "./realtime-client";

let s: RunningServer;
let slug = "";
let wsBase = "";
const tokens: Record<string, string> = {};
const PASSWORD = "password123";
const USERS: [string, string][] = [
  ["cara", "creator"], ["molly", "viewer"], ["bob", "viewer"], ["alice", "viewer"], ["dave", "viewer"],
  ["erin", "viewer"], ["frank", "viewer"], ["gina", "viewer"], ["hank", "viewer"], ["ivy", "viewer"], ["judy", "viewer"],
];

function api(user: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${s.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${tokens[user]}`, "content-type": "application/json" }, body: JSON.stringify(body) });
}
const say = (user: string, text: string) => api(user, `/api/v1/rooms/${slug}/chat`, { text });
const moderate = (user: string, body: Record<string, unknown>) => api(user, `/api/v1/rooms/${slug}/moderation`, body);
const events = (user?: string) => WsClient.open(`${wsBase}/api/v1/rooms/${slug}/events${user ? `?token=${tokens[user]}` : ""}`);
const isChat = (text: string) => (e: Record<string, any>) => e.type === "chat" && e.text === text;

beforeAll(async () => {
  s = await startServer();
  await s.cli(["user", "create", "--username", "root", "--password", PASSWORD, "--role", "admin"]);
  await Promise.all(USERS.map(([u, role]) => s.cli(["user", "create", "--username", u, "--password", PASSWORD, "--role", role])));
  await Promise.all(USERS.map(async ([u]) => (tokens[u] = (await s.cli(["token", "create", "--username", u])).json.token)));
  slug = (await s.cli(["room", "create", "--owner", "cara", "--title", "Cara live"])).json.slug;
  wsBase = s.url.replace("http", "ws");
  expect((await moderate("cara", { action: "mod", username: "molly" })).status).toBe(200);
});

afterAll(async () => {
  await s.stop();
  removeDir(s.dataDir);
});

describe("chat over sockets", () => {
  test("unknown room: the upgrade is refused with 404 and a JSON error", async () => {
    await expect(WsClient.open(`${wsBase}/api/v1/rooms/no-such-room/events`)).rejects.toThrow("refused");
    await expect(WsClient.open(`${wsBase}/r/no-such-room/ws`)).rejects.toThrow("refused");
    const res = await fetch(`${s.url}/api/v1/rooms/no-such-room/events`, { headers: { upgrade: "websocket", connection: "upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no room "no-such-room"' });
    expect((await say("bob", "x")).status).toBe(201);
    expect((await api("bob", "/api/v1/rooms/no-such-room/chat", { text: "x" })).status).toBe(404);
    await expect(WsClient.open(`${wsBase}/api/v1/rooms/${slug}/events?token=lh_wrong`)).rejects.toThrow("refused");
  });

  test("POST chat → 201, seen live by a bot socket, and in the last 50 on join; anonymous cannot write", async () => {
    const bot = await events();
    const res = await say("bob", "hello @alice :wave:");
    expect(res.status).toBe(201);
    const sent = await res.json();
    const seen = await bot.waitEvent(isChat("hello @alice :wave:"));
    expect(seen.id).toBe(sent.id);
    expect(seen.user).toEqual({ username: "bob", displayName: "bob" });
    expect(seen.parts).toContainEqual({ t: "mention", v: "alice" });
    const late = await events();
    await late.waitEvent((e) => e.history === true && e.id === sent.id, "history");
    const anon = await fetch(`${s.url}/api/v1/rooms/${slug}/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: "hi" }) });
    expect(anon.status).toBe(403); // no token, no cookie: CSRF gate first
    late.send({ type: "chat", text: "anonymous socket" });
    expect((await late.waitEvent((e) => e.type === "notice")).code).toBe("login");
    bot.close();
    late.close();
  });

  test("oversize and rate-limited messages are answered with a notice, never dropped silently", async () => {
    const alice = await events("alice");
    alice.send({ type: "chat", text: "x".repeat(301) });
    const n = await alice.waitEvent((e) => e.type === "notice");
    expect(n).toMatchObject({ code: "tooLong", status: 422 });
    expect(n.message).toContain("300");
    const over = await say("hank", "y".repeat(301));
    expect(over.status).toBe(422);
    expect((await over.json()).code).toBe("tooLong");
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await say("hank", `spam ${i}`)).status);
    expect(statuses.slice(0, 10).every((x) => x === 201)).toBe(true);
    const limited = await say("hank", "one more");
    expect(limited.status).toBe(429);
    expect((await limited.json()).error).toMatch(/too fast/);
    for (let i = 0; i < 10; i++) alice.send({ type: "chat", text: `alice ${i}` });
    alice.send({ type: "chat", text: "alice over" });
    expect((await alice.waitEvent((e) => e.type === "notice" && e.code === "rate")).status).toBe(429);
    alice.close();
  });

  test("banned term (room list and global list): only the sender sees the message", async () => {
    expect((await s.cli(["chat", "term-add", "--room", slug, "--term", "cheap pills"])).code).toBe(0);
    expect((await s.cli(["chat", "term-add", "--term", "GlobalSpam"])).code).toBe(0);
    expect((await s.cli(["chat", "term-add", "--room", "nope", "--term", "x"])).code).not.toBe(0);
    expect((await s.cli(["chat", "term-add", "--room", slug, "--term", "temporary"])).json.terms).toContain("temporary");
    expect((await s.cli(["chat", "term-remove", "--room", slug, "--term", "temporary"])).json.terms).toEqual(["cheap pills"]);
    expect((await s.cli(["chat", "term-remove", "--term", "never added"])).code).toBe(1);
    expect((await s.cli(["chat", "terms"])).json).toEqual({ scope: "global", terms: ["GlobalSpam"] });
    const bob = await events("bob");
    const gina = await events("gina");
    expect((await say("gina", "Buy CHEAP PILLS now")).status).toBe(201);
    expect((await say("gina", "globalspam here")).status).toBe(201);
    await gina.waitEvent(isChat("Buy CHEAP PILLS now"), "own blocked message");
    await gina.waitEvent(isChat("globalspam here"), "own blocked message");
    expect((await say("gina", "a clean line")).status).toBe(201);
    await bob.waitEvent(isChat("a clean line"));
    expect(bob.events().filter((e) => e.type === "chat").map((e) => e.text)).not.toContain("Buy CHEAP PILLS now");
    expect(bob.events().filter((e) => e.type === "chat").map((e) => e.text)).not.toContain("globalspam here");
    const late = await events();
    await late.waitEvent(isChat("a clean line"), "history");
    expect(late.events().map((e) => e.text)).not.toContain("Buy CHEAP PILLS now");
    bob.close();
    gina.close();
    late.close();
  });

  test("slow mode: the second quick message is refused and never reaches the other viewer", async () => {
    const bob = await events("bob");
    expect((await moderate("molly", { action: "slow", seconds: 30 })).status).toBe(200);
    expect(await bob.waitEvent((e) => e.type === "moderation" && e.action === "slow")).toMatchObject({ seconds: 30 });
    expect((await say("dave", "first under slow mode")).status).toBe(201);
    const second = await say("dave", "second under slow mode");
    expect(second.status).toBe(429);
    expect((await second.json()).code).toBe("slow");
    expect((await say("molly", "moderators are not slowed")).status).toBe(201);
    await bob.waitEvent(isChat("moderators are not slowed"));
    expect(bob.events().map((e) => e.text)).toContain("first under slow mode");
    expect(bob.events().map((e) => e.text)).not.toContain("second under slow mode");
    expect((await moderate("bob", { action: "slow", seconds: 0 })).status).toBe(403);
    expect((await moderate("cara", { action: "slow", seconds: 0 })).status).toBe(200);
    bob.close();
  });

  test("timeout: observed by another viewer; the timed-out user is refused until it ends", async () => {
    const bob = await events("bob");
    const erin = await events("erin");
    expect((await moderate("molly", { action: "timeout", username: "erin", minutes: 5 })).status).toBe(200);
    expect(await bob.waitEvent((e) => e.type === "moderation" && e.action === "timeout")).toMatchObject({ username: "erin", minutes: 5 });
    const r = await say("erin", "am I muted?");
    expect(r.status).toBe(403);
    expect((await r.json()).code).toBe("timeout");
    erin.send({ type: "chat", text: "and over the socket?" });
    expect((await erin.waitEvent((e) => e.type === "notice")).code).toBe("timeout");
    expect((await moderate("molly", { action: "timeout", username: "cara", minutes: 5 })).status).toBe(403);
    bob.close();
    erin.close();
  });

  test("ban: observed by another viewer; it covers this room only (chat, sockets, gifts), not the rest of the site", async () => {
    const other = (await s.cli(["room", "create", "--owner", "cara", "--title", "Cara second"])).json.slug;
    const giftId = (await s.cli(["gift", "create", "--name", "Pebble", "--coins", "1"])).json.id;
    const frankWeb = new WebSession(s.url);
    await frankWeb.login("frank", PASSWORD);
    expect(frankWeb.cookies.has("lh_session")).toBe(true);
    const frankPage = await WsClient.open(`${wsBase}/r/${slug}/ws`, { cookie: frankWeb.cookieHeader(), origin: s.url });
    const frankElsewhere = await WsClient.open(`${wsBase}/api/v1/rooms/${other}/events?token=${tokens.frank}`);
    const bob = await events("bob");
    // A moderator (a viewer appointed by the creator) bans: the room's sockets close, nothing else does.
    expect((await moderate("molly", { action: "ban", username: "frank" })).status).toBe(200);
    expect(await bob.waitEvent((e) => e.type === "moderation" && e.action === "ban")).toMatchObject({ username: "frank" });
    await frankPage.waitClosed();
    expect((await frankWeb.fetch("/settings")).status).toBe(200); // still signed in
    expect((await api("frank", `/api/v1/rooms/${other}/chat`, { text: "hello from the other room" })).status).toBe(201);
    await frankElsewhere.waitEvent(isChat("hello from the other room"));
    const r = await say("frank", "still here?");
    expect(r.status).toBe(403);
    expect((await r.json()).code).toBe("banned");
    await expect(WsClient.open(`${wsBase}/api/v1/rooms/${slug}/events?token=${tokens.frank}`)).rejects.toThrow("refused");
    await expect(WsClient.open(`${wsBase}/r/${slug}/ws`, { cookie: frankWeb.cookieHeader(), origin: s.url })).rejects.toThrow("refused");
    const gift = (room: string) => api("frank", `/api/v1/rooms/${room}/gifts`, { giftId, idempotencyKey: `frank-gift-${room}` });
    expect((await gift(slug)).status).toBe(403);
    expect((await gift(other)).status).toBe(402); // allowed, just no coins
    expect((await moderate("cara", { action: "unban", username: "frank" })).status).toBe(200);
    expect((await say("frank", "back again")).status).toBe(201);
    frankElsewhere.close();
    bob.close();
  });

  test("site-wide suspension is an admin action: sessions end, sockets close in every room, tokens stop working", async () => {
    const frankWeb = new WebSession(s.url);
    await frankWeb.login("frank", PASSWORD);
    const frankSocket = await WsClient.open(`${wsBase}/api/v1/rooms/${slug}/events?token=${tokens.frank}`);
    const frankId = (await (await fetch(`${s.url}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.frank}` } })).json()).id;
    // A creator is not an admin.
    const cara = new WebSession(s.url);
    await cara.login("cara", PASSWORD);
    expect((await cara.postForm(`/admin/users/${frankId}/suspend`, { suspended: "1" })).status).toBe(403);
    const root = new WebSession(s.url);
    await root.login("root", PASSWORD);
    await root.page("/admin");
    expect((await root.postForm(`/admin/users/${frankId}/suspend`, { suspended: "1" })).status).toBe(303);
    await frankSocket.waitClosed();
    expect((await frankWeb.fetch("/settings")).status).toBe(303);
    expect((await say("frank", "suspended?")).status).toBe(401);
    expect((await root.page("/admin")).body).toContain("Lift suspension");
    const lifted = await s.cli(["user", "suspend", "--username", "frank", "--lift"]);
    expect(lifted.json).toEqual({ id: frankId, username: "frank", suspended: false });
    expect((await say("frank", "back")).status).toBe(201);
  });

  test("delete: the message disappears for everyone, live and in history", async () => {
    const bob = await events("bob");
    const sent = await (await say("ivy", "please delete me")).json();
    await bob.waitEvent(isChat("please delete me"));
    expect((await moderate("ivy", { action: "delete", messageId: sent.id })).status).toBe(403);
    expect((await moderate("molly", { action: "delete", messageId: sent.id })).status).toBe(200);
    expect(await bob.waitEvent((e) => e.type === "moderation" && e.action === "delete")).toMatchObject({ messageId: sent.id });
    const late = await events();
    await late.waitEvent((e) => e.history === true, "history");
    expect(late.events().map((e) => e.id)).not.toContain(sent.id);
    expect((await moderate("molly", { action: "delete", messageId: 999999 })).status).toBe(404);
    bob.close();
    late.close();
  });

  test("links only from moderators; followers-only chat; !command auto-replies", async () => {
    const r = await say("bob", "see https://evil.example/x");
    expect(r.status).toBe(403);
    expect((await r.json()).code).toBe("link");
    const modLink = await (await say("molly", "rules at https://example.com/rules")).json();
    expect(modLink.parts).toContainEqual({ t: "link", v: "https://example.com/rules" });

    expect((await moderate("cara", { action: "followers", enabled: true })).status).toBe(200);
    const nf = await say("ivy", "can I talk?");
    expect(nf.status).toBe(403);
    expect((await nf.json()).code).toBe("followers");
    expect((await api("ivy", `/api/v1/rooms/${slug}/follow`, { following: true })).status).toBe(200);
    expect((await say("ivy", "now I can")).status).toBe(201);
    expect((await moderate("cara", { action: "followers", enabled: false })).status).toBe(200);

    const cara = new WebSession(s.url);
    await cara.login("cara", PASSWORD);
    const page = await cara.page(`/studio/rooms/${slug}/chat`);
    expect(page.res.status).toBe(200);
    expect((await cara.postForm(`/studio/rooms/${slug}/chat/commands`, { name: "shipping", reply: "We ship in 2 days" })).status).toBe(303);
    expect((await cara.postForm(`/studio/rooms/${slug}/chat/commands`, { name: "bad name!", reply: "x" })).status).toBe(422);
    const bob = await events("bob");
    expect((await say("dave", "!shipping")).status).toBe(201);
    const reply = await bob.waitEvent((e) => e.type === "chat" && e.bot === true);
    expect(reply).toMatchObject({ text: "We ship in 2 days", user: null });
    bob.close();
  });

  test("follow button; creator emotes (:name:) uploaded in the Studio and shown in chat", async () => {
    const bot = await events();
    const bobWeb = new WebSession(s.url);
    await bobWeb.login("bob", PASSWORD);
    const follow = await bobWeb.postForm(`/r/${slug}/follow`, { on: "1" }, { "hx-request": "true" });
    expect(follow.status).toBe(200);
    expect(await follow.text()).toContain("Following");
    expect(await bot.waitEvent((e) => e.type === "follow")).toMatchObject({ username: "bob" });
    expect((await bobWeb.postForm(`/r/${slug}/follow`, { on: "1" })).status).toBe(303); // already following: no second event

    const cara = new WebSession(s.url);
    await cara.login("cara", PASSWORD);
    await cara.page(`/studio/rooms/${slug}/chat`);
    const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));
    const upload = (name: string, bytes: Uint8Array<ArrayBuffer>, type: string) => {
      const form = new FormData();
      form.set("name", name);
      form.set("image", new Blob([bytes], { type }), "e.png");
      return cara.fetch(`/studio/rooms/${slug}/chat/emotes`, { method: "POST", body: form });
    };
    expect((await upload("wave", png, "image/png")).status).toBe(303);
    expect((await upload("Bad Name", png, "image/png")).status).toBe(422);
    expect((await upload("script", new TextEncoder().encode("<script>alert(1)</script>"), "image/png")).status).toBe(422);
    const sent = await (await say("gina", "hi :wave: and :nope:")).json();
    const emote = sent.parts.find((p: { t: string }) => p.t === "emote");
    expect(emote).toMatchObject({ t: "emote", name: "wave" });
    expect(sent.parts.at(-1)).toEqual({ t: "text", v: " and :nope:" });
    const img = await fetch(s.url + emote.url);
    expect(img.status).toBe(200);
    expect(new Uint8Array(await img.arrayBuffer())).toEqual(png);
    expect((await fetch(`${s.url}/emotes/../../livehouse.db`)).status).toBe(404);
    const panel = await cara.page(`/r/${slug}/chat`);
    expect(panel.body).toContain(`href="/studio/rooms/${slug}/chat"`);
    expect(panel.body).toContain("data-mod=");
    bot.close();
  });

  test("room page socket: HTML fragments, escaped, cross-origin refused, likes coalesced, viewers counted", async () => {
    const bobWeb = new WebSession(s.url);
    await bobWeb.login("bob", PASSWORD);
    await expect(WsClient.open(`${wsBase}/r/${slug}/ws`, { cookie: bobWeb.cookieHeader(), origin: "http://evil.example" })).rejects.toThrow("refused");
    await expect(WsClient.open(`${wsBase}/api/v1/rooms/${slug}/events`, { cookie: bobWeb.cookieHeader(), origin: "http://evil.example" })).rejects.toThrow("refused");
    const panel = await bobWeb.page(`/r/${slug}/chat`);
    expect(panel.body).toContain('hx-ws:connect="/r/');
    const viewer = /data-viewer="([^"]+)"/.exec(panel.body)![1]!;
    const page = await WsClient.open(`${wsBase}/r/${slug}/ws?v=${viewer}`, { cookie: bobWeb.cookieHeader(), origin: s.url });
    await page.waitFrame((f) => f.includes('id="chat-list" hx-swap-oob="innerHTML"'), "history fragment");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(panel.body)![1]!;
    page.send({ text: "<img src=x onerror=alert(1)>", _csrf: csrf, headers: { "HX-Request": "true" } });
    const frame = await page.waitFrame((f) => f.includes("onerror"), "own message");
    expect(frame).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(frame).not.toContain("<img src=x");
    page.send({ text: "forged", _csrf: "wrong", headers: {} });
    await page.waitFrame((f) => f.includes('data-code="invalid"'), "csrf notice");

    const bot = await events();
    for (let i = 0; i < 5; i++) page.send({ action: "like", headers: {} });
    let total = 0;
    await bot.waitEvent((e) => e.type === "like" && (total = e.total) >= 5, "likes");
    expect(total).toBe(5);
    await page.waitFrame((f) => f.includes('id="like-count"') && f.includes(">5<"), "like count");

    const ping = await fetch(`${s.url}/api/v1/rooms/${slug}/ping?v=hls-only-viewer-1`);
    expect(ping.status).toBe(204);
    expect((await fetch(`${s.url}/api/v1/rooms/${slug}/ping?v=x`)).status).toBe(422);
    await bot.waitEvent((e) => e.type === "viewers" && e.count === 2, "viewer count");
    expect((await (await fetch(`${s.url}/api/v1/rooms/${slug}`)).json()).viewers).toBe(2);
    page.close();
    bot.close();
  });
});

describe("a message the database cannot take", () => {
  test("write lock held past the busy timeout: the socket gets the `failed` notice, HTTP a 500, nobody sees the message, and chat goes on", async () => {
    const room = (await s.cli(["room", "create", "--owner", "cara", "--title", "Cara locked"])).json.slug as string;
    const url = (user?: string) => `${wsBase}/api/v1/rooms/${room}/events${user ? `?token=${tokens[user]}` : ""}`;
    const [judy, viewer] = await Promise.all([WsClient.open(url("judy")), WsClient.open(url())]);
    // Another process holding the write lock (a stuck writer) for longer than the server's busy timeout (5 s).
    const lock = new Database(join(s.dataDir, "livehouse.db"));
    lock.exec("BEGIN IMMEDIATE");
    try {
      judy.send({ type: "chat", text: "held back" });
      const notice = JSON.parse(await judy.waitFrame((f) => f.includes('"type":"notice"'), "failed notice", 20_000));
      expect(notice).toMatchObject({ type: "notice", code: "failed", status: 500 });
      expect(notice.message.length).toBeGreaterThan(0);
      const res = await api("judy", `/api/v1/rooms/${room}/chat`, { text: "held back too" });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: "internal error" });
    } finally {
      lock.exec("ROLLBACK");
      lock.close();
    }
    judy.send({ type: "chat", text: "after the lock" });
    await viewer.waitEvent(isChat("after the lock"));
    expect((await api("judy", `/api/v1/rooms/${room}/chat`, { text: "and over HTTP" })).status).toBe(201);
    await viewer.waitEvent(isChat("and over HTTP"));
    const seen = viewer.events().filter((e) => e.type === "chat").map((e) => e.text);
    expect(seen).toEqual(["after the lock", "and over HTTP"]);
    const history = await WsClient.open(url());
    await history.waitEvent(isChat("and over HTTP"));
    expect(history.events().filter((e) => e.type === "chat").map((e) => e.text)).toEqual(["after the lock", "and over HTTP"]);
    for (const c of [judy, viewer, history]) c.close();
  }, 60_000);
});
