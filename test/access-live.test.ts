// Access on a real live stream: a real server, a real ffmpeg publish, Debian's Chromium. Every mode × every live
// media path × {no token, expired, tampered, other room's, valid}; an entitled viewer watches a passphrase room
// (currentTime advances across several token refreshes) while a visitor sees the paywall, then enters the passphrase
// without an account and plays; a ticket holder watches a ticket room while a viewer without one sees the paywall;
// the segment URLs copied from the viewer's page stop working for the visitor once they expire; the replay follows
// the room.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Request as PwRequest } from "playwright-core";
import { signMedia } from "../server/access/tokens";
import { ACCESS_MODES } from "../server/access/model";
import { serverAndBrowser } from "./helpers/browser";
import { publish, waitFor, type Publisher } from "./live-helpers";

const SECRET = "live-test-secret-0123456789";
const TTL = 6;
const suite = serverAndBrowser({ args: ["--segment-seconds", "1", "--ladder", "240", "--media-token-secret", SECRET, "--media-token-ttl", String(TTL)] });
let room: { slug: string; streamKey: string };
let other: { slug: string };
let ownerToken: string;
let viewerToken: string;
let publisher: Publisher | null = null;

const url = (path: string) => `${suite.server.url}${path}`;
const nowSec = () => Math.floor(Date.now() / 1000);
const signed = (prefix: string, expires: number) => `md5=${signMedia(SECRET, prefix, expires)}&expires=${expires}`;
const status = async (path: string, headers: Record<string, string> = {}) => (await fetch(url(path), { headers })).status;

async function setMode(mode: string, extra: string[] = []): Promise<void> {
  const r = await suite.server.cli(["room", "access", "--room", room.slug, "--mode", mode, ...extra]);
  expect(r.code).toBe(0);
  // The media path caches a room's access for a second; another process (the CLI) changed it.
  await Bun.sleep(1100);
}

beforeAll(async () => {
  const s = suite.server;
  await s.cli(["user", "create", "--username", "carol", "--password", "secret-pass-1", "--role", "creator"]);
  await s.cli(["user", "create", "--username", "vic", "--password", "secret-pass-2", "--role", "viewer"]);
  ownerToken = (await s.cli(["token", "create", "--username", "carol"])).json.token;
  viewerToken = (await s.cli(["token", "create", "--username", "vic"])).json.token;
  room = (await s.cli(["room", "create", "--owner", "carol", "--title", "Paid Class"])).json;
  other = (await s.cli(["room", "create", "--owner", "carol", "--title", "Other Class"])).json;
  expect((await s.cli(["room", "access", "--room", other.slug, "--mode", "members"])).code).toBe(0);
  publisher = publish(`${s.rtmpUrl}/${room.streamKey}`, { size: "426x240" });
  await waitFor("room live", async () => ((await (await fetch(url(`/api/v1/rooms/${room.slug}`))).json()) as { live: boolean }).live, 20_000);
}, 60_000);

afterAll(async () => {
  if (publisher && publisher.proc.exitCode === null) await publisher.kill();
});

/** The master, a media playlist and a segment of the live stream, as signed for the owner right now. */
async function livePaths(): Promise<{ master: string; media: string; segment: string; query: string }> {
  const res = await fetch(url(`/api/v1/rooms/${room.slug}/playback`), { headers: { authorization: `Bearer ${ownerToken}` } });
  expect(res.status).toBe(200);
  const { hls } = (await res.json()) as { hls: string };
  const [master, query = ""] = hls.split("?");
  const variants = (await (await fetch(url(hls))).text()).split("\n").filter((l) => l && !l.startsWith("#"));
  const media = `/live/${room.slug}/${variants[0]!.split("?")[0]}`;
  const segments = await waitFor("a segment", async () => (await (await fetch(url(`${media}?${query}`))).text()).split("\n").filter((l) => l && !l.startsWith("#")));
  const segment = media.replace("index.m3u8", segments.at(-1)!.split("?")[0]!);
  return { master: master!, media, segment, query };
}

test("every mode × every live path × {no token, expired, tampered, other room's, valid}", async () => {
  for (const mode of ACCESS_MODES) {
    await setMode(mode, mode === "password" ? ["--password", "open-sesame"] : []);
    const p = await livePaths();
    const prefix = `/live/${room.slug}/`;
    const cases: Record<string, string> = {
      "no token": "",
      expired: signed(prefix, nowSec() - 1),
      tampered: p.query ? p.query.replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 1}`) : signed(prefix, 1).replace("md5=", "md5=x"),
      "other room's": signed(`/live/${other.slug}/`, nowSec() + 60),
      valid: p.query || signed(prefix, nowSec() + 60),
    };
    for (const what of ["master", "media", "segment"] as const) {
      for (const [name, query] of Object.entries(cases)) {
        const got = await status(p[what] + (query ? `?${query}` : ""));
        const want = mode === "public" || name === "valid" ? 200 : 403;
        expect(`${mode} ${what} ${name}: ${got}`).toBe(`${mode} ${what} ${name}: ${want}`);
      }
    }
    const playback = (token?: string) => status(`/api/v1/rooms/${room.slug}/playback`, token ? { authorization: `Bearer ${token}` } : {});
    expect([await playback(), await playback(viewerToken)]).toEqual(mode === "public" ? [200, 200] : [401, 403]);
  }
}, 120_000);

test("in Chromium: the entitled viewer watches across token refreshes, the visitor sees the paywall (and plays with the passphrase, without an account), copied URLs expire", async () => {
  const { browser } = suite;
  await setMode("password", ["--password", "class-pass"]);

  const vctx = await browser.newContext();
  const page = await vctx.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const segmentUrls: string[] = [];
  const refused: string[] = [];
  page.on("request", (r: PwRequest) => {
    if (/\.ts\?md5=/.test(r.url())) segmentUrls.push(r.url());
  });
  page.on("response", (r) => {
    if (r.url().includes("/live/") && r.status() !== 200) refused.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(url("/login"));
  await page.fill("input[name=username]", "vic");
  await page.fill("input[name=password]", "secret-pass-2");
  await Promise.all([page.waitForURL(url("/")), page.press("input[name=password]", "Enter")]);
  await page.goto(url(`/r/${room.slug}`));
  expect(await page.locator("#paywall input[name=password]").count()).toBe(1);
  await page.fill("#paywall input[name=password]", "class-pass");
  await Promise.all([page.waitForURL(url(`/r/${room.slug}`)), page.press("#paywall input[name=password]", "Enter")]);
  await page.waitForFunction(() => (document.getElementById("video") as HTMLVideoElement | null)?.currentTime! > 0, null, { timeout: 20_000 });
  const t0 = await page.evaluate(() => (document.getElementById("video") as HTMLVideoElement).currentTime);

  // A visitor with no access: the paywall, no player, no chat.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(url(`/r/${room.slug}`));
  expect(await visitor.locator("#paywall").isVisible()).toBe(true);
  expect(await visitor.locator("#video").count()).toBe(0);
  expect(await visitor.locator("#chat").count()).toBe(0);
  // A visitor without an account may enter the passphrase too: wrong → the message, right → a pass cookie and
  // the player (the same signed URLs a user gets).
  await visitor.fill("#paywall input[name=password]", "not-the-pass");
  await Promise.all([visitor.waitForLoadState("load"), visitor.press("#paywall input[name=password]", "Enter")]);
  expect(await visitor.locator("#paywall [role=alert]").textContent()).toBe("That passphrase is not right.");
  await visitor.fill("#paywall input[name=password]", "class-pass");
  await Promise.all([visitor.waitForURL(url(`/r/${room.slug}`)), visitor.press("#paywall input[name=password]", "Enter")]);
  await visitor.waitForFunction(() => (document.getElementById("video") as HTMLVideoElement | null)?.currentTime! > 0, null, { timeout: 20_000 });
  const pass = (await visitor.context().cookies()).find((c) => c.name.startsWith("lh_pass_"))!;
  expect(pass.httpOnly).toBe(true);

  // The copied URL works only while its signature lives (it is a bearer URL), then fails for the visitor.
  const copied = segmentUrls.at(-1)!;
  const copiedExpires = Number(new URL(copied).searchParams.get("expires"));
  if (nowSec() < copiedExpires) expect((await fetch(copied)).status).toBe(200);
  expect((await fetch(copied.split("?")[0]!)).status).toBe(403);
  await waitFor("the copied URL to expire", () => nowSec() >= copiedExpires, (TTL + 2) * 1000, 200);
  expect((await fetch(copied)).status).toBe(403);

  // Meanwhile the viewer kept playing on refreshed signatures, without a reload.
  await page.waitForFunction((t) => (document.getElementById("video") as HTMLVideoElement).currentTime > t + 2 * 6, t0, { timeout: 30_000 });
  const expiries = new Set(segmentUrls.map((u) => new URL(u).searchParams.get("expires")));
  expect(expiries.size).toBeGreaterThan(2);
  expect(refused).toEqual([]);
  expect(errors).toEqual([]);

  // A new passphrase: the viewer's page falls back to the paywall once its signature runs out.
  await setMode("password", ["--password", "new-pass"]);
  await page.waitForSelector("#paywall", { timeout: (TTL + 10) * 1000 });
  await visitor.waitForSelector("#paywall", { timeout: (TTL + 10) * 1000 });
  await vctx.close();
}, 120_000);

test("in Chromium: a ticket holder watches the paid live class while a viewer without a ticket sees the paywall", async () => {
  const s = suite.server;
  expect((await s.cli(["user", "create", "--username", "tia", "--password", "secret-pass-3", "--role", "viewer"])).code).toBe(0);
  const c = await s.cli(["class", "create", "--owner", "carol", "--title", "Live class", "--starts", new Date(Date.now() + 5 * 60_000).toISOString(), "--minutes", "60", "--price", "0", "--currency", "COIN", "--room", room.slug]);
  expect(c.code).toBe(0);
  expect((await s.cli(["ticket", "grant", "--class", String(c.json.id), "--username", "tia"])).code).toBe(0);
  await setMode("ticket");
  const signIn = async (username: string, password: string) => {
    const page = await (await suite.browser.newContext()).newPage();
    await page.goto(url("/login"));
    await page.fill("input[name=username]", username);
    await page.fill("input[name=password]", password);
    await Promise.all([page.waitForURL(url("/")), page.press("input[name=password]", "Enter")]);
    await page.goto(url(`/r/${room.slug}`));
    return page;
  };
  const holder = await signIn("tia", "secret-pass-3");
  await holder.waitForFunction(() => (document.getElementById("video") as HTMLVideoElement | null)?.currentTime! > 0, null, { timeout: 20_000 });
  const t0 = await holder.evaluate(() => (document.getElementById("video") as HTMLVideoElement).currentTime);
  const without = await signIn("vic", "secret-pass-2");
  expect(await without.locator("#paywall").isVisible()).toBe(true);
  expect(await without.locator("#video").count()).toBe(0);
  await holder.waitForFunction((t) => (document.getElementById("video") as HTMLVideoElement).currentTime > t + 2, t0, { timeout: 20_000 });
  await holder.context().close();
  await without.context().close();
}, 90_000);

test("the replay follows the room's access", async () => {
  await setMode("password", ["--password", "replay-pass"]);
  await publisher!.stop();
  await waitFor("room offline", async () => !((await (await fetch(url(`/api/v1/rooms/${room.slug}`))).json()) as { live: boolean }).live);
  const list = await (await fetch(url(`/r/${room.slug}/replays`))).text();
  const id = /href="\/replays\/(\d+)"/.exec(list)![1]!;
  expect(await status(`/replays/${id}/index.m3u8`)).toBe(403);
  expect(await status(`/replays/${id}/index.m3u8?${signed(`/live/${room.slug}/`, nowSec() + 60)}`)).toBe(403);
  const res = await fetch(url(`/api/v1/replays/${id}/playback`), { headers: { authorization: `Bearer ${ownerToken}` } });
  const { hls } = (await res.json()) as { hls: string };
  const master = await fetch(url(hls));
  expect(master.status).toBe(200);
  const media = (await master.text()).split("\n").find((l) => l && !l.startsWith("#"))!;
  const playlist = await (await fetch(url(`/replays/${id}/${media}`))).text();
  const seg = playlist.split("\n").find((l) => l.endsWith(new URL(hls, "http://x").search))!;
  expect(await status(`/replays/${id}/${media.split("/")[0]}/${seg}`)).toBe(200);
  expect(await status(`/api/v1/replays/${id}/playback`, { authorization: `Bearer ${viewerToken}` })).toBe(403);
  // In Chromium, a visitor on the replay page is told so in place, with the way to its room's paywall.
  const visitor = await (await suite.browser.newContext()).newPage();
  await visitor.goto(url(`/replays/${id}`));
  await visitor.waitForSelector("#replay-access-link", { timeout: 15_000 });
  await Promise.all([visitor.waitForURL(url(`/replays/${id}/access`)), visitor.click("#replay-access-link")]);
  expect(await visitor.locator(`#replay-access a[href="/r/${room.slug}"]`).count()).toBe(1);
  await visitor.context().close();
}, 60_000);
