// Live auctions through the real server: the contract and every bad input over HTTP, the auction race (many
// bidders at once over HTTP and the room's WebSocket, last-second bids extending the timer, exactly one winner
// with an order, holds released and the ledger balanced), reserve not met, the host ending early, a bidder who
// disconnects, a server killed mid-auction, and the room page's panel updated live over its socket.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { escrowAccount } from "../server/auctions/storage";
import { openDb } from "../server/db/open";
import type { MoneyDb } from "../server/deps";
import { creditCoins, getBalance } from "../server/wallet/wallet";
import { removeDir, startServer, type RunningServer } from "./helpers/server";
import { WebSession } from "./helpers/session";
import { WsClient } from "./realtime-client";
import { api, cliOk, seedBuyers, type Buyer } from "./shop-helpers";

let srv: RunningServer;
let slug: string;
let hostToken: string;
/** Bound at call time: the crash test restarts the server on a new port. */
const host: ReturnType<typeof api> = (path, body, method) => api(srv.url, hostToken)(path, body, method);
let buyers: Buyer[];
const COINS = 10_000;

const wsUrl = (token?: string) => `${srv.url.replace("http", "ws")}/api/v1/rooms/${slug}/events${token ? `?token=${token}` : ""}`;
const as = (b: Buyer) => api(srv.url, b.token);
const key = () => crypto.randomUUID();

function withDb<T>(fn: (db: MoneyDb) => T): T {
  const db = openDb(join(srv.dataDir, "livehouse.db"), "money");
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const escrow = () => withDb((db) => db.query<{ b: number }, [number]>("SELECT balance AS b FROM wallet_accounts WHERE id = ?").get(escrowAccount(db))!.b);
const balance = (b: Buyer) => withDb((db) => getBalance(db, b.id));

async function product(title: string, opts: { currency?: string; price?: number; stock?: number; kind?: string } = {}): Promise<number> {
  return (await cliOk(srv, ["product", "create", "--owner", "host", "--title", title, "--price", String(opts.price ?? 100), "--currency", opts.currency ?? "COIN", "--stock", String(opts.stock ?? 5), "--kind", opts.kind ?? "digital"])).id;
}

async function start(body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await host(`/api/v1/rooms/${slug}/auctions`, { currency: "COIN", startMinor: 100, seconds: 30, ...body });
  const json = await res.json();
  if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const endNow = async (id: number, noSale = false) => (await host(`/api/v1/auctions/${id}/end`, { noSale })).json();

beforeAll(async () => {
  srv = await startServer();
  await cliOk(srv, ["user", "create", "--username", "host", "--password", "password1", "--role", "creator", "--display-name", "Host"]);
  slug = (await cliOk(srv, ["room", "create", "--owner", "host", "--title", "Auction night"])).slug;
  hostToken = (await cliOk(srv, ["token", "create", "--username", "host"])).token;
  buyers = await seedBuyers(srv.dataDir, 60, "bidder");
  withDb((db) => db.transaction(() => { for (const b of buyers) creditCoins(db, { userId: b.id, coins: COINS, reason: "admin_credit", ref: "test" }); })());
}, 60_000);

afterAll(async () => {
  await srv.stop();
  removeDir(srv.dataDir);
}, 60_000);

describe("contract and bad input", () => {
  test("start, read and bid answer the contract shapes; every bad input is a clear 4xx that changes nothing", async () => {
    const pid = await product("Contract lamp");
    const other = await cliOk(srv, ["user", "create", "--username", "other", "--password", "password1", "--role", "creator"]);
    expect(other.id).toBeGreaterThan(0);
    const otherProduct = (await cliOk(srv, ["product", "create", "--owner", "other", "--title", "Not here", "--price", "5", "--currency", "COIN", "--stock", "1"])).id;
    const usd = await product("Dollar lamp", { currency: "USD" });

    const starts: [string, ReturnType<typeof api>, string, Record<string, unknown>, number, RegExp][] = [
      ["not the host", as(buyers[0]!), slug, { productId: pid }, 403, /only the host/],
      ["bad token", api(srv.url, "lh_nope"), slug, { productId: pid }, 401, /sign in/],
      ["unknown room", host, "no-such-room", { productId: pid }, 404, /no room/],
      ["seconds not a number", host, slug, { productId: pid, seconds: "soon" }, 422, /invalid request/],
      ["seconds 0", host, slug, { productId: pid, seconds: 0 }, 422, /seconds/],
      ["start 0", host, slug, { productId: pid, startMinor: 0 }, 422, /startMinor/],
      ["reserve below start", host, slug, { productId: pid, reserveMinor: 10 }, 422, /reserveMinor/],
      ["extend too long", host, slug, { productId: pid, extendSeconds: 500 }, 422, /extendSeconds/],
      ["both increments", host, slug, { productId: pid, incrementMinor: 5, incrementPercent: 5 }, 422, /not both/],
      ["wrong currency", host, slug, { productId: usd }, 422, /sold in USD/],
      ["product of another shop", host, slug, { productId: otherProduct }, 404, /not in the shop bag/],
    ];
    for (const [name, who, room, body, status, error] of starts) {
      const res = await who(`/api/v1/rooms/${room}/auctions`, { currency: "COIN", startMinor: 100, seconds: 30, ...body });
      const json = await res.json();
      expect({ name, status: res.status, json }).toMatchObject({ name, status, json: { error: expect.stringMatching(error) } });
    }
    const csrf = await fetch(`${srv.url}/api/v1/rooms/${slug}/auctions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ productId: pid, currency: "COIN", startMinor: 100, seconds: 30 }) });
    expect(csrf.status).toBe(403); // no token, no cookie: the CSRF gate refuses first

    const a = await start({ productId: pid, incrementMinor: 10 });
    // (bun's toMatchObject writes asymmetric matchers into the received object: compare a copy)
    expect({ ...a }).toMatchObject({ id: expect.any(Number), status: "running", priceMinor: 100, currency: "COIN", leader: null, winner: null, orderId: null, minNextMinor: 100 });
    expect(a.endsAt - a.serverNow).toBeGreaterThan(29_000);
    expect(a.endsAt - a.serverNow).toBeLessThanOrEqual(30_000);
    expect((await host(`/api/v1/rooms/${slug}/auctions`, { productId: pid, currency: "COIN", startMinor: 100, seconds: 30 })).status).toBe(409);
    expect(await (await fetch(`${srv.url}/api/v1/auctions/${a.id}`)).json()).toMatchObject({ id: a.id, status: "running", priceMinor: 100, leader: null });
    expect((await fetch(`${srv.url}/api/v1/auctions/999999`)).status).toBe(404);
    expect(await (await fetch(`${srv.url}/api/v1/rooms/${slug}/auctions`)).json()).toMatchObject({ current: { id: a.id } });

    const [b0, b1] = [as(buyers[0]!), as(buyers[1]!)];
    const bids: [string, ReturnType<typeof api>, string, Record<string, unknown>, number, RegExp][] = [
      ["bad token", api(srv.url, "lh_nope"), `${a.id}`, { amountMinor: 100, idempotencyKey: key() }, 401, /sign in/],
      ["unknown auction", b0, "999999", { amountMinor: 100, idempotencyKey: key() }, 404, /no auction/],
      ["no idempotency key", b0, `${a.id}`, { amountMinor: 100 }, 422, /invalid request/],
      ["short key", b0, `${a.id}`, { amountMinor: 100, idempotencyKey: "k" }, 422, /idempotencyKey/],
      ["amount a string", b0, `${a.id}`, { amountMinor: "lots", idempotencyKey: key() }, 422, /invalid request/],
      ["max below amount", b0, `${a.id}`, { amountMinor: 200, maxMinor: 150, idempotencyKey: key() }, 422, /maxMinor/],
      ["below the start", b0, `${a.id}`, { amountMinor: 99, idempotencyKey: key() }, 409, /too low/],
      ["the host", host, `${a.id}`, { amountMinor: 100, idempotencyKey: key() }, 403, /seller cannot bid/],
      ["more than the wallet", b0, `${a.id}`, { amountMinor: COINS + 1, idempotencyKey: key() }, 402, /not enough coins/],
    ];
    for (const [name, who, id, body, status, error] of bids) {
      const res = await who(`/api/v1/auctions/${id}/bids`, body);
      const json = await res.json();
      expect({ name, status: res.status, json }).toMatchObject({ name, status, json: { error: expect.stringMatching(error) } });
    }
    expect(escrow()).toBe(0);

    const k = key();
    const first = await b0(`/api/v1/auctions/${a.id}/bids`, { amountMinor: 100, maxMinor: 150, idempotencyKey: k });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ id: a.id, status: "running", priceMinor: 100, leader: "Buyer 0", lead: true, replay: false, bid: { amountMinor: 100, maxMinor: 150, outcome: "lead" } });
    expect(await (await b0(`/api/v1/auctions/${a.id}/bids`, { amountMinor: 100, maxMinor: 150, idempotencyKey: k })).json()).toMatchObject({ replay: true, lead: true });
    expect((await b0(`/api/v1/auctions/${a.id}/bids`, { amountMinor: 120, idempotencyKey: k })).status).toBe(409); // key reused, other content
    const again = await b0(`/api/v1/auctions/${a.id}/bids`, { amountMinor: 200, idempotencyKey: key() });
    expect([again.status, (await again.json()).code]).toEqual([409, "leading"]);
    const outbid = await b1(`/api/v1/auctions/${a.id}/bids`, { amountMinor: 110, idempotencyKey: key() });
    expect(outbid.status).toBe(409);
    expect(await outbid.json()).toMatchObject({ code: "outbid", auction: { priceMinor: 120, leader: "Buyer 0" } });
    expect(escrow()).toBe(150);

    expect((await b0(`/api/v1/auctions/${a.id}/end`, {})).status).toBe(403);
    const ended = await endNow(a.id);
    expect({ ...ended }).toMatchObject({ status: "ended", outcome: "sold", winner: "Buyer 0", priceMinor: 120, orderId: expect.any(Number) });
    expect(await (await b0(`/api/v1/orders/${ended.orderId}`)).json()).toMatchObject({ status: "paid", total: { minor: 120, currency: "COIN" } });
    expect((await host(`/api/v1/auctions/${a.id}/end`, {})).status).toBe(409);
    const late = await b1(`/api/v1/auctions/${a.id}/bids`, { amountMinor: 500, idempotencyKey: key() });
    expect([late.status, (await late.json()).code]).toEqual([409, "ended"]);
    expect([escrow(), balance(buyers[0]!), balance(buyers[1]!)]).toEqual([0, COINS - 120, COINS]);
  }, 60_000);
});

test("the auction race: 50 bidders over HTTP and WebSocket, last-second bids extend, one winner, holds released", async () => {
  const pid = await product("Race guitar", { stock: 1 });
  const before = buyers.reduce((n, b) => n + balance(b), 0);
  const viewer = await WsClient.open(wsUrl());
  const socketBidders = await Promise.all(buyers.slice(30, 50).map((b) => WsClient.open(wsUrl(b.token))));
  const a = await start({ productId: pid, seconds: 3, extendSeconds: 2, incrementMinor: 5 });
  await viewer.waitEvent((e) => e.type === "auction" && e.action === "started" && e.auction.id === a.id, "started");

  // Three waves of everyone at once, each at the current minimum (most collide: one wins each price, the rest are
  // too low); HTTP and socket bidders interleave on the server's arrival order.
  let extended = 0;
  const skew = a.serverNow - Date.now();
  for (let wave = 0; wave < 3; wave++) {
    const cur = await (await fetch(`${srv.url}/api/v1/auctions/${a.id}`)).json();
    const http = buyers.slice(0, 30).map((b, i) => as(b)(`/api/v1/auctions/${a.id}/bids`, { amountMinor: cur.minNextMinor + (i % 3) * 5, idempotencyKey: key() }).then((r) => r.status));
    socketBidders.forEach((c, i) => c.send({ type: "bid", auctionId: a.id, amountMinor: cur.minNextMinor + (i % 4) * 5, maxMinor: i === 7 && wave === 2 ? cur.minNextMinor + 400 : undefined, idempotencyKey: key() }));
    const statuses = await Promise.all(http);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    // Sleep into the last second before the (moving) end: the next wave is a last-second one.
    const now = await (await fetch(`${srv.url}/api/v1/auctions/${a.id}`)).json();
    expect(now.status).toBe("running");
    if (now.endsAt - (Date.now() + skew) <= 2000) extended++;
    await Bun.sleep(Math.max(0, now.endsAt - (Date.now() + skew) - 1400));
  }
  const replies = await Promise.all(socketBidders.map((c) => c.waitEvent((e) => e.type === "bid_result" && e.auctionId === a.id, "bid_result")));
  expect(replies.every((r) => [201, 409].includes(r.status))).toBe(true);
  const ended = await viewer.waitEvent((e) => e.type === "auction" && e.action === "ended" && e.auction.id === a.id, "ended");
  expect(extended).toBeGreaterThan(0);
  const evs = viewer.events().filter((e) => e.type === "auction" && e.auction.id === a.id);
  expect(evs.filter((e) => e.action === "extended").length).toBeGreaterThan(0);
  expect(evs.filter((e) => e.action === "ended").length).toBe(1);
  // Every price a viewer saw only went up, and the final one is the hammer price.
  const prices = evs.map((e) => e.auction.priceMinor);
  expect(prices).toEqual([...prices].sort((x, y) => x - y));
  const final = await (await fetch(`${srv.url}/api/v1/auctions/${a.id}`)).json();
  expect({ ...final }).toMatchObject({ status: "ended", outcome: "sold", winner: expect.any(String), orderId: expect.any(Number) });
  expect(ended.auction).toMatchObject({ winner: final.winner, orderId: final.orderId, priceMinor: final.priceMinor });
  expect(final.endsAt).toBeGreaterThan(a.endsAt); // the last-second bids moved the end

  const { orders, winners, bids } = withDb((db) => ({
    orders: db.query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM orders WHERE product_id = ?").get(pid)!.n,
    winners: db.query<{ w: number }, [number]>("SELECT winner_id AS w FROM auctions WHERE id = ?").get(a.id)!.w,
    bids: db.query<{ b: number; n: number }, [number]>("SELECT MAX(price_after) AS b, COUNT(*) AS n FROM auction_bids WHERE auction_id = ?").get(a.id)!,
  }));
  expect(orders).toBe(1);
  expect(winners).toBeGreaterThan(0);
  expect(bids.b).toBe(final.priceMinor);
  expect(final.priceMinor).toBeGreaterThan(100);
  expect(escrow()).toBe(0);
  expect(buyers.reduce((n, b) => n + balance(b), 0)).toBe(before - final.priceMinor);
  const check = await srv.cli(["wallet", "check"]);
  expect(check.code).toBe(0);
  for (const c of [viewer, ...socketBidders]) c.close();
}, 60_000);

test("reserve not met: no sale, no order, the hold is returned", async () => {
  const pid = await product("Reserve vase");
  const viewer = await WsClient.open(wsUrl());
  const a = await start({ productId: pid, seconds: 1, reserveMinor: 1000, extendSeconds: 0 });
  const r = await as(buyers[2]!)(`/api/v1/auctions/${a.id}/bids`, { amountMinor: 300, idempotencyKey: key() });
  expect(await r.json()).toMatchObject({ lead: true, reserveMet: false });
  expect(escrow()).toBe(300);
  const ended = await viewer.waitEvent((e) => e.type === "auction" && e.action === "ended" && e.auction.id === a.id, "ended");
  expect(ended.auction).toMatchObject({ outcome: "reserve_not_met", winner: null, orderId: null });
  expect([escrow(), balance(buyers[2]!)]).toEqual([0, COINS]);
  viewer.close();
});

test("a host who cancels sells nothing; a bidder who disconnects still wins; the winner survives a server crash", async () => {
  const cancelled = await start({ productId: await product("Cancelled clock") });
  await as(buyers[3]!)(`/api/v1/auctions/${cancelled.id}/bids`, { amountMinor: 100, idempotencyKey: key() });
  expect(await endNow(cancelled.id, true)).toMatchObject({ status: "ended", outcome: "cancelled", winner: null, orderId: null });
  expect(balance(buyers[3]!)).toBe(COINS);

  // The leader bids over the socket and goes away; their bid and hold stay, and they win.
  const pid = await product("Crash-proof camera");
  const a = await start({ productId: pid, seconds: 4, extendSeconds: 0 });
  const sock = await WsClient.open(wsUrl(buyers[4]!.token));
  sock.send({ type: "bid", auctionId: a.id, amountMinor: 250, idempotencyKey: key() });
  expect(await sock.waitEvent((e) => e.type === "bid_result")).toMatchObject({ ok: true, status: 201, code: "lead", auction: { leader: "Buyer 4" } });
  sock.close();
  await sock.waitClosed();
  // The server dies mid-auction (no clean shutdown) and comes back on the same data: the clock re-arms from the database.
  srv.proc.kill("SIGKILL");
  await srv.proc.exited;
  srv = await startServer({ dataDir: srv.dataDir });
  const viewer = await WsClient.open(wsUrl());
  const ended = await viewer.waitEvent((e) => e.type === "auction" && e.action === "ended" && e.auction.id === a.id, "ended after restart");
  expect(ended.auction).toMatchObject({ outcome: "sold", winner: "Buyer 4", priceMinor: 250 });
  const endedAt = withDb((db) => db.query<{ t: number }, [number]>("SELECT ended_at AS t FROM auctions WHERE id = ?").get(a.id)!.t);
  expect(endedAt).toBeGreaterThanOrEqual(a.endsAt);
  expect([escrow(), balance(buyers[4]!)]).toEqual([0, COINS - 250]);
  expect((await srv.cli(["wallet", "check"])).code).toBe(0);
  viewer.close();
}, 60_000);

test("the room page shows the panel and gets live state over its socket; a page bid and a socket bid with bad fields", async () => {
  const web = new WebSession(srv.url);
  await web.login(buyers[5]!.username, "password1");
  const pid = await product("Page poster");
  const a = await start({ productId: pid, seconds: 30 });
  const panel = await web.fetch(`/r/${slug}/auction`);
  const html = await panel.text();
  expect(html).toContain('id="auction-state"');
  expect(html).toContain("Page poster");
  expect(html).toContain(`/r/${slug}/auctions/${a.id}/bid`);
  const page = await WsClient.open(`${srv.url.replace("http", "ws")}/r/${slug}/ws`, { cookie: web.cookieHeader(), origin: srv.url });
  const res = await web.fetch(`/r/${slug}/auctions/${a.id}/bid`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ idempotencyKey: key(), quick: "1" }) });
  expect(res.status).toBe(201);
  expect(await res.text()).toContain("You lead at 100 coins");
  const frame = await page.waitFrame((f) => f.includes('id="auction-state"') && f.includes("Buyer 5"), "live panel");
  expect(frame).toContain('hx-swap-oob="outerHTML"');
  const noCsrf = await fetch(`${srv.url}/r/${slug}/auctions/${a.id}/bid`, { method: "POST", headers: { cookie: web.cookieHeader(), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ idempotencyKey: key(), quick: "1" }) });
  expect(noCsrf.status).toBe(403);

  // A bid up the page socket needs the page's CSRF token; its answer comes back rendered for the page.
  page.send({ action: "bid", auctionId: a.id, amountMinor: 999, idempotencyKey: key() });
  expect(await page.waitFrame((f) => f.includes('id="chat-notice"'), "csrf notice")).toContain('data-code="invalid"');
  const seven = new WebSession(srv.url);
  await seven.login(buyers[7]!.username, "password1");
  const page7 = await WsClient.open(`${srv.url.replace("http", "ws")}/r/${slug}/ws`, { cookie: seven.cookieHeader(), origin: srv.url });
  page7.send({ action: "bid", auctionId: a.id, amountMinor: 300, idempotencyKey: key(), _csrf: seven.csrf });
  expect(await page7.waitFrame((f) => f.includes('id="auction-status"'), "bid result")).toContain("You lead at 300 coins.");
  page7.close();

  const bot = await WsClient.open(wsUrl(buyers[6]!.token));
  bot.send({ type: "bid", auctionId: "x", amountMinor: 100, idempotencyKey: key() });
  expect(await bot.waitEvent((e) => e.type === "bid_result")).toMatchObject({ ok: false, status: 422, code: "invalid" });
  const anon = await WsClient.open(wsUrl());
  anon.send({ type: "bid", auctionId: a.id, amountMinor: 500, idempotencyKey: key() });
  expect(await anon.waitEvent((e) => e.type === "bid_result")).toMatchObject({ ok: false, status: 401 });
  await endNow(a.id, true);
  for (const c of [page, bot, anon]) c.close();
}, 60_000);
