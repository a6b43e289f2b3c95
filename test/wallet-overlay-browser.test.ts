// Hostile names in real Chromium: a gift name, a display name, a goal title and chat text carrying markup are
// drawn as text in the OBS overlays and in the room's gift animation; nothing runs, no element is injected.
import { beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { serverAndBrowser } from "./helpers/browser";
import type { RunningServer } from "./helpers/server";
import { cliOk } from "./shop-helpers";

const IMG = "<img src=x onerror=alert(1)>";
const HX = '<div hx-get="/logout" hx-trigger="load">x</div>';

const suite = serverAndBrowser();
let srv: RunningServer;
let browser: Browser;
let slug = "";
let giftId = 0;
let castle = 0;
let fan = "";
let maker = "";

const ok = (args: string[]) => cliOk(srv, args);

async function api(path: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(srv.url + path, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, ...(typeof body === "string" ? { "content-type": "application/x-www-form-urlencoded" } : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    redirect: "manual",
  });
}

/** Opens a page and records any dialog (alert) it raises. */
async function open(url: string): Promise<{ page: Page; dialogs: string[] }> {
  const page = await browser.newPage();
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url);
  return { page, dialogs };
}

beforeAll(async () => {
  ({ server: srv, browser } = suite);
  await ok(["user", "create", "--username", "maker", "--password", "password123", "--role", "creator"]);
  maker = (await ok(["token", "create", "--username", "maker"])).token;
  await ok(["user", "create", "--username", "fan", "--password", "password123", "--role", "viewer", "--display-name", IMG]);
  fan = (await ok(["token", "create", "--username", "fan"])).token;
  await ok(["wallet", "credit", "--username", "fan", "--coins", "1000"]);
  slug = (await ok(["room", "create", "--owner", "maker", "--title", "Overlay room"])).slug;
  giftId = (await ok(["gift", "create", "--name", IMG, "--coins", "5", "--tier", "4"])).id;
  castle = (await ok(["gift", "create", "--name", "Castle", "--coins", "100000"])).id;
}, 60_000);

test("hostile gift and user names are inert in the alert, chat and goal overlays", async () => {
  const box = await (await api(`/studio/rooms/${slug}/overlay`, maker)).text();
  const token = box.match(/\/overlay\/(ov_[A-Za-z0-9_-]+)\/alerts/)![1]!;
  expect((await api(`/studio/rooms/${slug}/goal`, maker, `title=${encodeURIComponent(IMG)}&target=100`)).status).toBe(303);

  const alerts = await open(`${srv.url}/overlay/${token}/alerts?seconds=1`);
  const chat = await open(`${srv.url}/overlay/${token}/chat`);
  const goal = await open(`${srv.url}/overlay/${token}/goal`);
  for (const o of [alerts, chat, goal]) await o.page.waitForSelector("body[data-connected='1']", { state: "attached" });
  // The page itself is transparent for OBS.
  expect(await alerts.page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgba(0, 0, 0, 0)");
  expect(await goal.page.textContent(".goal-title")).toBe(IMG);

  expect((await api(`/api/v1/rooms/${slug}/gifts`, fan, { giftId, count: 3, idempotencyKey: "xss-1" })).status).toBe(201);
  const posted = await api(`/api/v1/rooms/${slug}/chat`, fan, { text: `${IMG} ${HX}` });
  expect(posted.status).toBe(201);
  const messageId = ((await posted.json()) as { id: number }).id;

  await alerts.page.waitForSelector(".alert-gift");
  expect(await alerts.page.textContent(".alert-gift .v-name")).toBe(IMG);
  expect(await alerts.page.textContent(".alert-gift .v-gift")).toBe(IMG);
  expect(await alerts.page.textContent(".alert-gift .combo")).toBe("×3");
  // Alerts queue: the follow waits for the gift alert to finish, then shows alone.
  expect((await api(`/api/v1/rooms/${slug}/follow`, fan, { following: true })).status).toBe(200);
  await alerts.page.waitForSelector(".alert-follow");
  expect(await alerts.page.locator(".alert").count()).toBe(1);
  expect(await alerts.page.textContent(".alert-follow .v-name")).toBe(IMG);
  // A coin purchase from the room's shop queues a purchase alert, hostile product title included.
  const product = (await ok(["product", "create", "--owner", "maker", "--title", IMG, "--price", "5", "--currency", "COIN", "--stock", "3", "--kind", "digital"])).id;
  const order = await api("/api/v1/orders", fan, { productId: product, quantity: 2, provider: "wallet", idempotencyKey: "overlay-buy-1", room: slug });
  expect(order.status).toBe(201);
  await alerts.page.waitForSelector(".alert-purchase");
  expect(await alerts.page.textContent(".alert-purchase .v-name")).toBe(IMG);
  expect(await alerts.page.textContent(".alert-purchase .v-product")).toBe(`${IMG} ×2`);
  await chat.page.waitForSelector(".line");
  expect(await chat.page.textContent(".line .who")).toBe(IMG);
  expect(await chat.page.textContent(".line .msg")).toContain(HX);
  await goal.page.waitForFunction(() => document.querySelector(".goal-count")?.textContent === "15 / 100");
  // Moderation reaches the chat overlay: a deleted message leaves, and so does everything from a timed-out user.
  await api(`/api/v1/rooms/${slug}/chat`, maker, { text: "welcome" });
  await chat.page.waitForFunction(() => document.querySelectorAll(".line").length === 2);
  expect((await api(`/api/v1/rooms/${slug}/moderation`, maker, { action: "delete", messageId })).status).toBe(200);
  await chat.page.waitForFunction(() => document.querySelectorAll(".line").length === 1);
  expect(await chat.page.textContent(".line .msg")).toBe("welcome");
  await api(`/api/v1/rooms/${slug}/chat`, fan, { text: "again" });
  await chat.page.waitForFunction(() => document.querySelectorAll(".line").length === 2);
  expect((await api(`/api/v1/rooms/${slug}/moderation`, maker, { action: "timeout", username: "fan", minutes: 1 })).status).toBe(200);
  await chat.page.waitForFunction(() => document.querySelectorAll(".line").length === 1);

  for (const o of [alerts, chat, goal]) {
    expect(await o.page.locator("img[src='x'], [hx-get], [onerror]").count()).toBe(0);
    expect(o.dialogs).toEqual([]);
  }
  for (const o of [alerts, chat, goal]) await o.page.close();
}, 30_000);

test("a gift combo is one alert whose counter climbs, not a queue of alerts", async () => {
  const box = await (await api(`/studio/rooms/${slug}/overlay`, maker)).text();
  const token = box.match(/\/overlay\/(ov_[A-Za-z0-9_-]+)\/alerts/)![1]!;
  const { page, dialogs } = await open(`${srv.url}/overlay/${token}/alerts?seconds=30`);
  await page.waitForSelector("body[data-connected='1']", { state: "attached" });
  const roseId = (await ok(["gift", "create", "--name", "Rose", "--coins", "1"])).id;
  for (let i = 0; i < 5; i++) expect((await api(`/api/v1/rooms/${slug}/gifts`, fan, { giftId: roseId, idempotencyKey: `combo-${i}` })).status).toBe(201);
  await page.waitForFunction(() => document.querySelector(".alert-gift .combo")?.textContent === "×5");
  expect(await page.locator(".alert").count()).toBe(1);
  expect(await page.getAttribute("body", "data-queued")).toBe("0");
  expect(dialogs).toEqual([]);
  await page.close();
}, 30_000);

test("the room's gift bar sends a gift and the animation shows the hostile names as text", async () => {
  const { page, dialogs } = await open(`${srv.url}/login`);
  await page.fill("input[name=username]", "fan");
  await page.fill("input[name=password]", "password123");
  await Promise.all([page.waitForURL(`${srv.url}/`), page.click("form[action='/login'] button[type=submit], form button.primary")]);
  await page.goto(`${srv.url}/r/${slug}`);
  await page.waitForSelector(`#gift-bar [data-gift='${giftId}']`);
  await page.waitForSelector("#top-gifters");
  const before = Number(await page.textContent("#gift-balance"));
  await page.click(`#gift-bar [data-gift='${giftId}']`);
  await page.waitForFunction((b) => Number(document.querySelector("#gift-balance")?.textContent) === b - 5, before);
  expect(await page.isVisible("#gift-status")).toBe(false);
  await page.waitForSelector("#gift-fx .gift-pop.tier-4");
  const combo = Number(await page.getAttribute("#gift-fx .gift-pop", "data-combo"));
  expect(await page.textContent("#gift-fx .gift-pop .who")).toBe(IMG);
  expect(await page.textContent("#gift-fx .gift-pop")).toContain(IMG);
  await page.waitForFunction(() => document.querySelector("#top-gifters li")?.textContent?.includes("<img"));
  // A repeat within the combo window replaces the pop: one pop, its counter one higher.
  await page.click(`#gift-bar [data-gift='${giftId}']`);
  await page.waitForSelector(`#gift-fx .gift-pop[data-combo='${combo + 1}']`);
  expect(await page.locator("#gift-fx .gift-pop").count()).toBe(1);
  expect(await page.textContent("#gift-fx .gift-pop .combo")).toBe(`×${combo + 1}`);
  expect(await page.locator("img[src='x'], #gift-fx [onerror]").count()).toBe(0);
  // Short of coins: the bar says so in the page's language and nothing moves.
  const left = Number(await page.textContent("#gift-balance"));
  await page.click(`#gift-bar [data-gift='${castle}']`);
  await page.waitForSelector("#gift-status.error");
  expect(await page.textContent("#gift-status")).toBe(`Not enough coins: this costs 100000 and you have ${left}.`);
  expect(dialogs).toEqual([]);
  await page.close();
}, 30_000);

test("Studio: the test alert button reaches the open overlay; rotating revokes it at once", async () => {
  const studio = await browser.newPage();
  studio.on("dialog", (d) => void d.accept());
  await studio.goto(`${srv.url}/login`);
  await studio.fill("input[name=username]", "maker");
  await studio.fill("input[name=password]", "password123");
  await Promise.all([studio.waitForURL(`${srv.url}/`), studio.click("form button.primary")]);
  await studio.goto(`${srv.url}/studio/rooms/${slug}`);
  await studio.waitForSelector("#overlay-test");
  const url = (await studio.getAttribute("#overlay-url-alerts", "data-secret"))!;
  expect(url).toMatch(/\/overlay\/ov_[A-Za-z0-9_-]+\/alerts$/);

  const overlay = await open(url);
  await overlay.page.waitForSelector("body[data-connected='1']", { state: "attached" });
  await studio.click("#overlay-test");
  await overlay.page.waitForSelector(".alert-test");
  expect(await overlay.page.textContent(".alert-test .v-name")).toBe("maker");

  await studio.click("#overlay-rotate");
  // The test alert left a notice in the box already: wait for the rotate answer's box, with the new address.
  await studio.waitForFunction((old) => document.querySelector("#overlay-url-alerts")?.getAttribute("data-secret") !== old, url);
  await studio.waitForSelector("#overlay-box .notice");
  await overlay.page.waitForSelector("body[data-revoked='1']", { state: "attached" });
  expect(await studio.getAttribute("#overlay-url-alerts", "data-secret")).not.toBe(url);
  expect((await fetch(url)).status).toBe(404);
  await overlay.page.close();
  await studio.close();
}, 30_000);
