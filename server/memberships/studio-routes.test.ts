// The Studio's membership tiers over HTTP (the real app, real SQLite, cookie sessions with CSRF): create with
// validation messages beside each field, edit, archive and restore, and who may do it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createAccessToken, createUser } from "../accounts/accounts";
import { testApp, type TestApp } from "../../test/helpers/app";
import type { WebSession } from "../../test/helpers/session";

let lh: TestApp;
let carol: WebSession;
let dan: WebSession;
let vic: WebSession;
let vicToken = "";
const HX = { "hx-request": "true" };

beforeAll(async () => {
  lh = await testApp();
  const { db } = lh.deps;
  for (const [username, role] of [["carol", "creator"], ["dan", "creator"], ["vic", "viewer"]] as const) {
    const u = await createUser(db, { username, password: "password123", role });
    if (!u.ok) throw new Error(username);
    if (username === "vic") vicToken = createAccessToken(db, u.value.id, "t", Date.now()).token;
  }
  [carol, dan, vic] = [lh.session(), lh.session(), lh.session()];
  await carol.login("carol", "password123");
  await dan.login("dan", "password123");
  await vic.login("vic", "password123");
});
afterAll(() => lh.stop());

/** The id of the Studio card whose name field holds `name`. */
function tierIdIn(html: string, name: string): number {
  const before = html.slice(0, html.indexOf(`name="name" required maxlength="60" value="${name}"`));
  return Number([...before.matchAll(/id="tier-(\d+)"/g)].at(-1)![1]);
}

test("only creators see the tiers page; the Studio links to it", async () => {
  const page = await carol.page("/studio/memberships");
  expect(page.res.status).toBe(200);
  expect(page.body).toContain('id="new-tier"');
  expect((await carol.page("/studio")).body).toContain('href="/studio/memberships"');
  expect((await vic.page("/studio/memberships")).res.status).toBe(403);
  const anon = await lh.app.handle(new Request("http://localhost/studio/memberships"));
  expect(anon.status).toBe(303);
});

test("creating: every bad field gets its message beside it and keeps what was typed; a good tier appears on the creator's page", async () => {
  await carol.page("/studio/memberships");
  const bad = await carol.postForm("/studio/memberships", { name: "", price: "ten", currency: "XYZ", perks: "fine", badge: "much-too-long" }, HX);
  expect(bad.status).toBe(422);
  const html = await bad.text();
  for (const [field, text] of [
    ["name", "The name must be 1 to 60 characters."],
    ["price", "The price must be minor units per month: a whole number from 1."],
    ["currency", "Choose one of the listed currencies."],
    ["badge", "The badge must be at most 8 characters"],
  ]) expect(html).toMatch(new RegExp(`id="err-${field}"[^>]*>${text!.replace(/[.()]/g, "\\$&")}`));
  expect(html).toContain('value="much-too-long"');
  expect(html).not.toContain('id="err-perks"');

  const made = await carol.postForm("/studio/memberships", { name: "Fan <b>club</b>", price: "500", currency: "COIN", perks: "Members-only replays", badge: "★" }, HX);
  expect(made.status).toBe(201);
  const list = await made.text();
  expect(list).toContain("<span>Fan &lt;b&gt;club&lt;/b&gt;</span>");
  const pub = await vic.page("/c/carol/memberships");
  expect(pub.body).toContain("Members-only replays");
  expect(pub.body).toContain("500 coins / month");

  const again = await carol.postForm("/studio/memberships", { name: "Fan <b>club</b>", price: "100", currency: "COIN" }, HX);
  expect(again.status).toBe(409);
  expect(await again.text()).toContain("You already have a tier with this name.");
  // Without htmx the whole page answers, with the errors beside the fields.
  const plain = await carol.postForm("/studio/memberships", { name: "x".repeat(61), price: "1", currency: "USD" });
  expect(plain.status).toBe(422);
  expect(await plain.text()).toContain("<h1>Membership tiers</h1>");
  // No CSRF token: refused before anything is written.
  const forged = await lh.app.handle(new Request("http://localhost/studio/memberships", { method: "POST", headers: { cookie: carol.cookieHeader(), "content-type": "application/x-www-form-urlencoded" }, body: "name=Sneaky&price=1&currency=COIN" }));
  expect(forged.status).toBe(403);
  expect((await carol.page("/studio/memberships")).body).not.toContain("Sneaky");
});

test("editing the name, price, perks and badge; errors beside fields; another creator's tier is not found", async () => {
  await carol.postForm("/studio/memberships", { name: "Patron", price: "900", currency: "USD", perks: "", badge: "" }, HX);
  const page = await carol.page("/studio/memberships");
  const id = tierIdIn(page.body, "Patron");
  const bad = await carol.postForm(`/studio/memberships/${id}`, { name: "Patron", price: "0", perks: "p".repeat(2001), badge: "" }, HX);
  expect(bad.status).toBe(422);
  const html = await bad.text();
  expect(html).toContain('id="err-price"');
  expect(html).toContain("Perks must be at most 2,000 characters.");
  const ok = await carol.postForm(`/studio/memberships/${id}`, { name: "Patron+", price: "1200", perks: "A thank-you call", badge: "💎", currency: "COIN" }, HX);
  expect(ok.status).toBe(200);
  const card = await ok.text();
  expect(card).toContain("Saved");
  expect(card).toContain("$12.00");
  expect(card).toContain("Currency</span>: <span>USD"); // the currency stays
  const clash = await carol.postForm(`/studio/memberships/${id}`, { name: "Fan <b>club</b>", price: "1200" }, HX);
  expect(clash.status).toBe(409);
  await dan.page("/studio/memberships");
  expect((await dan.postForm(`/studio/memberships/${id}`, { name: "Mine now", price: "1" }, HX)).status).toBe(404);
  expect((await dan.postForm(`/studio/memberships/${id}/archive`, {}, HX)).status).toBe(404);
  expect((await vic.page("/c/carol/memberships")).body).toContain("A thank-you call");
});

test("archiving hides a tier and refuses new members; restoring brings it back", async () => {
  const page = await carol.page("/studio/memberships");
  const id = tierIdIn(page.body, "Patron+");
  const archived = await carol.postForm(`/studio/memberships/${id}/archive`, {}, HX);
  expect(archived.status).toBe(200);
  expect(await archived.text()).toContain("Archived: takes no new members");
  expect((await vic.page("/c/carol/memberships")).body).not.toContain("Patron+");
  const join = await lh.app.handle(new Request("http://localhost/api/v1/creators/carol/memberships", {
    method: "POST", headers: { authorization: `Bearer ${vicToken}`, "content-type": "application/json" }, body: JSON.stringify({ tierId: id, provider: "manual", idempotencyKey: "join-archived-1" }),
  }));
  expect(join.status).toBe(404);
  expect((await carol.postForm(`/studio/memberships/${id}/restore`, {}, HX)).status).toBe(200);
  expect((await vic.page("/c/carol/memberships")).body).toContain("Patron+");
});
