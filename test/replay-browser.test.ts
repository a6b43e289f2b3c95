// A replay in real Chromium shows the broadcast's chat and pinned product in sync with the video: a line
// posted 5 s into the broadcast is hidden at 2 s of playback and shown after 5 s; the product pinned during
// the broadcast shows while its pin was on.
import { expect, test } from "bun:test";
import { serverAndBrowser } from "./helpers/browser";
import { publish, waitFor } from "./live-helpers";

const suite = serverAndBrowser({ args: ["--segment-seconds", "1"] });

test("replay page plays the chat and the pins back in sync", async () => {
  const { server, browser } = suite;
  await server.cli(["user", "create", "--username", "host", "--password", "password123", "--role", "creator"]);
  const token = (await server.cli(["token", "create", "--username", "host"])).json.token as string;
  const room = (await server.cli(["room", "create", "--owner", "host", "--title", "Replay Room"])).json;
  const product = (await server.cli(["product", "create", "--owner", "host", "--title", "Vinyl <b>LP</b>", "--price", "500", "--currency", "COIN", "--stock", "5"])).json;
  const api = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });

  const pub = publish(`${server.rtmpUrl}/${room.streamKey}`, { size: "640x360", seconds: 30 });
  const live = await waitFor("room live", async () => (await (await fetch(`${server.url}/api/v1/rooms/${room.slug}`)).json()).live, 20_000);
  expect(live).toBe(true);
  expect((await api(`/api/v1/rooms/${room.slug}/chat`, { text: "first line" })).status).toBe(201);
  expect((await api(`/api/v1/rooms/${room.slug}/pins`, { productId: product.id })).status).toBe(201);
  await Bun.sleep(5_000);
  expect((await api(`/api/v1/rooms/${room.slug}/chat`, { text: "five seconds later" })).status).toBe(201);
  await Bun.sleep(3_000);
  await pub.stop();
  await waitFor("room offline", async () => !(await (await fetch(`${server.url}/api/v1/rooms/${room.slug}`)).json()).live, 15_000);

  const page = await browser.newPage();
  await page.goto(`${server.url}/r/${room.slug}`);
  const replayHref = await page.locator("a[href^='/replays/']").first().getAttribute("href");
  expect(replayHref).toMatch(/^\/replays\/\d+$/);
  await page.goto(server.url + replayHref);
  await page.locator("[data-replay-chat] li").first().waitFor({ state: "attached" });
  const offsets = await page.$$eval("[data-replay-chat] li", (els) => els.map((e) => Number(e.getAttribute("data-offset"))));
  expect(offsets).toHaveLength(2);
  expect(offsets[1]! - offsets[0]!).toBeGreaterThanOrEqual(4_500);

  // Hold playback just after the first line: the second is still hidden, the pinned product shows.
  await page.evaluate((at) => { const v = document.getElementById("video") as HTMLVideoElement; v.pause(); v.currentTime = at; }, offsets[0]! / 1000 + 1);
  await page.waitForFunction(() => {
    const lis = [...document.querySelectorAll("[data-replay-chat] li")] as HTMLElement[];
    return lis.length === 2 && !lis[0]!.hidden && lis[1]!.hidden;
  });
  await page.locator("#replay-shop .pin-card").first().waitFor();
  expect(await page.locator("#replay-shop .pin-card").first().textContent()).toContain("Vinyl <b>LP</b>");
  // Seek past the second line: both show.
  await page.evaluate((at) => { (document.getElementById("video") as HTMLVideoElement).currentTime = at; }, offsets[1]! / 1000 + 0.5);
  await page.waitForFunction(() => [...document.querySelectorAll("[data-replay-chat] li")].every((li) => !(li as HTMLElement).hidden));
  // Back to the start: nothing said yet.
  await page.evaluate(() => { (document.getElementById("video") as HTMLVideoElement).currentTime = 0; });
  await page.waitForFunction(() => [...document.querySelectorAll("[data-replay-chat] li")].every((li) => (li as HTMLElement).hidden));
  await page.close();
}, 90_000);
