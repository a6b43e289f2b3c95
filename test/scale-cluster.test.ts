// Two Livehouse processes on one data directory + a real redis-server (docs/operations.md, "Running several
// processes"): A is `serve --role all` (the default), B is `serve --role web`. What one process accepts reaches the
// other's sockets; viewer counts, the top-gifters board and rate limits agree; a Redis restart heals; a killed web
// process loses no acknowledged write.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { join } from "node:path";
import { startRedis, type RunningRedis } from "./helpers/redis";
import { freePort, removeDir, startServer, startWebProcess, tempDataDir, type RunningServer } from "./helpers/server";
import { waitFor } from "./live-helpers";
import { WsClient } from "./realtime-client";
import { cliOk } from "./shop-helpers";

let redis: RunningRedis;
let a: RunningServer;
let b: RunningServer;
let slug = "";
let rose = 0;
const tokens: Record<string, string> = {};
const sockets: WsClient[] = [];
// The same configuration on both processes, as an operator would run them. Chat allows 5 messages per user per
// 10 s (the shared-limit test), so the kill test's writes are mostly gifts.
const ARGS = ["--chat-rate-limit", "5", "--gift-rate-per-minute", "250"];

async function user(name: string, coins = 0): Promise<string> {
  await cliOk(a, ["user", "create", "--username", name, "--password", "password123", "--role", "viewer"]);
  if (coins) await cliOk(a, ["wallet", "credit", "--username", name, "--coins", String(coins)]);
  return (tokens[name] = (await cliOk(a, ["token", "create", "--username", name])).token);
}

function api(srv: RunningServer, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${srv.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const chat = (srv: RunningServer, token: string, text: string) => api(srv, `/api/v1/rooms/${slug}/chat`, token, { text });

async function events(srv: RunningServer, token: string): Promise<WsClient> {
  const ws = await WsClient.open(`${srv.url.replace("http", "ws")}/api/v1/rooms/${slug}/events?token=${token}`);
  sockets.push(ws);
  return ws;
}

async function viewers(srv: RunningServer): Promise<number> {
  return ((await (await fetch(`${srv.url}/api/v1/rooms/${slug}`)).json()) as { viewers: number }).viewers;
}

beforeAll(async () => {
  redis = await startRedis();
  a = await startServer({ args: ["--redis-url", redis.url, ...ARGS] });
  b = await startWebProcess(a, redis.url, { args: ARGS });
  await cliOk(a, ["user", "create", "--username", "host", "--password", "password123", "--role", "creator"]);
  slug = (await cliOk(a, ["room", "create", "--owner", "host", "--title", "Shared room"])).slug;
  rose = (await cliOk(a, ["gift", "create", "--name", "Rose", "--coins", "10"])).id;
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await b?.stop();
  await a?.stop();
  await redis?.stop();
  if (a) removeDir(a.dataDir);
});

describe("two processes and redis-server", () => {
  test("the web process owns no RTMP port; the owner does", async () => {
    const open = (port: number) => new Promise<boolean>((res) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => (s.destroy(), res(true)));
      s.once("error", () => res(false));
    });
    expect(await open(a.rtmpPort)).toBe(true);
    expect(await open(b.rtmpPort)).toBe(false);
    expect(b.output()).toContain("role:  web");
  });

  test("chat posted on A reaches a socket on B, and chat posted on B reaches a socket on A", async () => {
    const t = await user("talker");
    const onB = await events(b, t);
    const onA = await events(a, t);
    const r = await chat(a, t, "hello from A");
    expect(r.status).toBe(201);
    expect((await onB.waitEvent((e) => e.type === "chat" && e.text === "hello from A", "chat from A on B")).user.username).toBe("talker");
    expect((await chat(b, t, "hello from B")).status).toBe(201);
    await onA.waitEvent((e) => e.type === "chat" && e.text === "hello from B", "chat from B on A");
    // Exactly once on each socket: a forwarded event is not forwarded back.
    await Bun.sleep(300);
    expect(onB.events().filter((e) => e.type === "chat" && e.text === "hello from A").length).toBe(1);
    expect(onA.events().filter((e) => e.type === "chat" && e.text === "hello from A").length).toBe(1);
    // B's chat history (a cache on each process) includes what A accepted.
    const late = await events(b, t);
    await late.waitFrame((f) => f.includes("hello from A") && f.includes("\"history\":true"), "history on a new B socket");
  });

  test("viewer counts agree: a page socket on B and an HLS ping on A count 2 on both processes and in their events", async () => {
    const t = await user("watcher");
    const onA = await events(a, t);
    const page = await WsClient.open(`${b.url.replace("http", "ws")}/r/${slug}/ws?v=pageviewer0001`);
    sockets.push(page);
    expect((await fetch(`${a.url}/api/v1/rooms/${slug}/ping?v=hlsviewer0001`)).status).toBe(204);
    await waitFor("both processes count 2", async () => ((await viewers(a)) === 2 && (await viewers(b)) === 2) || null, 12_000);
    await onA.waitEvent((e) => e.type === "viewers" && e.count === 2, "viewers 2 on A's socket");
    page.close();
    await waitFor("both processes count 1 after B's page left", async () => ((await viewers(a)) === 1 && (await viewers(b)) === 1) || null, 12_000);
  });

  test("the bell: notices read through A update the user's bell socket on B", async () => {
    const t = await user("bell-reader");
    const bell = await WsClient.open(`${b.url.replace("http", "ws")}/me/notifications/ws`, { authorization: `Bearer ${t}` });
    sockets.push(bell);
    await bell.waitFrame((f) => f.includes('"unread"'), "the bell's first count");
    const seen = bell.frames.length;
    const r = await fetch(`${a.url}/me/notifications/read`, { method: "POST", headers: { authorization: `Bearer ${t}` }, redirect: "manual" });
    expect(r.status).toBeLessThan(400);
    await waitFor("a new count on B's bell", () => bell.frames.length > seen || null, 8_000);
    expect(JSON.parse(bell.frames.at(-1)!)).toEqual({ type: "unread", count: 0 });
  });

  test("top gifters agree: gifts sent through both processes give the same board everywhere", async () => {
    const ann = await user("ann", 1000);
    const bob = await user("bob", 1000);
    const onA = await events(a, ann);
    const onB = await events(b, bob);
    const gift = (srv: RunningServer, token: string, key: string, count: number) => api(srv, `/api/v1/rooms/${slug}/gifts`, token, { giftId: rose, count, idempotencyKey: key });
    expect((await gift(a, ann, "ann-1", 3)).status).toBe(201);
    expect((await gift(b, bob, "bob-1", 5)).status).toBe(201);
    expect((await gift(b, ann, "ann-2", 4)).status).toBe(201);
    const last = (e: Record<string, any>) => e.type === "gift" && e.sender.username === "ann" && e.count === 4;
    const expected = [{ displayName: "ann", coins: 70 }, { displayName: "bob", coins: 50 }];
    expect((await onA.waitEvent(last, "last gift on A")).top).toEqual(expected);
    expect((await onB.waitEvent(last, "last gift on B")).top).toEqual(expected);
    const board = async (srv: RunningServer) => (await fetch(`${srv.url}/r/${slug}/gifts/side`)).text();
    const [boardA, boardB] = [await board(a), await board(b)];
    expect(boardA).toBe(boardB);
    expect(boardA.indexOf("ann")).toBeLessThan(boardA.indexOf("bob"));
  });

  test("rate limits are shared: 5 chat messages on A use up the allowance on B too", async () => {
    const t = await user("chatty");
    for (let i = 0; i < 5; i++) expect((await chat(a, t, `burst ${i}`)).status).toBe(201);
    // Alone, B would allow this one (it has seen none); shared, it is the sixth in the window. The hits travel by
    // pub/sub (well under a millisecond here); the pause keeps a loaded test machine from racing them.
    await Bun.sleep(300);
    const r = await chat(b, t, "one too many");
    expect(r.status).toBe(429);
    expect((await chat(a, t, "still too many")).status).toBe(429);
  });

  test("a ban on A closes the banned user's socket on B", async () => {
    const host = (await cliOk(a, ["token", "create", "--username", "host"])).token;
    const t = await user("troll");
    const onB = await events(b, t);
    const r = await api(a, `/api/v1/rooms/${slug}/moderation`, host, { action: "ban", username: "troll" });
    expect(r.status).toBe(200);
    await onB.waitClosed();
  });

  test("redis-server restarts: writes are still acknowledged meanwhile, and messages flow between the processes again", async () => {
    const t = await user("patient");
    const onB = await events(b, t);
    await redis.restart(300);
    // SQLite holds the write whether or not Redis is there.
    expect((await chat(a, t, "during the restart")).status).toBe(201);
    let n = 0;
    await waitFor("a message from A reaches B after the restart", async () => {
      const text = `after restart ${n++}`;
      await chat(a, t, text);
      await Bun.sleep(200);
      return onB.events().some((e) => e.type === "chat" && e.text.startsWith("after restart")) || null;
    }, 15_000, 300);
    // And the other way round (B re-subscribed too).
    const onA = await events(a, t);
    await chat(b, t, "B after the restart");
    await onA.waitEvent((e) => e.type === "chat" && e.text === "B after the restart", "B → A after the restart");
  }, 40_000);

  test("killing the web process loses no acknowledged write: every 201 from B is in the database", async () => {
    const writers = [await user("writer0", 500), await user("writer1", 500)];
    const acked: string[] = [];
    const ackedGifts: string[] = [];
    let stop = false;
    const loops = writers.map(async (t, w) => {
      for (let i = 0; !stop && i < 2000; i++) {
        try {
          const text = `w${w}-${i}`;
          if ((await chat(b, t, text)).status === 201) acked.push(text);
          const key = `kill-${w}-${i}`;
          if ((await api(b, `/api/v1/rooms/${slug}/gifts`, t, { giftId: rose, idempotencyKey: key })).status === 201) ackedGifts.push(key);
        } catch {
          return; // the process is gone
        }
      }
    });
    await Bun.sleep(400);
    b.proc.kill("SIGKILL");
    stop = true;
    await Promise.all(loops);
    await b.proc.exited;
    expect(acked.length).toBeGreaterThan(0);
    const db = new Database(join(a.dataDir, "livehouse.db"), { readonly: true });
    try {
      const texts = new Set(db.query<{ text: string }, []>("SELECT text FROM chat_messages").all().map((r) => r.text));
      expect(acked.filter((x) => !texts.has(x))).toEqual([]);
      // The ledger stores a gift's key as "gift:<key>".
      const keys = new Set(db.query<{ k: string }, []>("SELECT substr(t.idem_key, 6) AS k FROM gift_sends s JOIN wallet_transactions t ON t.id = s.tx_id").all().map((r) => r.k));
      expect(ackedGifts.filter((k) => !keys.has(k))).toEqual([]);
    } finally {
      db.close();
    }
    // The owner still serves the room and the ledger holds.
    expect((await chat(a, await user("survivor"), "owner still here")).status).toBe(201);
    const check = await a.cli(["wallet", "check"]);
    expect(check.json).toEqual({ ok: true, problems: [] });
  }, 60_000);
});

describe("bad settings for several processes", () => {
  test("--role web without --redis-url, an unknown role and an unreachable Redis are refused with a clear error", async () => {
    const dir = tempDataDir();
    try {
      const run = async (args: string[]) => {
        const p = Bun.spawn([join(import.meta.dir, "../node_modules/.bin/bun"), join(import.meta.dir, "../server/main.ts"), "serve", "--data-dir", dir, "--http-port", String(await freePort()), ...args], { stdout: "pipe", stderr: "pipe" });
        const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text()]);
        return { code, err };
      };
      const noRedis = await run(["--role", "web"]);
      expect(noRedis.code).toBe(1);
      expect(noRedis.err).toContain("--role web: needs --redis-url");
      const badRole = await run(["--role", "edge"]);
      expect(badRole.code).toBe(1);
      expect(badRole.err).toContain('--role: "edge" is not a valid value');
      const down = await run(["--role", "web", "--redis-url", `redis://:hunter2@127.0.0.1:${await freePort()}`]);
      expect(down.code).toBe(1);
      expect(down.err).toContain("--redis-url: cannot connect to 127.0.0.1:");
      expect(down.err).not.toContain("hunter2");
    } finally {
      removeDir(dir);
    }
  }, 30_000);
});
