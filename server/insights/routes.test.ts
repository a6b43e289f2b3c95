// Insights over HTTP (app.handle, fresh database): who may see which stats, the forecast's refusals, "bought
// together" after a rebuild, the user's own data, pages with server-drawn SVG, and CSV that spreadsheets open safely.
// Real routes feed capture where they exist (ping, product page, cart, order); the media pipeline's facts are
// emitted on the bus as it would (no RTMP here).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAccessToken, createUser } from "../accounts/accounts";
import { createRoom } from "../rooms/rooms";
import { createProduct } from "../shop/products";
import { testApp, type TestApp } from "../../test/helpers/app";
import type { WebSession } from "../../test/helpers/session";
import { rebuildDerived } from "./recommend";
import { insightsCommands } from "./cli";

let lh: TestApp;
let clock = Date.UTC(2026, 10, 30, 10, 0, 0);
const tokens: Record<string, string> = {};
const ids: Record<string, number> = {};
let maker: WebSession;
let rival: WebSession;
const XSS = `<img src=x onerror=alert(1)>`;
const FORMULA = `=HYPERLINK("http://evil","x")`;

async function api(path: string, who?: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const headers = new Headers(init.headers);
  if (who) headers.set("authorization", `Bearer ${tokens[who]}`);
  const res = await lh.app.handle(new Request(`http://localhost${path}`, { ...init, headers }));
  const text = await res.text();
  return { status: res.status, body: text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text };
}

let slug = "";

function paid(buyer: string, productId: number, at: number) {
  lh.deps.bus.emit("order.paid", { orderId: 0, buyerId: ids[buyer]!, buyerName: buyer, sellerId: ids.maker!, productId, title: "", quantity: 1, roomId: ids.room!, totalMinor: 1000, currency: "USD", at });
}

beforeAll(async () => {
  lh = await testApp([], () => clock);
  const { db } = lh.deps;
  for (const [name, role] of [["admin", "admin"], ["maker", "creator"], ["rival", "creator"], ["alice", "viewer"], ["bob", "viewer"], ["carol", "viewer"]] as const) {
    const u = await createUser(db, { username: name, password: "password123", role });
    if (!u.ok) throw new Error(name);
    ids[name] = u.value.id;
    tokens[name] = createAccessToken(db, u.value.id, "t").token;
  }
  const owner = (await import("../accounts/accounts")).getUserById(db, ids.maker!)!;
  const r = createRoom(db, owner, { title: `Maker ${XSS}`, description: "", category: "shopping", tags: "" }, clock);
  if (!r.ok) throw new Error("room");
  ids.room = r.value.id;
  slug = r.value.slug;
  for (const [key, title] of [["p1", `Mug ${XSS}`], ["p2", FORMULA], ["p3", "Cap"]] as const) {
    const p = createProduct(lh.deps.moneyDb, owner, { title, description: "", priceMinor: 1000, currency: "USD", stock: 50, kind: "digital", variants: [] }, clock);
    if (!p.ok) throw new Error(title);
    ids[key] = p.value.id;
  }
  maker = lh.session();
  await maker.login("maker", "password123");
  rival = lh.session();
  await rival.login("rival", "password123");

  // One broadcast: alice watches by ping for a minute, opens a pinned product, adds it to her cart and orders.
  const { bus } = lh.deps;
  const cap = lh.insights.capture;
  bus.emit("broadcast.started", { roomId: ids.room!, slug: r.value.slug, broadcastId: 1, at: clock });
  await maker.page(`/r/${slug}`);
  expect((await maker.fetch(`/shop/rooms/${slug}/pins`, { method: "POST", body: new URLSearchParams({ productId: String(ids.p2) }) })).status).toBe(303);
  for (let s = 0; s <= 60; s += 4) {
    clock += s === 0 ? 0 : 4000;
    expect((await api(`/api/v1/rooms/${r.value.slug}/ping?v=alice-viewer-1`, "alice")).status).toBe(204);
    if (s % 12 === 0) cap.tick(clock);
  }
  expect((await api(`/shop/p/${ids.p2}`, "alice")).status).toBe(200);
  expect((await api("/api/v1/orders", "alice", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ productId: ids.p2, quantity: 1, provider: "manual", idempotencyKey: "insights-order-1", room: r.value.slug }),
  })).status).toBe(201);
  clock += 30_000;
  cap.tick(clock);
  bus.emit("broadcast.ended", { roomId: ids.room!, slug: r.value.slug, broadcastId: 1, at: clock });
  // Baskets of one UTC day: alice p1+p2, bob p1+p2, carol p3.
  for (const [who, p] of [["alice", "p1"], ["alice", "p2"], ["bob", "p1"], ["bob", "p2"], ["carol", "p3"]] as const) paid(who, ids[p]!, clock);
  cap.flush();
  rebuildDerived(lh.deps.db, clock);
});
afterAll(() => lh.stop());

describe("who sees a broadcast's stats", () => {
  const rows: { name: string; who?: string; id?: () => number; status: number }[] = [
    { name: "the room's owner", who: "maker", status: 200 },
    { name: "an admin", who: "admin", status: 200 },
    { name: "another creator gets 404", who: "rival", status: 404 },
    { name: "a viewer gets 404", who: "alice", status: 404 },
    { name: "no token gets 404", status: 404 },
    { name: "an unknown broadcast is 404", who: "maker", id: () => 999, status: 404 },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      const r = await api(`/api/v1/broadcasts/${row.id?.() ?? 1}/stats`, row.who);
      expect(r.status).toBe(row.status);
      if (row.status === 404) expect(r.body).toEqual({ error: expect.any(String) });
    });
  }

  test("the contract's fields, fed by the real ping, product and order routes", async () => {
    const { body } = await api("/api/v1/broadcasts/1/stats", "maker");
    for (const k of ["peakViewers", "avgViewers", "uniqueViewers", "watchSeconds", "chatMessages", "likes", "follows", "giftCoins", "productImpressions",
      "productClicks", "carts", "orders", "paidOrders", "gmv", "ctr", "cvr", "timeline"]) expect(body).toHaveProperty(k);
    expect(body).toMatchObject({ uniqueViewers: 1, watchSeconds: 60, productImpressions: 1, productClicks: 1, orders: 1, paidOrders: 0, ctr: 1, cvr: 0 });
    expect(body.timeline.length).toBe(2);
  });

  test("room stats over a period: owner yes, rival 404, bad dates 422", async () => {
    const ok = await api(`/api/v1/rooms/${slug}/stats?days=7`, "maker");
    expect(ok.status).toBe(200);
    expect(ok.body.broadcasts.map((b: { broadcastId: number }) => b.broadcastId)).toEqual([1]);
    expect(ok.body).toMatchObject({ uniqueViewers: 1, newViewers: 1, returningViewers: 0 });
    expect((await api(`/api/v1/rooms/${slug}/stats`, "rival")).status).toBe(404);
    expect((await api(`/api/v1/rooms/${slug}/stats?from=2026-13-45`, "maker")).status).toBe(422);
    expect((await api(`/api/v1/rooms/${slug}/stats?from=2026-12-01&to=2026-11-01`, "maker")).status).toBe(422);
  });
});

describe("forecast", () => {
  test("too few broadcasts: 422 not enough data", async () => {
    const r = await api("/api/v1/studio/forecast?viewers=100&price=1500&minutes=60", "maker");
    expect(r.status).toBe(422);
    expect(r.body.error).toContain("not enough data");
  });
  test("refusals: anonymous 401, viewer 403, bad numbers 422", async () => {
    expect((await api("/api/v1/studio/forecast?viewers=1&price=1&minutes=1")).status).toBe(401);
    expect((await api("/api/v1/studio/forecast?viewers=1&price=1&minutes=1", "alice")).status).toBe(403);
    const bad = await api("/api/v1/studio/forecast?viewers=-1&price=x&minutes=1", "maker");
    expect(bad.status).toBe(422);
    expect(bad.body.error).toBe("viewers, price must be non-negative numbers");
  });
});

describe("recommendations", () => {
  test("bought together: p1 ⇒ p2 from two of three baskets", async () => {
    const r = await api(`/api/v1/products/${ids.p1}/bought-together`);
    // support {p1,p2} = 2/3, confidence 2/2 = 1, lift 1 / (2/3) = 1.5
    expect(r.body).toEqual([{ productId: ids.p2, title: FORMULA, support: 0.6667, confidence: 1, lift: 1.5 }]);
    expect((await api(`/api/v1/products/${ids.p3}/bought-together`)).body).toEqual([]);
    expect((await api("/api/v1/products/9999/bought-together")).status).toBe(404);
  });
  test("similar rooms answer a list with reasons; unknown room 404", async () => {
    const r = await api(`/api/v1/rooms/${slug}/similar`);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    expect((await api("/api/v1/rooms/nope/similar")).status).toBe(404);
  });
  test("the product page mounts the fragment; the fragment escapes titles", async () => {
    const page = await api(`/shop/p/${ids.p2}`);
    expect(page.body).toContain(`hx-get="/insights/products/${ids.p2}/together"`);
    const frag = await api(`/insights/products/${ids.p2}/together`);
    expect(frag.body).toContain("&lt;img src=x");
    expect(frag.body).not.toContain(XSS);
  });
});

describe("pages and CSV", () => {
  test("Studio insights: the period page and the broadcast page with its SVG chart and pin marker", async () => {
    const period = await maker.page("/studio/insights?days=7");
    expect(period.res.status).toBe(200);
    expect(period.body).toContain(`href="/studio/insights/b/1"`);
    expect(period.body).toContain(`id="hours-chart"`);
    const b = await maker.page("/studio/insights/b/1");
    expect(b.res.status).toBe(200);
    expect(b.body).toContain(`<svg id="viewers-chart"`);
    expect(b.body).toContain(`class="marker"`);
    expect(b.body).not.toContain(XSS);
    expect((await rival.page("/studio/insights/b/1")).res.status).toBe(404);
    expect((await maker.page("/studio")).body).toContain(`href="/studio/insights"`);
  });

  test("CSV cells that a spreadsheet would run as formulas are defused", async () => {
    const res = await maker.fetch("/studio/insights/b/1/export.csv?table=pins");
    expect(res.headers.get("content-type")).toContain("text/csv");
    const csv = await res.text();
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    const period = await (await maker.fetch("/studio/insights/export.csv?days=7&table=broadcasts")).text();
    expect(period.split("\r\n")[0]).toContain(`"broadcast_id"`);
    expect((await maker.fetch("/studio/insights/b/1/export.csv?table=nope")).status).toBe(404);
  });

  test("admin sees the instance; a creator cannot", async () => {
    const admin = lh.session();
    await admin.login("admin", "password123");
    expect((await admin.page("/admin/insights?days=30")).body).toContain(`href="/admin/insights/b/1"`);
    expect((await maker.page("/admin/insights")).res.status).toBe(403);
  });
});

describe("a user's own data", () => {
  test("export, then delete: gone from unique counts and baskets", async () => {
    const before = await api("/api/v1/me/data", "alice");
    expect(before.status).toBe(200);
    expect(before.body.events.length).toBeGreaterThan(5);
    expect(JSON.stringify(before.body)).not.toContain("127.0.0.1");
    expect((await api("/api/v1/me/data")).status).toBe(401);
    const del = await api("/api/v1/me/data", "alice", { method: "DELETE" });
    expect(del.status).toBe(200);
    expect(del.body.deleted).toBe(before.body.events.length);
    expect((await api("/api/v1/me/data", "alice")).body.events).toEqual([]);
    const stats = (await api("/api/v1/broadcasts/1/stats", "maker")).body;
    expect(stats).toMatchObject({ uniqueViewers: 0, watchSeconds: 0, productClicks: 0, orders: 0 });
    // Only bob's basket still holds p1 and p2 now: one basket is an anecdote (min 2), so no rule is left.
    expect((await api(`/api/v1/products/${ids.p1}/bought-together`)).body).toEqual([]);
  });

  test("a cookie session needs the CSRF token to delete", async () => {
    const s = lh.session();
    await s.login("bob", "password123");
    const res = await lh.app.handle(new Request("http://localhost/settings/data/delete", { method: "POST", headers: { cookie: s.cookieHeader() } }));
    expect(res.status).toBe(403);
    await s.page("/settings");
    const ok = await s.fetch("/settings/data/delete", { method: "POST", headers: { "hx-request": "true" } });
    expect(await ok.text()).toContain(`id="data-deleted"`);
  });
});

describe("CLI", () => {
  test("insights rebuild recomputes every derived table and reports counts", async () => {
    const cmd = insightsCommands.find((c) => c.name === "insights rebuild")!;
    const out = await cmd.run([], { config: lh.deps.config, db: lh.deps.db, moneyDb: lh.deps.moneyDb });
    expect(out).toMatchObject({ events: expect.any(Number), rules: 0, similar: expect.any(Number), propensity: expect.any(Number) });
  });
});
