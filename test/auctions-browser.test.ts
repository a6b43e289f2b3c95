// In real Chromium: the host starts an auction from the room page's panel, a viewer bids with one click, a second
// viewer's panel follows live over the room socket (price, leader, countdown), and the host's "end now" reaches
// both viewers as the sale. The item's title carries markup that must stay text.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "./helpers/browser";
import { removeDir, startServer, type RunningServer } from "./helpers/server";
import { api, seedBuyers, type Buyer } from "./shop-helpers";

let s: RunningServer;
let browser: Browser;
let slug = "";
let alice: Buyer;
let bob: Buyer;

beforeAll(async () => {
  s = await startServer();
  await s.cli(["user", "create", "--username", "host", "--password", "password123", "--role", "creator", "--display-name", "The Host"]);
  slug = (await s.cli(["room", "create", "--owner", "host", "--title", "Auction night"])).json.slug;
  await s.cli(["product", "create", "--owner", "host", "--title", "<b>Lot</b> one", "--price", "30", "--currency", "COIN", "--stock", "1", "--kind", "digital"]);
  [alice, bob] = (await seedBuyers(s.dataDir, 2, "viewer")) as [Buyer, Buyer];
  for (const b of [alice, bob]) expect((await s.cli(["wallet", "credit", "--username", b.username, "--coins", "500"])).code).toBe(0);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await s.stop();
  removeDir(s.dataDir);
}, 60_000);

async function open(username: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${s.url}/login`);
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await Promise.all([page.waitForURL(`${s.url}/`), page.press("input[name=password]", "Enter")]);
  await page.addInitScript(() => document.addEventListener("htmx:ws:after:connection", () => ((window as unknown as { wsOpen: boolean }).wsOpen = true)));
  await page.goto(`${s.url}/r/${slug}`);
  await page.waitForFunction(() => (window as unknown as { wsOpen?: boolean }).wsOpen === true);
  await page.waitForSelector("#auction #auction-state");
  return page;
}

test("start from the panel, bid with one click, live state on another viewer, end now", async () => {
  const host = await open("host", "password123");
  const [a, b] = await Promise.all([open(alice.username, "password1"), open(bob.username, "password1")]);
  expect(await a.locator("#auction-state").textContent()).toContain("No auction running");

  await host.fill("#auction input[name=startMinor]", "50");
  await host.fill("#auction input[name=seconds]", "60");
  await host.click("#auction [data-start]");
  await host.waitForSelector("#auction [data-end]");

  // The started event reaches the viewers' panels over the socket; the title is text, not markup.
  await a.waitForSelector("#auction-state[data-status=running]");
  await b.waitForSelector("#auction-state[data-status=running]");
  expect(await b.locator("#auction-state strong").first().textContent()).toBe("<b>Lot</b> one");
  expect(await b.locator("#auction-state b").count()).toBe(0);
  // The start makes every page fetch its own panel: the viewers get a bid form with their session's key.
  await a.waitForSelector("#auction [data-bid-min]");
  await a.click("#auction [data-bid-min]");
  await a.waitForSelector("#auction-status.notice");
  expect(await a.locator("#auction-status").textContent()).toBe("You lead at 50 coins.");
  await b.waitForFunction(() => document.querySelector("#auction-state .auction-leader")?.textContent === "Leading: Buyer 0");
  expect(await b.locator("#auction-state .auction-price").textContent()).toBe("50 coins");
  expect(await b.locator("#auction-state .countdown time").textContent()).toMatch(/^0:5\d$|^1:00$/);

  // Bob outbids over the API; Alice's panel follows.
  const auctionId = Number(await b.locator("#auction-state").getAttribute("data-auction"));
  const res = await api(s.url, bob.token)(`/api/v1/auctions/${auctionId}/bids`, { amountMinor: 80, idempotencyKey: crypto.randomUUID() });
  expect(res.status).toBe(201);
  await a.waitForFunction(() => document.querySelector("#auction-state .auction-price")?.textContent === "80 coins");
  expect(await a.locator("#auction-state .auction-leader").textContent()).toBe("Leading: Buyer 1");

  await host.click("#auction [data-end]");
  for (const p of [a, b]) await p.waitForSelector("#auction-state [data-outcome=sold]");
  expect(await a.locator("#auction-state .auction-outcome").textContent()).toContain("Sold to Buyer 1 for 80 coins");
}, 90_000);
