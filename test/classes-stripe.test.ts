// Stripe ticket and membership payments through the real webhook (signed locally with the SDK's test-header
// helper; no network): a session whose amount or currency differs from the ticket's is refused and changes
// nothing; the right one validates the ticket once; an expired session frees the seat.
import { afterAll, beforeAll, expect, test } from "bun:test";
import Stripe from "stripe";
import { removeDir, startServer, tempDataDir, type RunningServer } from "./helpers/server";
import { api, seedUsers, type Seeded } from "./classes-helpers";

const SECRET = "whsec_livehouse_classes_secret";
const stripe = new Stripe("sk_test_livehouse_offline");
let srv: RunningServer;
let buyers: Seeded[];

function sessionEvent(id: string, type: string, ref: string, over: Record<string, unknown> = {}) {
  return {
    id, object: "event", type, created: Math.floor(Date.now() / 1000), api_version: "2025-01-27",
    data: { object: { id: "cs_test_" + id, object: "checkout.session", client_reference_id: ref, payment_status: "paid", amount_total: 2500, currency: "usd", payment_intent: "pi_test_" + id, ...over } },
  };
}

async function deliver(event: object): Promise<string> {
  const payload = JSON.stringify(event);
  const header = await stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: SECRET });
  const res = await fetch(`${srv.url}/webhooks/stripe`, { method: "POST", headers: { "stripe-signature": header, "content-type": "application/json" }, body: payload });
  expect(res.status).toBe(200);
  return (await res.json()).outcome;
}

beforeAll(async () => {
  const dataDir = tempDataDir("lh-classes-stripe-");
  const seeded = seedUsers(dataDir, [{ username: "teacher", role: "creator" }, { username: "ann" }, { username: "bob" }]);
  buyers = seeded.slice(1);
  srv = await startServer({ dataDir, env: { LIVEHOUSE_STRIPE_SECRET_KEY: "sk_test_livehouse_offline", LIVEHOUSE_STRIPE_WEBHOOK_SECRET: SECRET } });
}, 60_000);

afterAll(async () => {
  await srv.stop();
  removeDir(srv.dataDir);
});

test("ticket webhook: wrong amount or currency refused; the right payment validates once; an expired session frees the seat", async () => {
  const starts = new Date(Date.now() + 86_400_000).toISOString();
  const c = await srv.cli(["class", "create", "--owner", "teacher", "--title", "Card class", "--starts", starts, "--minutes", "60", "--price", "2500", "--currency", "USD", "--capacity", "1"]);
  const classId: number = c.json.id;
  const ann = api(srv.url, buyers[0]!.token);
  const t = await ann("POST", `/api/v1/classes/${classId}/tickets`, { provider: "stripe", idempotencyKey: "card-key-1" });
  expect(t.status).toBe(201);
  expect([t.json.status, t.json.payUrl]).toEqual(["pending", `/classes/tickets/${t.json.id}/pay`]);
  const ref = `ticket:${t.json.id}`;
  expect(await deliver(sessionEvent("evt_low", "checkout.session.completed", ref, { amount_total: 100 }))).toStartWith("refused:");
  expect(await deliver(sessionEvent("evt_eur", "checkout.session.completed", ref, { currency: "eur" }))).toStartWith("refused:");
  expect((await ann("GET", `/api/v1/classes/${classId}`)).json.ticket.status).toBe("pending");
  expect(await deliver(sessionEvent("evt_ok", "checkout.session.completed", ref))).toBe("ticket valid");
  expect(await deliver(sessionEvent("evt_ok", "checkout.session.completed", ref))).toBe("duplicate");
  expect((await ann("GET", `/api/v1/classes/${classId}`)).json.ticket.status).toBe("valid");

  const c2 = await srv.cli(["class", "create", "--owner", "teacher", "--title", "Card class 2", "--starts", starts, "--minutes", "60", "--price", "2500", "--currency", "USD", "--capacity", "1"]);
  const bob = api(srv.url, buyers[1]!.token);
  const t2 = await bob("POST", `/api/v1/classes/${c2.json.id}/tickets`, { provider: "stripe", idempotencyKey: "card-key-2" });
  expect((await ann("POST", `/api/v1/classes/${c2.json.id}/tickets`, { provider: "stripe", idempotencyKey: "card-key-3" })).status).toBe(409);
  expect(await deliver(sessionEvent("evt_gone", "checkout.session.expired", `ticket:${t2.json.id}`, { payment_status: "unpaid" }))).toBe("ticket cancelled");
  expect((await ann("POST", `/api/v1/classes/${c2.json.id}/tickets`, { provider: "stripe", idempotencyKey: "card-key-3" })).status).toBe(201);
}, 60_000);

test("membership webhook: the amount must match the tier", async () => {
  const tier = await srv.cli(["membership", "tier", "create", "--owner", "teacher", "--name", "Card fans", "--price", "2500", "--currency", "USD"]);
  const bob = api(srv.url, buyers[1]!.token);
  const p = await bob("POST", "/api/v1/creators/teacher/memberships", { tierId: tier.json.id, provider: "stripe", idempotencyKey: "card-member-1" });
  expect([p.status, p.json.status, p.json.membership]).toEqual([201, "pending", null]);
  expect(await deliver(sessionEvent("evt_m_low", "checkout.session.completed", `membership:${p.json.id}`, { amount_total: 2499 }))).toStartWith("refused:");
  expect((await bob("GET", "/api/v1/me/memberships")).json.memberships).toEqual([]);
  expect(await deliver(sessionEvent("evt_m_ok", "checkout.session.completed", `membership:${p.json.id}`))).toBe("membership paid");
  expect((await bob("GET", "/api/v1/me/memberships")).json.memberships[0].status).toBe("active");
}, 60_000);
