// In real Chromium, with a real ffmpeg publishing so the room is live: a viewer sees the host's pin appear in
// the shop bag, buys the product with coins from the bag, and the "just bought" notice reaches a second browser.
// The pin also reaches the OBS overlay page, and is stored with its offset into the broadcast (shoppable replay).
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { openDb } from "../server/db/open";
import { launchBrowser } from "./helpers/browser";
import { removeDir, startServer, type RunningServer } from "./helpers/server";
import { publish, waitFor, type Publisher } from "./live-helpers";
import { api, seedBuyers, type Buyer } from "./shop-helpers";

let s: RunningServer;
let browser: Browser;
let publisher: Publisher;
let slug = "";
let hostToken = "";
let productId = 0;
let alice: Buyer;
let bob: Buyer;

beforeAll(async () => {
  s = await startServer();
  await s.cli(["user", "create", "--username", "host", "--password", "password123", "--role", "creator", "--display-name", "The Host"]);
  const room = (await s.cli(["room", "create", "--owner", "host", "--title", "Live shop night"])).json;
  slug = room.slug;
  hostToken = (await s.cli(["token", "create", "--username", "host"])).json.token;
  productId = (await s.cli(["product", "create", "--owner", "host", "--title", "Glow <Mug>", "--price", "30", "--currency", "COIN", "--stock", "5", "--kind", "digital"])).json.id;
  [alice, bob] = (await seedBuyers(s.dataDir, 2, "viewer")) as [Buyer, Buyer];
  expect((await s.cli(["wallet", "credit", "--username", alice.username, "--coins", "100"])).code).toBe(0);
  publisher = publish(`${s.rtmpUrl}/${room.streamKey}`, { size: "320x240", fps: 15, seconds: 60, audio: false });
  await waitFor("room live", async () => (await (await fetch(`${s.url}/api/v1/rooms/${slug}`)).json()).live, 20_000);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await publisher?.stop();
  await s.stop();
  removeDir(s.dataDir);
}, 60_000);

async function viewer(who: Buyer): Promise<Page> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${s.url}/login`);
  await page.fill("input[name=username]", who.username);
  await page.fill("input[name=password]", "password1");
  await Promise.all([page.waitForURL(`${s.url}/`), page.press("input[name=password]", "Enter")]);
  await page.addInitScript(() => document.addEventListener("htmx:ws:after:connection", () => ((window as unknown as { wsOpen: boolean }).wsOpen = true)));
  await page.goto(`${s.url}/r/${slug}`);
  await page.waitForFunction(() => (window as unknown as { wsOpen?: boolean }).wsOpen === true);
  await page.waitForSelector("#shop-bag .bag-items");
  return page;
}

test("a pin appears live, the viewer buys with coins, the notice reaches a second browser", async () => {
  const [a, b] = await Promise.all([viewer(alice), viewer(bob)]);
  expect(await a.locator("#shop-pins [data-pin]").count()).toBe(0);
  const overlay = await (await browser.newContext()).newPage();
  await overlay.goto(`${s.url}/shop/rooms/${slug}/overlay`);
  await overlay.waitForSelector('body[data-connected="1"]');

  const pinned = await api(s.url, hostToken)(`/api/v1/rooms/${slug}/pins`, { productId });
  expect(pinned.status).toBe(201);
  await a.waitForSelector(`#shop-pins [data-pin="${productId}"]`);
  await b.waitForSelector(`#shop-pins [data-pin="${productId}"]`);
  expect(await a.locator("#shop-pins strong").first().textContent()).toBe("Glow <Mug>");
  await overlay.waitForSelector(`#shop-pins [data-pin="${productId}"]`);
  expect(await overlay.locator("#shop-pins strong").textContent()).toBe("Glow <Mug>");

  await a.click(`#bag-${productId} button[data-buy="${productId}"]`);
  await a.waitForSelector(`#bag-${productId} .notice`);
  expect(await a.locator(`#bag-${productId} .notice`).textContent()).toContain("is paid");

  await b.waitForFunction(() => [...document.querySelectorAll("#shop-notices li")].some((li) => li.textContent === "Buyer 0 just bought Glow <Mug>"));
  expect(await b.locator("#shop-notices img, #shop-notices mug").count()).toBe(0);

  const wallet = await (await api(s.url, alice.token)("/api/v1/me/wallet")).json();
  expect(wallet.coins).toBe(70);
  const products = await (await fetch(`${s.url}/api/v1/rooms/${slug}/products`)).json();
  expect(products.products[0].stock).toBe(4);

  // Shoppable replay: the pin carries the broadcast it was made in and its offset into it.
  const db = openDb(join(s.dataDir, "livehouse.db"), "readonly");
  const pin = db.query<{ broadcast_id: number | null; offset_ms: number | null }, [number]>("SELECT broadcast_id, offset_ms FROM room_pins WHERE product_id = ?").get(productId);
  db.close();
  expect(pin?.broadcast_id).toBeGreaterThan(0);
  expect(pin?.offset_ms).toBeGreaterThanOrEqual(0);
  const replay = await (await fetch(`${s.url}/api/v1/broadcasts/${pin!.broadcast_id}/pins`)).json();
  expect(replay.pins).toMatchObject([{ productId, title: "Glow <Mug>", offsetMs: pin!.offset_ms, unpinnedAt: null }]);
}, 60_000);
