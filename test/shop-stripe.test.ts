// Stripe through the real server with keys configured: webhooks signed locally with the SDK's test-header helper
// (no network). Fulfilment only from a verified webhook, deduped on the event id; stale events change nothing;
// bad or old signatures are refused with 400 and change nothing; coins bought through Stripe are credited once.
import { afterAll, beforeAll, expect, test } from "bun:test";
import Stripe from "stripe";
import { removeDir, startServer, type RunningServer } from "./helpers/server";
import { WsClient } from "./realtime-client";
import { api, cliOk, seedBuyers, type Buyer } from "./shop-helpers";

const SECRET = "whsec_livehouse_test_secret";
const stripe = new Stripe("sk_test_livehouse_offline");
let srv: RunningServer;
let buyer: Buyer;
let sellerToken: string;
let slug: string;
let productId: number;

const cliJson = (args: string[]) => cliOk(srv, args);

function sessionEvent(id: string, type: string, ref: string, over: Record<string, unknown> = {}) {
  return {
    id, object: "event", type, created: Math.floor(Date.now() / 1000), api_version: "2025-01-27",
    data: { object: { id: "cs_test_" + ref.replace(":", "_"), object: "checkout.session", client_reference_id: ref, payment_status: "paid", amount_total: 1998, currency: "usd", payment_intent: "pi_test_1", ...over } },
  };
}

async function deliver(event: object, opts: { secret?: string; timestamp?: number; tamper?: boolean } = {}): Promise<Response> {
  const payload = JSON.stringify(event);
  const header = await stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: opts.secret ?? SECRET, timestamp: opts.timestamp });
  return fetch(`${srv.url}/webhooks/stripe`, { method: "POST", headers: { "stripe-signature": header, "content-type": "application/json" }, body: opts.tamper ? payload.replace("1998", "1") : payload });
}

const getOrder = async (id: number) => (await api(srv.url, buyer.token)(`/api/v1/orders/${id}`)).json();

async function placeStripeOrder(key: string): Promise<{ id: number; status: string; payUrl: string }> {
  const res = await api(srv.url, buyer.token)("/api/v1/orders", { productId, quantity: 2, provider: "stripe", idempotencyKey: key, room: slug, unitPrice: 999, currency: "USD" });
  expect(res.status).toBe(201);
  return res.json();
}

beforeAll(async () => {
  srv = await startServer({ env: { LIVEHOUSE_STRIPE_SECRET_KEY: "sk_test_livehouse_offline", LIVEHOUSE_STRIPE_WEBHOOK_SECRET: SECRET } });
  await cliJson(["user", "create", "--username", "seller", "--password", "password1", "--role", "creator"]);
  slug = (await cliJson(["room", "create", "--owner", "seller", "--title", "Stripe shop"])).slug;
  sellerToken = (await cliJson(["token", "create", "--username", "seller"])).token;
  productId = (await cliJson(["product", "create", "--owner", "seller", "--title", "Hoodie", "--price", "999", "--currency", "USD", "--stock", "10", "--kind", "digital"])).id;
  buyer = (await seedBuyers(srv.dataDir, 1, "stripebuyer"))[0]!;
}, 60_000);

afterAll(async () => {
  await srv.stop();
  removeDir(srv.dataDir);
}, 60_000);

test("a webhook delivered 3× plus a stale event → paid once, one purchase notice", async () => {
  const ws = await WsClient.open(`${srv.url.replace("http", "ws")}/api/v1/rooms/${slug}/events?token=${sellerToken}`);
  const o = await placeStripeOrder("stripe-order-1");
  expect(o).toMatchObject({ status: "pending", payUrl: `/shop/orders/${o.id}/pay` });
  const completed = sessionEvent("evt_completed_1", "checkout.session.completed", `order:${o.id}`);
  const outcomes: string[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await deliver(completed);
    expect(res.status).toBe(200);
    outcomes.push((await res.json()).outcome);
  }
  expect(outcomes).toEqual(["order paid", "duplicate", "duplicate"]);
  // Stale: the session's "expired" arriving late, and a second completion under another event id.
  const stale = await deliver(sessionEvent("evt_expired_1", "checkout.session.expired", `order:${o.id}`, { payment_status: "unpaid" }));
  expect((await stale.json()).outcome).toBe("stale");
  expect((await (await deliver(sessionEvent("evt_completed_again", "checkout.session.completed", `order:${o.id}`))).json()).outcome).toBe("stale");
  const after = await getOrder(o.id);
  expect(after.status).toBe("paid");
  expect(after.events.filter((e: { kind: string }) => e.kind === "paid").length).toBe(1);
  // Events reach the socket in order: once this later pin arrives, every purchase notice sent before it has too.
  expect((await api(srv.url, sellerToken)(`/api/v1/rooms/${slug}/pins`, { productId })).status).toBe(201);
  await ws.waitEvent((e) => e.type === "pin" && e.action === "pin", "pin after the webhooks");
  const notices = ws.events().filter((e) => e.type === "purchase");
  expect(notices).toEqual([{ type: "purchase", buyer: "Buyer 0", product: "Hoodie", productId, quantity: 2 }]);
  ws.close();
}, 60_000);

test("a bad or old signature → 400 and nothing changes", async () => {
  const o = await placeStripeOrder("stripe-order-2");
  const ev = sessionEvent("evt_bad_1", "checkout.session.completed", `order:${o.id}`);
  const attempts = [
    await deliver(ev, { secret: "whsec_wrong" }),
    await deliver(ev, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
    await deliver(ev, { tamper: true }),
    await fetch(`${srv.url}/webhooks/stripe`, { method: "POST", body: JSON.stringify(ev) }),
  ];
  expect(attempts.map((r) => r.status)).toEqual([400, 400, 400, 400]);
  expect((await getOrder(o.id)).status).toBe("pending");
  // The refused deliveries did not burn the event id: the genuine one still applies.
  expect((await (await deliver(ev)).json()).outcome).toBe("order paid");
}, 60_000);

test("a paid amount that does not match the order is refused and the order stays pending", async () => {
  const o = await placeStripeOrder("stripe-order-3");
  const res = await deliver(sessionEvent("evt_wrong_amount", "checkout.session.completed", `order:${o.id}`, { amount_total: 1 }));
  expect((await res.json()).outcome).toMatch(/^refused: paid 1 usd/);
  expect((await getOrder(o.id)).status).toBe("pending");
}, 60_000);

test("coins bought through Stripe are credited once", async () => {
  const me = api(srv.url, buyer.token);
  const before = (await (await me("/api/v1/me/wallet")).json()).coins;
  const res = await me("/api/v1/me/coins/purchases", { pack: "p500", provider: "stripe", idempotencyKey: "coins-purchase-1" });
  expect(res.status).toBe(201);
  const p = await res.json();
  expect(p).toMatchObject({ status: "pending", coins: 500, price: { minor: 449, currency: "USD" } });
  const ev = sessionEvent("evt_coins_1", "checkout.session.completed", `coins:${p.id}`, { amount_total: 449 });
  expect((await (await deliver(ev)).json()).outcome).toBe("coins credited");
  expect((await (await deliver(ev)).json()).outcome).toBe("duplicate");
  expect((await (await deliver({ ...ev, id: "evt_coins_2" })).json()).outcome).toBe("coins already settled");
  expect((await (await me("/api/v1/me/wallet")).json()).coins).toBe(before + 500);
  const check = await srv.cli(["wallet", "check"]);
  expect(check.code).toBe(0);
}, 60_000);

test("hardening 4: a coin purchase paid with the wrong amount or currency credits nothing", async () => {
  const me = api(srv.url, buyer.token);
  const before = (await (await me("/api/v1/me/wallet")).json()).coins;
  const p = await (await me("/api/v1/me/coins/purchases", { pack: "p1200", provider: "stripe", idempotencyKey: "coins-purchase-cheap" })).json();
  const cheap = await deliver(sessionEvent("evt_coins_cheap", "checkout.session.completed", `coins:${p.id}`, { amount_total: 1 }));
  expect((await cheap.json()).outcome).toMatch(/^refused: paid 1 usd/);
  const euro = await deliver(sessionEvent("evt_coins_eur", "checkout.session.completed", `coins:${p.id}`, { amount_total: 999, currency: "eur" }));
  expect((await euro.json()).outcome).toMatch(/^refused: paid 999 eur/);
  expect((await (await me("/api/v1/me/wallet")).json()).coins).toBe(before);
  // The right amount still settles it afterwards.
  const right = await deliver(sessionEvent("evt_coins_right", "checkout.session.completed", `coins:${p.id}`, { amount_total: 999 }));
  expect((await right.json()).outcome).toBe("coins credited");
  expect((await (await me("/api/v1/me/wallet")).json()).coins).toBe(before + 1200);
}, 60_000);
