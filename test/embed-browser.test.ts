// In real Chromium: the embed page plays a live stream inside an iframe on an allowed second loopback origin and
// is refused (CSP frame-ancestors) on a third; the header bell of a signed-in follower shows the go-live notice
// without a reload (bell.js over the WebSocket); the room's og:image is the live poster, a real JPEG; the share
// buttons copy the page's absolute URL and hand it to navigator.share.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Server } from "bun";
import type { Frame } from "playwright-core";
import { serverAndBrowser } from "./helpers/browser";
import { WebSession } from "./helpers/session";
import { publish, waitFor, type Publisher } from "./live-helpers";

const suite = serverAndBrowser({ args: ["--segment-seconds", "1"] });
let allowed: Server<undefined>;
let refused: Server<undefined>;
let room: { slug: string; streamKey: string };
let pub: Publisher | null = null;

/** A page on another origin that frames our embed page. */
function parentSite(embedUrl: string): Server<undefined> {
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () => new Response(`<!doctype html><title>blog</title><h1>My blog</h1><iframe id="lh" src="${embedUrl}" width="640" height="360" allow="autoplay"></iframe>`, { headers: { "content-type": "text/html" } }),
  });
}

beforeAll(async () => {
  const { server } = suite;
  for (const [u, role] of [["host", "creator"], ["fan", "viewer"]]) await server.cli(["user", "create", "--username", u!, "--password", "password123", "--role", role!]);
  room = (await server.cli(["room", "create", "--owner", "host", "--title", "Embedded show"])).json;
  allowed = parentSite(`${server.url}/embed/${room.slug}`);
  refused = parentSite(`${server.url}/embed/${room.slug}`);
  const host = new WebSession(server.url);
  await host.login("host", "password123");
  const set = await host.postForm(`/studio/rooms/${room.slug}/embed`, { origins: `http://127.0.0.1:${allowed.port}` });
  expect(set.status).toBe(200);
  const fan = new WebSession(server.url);
  await fan.login("fan", "password123");
  expect((await fan.postForm(`/r/${room.slug}/follow`, { on: "1" })).status).toBe(303);
}, 60_000);

afterAll(async () => {
  await pub?.stop();
  allowed?.stop(true);
  refused?.stop(true);
});

const embedFrame = (frames: Frame[]) => frames.find((f) => f.url().includes(`/embed/${room.slug}`));

test("a follower's bell lights up live; the embed plays on the allowed origin and is refused elsewhere", async () => {
  const { server, browser } = suite;
  const ctx = await browser.newContext();
  const home = await ctx.newPage();
  await home.goto(`${server.url}/login`);
  await home.fill("input[name=username]", "fan");
  await home.fill("input[name=password]", "password123");
  await Promise.all([home.waitForURL((u) => !u.pathname.startsWith("/login")), home.click("button[type=submit].primary")]);
  await home.goto(`${server.url}/`);
  await home.waitForFunction(() => document.getElementById("bell")?.getAttribute("data-unread") === "0");

  pub = publish(`${server.rtmpUrl}/${room.streamKey}`, { size: "640x360", seconds: 60 });
  await waitFor("room live", async () => (await (await fetch(`${server.url}/api/v1/rooms/${room.slug}`)).json()).live, 20_000);
  await home.waitForFunction(() => document.getElementById("bell-count")?.textContent === "1" && !document.getElementById("bell-count")!.hidden, null, { timeout: 10_000 });

  // The share card's image is the live poster, and it is a real JPEG.
  const html = await (await fetch(`${server.url}/r/${room.slug}`)).text();
  const image = /<meta property="og:image" content="([^"]+)"/.exec(html)![1]!;
  expect(image).toBe(`http://localhost:${server.httpPort}/live/${room.slug}/poster.jpg`);
  const poster = await waitFor("live poster", async () => {
    const r = await fetch(image.replace(`http://localhost:${server.httpPort}`, server.url));
    return r.status === 200 ? new Uint8Array(await r.arrayBuffer()) : null;
  }, 20_000);
  expect([poster[0], poster[1], poster[2]]).toEqual([0xff, 0xd8, 0xff]);

  const ok = await ctx.newPage();
  await ok.goto(`http://127.0.0.1:${allowed.port}/`);
  const frame = await waitFor("embed frame", () => embedFrame(ok.frames()), 10_000);
  await frame.waitForFunction(() => {
    const v = document.getElementById("video") as HTMLVideoElement | null;
    return !!v && v.currentTime > 1.5;
  }, null, { timeout: 30_000 });

  const bad = await ctx.newPage();
  const consoleLines: string[] = [];
  bad.on("console", (m) => consoleLines.push(m.text()));
  const blocked = bad.waitForResponse((r) => r.url().includes(`/embed/${room.slug}`));
  await bad.goto(`http://127.0.0.1:${refused.port}/`);
  const res = await blocked;
  expect(res.headers()["content-security-policy"]).toContain(`frame-ancestors 'self' http://127.0.0.1:${allowed.port}`);
  await waitFor("refusal reported", () => consoleLines.some((l) => l.includes("frame-ancestors")), 10_000);
  // Nothing of ours rendered in the frame: no player element, no playback.
  for (const f of bad.frames()) {
    if (f === bad.mainFrame()) continue;
    const hasVideo = await f.evaluate(() => !!document.getElementById("video")).catch(() => false);
    expect(hasVideo).toBe(false);
  }
  await ctx.close();
}, 120_000);

test("share buttons: Copy link puts the absolute URL on the clipboard; Share… calls navigator.share with it", async () => {
  const { server, browser } = suite;
  const ctx = await browser.newContext();
  await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  // Headless Chromium on Linux has no share sheet: record what a phone's would receive.
  await ctx.addInitScript(() => {
    (window as unknown as { shared: unknown[] }).shared = [];
    Object.defineProperty(navigator, "share", { value: (d: unknown) => { (window as unknown as { shared: unknown[] }).shared.push(d); return Promise.resolve(); } });
  });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/r/${room.slug}`);
  const url = `http://localhost:${server.httpPort}/r/${room.slug}`;
  await page.click(".share-copy");
  await page.waitForFunction(() => document.querySelector(".share-status")?.textContent === "Link copied.");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await page.locator(".share-native").waitFor({ state: "visible" });
  await page.click(".share-native");
  expect(await page.evaluate(() => (window as unknown as { shared: unknown[] }).shared)).toEqual([{ title: "🔴 LIVE: Embedded show", url }]); // still live from the test above
  await ctx.close();
}, 60_000);
