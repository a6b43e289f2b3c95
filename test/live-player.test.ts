// The room page's player in real Chromium against a real ffmpeg publish: it plays, switches quality levels,
// keeps playing across a transcoder restart, flips to offline when the publisher stops and back to live when it
// returns, without a reload.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { serverAndBrowser } from "./helpers/browser";
import { publish, transcodersOf, waitFor, type Publisher } from "./live-helpers";

const suite = serverAndBrowser({ args: ["--segment-seconds", "1"] });
let room: { slug: string; streamKey: string };
const publishers: Publisher[] = [];

beforeAll(async () => {
  await suite.server.cli(["user", "create", "--username", "carol", "--password", "secret-pass-1", "--role", "creator"]);
  room = (await suite.server.cli(["room", "create", "--owner", "carol", "--title", "Player Room"])).json;
});

afterAll(async () => {
  for (const p of publishers) if (p.proc.exitCode === null) await p.kill();
});

const live = async () => ((await (await fetch(`${suite.server.url}/api/v1/rooms/${room.slug}`)).json()) as { live: boolean }).live;

async function playsFor(page: Page, seconds: number): Promise<void> {
  await page.waitForFunction(() => (document.getElementById("video") as HTMLVideoElement).currentTime > 0, null, { timeout: 15_000 });
  const start = await page.evaluate(() => (document.getElementById("video") as HTMLVideoElement).currentTime);
  await page.waitForFunction((t0) => (document.getElementById("video") as HTMLVideoElement).currentTime >= t0 + 3, start, { timeout: 15_000 });
  const now = await page.evaluate(() => (document.getElementById("video") as HTMLVideoElement).currentTime);
  expect(now - start).toBeGreaterThanOrEqual(seconds);
}

test("the room page plays the live stream, offers the rungs, goes offline and back without a reload", async () => {
  const { server: s, browser } = suite;
  const first = publish(`${s.rtmpUrl}/${room.streamKey}`);
  publishers.push(first);
  await waitFor("room live", live);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${s.url}/r/${room.slug}`);
  expect(await page.locator("#live-badge").textContent()).toBe("LIVE");
  await playsFor(page, 3);
  const options = await page.locator("#quality option").allTextContents();
  expect(options[0]).toBe("Auto");
  expect(options.slice(1).map((o) => o.split(" ")[0])).toEqual(["480p", "360p"]);
  await page.selectOption("#quality", "1");
  await page.click("#go-live");

  // The transcoder dies mid-stream: it is restarted and the page keeps playing across the discontinuity.
  const [transcoder] = await transcodersOf(s.proc.pid);
  process.kill(transcoder!.pid, "SIGKILL");
  await waitFor("restarted transcoder", async () => (await transcodersOf(s.proc.pid)).some((p) => p.pid !== transcoder!.pid));
  await playsFor(page, 3);

  await first.stop();
  await page.waitForFunction(() => !(document.getElementById("offline") as HTMLElement).hidden, null, { timeout: 8000 });
  expect(await page.locator("#live-badge").textContent()).toBe("Offline");
  expect(await page.locator("#player").isHidden()).toBe(true);

  const second = publish(`${s.rtmpUrl}/${room.streamKey}`);
  publishers.push(second);
  await page.waitForFunction(() => document.getElementById("player")!.getAttribute("data-live") === "1", null, { timeout: 15_000 });
  await playsFor(page, 3);
  expect(await page.locator("#offline").isHidden()).toBe(true);
  await second.stop();
  expect(errors).toEqual([]);
}, 90_000);

test("a replay page plays the recorded broadcast", async () => {
  const { server: s, browser } = suite;
  await waitFor("room offline", async () => !(await live()));
  const list = await (await fetch(`${s.url}/r/${room.slug}/replays`)).text();
  const id = /href="\/replays\/(\d+)"/.exec(list)![1];
  const page = await browser.newPage();
  await page.goto(`${s.url}/replays/${id}`);
  await page.waitForFunction(() => (document.getElementById("video") as HTMLVideoElement).currentTime > 1, null, { timeout: 15_000 });
}, 30_000);
