// Low-latency mode in real Chromium: with the instance default set to low (LIVEHOUSE_LATENCY_MODE=low), the room page's
// hls.js loads LL-HLS parts and plays close behind the live edge, the replay plays on the replay page; the Studio
// select switches the room back to standard, and the next publish is plain HLS again.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { serverAndBrowser } from "./helpers/browser";
import { cli } from "./helpers/server";
import { publish, waitFor, type Publisher } from "./live-helpers";

const ENV = { LIVEHOUSE_LATENCY_MODE: "low" };
const suite = serverAndBrowser({ env: ENV });
/** The CLI resolves the instance default from its own settings, so it gets the same environment. */
const admin = (args: string[]) => cli(suite.server.dataDir, args, ENV);
let room: { slug: string; streamKey: string };
const publishers: Publisher[] = [];

beforeAll(async () => {
  await suite.server.cli(["user", "create", "--username", "lee", "--password", "secret-pass-1", "--role", "creator"]);
  room = (await suite.server.cli(["room", "create", "--owner", "lee", "--title", "LL Player Room"])).json;
});

afterAll(async () => {
  for (const p of publishers) if (p.proc.exitCode === null) await p.kill();
});

const live = async () => ((await (await fetch(`${suite.server.url}/api/v1/rooms/${room.slug}`)).json()) as { live: boolean }).live;

interface HlsProbe {
  lowLatencyMode: boolean;
  parts: number;
  /** Behind the playlist's edge (hls.latency): the player's own share. */
  behindEdge: number;
  /** Behind the server's arrival clock (now − playingDate): glass-to-glass minus the publisher's encoder. */
  latency: number | null;
  rate: number;
}

function probe(page: Page): Promise<HlsProbe> {
  return page.evaluate(() => {
    type Hls = { config: { lowLatencyMode: boolean }; levels: { details?: { partList: unknown[] | null } }[]; currentLevel: number; playingDate: Date | null; latency: number };
    const hls = (document.getElementById("player") as unknown as { livehouseHls: Hls }).livehouseHls;
    const video = document.getElementById("video") as HTMLVideoElement;
    const details = hls.levels[Math.max(0, hls.currentLevel)]?.details;
    return { lowLatencyMode: hls.config.lowLatencyMode, parts: details?.partList?.length ?? 0, behindEdge: hls.latency, latency: hls.playingDate ? (Date.now() - hls.playingDate.getTime()) / 1000 : null, rate: video.playbackRate };
  });
}

test("the room page plays a low-latency room through LL-HLS parts, about a second behind the server", async () => {
  const { server: s, browser } = suite;
  expect((await admin(["room", "latency", "--room", room.slug])).json).toMatchObject({ mode: "low", default: true });
  const pub = publish(`${s.rtmpUrl}/${room.streamKey}`, { seconds: 60 });
  publishers.push(pub);
  await waitFor("room live", live, 20_000);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${s.url}/r/${room.slug}`);
  expect(await page.locator("#player").getAttribute("data-latency")).toBe("low");
  await page.waitForFunction(() => (document.getElementById("video") as HTMLVideoElement).currentTime > 0, null, { timeout: 15_000 });
  const t0 = await page.evaluate(() => (document.getElementById("video") as HTMLVideoElement).currentTime);
  await page.waitForFunction((t) => (document.getElementById("video") as HTMLVideoElement).currentTime >= t + 4, t0, { timeout: 15_000 });
  const samples: HlsProbe[] = [];
  for (let i = 0; i < 6; i++) {
    samples.push(await probe(page));
    await Bun.sleep(500);
  }
  expect(samples.every((x) => x.lowLatencyMode && x.parts > 0)).toBe(true);
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const behind = median(samples.map((x) => x.behindEdge));
  const g2g = median(samples.map((x) => x.latency!));
  console.log(`low-latency player: ${behind.toFixed(2)} s behind the playlist edge, ${g2g.toFixed(2)} s behind server arrival (load ${(await Bun.file("/proc/loadavg").text()).split(" ")[0]})`);
  // The player aims at 0.75 s behind the newest part and jumps back when 3 s behind (standard mode sits 2-3 whole
  // segments back). Server arrival → part adds transcode time, which a CPU-starved machine stretches without
  // bound, so glass-to-glass is only logged here and measured by scripts/bench-latency.
  expect(behind).toBeLessThan(3.5);
  expect(g2g).toBeGreaterThan(0);
  expect(errors).toEqual([]);
  await pub.stop();
  await waitFor("room offline", async () => !(await live()), 15_000);

  // Its replay (fMP4 segments, one init per run) plays on the replay page like any other.
  const list = await (await fetch(`${s.url}/r/${room.slug}/replays`)).text();
  const id = /href="\/replays\/(\d+)"/.exec(list)![1];
  const replay = await browser.newPage();
  await replay.goto(`${s.url}/replays/${id}`);
  await replay.waitForFunction(() => (document.getElementById("video") as HTMLVideoElement).currentTime > 2, null, { timeout: 20_000 });
}, 120_000);

test("the Studio select sets the room back to standard; the next publish is plain HLS", async () => {
  const { server: s, browser } = suite;
  for (const p of publishers) if (p.proc.exitCode === null) await p.kill();
  await waitFor("room offline", async () => !(await live()), 15_000);
  const page = await browser.newPage();
  await page.goto(`${s.url}/login`);
  await page.fill("input[name=username]", "lee");
  await page.fill("input[name=password]", "secret-pass-1");
  await Promise.all([page.waitForURL(`${s.url}/`), page.press("input[name=password]", "Enter")]);
  await page.goto(`${s.url}/studio/rooms/${room.slug}`);
  expect(await page.locator("#latency-mode").inputValue()).toBe("default");
  expect(await page.locator("#latency-mode option[value=default]").textContent()).toContain("Low latency");
  await page.selectOption("#latency-mode", "standard");
  await page.click("#latency button[type=submit]");
  await page.waitForSelector("#latency .notice");
  expect(await page.locator("#latency-mode").inputValue()).toBe("standard");
  expect((await admin(["room", "latency", "--room", room.slug])).json).toMatchObject({ mode: "standard", default: false });

  const pub = publish(`${s.rtmpUrl}/${room.streamKey}`, { seconds: 30 });
  publishers.push(pub);
  await waitFor("room live", live, 20_000);
  const master = await (await fetch(`${s.url}/live/${room.slug}/index.m3u8`)).text();
  const rung = /^(\d+p)\/index\.m3u8$/m.exec(master)![1];
  const media = await (await fetch(`${s.url}/live/${room.slug}/${rung}/index.m3u8`)).text();
  expect(media).not.toContain("#EXT-X-PART");
  expect(media).toMatch(/\.ts$/m);
  await pub.stop();
}, 90_000);
