// Gifts and the coin wallet through real HTTP against the real server (child process), plus the overlay socket.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { removeDir, startServer, type RunningServer } from "./helpers/server";
import { cliOk } from "./shop-helpers";

let srv: RunningServer;
let roomSlug = "";
let rose = 0;
const tokens: Record<string, string> = {};

const ok = (args: string[]) => cliOk(srv, args);

async function viewer(name: string, coins: number): Promise<string> {
  await ok(["user", "create", "--username", name, "--password", "password123", "--role", "viewer"]);
  if (coins > 0) await ok(["wallet", "credit", "--username", name, "--coins", String(coins)]);
  return (tokens[name] = (await ok(["token", "create", "--username", name])).token);
}

function send(token: string, body: Record<string, unknown>, slug = roomSlug): Promise<Response> {
  return fetch(`${srv.url}/api/v1/rooms/${slug}/gifts`, {
    method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body),
  });
}

async function coins(token: string): Promise<number> {
  return ((await (await fetch(`${srv.url}/api/v1/me/wallet`, { headers: { authorization: `Bearer ${token}` } })).json()) as { coins: number }).coins;
}

beforeAll(async () => {
  srv = await startServer({ args: ["--gift-rate-per-minute", "250"] });
  await ok(["user", "create", "--username", "maker", "--password", "password123", "--role", "creator"]);
  tokens.maker = (await ok(["token", "create", "--username", "maker"])).token;
  roomSlug = (await ok(["room", "create", "--owner", "maker", "--title", "Gift room"])).slug;
  rose = (await ok(["gift", "create", "--name", "Rose", "--coins", "10"])).id;
});

afterAll(async () => {
  await srv.stop();
  removeDir(srv.dataDir);
});

describe("sending gifts", () => {
  test("200 concurrent sends from a wallet holding coins for 37: exactly 37 succeed, balance 0, ledger holds", async () => {
    const t = await viewer("spender", 370);
    const before = await coins(tokens.maker!);
    const res = await Promise.all(Array.from({ length: 200 }, (_, i) => send(t, { giftId: rose, idempotencyKey: `burst-${i}` })));
    const statuses = res.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBe(37);
    expect(statuses.filter((s) => s === 402).length).toBe(163);
    const balances = await Promise.all(res.filter((r) => r.status === 201).map(async (r) => ((await r.json()) as { balance: number }).balance));
    // Each success reports its own balance after the debit: 360, 350, ... 0, each exactly once.
    expect(balances.sort((a, b) => a - b)).toEqual(Array.from({ length: 37 }, (_, i) => i * 10));
    expect(await coins(t)).toBe(0);
    // 70 % of 10 coins per gift to the creator (floor), the rest to the platform.
    expect((await coins(tokens.maker!)) - before).toBe(37 * 7);
    const check = await srv.cli(["wallet", "check"]);
    expect(check.code).toBe(0);
    expect(check.json).toEqual({ ok: true, problems: [] });
  });

  test("one idempotency key sent 5× at once debits once and answers the same", async () => {
    const t = await viewer("twice", 100);
    const res = await Promise.all(Array.from({ length: 5 }, () => send(t, { giftId: rose, count: 3, idempotencyKey: "same-key" })));
    expect(res.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const bodies = (await Promise.all(res.map((r) => r.json()))) as { id: number; balance: number; replay: boolean }[];
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(bodies.map((b) => b.balance)).toEqual([70, 70, 70, 70, 70]);
    expect(bodies.filter((b) => !b.replay).length).toBe(1);
    expect(await coins(t)).toBe(70);
    // The same key with other content is a conflict and moves nothing.
    const other = await send(t, { giftId: rose, count: 4, idempotencyKey: "same-key" });
    expect(other.status).toBe(409);
    expect(((await other.json()) as { error: string }).error).toContain("idempotencyKey");
    expect(await coins(t)).toBe(70);
  });

  test("402 with a clear message when coins are short", async () => {
    const t = await viewer("shorty", 15);
    const r = await send(t, { giftId: rose, count: 2, idempotencyKey: "short-1" });
    expect(r.status).toBe(402);
    expect(await r.json()).toEqual({ error: "not enough coins: this costs 20 coins and your balance is 15", price: 20, balance: 15 });
    expect(await coins(t)).toBe(15);
  });

  test("bad requests get a fitting status and a message", async () => {
    const t = await viewer("oddball", 50);
    const rows: [string, Response, number, string][] = [
      ["unknown gift", await send(t, { giftId: 999, idempotencyKey: "x1" }), 404, "no gift 999"],
      ["unknown room", await send(t, { giftId: rose, idempotencyKey: "x2" }, "no-such-room"), 404, "no room"],
      ["no key", await send(t, { giftId: rose }), 422, "idempotencyKey is required"],
      ["count 0", await send(t, { giftId: rose, count: 0, idempotencyKey: "x3" }), 422, "count must be"],
      ["count 100", await send(t, { giftId: rose, count: 100, idempotencyKey: "x4" }), 422, "count must be"],
      ["key with spaces", await send(t, { giftId: rose, idempotencyKey: "a b" }), 422, "idempotencyKey must be"],
      ["giftId text", await send(t, { giftId: "rose", idempotencyKey: "x5" }), 422, "invalid request"],
      ["bad token", await send("lh_not-a-real-token", { giftId: rose, idempotencyKey: "x6" }), 401, "sign in"],
    ];
    for (const [name, res, status, text] of rows) {
      expect({ name, status: res.status }).toEqual({ name, status });
      expect(((await res.json()) as { error: string }).error).toContain(text);
    }
    expect(await coins(t)).toBe(50);
  });

  test("the catalogue and the wallet API", async () => {
    const list = (await (await fetch(`${srv.url}/api/v1/gifts`)).json()) as { gifts: { id: number; name: string; coins: number; tier: number }[] };
    expect(list.gifts).toContainEqual({ id: rose, name: "Rose", coins: 10, tier: 2, image: null } as never);
    const w = (await (await fetch(`${srv.url}/api/v1/me/wallet`, { headers: { authorization: `Bearer ${tokens.twice}` } })).json()) as { coins: number; history: { amount: number; reason: string }[] };
    expect(w.coins).toBe(70);
    expect(w.history.map((h) => [h.reason, h.amount])).toEqual([["gift", -30], ["admin_credit", 100]]);
    expect((await fetch(`${srv.url}/api/v1/me/wallet`)).status).toBe(401);
    const bad = await srv.cli(["gift", "create", "--name", "", "--coins", "0"]);
    expect(bad.code).not.toBe(0);
  });

  test("gift sends are rate limited per user with 429", async () => {
    const t = await viewer("spammer", 0);
    const res = await Promise.all(Array.from({ length: 251 }, (_, i) => send(t, { giftId: rose, idempotencyKey: `spam-${i}` })));
    const statuses = res.map((r) => r.status);
    expect(statuses.filter((s) => s === 402).length).toBe(250);
    expect(statuses.filter((s) => s === 429).length).toBe(1);
    const limited = res[statuses.indexOf(429)]!;
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});

describe("overlays", () => {
  async function studioOverlayUrl(): Promise<string> {
    // The creator's Studio box carries the overlay URLs; read the alert URL from it.
    const r = await fetch(`${srv.url}/studio/rooms/${roomSlug}/overlay`, { headers: { authorization: `Bearer ${tokens.maker}` } });
    expect(r.status).toBe(200);
    const m = (await r.text()).match(/data-secret="(http[^"]+\/overlay\/(ov_[^/"]+)\/alerts)"/);
    return m![2]!;
  }

  function socket(token: string): Promise<{ ws: WebSocket; events: Record<string, unknown>[]; closed: Promise<number> }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${srv.url.replace("http", "ws")}/overlay/${token}/ws`);
      const events: Record<string, unknown>[] = [];
      const closed = new Promise<number>((r) => ws.addEventListener("close", (e) => r(e.code)));
      ws.addEventListener("message", (m) => events.push(JSON.parse(String(m.data))));
      ws.addEventListener("open", () => resolve({ ws, events, closed }));
      ws.addEventListener("error", () => reject(new Error("overlay socket refused")));
    });
  }

  async function until(f: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !f(); i++) await Bun.sleep(10);
    expect(f()).toBe(true);
  }

  test("the overlay socket receives the room's gift events and test alerts; the old token is refused after rotation", async () => {
    const token = await studioOverlayUrl();
    const page = await fetch(`${srv.url}/overlay/${token}/alerts`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-kind="alerts"');
    const o = await socket(token);
    const t = await viewer("fan", 100);
    expect((await send(t, { giftId: rose, count: 2, idempotencyKey: "overlay-1" })).status).toBe(201);
    await until(() => o.events.some((e) => e.type === "gift"));
    const gift = o.events.find((e) => e.type === "gift") as { sender: { username: string }; gift: { name: string }; count: number; coins: number };
    expect(gift.sender.username).toBe("fan");
    expect(gift.gift.name).toBe("Rose");
    expect([gift.count, gift.coins]).toEqual([2, 20]);

    const test = await fetch(`${srv.url}/studio/rooms/${roomSlug}/overlay/test`, { method: "POST", headers: { authorization: `Bearer ${tokens.maker}`, "hx-request": "true" } });
    expect(test.status).toBe(200);
    await until(() => o.events.some((e) => e.type === "test"));

    // Only the room's manager may rotate; then the old URL, the old socket and new sockets with it are refused.
    const stranger = await fetch(`${srv.url}/studio/rooms/${roomSlug}/overlay/rotate`, { method: "POST", headers: { authorization: `Bearer ${tokens.fan}` } });
    expect(stranger.status).toBe(403);
    const rot = await fetch(`${srv.url}/studio/rooms/${roomSlug}/overlay/rotate`, { method: "POST", headers: { authorization: `Bearer ${tokens.maker}`, "hx-request": "true" } });
    expect(rot.status).toBe(200);
    expect(await o.closed).toBe(4001);
    expect((await fetch(`${srv.url}/overlay/${token}/alerts`)).status).toBe(404);
    await expect(socket(token)).rejects.toThrow("refused");
    const fresh = await studioOverlayUrl();
    expect(fresh).not.toBe(token);
    expect((await fetch(`${srv.url}/overlay/${fresh}/goal`)).status).toBe(200);
    expect((await fetch(`${srv.url}/overlay/${fresh}/nope`)).status).toBe(404);
  });
});

describe("shutdown", () => {
  test("an open overlay socket does not hold up SIGTERM: it is closed (1001) and the server exits 0", async () => {
    const box = await (await fetch(`${srv.url}/studio/rooms/${roomSlug}/overlay`, { headers: { authorization: `Bearer ${tokens.maker}` } })).text();
    const token = box.match(/\/overlay\/(ov_[A-Za-z0-9_-]+)\/alerts/)![1]!;
    const ws = new WebSocket(`${srv.url.replace("http", "ws")}/overlay/${token}/ws`);
    await new Promise((r) => (ws.onopen = r));
    const closed = new Promise<number>((r) => (ws.onclose = (e) => r(e.code)));
    await srv.stop();
    expect(await closed).toBe(1001);
    expect(srv.proc.exitCode).toBe(0);
  });
});

describe("wallet CLI", () => {
  test("wallet credit and wallet check; check exits non-zero naming the problem when the ledger does not hold", async () => {
    const { cli, tempDataDir } = await import("./helpers/server");
    const { Database } = await import("bun:sqlite");
    const dir = tempDataDir();
    try {
      expect((await cli(dir, ["user", "create", "--username", "solo", "--password", "password123", "--role", "viewer"])).code).toBe(0);
      const credit = await cli(dir, ["wallet", "credit", "--username", "solo", "--coins", "12", "--key", "grant-1"]);
      expect(credit.json).toMatchObject({ username: "solo", credited: 12, balance: 12, replay: false });
      expect((await cli(dir, ["wallet", "credit", "--username", "solo", "--coins", "12", "--key", "grant-1"])).json).toMatchObject({ credited: 0, balance: 12, replay: true });
      const bad = await cli(dir, ["wallet", "credit", "--username", "nobody", "--coins", "1"]);
      expect([bad.code, bad.stderr.trim()]).toEqual([1, 'livehouse: no user "nobody"']);
      expect((await cli(dir, ["wallet", "credit", "--username", "solo", "--coins", "x"])).stderr).toContain("--coins must be an integer");
      expect((await cli(dir, ["wallet", "check"])).code).toBe(0);
      const db = new Database(`${dir}/livehouse.db`);
      db.run("UPDATE wallet_accounts SET balance = balance + 5 WHERE kind = 'user'");
      db.close();
      const check = await cli(dir, ["wallet", "check"]);
      expect(check.code).toBe(1);
      expect(check.stderr).toContain("ledger does not hold");
      expect(check.stderr).toContain("stored balance 17 but its entries sum to 12");
    } finally {
      removeDir(dir);
    }
  });
});
