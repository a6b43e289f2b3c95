// The shop through the real server over real HTTP: the flash-sale race at CI size, the per-buyer limit under
// parallel requests, bad input that writes nothing, object-level checks, rate limit, pins, back office, images, CSV.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { removeDir, startServer, type RunningServer } from "./helpers/server";
import { WebSession } from "./helpers/session";
import { api, cliOk, seedBuyers, shopCounts, type Buyer } from "./shop-helpers";

let srv: RunningServer;
let buyers: Buyer[];
let seller: WebSession;
let sellerApi: ReturnType<typeof api>;
let slug: string;

const cliJson = (args: string[]) => cliOk(srv, args);

async function product(title: string, price: number, stock: number, currency = "USD", kind = "digital"): Promise<number> {
  return (await cliJson(["product", "create", "--owner", "seller", "--title", title, "--price", String(price), "--currency", currency, "--stock", String(stock), "--kind", kind])).id;
}

async function flashSale(productId: number, f: { price: string; quantity: number; perBuyer: number }): Promise<number> {
  const res = await seller.postForm(`/studio/shop/products/${productId}/flash-sale`, { salePrice: f.price, quantity: String(f.quantity), perBuyerLimit: String(f.perBuyer), startsInMinutes: "0", minutes: "30" });
  expect(res.status).toBe(303);
  const json = await (await fetch(`${srv.url}/api/v1/rooms/${slug}/products`)).json();
  return json.products.find((p: { id: number }) => p.id === productId).flashSale.id;
}

const order = (b: Buyer, body: Record<string, unknown>) => api(srv.url, b.token)("/api/v1/orders", { quantity: 1, provider: "manual", idempotencyKey: crypto.randomUUID(), ...body });

beforeAll(async () => {
  srv = await startServer();
  await cliJson(["user", "create", "--username", "seller", "--password", "password1", "--role", "creator", "--display-name", "Shop Owner"]);
  slug = (await cliJson(["room", "create", "--owner", "seller", "--title", "Live shop"])).slug;
  sellerApi = api(srv.url, (await cliJson(["token", "create", "--username", "seller"])).token);
  seller = new WebSession(srv.url);
  await seller.login("seller", "password1");
  buyers = await seedBuyers(srv.dataDir, 310, "buyer");
}, 60_000);

afterAll(async () => {
  await srv.stop();
  removeDir(srv.dataDir);
}, 60_000);

test("flash-sale race: 300 buyers at once for 20 units → exactly 20 orders, stock 0, nothing negative", async () => {
  const id = await product("Race tee", 2500, 20);
  const saleId = await flashSale(id, { price: "9.99", quantity: 20, perBuyer: 1 });
  const results = await Promise.all(buyers.slice(0, 300).map((b) => order(b, { productId: id, flashSaleId: saleId, unitPrice: 999, currency: "USD" })));
  const statuses = results.map((r) => r.status);
  expect(statuses.filter((s) => s === 201).length).toBe(20);
  expect(statuses.filter((s) => s === 409).length).toBe(280);
  const bodies = await Promise.all(results.map((r) => r.json()));
  expect(new Set(bodies.filter((b) => b.id).map((b) => b.id)).size).toBe(20);
  expect(bodies.filter((b) => b.error).every((b) => /sold out/.test(b.error))).toBe(true);
  expect(shopCounts(srv.dataDir, id)).toEqual({ paidOrPending: 20, stock: 0, saleRemaining: 0, negatives: 0 });
}, 60_000);

test("per-buyer limit of 2 holds under 50 parallel requests from one buyer", async () => {
  const id = await product("Limited cap", 1000, 100);
  const saleId = await flashSale(id, { price: "5.00", quantity: 50, perBuyer: 2 });
  const b = buyers[300]!;
  const results = await Promise.all(Array.from({ length: 50 }, () => order(b, { productId: id, flashSaleId: saleId })));
  expect(results.filter((r) => r.status === 201).length).toBe(2);
  expect(results.filter((r) => r.status === 409).length).toBe(48);
  const errors = await Promise.all(results.filter((r) => r.status === 409).map((r) => r.json()));
  expect(errors.every((e) => /at most 2 per buyer/.test(e.error))).toBe(true);
  expect(shopCounts(srv.dataDir, id)).toEqual({ paidOrPending: 2, stock: 98, saleRemaining: 48, negatives: 0 });
}, 60_000);

describe("bad input gets a clear error and writes nothing", () => {
  let id: number;
  let coinId: number;
  let endedSale: number;
  beforeAll(async () => {
    id = await product("Poster", 1200, 5);
    coinId = await product("Sticker", 50, 5, "COIN");
    endedSale = await flashSale(id, { price: "1.00", quantity: 2, perBuyer: 1 });
    expect((await seller.postForm(`/studio/shop/products/${id}/flash-sale/end`, {})).status).toBe(303);
   }, 60_000);
  const rows: { name: string; body: () => Record<string, unknown>; status: number; error: RegExp }[] = [
    { name: "zero quantity", body: () => ({ productId: id, quantity: 0 }), status: 422, error: /quantity/ },
    { name: "negative quantity", body: () => ({ productId: id, quantity: -2 }), status: 422, error: /quantity/ },
    { name: "fractional quantity", body: () => ({ productId: id, quantity: 1.5 }), status: 422, error: /invalid request/ },
    { name: "another currency", body: () => ({ productId: id, currency: "EUR" }), status: 422, error: /sold in USD/ },
    { name: "tampered price", body: () => ({ productId: id, unitPrice: 1 }), status: 422, error: /price is 1200/ },
    { name: "finished flash sale", body: () => ({ productId: id, flashSaleId: endedSale, unitPrice: 100 }), status: 409, error: /ended/ },
    { name: "unknown product", body: () => ({ productId: 99999 }), status: 404, error: /no product/ },
    { name: "unknown provider", body: () => ({ productId: id, provider: "paypal" }), status: 422, error: /provider/ },
    { name: "coins for a USD product", body: () => ({ productId: id, provider: "wallet" }), status: 422, error: /COIN/ },
    { name: "stripe while not configured", body: () => ({ productId: id, provider: "stripe" }), status: 422, error: /not enabled/ },
    { name: "manual for a COIN product", body: () => ({ productId: coinId, provider: "manual" }), status: 422, error: /cannot take COIN/ },
    { name: "not enough coins", body: () => ({ productId: coinId, provider: "wallet" }), status: 402, error: /not enough coins/ },
    { name: "missing idempotency key", body: () => ({ productId: id, idempotencyKey: undefined }), status: 422, error: /invalid request/ },
    { name: "unknown room", body: () => ({ productId: id, room: "nope" }), status: 404, error: /no room/ },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      const before = [shopCounts(srv.dataDir, id), shopCounts(srv.dataDir, coinId)];
      const res = await order(buyers[301]!, row.body());
      expect(res.status).toBe(row.status);
      expect((await res.json()).error).toMatch(row.error);
      expect([shopCounts(srv.dataDir, id), shopCounts(srv.dataDir, coinId)]).toEqual(before);
    });
  }

  test("an unknown token → 401; a cookie session without the CSRF token → 403", async () => {
    expect((await fetch(`${srv.url}/api/v1/orders`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer lh_nope" }, body: JSON.stringify({ productId: id, quantity: 1, provider: "manual", idempotencyKey: "abcdefgh" }) })).status).toBe(401);
    const s = new WebSession(srv.url);
    await s.login(buyers[302]!.username, "password1");
    const res = await s.fetch("/api/v1/orders", { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": "wrong" }, body: JSON.stringify({ productId: id, quantity: 1, provider: "manual", idempotencyKey: "abcdefgh" }) });
    expect(res.status).toBe(403);
    expect(shopCounts(srv.dataDir, id).paidOrPending).toBe(0);
  });
});

test("an order is visible to its buyer and the selling creator only; anyone else gets 404", async () => {
  const id = await product("Private order", 700, 3);
  const res = await order(buyers[303]!, { productId: id, idempotencyKey: "private-order-1" });
  expect(res.status).toBe(201);
  const o = await res.json();
  expect(o).toMatchObject({ status: "pending", total: { minor: 700, currency: "USD" }, provider: "manual" });
  expect((await api(srv.url, buyers[303]!.token)(`/api/v1/orders/${o.id}`)).status).toBe(200);
  expect((await sellerApi(`/api/v1/orders/${o.id}`)).status).toBe(200);
  const other = await api(srv.url, buyers[304]!.token)(`/api/v1/orders/${o.id}`);
  expect(other.status).toBe(404);
  expect(await other.json()).toEqual({ error: `no order ${o.id}` });
  expect((await api(srv.url, buyers[304]!.token)("/api/v1/orders/999999")).status).toBe(404);
  // The same key with the same content answers with the same order; with other content it is a conflict.
  expect((await (await order(buyers[303]!, { productId: id, idempotencyKey: "private-order-1" })).json()).id).toBe(o.id);
  expect((await order(buyers[303]!, { productId: id, idempotencyKey: "private-order-1", quantity: 2 })).status).toBe(409);
  // Pages follow the same rule.
  const stranger = new WebSession(srv.url);
  await stranger.login(buyers[304]!.username, "password1");
  expect((await stranger.page(`/shop/orders/${o.id}`)).res.status).toBe(404);
}, 60_000);

test("checkout is rate-limited per user", async () => {
  const b = buyers[305]!;
  const statuses: number[] = [];
  for (let i = 0; i < 62; i++) statuses.push((await order(b, { productId: 1, quantity: 0 })).status);
  expect(statuses.slice(0, 60).every((s) => s === 422)).toBe(true);
  expect(statuses.at(-1)).toBe(429);
  // Another buyer is not affected.
  expect((await order(buyers[306]!, { productId: 1, quantity: 0 })).status).toBe(422);
}, 60_000);

test("pins: the host pins up to 3, others may not; the room's products list shows them", async () => {
  const ids = await Promise.all(["Pin A", "Pin B", "Pin C", "Pin D"].map((t) => product(t, 100, 1)));
  for (const id of ids.slice(0, 3)) expect((await sellerApi(`/api/v1/rooms/${slug}/pins`, { productId: id })).status).toBe(201);
  const fourth = await sellerApi(`/api/v1/rooms/${slug}/pins`, { productId: ids[3] });
  expect(fourth.status).toBe(409);
  expect((await fourth.json()).error).toMatch(/at most 3/);
  expect((await api(srv.url, buyers[307]!.token)(`/api/v1/rooms/${slug}/pins`, { productId: ids[3] })).status).toBe(403);
  const list = await (await fetch(`${srv.url}/api/v1/rooms/${slug}/products`)).json();
  expect(list.pins.map((p: { productId: number }) => p.productId)).toEqual(ids.slice(0, 3));
  expect((await sellerApi(`/api/v1/rooms/${slug}/pins/${ids[0]}`, undefined, "DELETE")).status).toBe(200);
  expect((await sellerApi(`/api/v1/rooms/${slug}/pins`, { productId: ids[3] })).status).toBe(201);
  const bag = await (await fetch(`${srv.url}/shop/rooms/${slug}/bag`)).text();
  expect(bag).toContain('id="shop-pins"');
  expect(bag).toContain("Pin D");
}, 60_000);

test("back office: confirm a manual payment, ship with tracking, buyer sees it; CSV export is formula-safe", async () => {
  const id = await product("=HYPERLINK(\"http://evil\")", 4200, 2, "USD", "physical");
  const b = buyers[308]!;
  const res = await order(b, { productId: id, shippingAddress: "1 Main St, Springfield" });
  const o = await res.json();
  expect(res.status).toBe(201);
  expect((await seller.postForm(`/studio/shop/orders/${o.id}/ship`, { tracking: "TRACK123" })).status).toBe(409);
  expect((await seller.postForm(`/studio/shop/orders/${o.id}/confirm`, {}, { "hx-request": "true" })).status).toBe(200);
  expect((await seller.postForm(`/studio/shop/orders/${o.id}/ship`, { tracking: "=1+2" }, { "hx-request": "true" })).status).toBe(409);
  const ship = await seller.postForm(`/studio/shop/orders/${o.id}/ship`, { tracking: "TRACK123" }, { "hx-request": "true" });
  expect(ship.status).toBe(200);
  expect(await ship.text()).toContain("TRACK123");
  const seen = await (await api(srv.url, b.token)(`/api/v1/orders/${o.id}`)).json();
  expect(seen).toMatchObject({ status: "shipped", tracking: "TRACK123" });
  expect(seen.events.map((e: { kind: string }) => e.kind)).toEqual(["created", "paid", "shipped"]);
  // Another buyer cannot drive the seller's actions.
  const stranger = new WebSession(srv.url);
  await stranger.login(buyers[309]!.username, "password1");
  expect((await stranger.postForm(`/studio/shop/orders/${o.id}/refund`, {})).status).toBe(404);
  const filtered = await seller.page("/studio/shop/orders?status=shipped");
  expect(filtered.body).toContain(`#${o.id}`);
  const csv = await (await seller.fetch("/studio/shop/orders.csv?status=shipped")).text();
  expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
  expect(csv).not.toMatch(/(^|,)"=/m);
}, 60_000);

test("product images: a real picture gets a thumbnail; a fake one is refused", async () => {
  const png = join(srv.dataDir, "pic.png");
  const ff = Bun.spawnSync(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=red:s=1200x800", "-frames:v", "1", png]);
  expect(ff.exitCode).toBe(0);
  const form = new FormData();
  for (const [k, v] of Object.entries({ title: "Pictured", price: "3.00", currency: "USD", stock: "4", kind: "digital", variants: "Small | 3.00 | 2\nLarge | 4.50 | 2", _csrf: seller.csrf })) form.set(k, v);
  form.set("images", new File([await Bun.file(png).arrayBuffer()], "pic.png", { type: "image/png" }));
  const res = await seller.fetch("/studio/shop/products", { method: "POST", body: form });
  expect(res.status).toBe(303);
  const page = await seller.page(res.headers.get("location")!);
  const thumb = page.body.match(/\/shop\/images\/(\d+-[0-9a-f]{16}-t\.jpg)/);
  expect(thumb).not.toBeNull();
  const img = await fetch(`${srv.url}/shop/images/${thumb![1]}`);
  expect(img.status).toBe(200);
  expect(img.headers.get("cache-control")).toContain("immutable");
  const bytes = new Uint8Array(await img.arrayBuffer());
  expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
  expect((await fetch(`${srv.url}/shop/images/..%2Flivehouse.db`)).status).toBe(404);

  const fake = new FormData();
  for (const [k, v] of Object.entries({ title: "Fake", price: "1.00", currency: "USD", stock: "1", _csrf: seller.csrf })) fake.set(k, v);
  fake.set("images", new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5, 6, 7, 8])], "x.png", { type: "image/png" }));
  const bad = await seller.fetch("/studio/shop/products", { method: "POST", body: fake });
  expect(bad.status).toBe(422);
  expect(await bad.text()).toContain("Images must be JPEG, PNG or WebP pictures.");
}, 60_000);

test("buying coins by bank transfer: pending until an admin confirms, credited exactly once", async () => {
  await cliJson(["user", "create", "--username", "root", "--password", "password1", "--role", "admin"]);
  const admin = api(srv.url, (await cliJson(["token", "create", "--username", "root"])).token);
  const b = new WebSession(srv.url);
  await b.login(buyers[309]!.username, "password1");
  await b.page("/shop/coins");
  const res = await b.postForm("/shop/coins", { pack: "p100", provider: "manual", idempotencyKey: "coins-manual-1" });
  expect(res.status).toBe(201);
  expect(await res.text()).toContain("waiting for your payment");
  expect((await b.postForm("/shop/coins", { pack: "p100", provider: "stripe", idempotencyKey: "coins-manual-2" })).status).toBe(422);
  const wallet = async () => (await (await api(srv.url, buyers[309]!.token)("/api/v1/me/wallet")).json()).coins;
  expect(await wallet()).toBe(0);
  const page = await new WebSession(srv.url).page("/admin/coins");
  expect(page.res.status).toBe(303);
  const id = Number((await b.page("/shop/coins")).body.match(/#(\d+) · 100 coins/)![1]);
  expect((await api(srv.url, buyers[309]!.token)(`/admin/coins/${id}/confirm`, {})).status).toBe(403);
  expect(await (await admin(`/admin/coins/${id}/confirm`, {})).json()).toEqual({ id, credited: true, status: "paid" });
  expect(await (await admin(`/admin/coins/${id}/confirm`, {})).json()).toEqual({ id, credited: false, status: "paid" });
  expect(await wallet()).toBe(100);
}, 60_000);

test("HTML checkout: a tampered form price and another seller's room are refused; the cart places orders", async () => {
  const id = await product("Form mug", 1500, 4, "USD", "physical");
  const b = new WebSession(srv.url);
  await b.login(buyers[307]!.username, "password1");
  await b.page(`/shop/p/${id}`);
  const tampered = await b.postForm("/shop/buy", { productId: String(id), quantity: "1", provider: "manual", idempotencyKey: crypto.randomUUID(), unitPrice: "1", currency: "USD", shippingAddress: "2 Side St, Town" }, { "hx-request": "true" });
  expect(tampered.status).toBe(422);
  expect(await tampered.text()).toContain("the price is 1500");
  await cliJson(["user", "create", "--username", "other", "--password", "password1", "--role", "creator"]);
  const otherRoom = (await cliJson(["room", "create", "--owner", "other", "--title", "Not yours"])).slug;
  const spoof = await b.postForm("/shop/buy", { productId: String(id), quantity: "1", provider: "manual", idempotencyKey: crypto.randomUUID(), room: otherRoom, shippingAddress: "2 Side St, Town" }, { "hx-request": "true" });
  expect(spoof.status).toBe(422);
  expect(shopCounts(srv.dataDir, id).paidOrPending).toBe(0);

  expect((await b.postForm("/shop/cart", { productId: String(id), quantity: "2" })).status).toBe(303);
  expect((await b.postForm("/shop/cart", { productId: String(id), quantity: "0" })).status).toBe(422);
  const cart = await b.page("/shop/cart");
  expect(cart.body).toContain("Form mug");
  const key = cart.body.match(/name="idempotencyKey" value="([^"]+)"/)![1]!;
  const noAddress = await b.postForm("/shop/checkout", { provider: "manual", idempotencyKey: key });
  expect(noAddress.status).toBe(409);
  expect(shopCounts(srv.dataDir, id).paidOrPending).toBe(0);
  const placed = await b.postForm("/shop/checkout", { provider: "manual", idempotencyKey: key, shippingAddress: "2 Side St, Town" });
  expect(placed.status).toBe(303);
  const page = await b.page(placed.headers.get("location")!);
  expect(page.body).toContain("Thank you!");
  expect(page.body).toContain("Pay by bank transfer or cash on delivery");
  expect(shopCounts(srv.dataDir, id)).toMatchObject({ paidOrPending: 1, stock: 2 });
  expect((await b.page("/shop/cart")).body).toContain("Your cart is empty.");
}, 60_000);

test("pinned cards follow the stock live: a sale refreshes the pin to sold out, a cancel brings it back", async () => {
  const { WsClient } = await import("./realtime-client");
  const id = await product("Last one", 800, 1);
  const list = await (await fetch(`${srv.url}/api/v1/rooms/${slug}/products`)).json();
  for (const p of list.pins) await sellerApi(`/api/v1/rooms/${slug}/pins/${p.productId}`, undefined, "DELETE");
  expect((await sellerApi(`/api/v1/rooms/${slug}/pins`, { productId: id })).status).toBe(201);
  const ws = await WsClient.open(`${srv.url.replace("http", "ws")}/api/v1/rooms/${slug}/events?token=${buyers[306]!.token}`);
  const res = await order(buyers[306]!, { productId: id });
  expect(res.status).toBe(201);
  const soldOut = await ws.waitEvent((e) => e.type === "pin" && e.action === "update" && e.pins.some((p: { productId: number; stock: number }) => p.productId === id && p.stock === 0), "sold-out pin");
  expect(soldOut.pins.length).toBe(1);
  const o = await res.json();
  expect((await api(srv.url, buyers[306]!.token)(`/shop/orders/${o.id}/cancel`, {})).ok).toBe(true);
  await ws.waitEvent((e) => e.type === "pin" && e.action === "update" && e.pins.some((p: { productId: number; stock: number }) => p.productId === id && p.stock === 1), "restocked pin");
  ws.close();
}, 60_000);

test("product create (CLI): JSON on success, one clear line and exit 1 on bad input", async () => {
  const ok = await srv.cli(["product", "create", "--owner", "seller", "--title", "CLI cap", "--price", "1250", "--currency", "eur", "--stock", "7"]);
  expect(ok.code).toBe(0);
  expect(ok.json).toMatchObject({ title: "CLI cap", price: { minor: 1250, currency: "EUR" }, stock: 7, kind: "physical", owner: "seller" });
  const bad: [string[], RegExp][] = [
    [["--owner", "nobody", "--title", "x", "--price", "1", "--currency", "USD", "--stock", "1"], /no user "nobody"/],
    [["--owner", "seller", "--title", "x", "--price", "1", "--currency", "XXX", "--stock", "1"], /--currency/],
    [["--owner", "seller", "--title", "x", "--price", "-5", "--currency", "USD", "--stock", "1"], /--price/],
    [["--owner", "seller", "--title", "x", "--price", "1.5", "--currency", "USD", "--stock", "1"], /--price must be an integer/],
    [["--owner", "seller", "--title", "", "--price", "1", "--currency", "USD", "--stock", "1"], /--title/],
    [["--owner", buyers[0]!.username, "--title", "x", "--price", "1", "--currency", "USD", "--stock", "1"], /only creators and admins sell/],
  ];
  for (const [args, err] of bad) {
    const r = await srv.cli(["product", "create", ...args]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(err);
  }
}, 60_000);
