// Access through the real app (app.handle, real SQLite, real replay files on disk, a controllable clock): every
// mode × every replay media path × {no token, expired, tampered, other replay's, valid}; the live paths' gate;
// the playback API; a password change; chat, gifts and sockets following access; the Studio card.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createAccessToken, createUser } from "../accounts/accounts";
import { broadcastDir } from "../media/lifecycle";
import { endBroadcast, insertBroadcast } from "../media/storage";
import { createRoom } from "../rooms/rooms";
import { testApp, type TestApp } from "../../test/helpers/app";
import { cli } from "../../test/helpers/server";
import type { WebSession } from "../../test/helpers/session";
import { createAccess } from "./access";
import type { Entitlements } from "./entitlements";
import { ACCESS_MODES, type AccessMode } from "./model";
import { signMedia, tokenExpiry } from "./tokens";
import { getReplayPrice } from "../classes/ppv";

const SECRET = "test-secret-0123456789abcdef";
const TTL = 60;
let clock = Date.UTC(2026, 10, 30, 12);
let lh: TestApp;
let owner: WebSession;
let viewer: WebSession;
let ownerToken: string;
let viewerToken: string;
const replay = { a: 0, b: 0 };

function writeReplay(id: number): void {
  const dir = broadcastDir(lh.deps, id);
  mkdirSync(join(dir, "240p"), { recursive: true });
  writeFileSync(join(dir, "index.m3u8"), "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=426x240\n240p/index.m3u8\n");
  writeFileSync(
    join(dir, "240p", "replay.m3u8"),
    "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:1\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.000000,\nr0_0.ts\n#EXTINF:1.000000,\nr0_1.ts\n#EXT-X-ENDLIST\n",
  );
  writeFileSync(join(dir, "240p", "r0_0.ts"), new Uint8Array(188 * 10));
  writeFileSync(join(dir, "240p", "r0_1.ts"), new Uint8Array(188 * 10));
}

const get = (path: string, headers: Record<string, string> = {}) => lh.app.handle(new Request(`http://localhost${path}`, { headers }));
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const nowSec = () => Math.floor(clock / 1000);
const tokenFor = (prefix: string, expires: number) => `md5=${signMedia(SECRET, prefix, expires)}&expires=${expires}`;

async function setMode(slug: string, mode: AccessMode, extra: Record<string, string> = {}): Promise<void> {
  await owner.page(`/studio/rooms/${slug}`);
  const res = await owner.postForm(`/studio/rooms/${slug}/access`, { mode, ...extra }, { "hx-request": "true" });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  lh = await testApp(["--media-token-secret", SECRET, "--media-token-ttl", String(TTL)], () => clock);
  const { db } = lh.deps;
  const carol = await createUser(db, { username: "carol", password: "password123", role: "creator" });
  const vic = await createUser(db, { username: "vic", password: "password123", role: "viewer" });
  if (!carol.ok || !vic.ok) throw new Error("users");
  ownerToken = createAccessToken(db, carol.value.id, "t", clock).token;
  viewerToken = createAccessToken(db, vic.value.id, "t", clock).token;
  for (const title of ["Room A", "Room B"]) {
    const r = createRoom(db, carol.value, { title, description: "", category: "education", tags: "" }, clock);
    if (!r.ok) throw new Error("room");
  }
  replay.a = insertBroadcast(db, 1, clock - 60_000);
  endBroadcast(db, replay.a, clock - 1000, 2000);
  replay.b = insertBroadcast(db, 2, clock - 60_000);
  endBroadcast(db, replay.b, clock - 1000, 2000);
  writeReplay(replay.a);
  writeReplay(replay.b);
  owner = lh.session();
  await owner.login("carol", "password123");
  viewer = lh.session();
  await viewer.login("vic", "password123");
  await setMode("room-b", "password", { password: "bee-pass" });
});
afterAll(() => lh.stop());

const PATHS = {
  master: (id: number) => `/replays/${id}/index.m3u8`,
  media: (id: number) => `/replays/${id}/240p/index.m3u8`,
  segment: (id: number) => `/replays/${id}/240p/r0_1.ts`,
} as const;

describe("replay media × mode × token", () => {
  for (const mode of ACCESS_MODES) {
    test(`${mode}: every replay path answers by its token`, async () => {
      await setMode("room-a", mode, mode === "password" ? { password: "open-sesame" } : {});
      const play = await get(`/api/v1/replays/${replay.a}/playback`, bearer(ownerToken));
      expect(play.status).toBe(200);
      const { hls, expiresAt } = (await play.json()) as { hls: string; expiresAt: number };
      expect(expiresAt).toBe(tokenExpiry(clock, TTL) * 1000);
      const valid = new URL(hls, "http://localhost").search.slice(1);
      const prefix = `/replays/${replay.a}/`;
      const cases: Record<string, string> = {
        "no token": "",
        expired: tokenFor(prefix, nowSec() - 1),
        tampered: mode === "public" ? "md5=AAAAAAAAAAAAAAAAAAAAAA&expires=1" : valid.replace(/md5=(.)/, (_m, c: string) => `md5=${c === "A" ? "B" : "A"}`),
        "other replay's": tokenFor(`/replays/${replay.b}/`, nowSec() + 30),
        "other room's live": tokenFor("/live/room-a/", nowSec() + 30),
        valid,
      };
      for (const [what, path] of Object.entries(PATHS)) {
        for (const [name, query] of Object.entries(cases)) {
          const res = await get(path(replay.a) + (query ? `?${query}` : ""));
          const want = mode === "public" || name === "valid" ? 200 : 403;
          expect(`${what} ${name}: ${res.status}`).toBe(`${what} ${name}: ${want}`);
          if (want === 200 && what !== "segment" && mode !== "public") {
            const text = await res.text();
            // Every URI the playlist lists carries the same token, so hls.js, Safari and VLC need no cookie.
            const uris = text.split("\n").filter((l) => l && !l.startsWith("#"));
            expect(uris.length).toBeGreaterThan(0);
            for (const u of uris) expect(u.endsWith(`?${valid}`)).toBe(true);
            expect(res.headers.get("cache-control")).toBe("private, no-cache");
          }
        }
      }
      // Posters stay open: they show what one would pay for.
      expect((await get(`/replays/${replay.a}/poster.jpg`)).status).toBe(404);
    });
  }

  test("a token expires with the clock; a public override opens a replay, a PPV one closes it", async () => {
    await setMode("room-a", "members");
    const { hls } = (await (await get(`/api/v1/replays/${replay.a}/playback`, bearer(ownerToken))).json()) as { hls: string };
    expect((await get(hls)).status).toBe(200);
    clock += (TTL + 1) * 1000;
    expect((await get(hls)).status).toBe(403);
    const setReplay = (mode: string) => cli(lh.dataDir, ["replay", "access", "--replay", String(replay.a), "--mode", mode]);
    expect((await setReplay("public")).code).toBe(0);
    await Bun.sleep(1100);
    expect((await get(PATHS.segment(replay.a))).status).toBe(200);
    expect((await setReplay("ppv")).code).toBe(0);
    await Bun.sleep(1100);
    expect((await get(PATHS.segment(replay.a))).status).toBe(403);
    expect((await get(`/api/v1/replays/${replay.a}/playback`, bearer(viewerToken))).status).toBe(403);
    expect((await setReplay("inherit")).code).toBe(0);
    const bad = await setReplay("free");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--mode must be one of inherit, public, ppv");
  }, 30_000);
});

describe("free preview", () => {
  test("without a signature a replay serves only its first N minutes; the playback API says so", async () => {
    const { db } = lh.deps;
    const id = insertBroadcast(db, 1, clock - 200_000);
    endBroadcast(db, id, clock - 1000, 70_000);
    const dir = join(broadcastDir(lh.deps, id), "240p");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "replay.m3u8"), "#EXTM3U\n#EXT-X-TARGETDURATION:1\n" + Array.from({ length: 70 }, (_, i) => `#EXTINF:1.000000,\nr0_${i}.ts\n`).join("") + "#EXT-X-ENDLIST\n");
    for (const i of [5, 65]) writeFileSync(join(dir, `r0_${i}.ts`), new Uint8Array(188));
    await setMode("room-a", "members", { previewMinutes: "1" });
    const pl = await get(`/replays/${id}/240p/index.m3u8`);
    expect(pl.status).toBe(200);
    const text = await pl.text();
    expect(text.match(/\.ts/g)?.length).toBe(60);
    expect(text.trimEnd().endsWith("#EXT-X-ENDLIST")).toBe(true);
    expect((await get(`/replays/${id}/240p/r0_5.ts`)).status).toBe(200);
    expect((await get(`/replays/${id}/240p/r0_65.ts`)).status).toBe(403);
    const play = (await (await get(`/api/v1/replays/${id}/playback`, bearer(viewerToken))).json()) as { hls: string; previewMinutes?: number };
    expect(play).toMatchObject({ hls: `/replays/${id}/index.m3u8`, previewMinutes: 1 });
    // The entitled get the whole replay through a signature.
    const full = (await (await get(`/api/v1/replays/${id}/playback`, bearer(ownerToken))).json()) as { hls: string; previewMinutes?: number };
    expect(full.previewMinutes).toBeUndefined();
    expect((await get(`/replays/${id}/240p/r0_65.ts${new URL(full.hls, "http://localhost").search}`)).status).toBe(200);
    // Live rooms have no media preview: the room page without the video.
    expect((await get("/live/room-a/240p/index.m3u8")).status).toBe(403);
    await setMode("room-a", "members", { previewMinutes: "0" });
    expect((await get(`/replays/${id}/240p/r0_5.ts`)).status).toBe(403);
  });
});

describe("live media gate", () => {
  test("a live path refuses without a valid token before it looks for the stream", async () => {
    await setMode("room-a", "ticket");
    const play = (await (await get("/api/v1/rooms/room-a/playback", bearer(ownerToken))).json()) as { hls: string };
    expect(play.hls).toMatch(/^\/live\/room-a\/index\.m3u8\?md5=[A-Za-z0-9_-]{22}&expires=\d+$/);
    const q = new URL(play.hls, "http://localhost").search;
    for (const path of ["/live/room-a/index.m3u8", "/live/room-a/240p/index.m3u8", "/live/room-a/240p/r0_1.ts"]) {
      expect((await get(path)).status).toBe(403);
      expect((await get(path + "?" + tokenFor("/live/room-b/", nowSec() + 30))).status).toBe(403);
      expect((await get(path + "?" + tokenFor("/live/room-a/", nowSec() - 5))).status).toBe(403);
      // The token opens the gate; the room is simply not live.
      const res = await get(path + q);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain("live stream not found");
    }
  });
});

describe("playback API and room API", () => {
  test("200 for the entitled, 401 anonymous, 403 otherwise; the room API says access and entitled", async () => {
    await setMode("room-a", "members");
    expect((await get("/api/v1/rooms/room-a/playback", bearer(ownerToken))).status).toBe(200);
    expect((await get("/api/v1/rooms/room-a/playback")).status).toBe(401);
    expect((await get("/api/v1/rooms/room-a/playback", bearer("not-a-token"))).status).toBe(401);
    expect((await get("/api/v1/rooms/room-a/playback", bearer(viewerToken))).status).toBe(403);
    expect((await get("/api/v1/rooms/nope/playback", bearer(viewerToken))).status).toBe(404);
    const room = (await (await get("/api/v1/rooms/room-a", bearer(viewerToken))).json()) as { access: string; entitled: boolean };
    expect([room.access, room.entitled]).toEqual(["members", false]);
    const mine = (await (await get("/api/v1/rooms/room-a", bearer(ownerToken))).json()) as { access: string; entitled: boolean };
    expect(mine.entitled).toBe(true);
    await setMode("room-a", "public");
    const open = await get("/api/v1/rooms/room-a/playback");
    expect(open.status).toBe(200);
    expect(((await open.json()) as { hls: string }).hls).toBe("/live/room-a/index.m3u8");
    expect(((await (await get("/api/v1/rooms/room-a")).json()) as { entitled: boolean }).entitled).toBe(true);
  });
});

describe("password", () => {
  test("entering it opens the room; changing it cuts new tokens at once and old ones at their expiry", async () => {
    await setMode("room-a", "password", { password: "first-pass" });
    await viewer.page("/r/room-a");
    const wrong = await viewer.postForm("/r/room-a/access/password", { password: "nope" });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain("That passphrase is not right.");
    expect((await viewer.fetch("/api/v1/rooms/room-a/playback")).status).toBe(403);
    const right = await viewer.postForm("/r/room-a/access/password", { password: "first-pass" });
    expect(right.status).toBe(303);
    const play = await viewer.fetch("/api/v1/rooms/room-a/playback");
    expect(play.status).toBe(200);
    const { hls } = (await play.json()) as { hls: string };
    const segment = PATHS.segment(replay.a);
    const replayPlay = (await (await viewer.fetch(`/api/v1/replays/${replay.a}/playback`)).json()) as { hls: string };
    const oldReplayQuery = new URL(replayPlay.hls, "http://localhost").search;
    expect((await get(segment + oldReplayQuery)).status).toBe(200);
    expect(hls).toContain("md5=");

    // Saving other settings keeps the password; a new one ends the viewer's pass.
    await setMode("room-a", "password", { previewMinutes: "2" });
    expect((await viewer.fetch("/api/v1/rooms/room-a/playback")).status).toBe(200);
    await setMode("room-a", "password", { password: "second-pass" });
    expect((await viewer.fetch("/api/v1/rooms/room-a/playback")).status).toBe(403);
    expect((await viewer.fetch(`/api/v1/replays/${replay.a}/playback`)).status).toBe(403);
    const page = await viewer.page("/r/room-a");
    expect(page.body).toContain('id="paywall"');
    expect(page.body).not.toContain('id="video"');
    // The token already handed out keeps working until it expires, then stops.
    expect((await get(segment + oldReplayQuery)).status).toBe(200);
    clock += (TTL + 1) * 1000;
    expect((await get(segment + oldReplayQuery)).status).toBe(403);
    // Re-entering the new password opens it again.
    expect((await viewer.postForm("/r/room-a/access/password", { password: "second-pass" })).status).toBe(303);
    expect((await viewer.fetch("/api/v1/rooms/room-a/playback")).status).toBe(200);
  });

  test("the Studio card validates, and only the room's manager may use it", async () => {
    await owner.page("/studio/rooms/room-a");
    const card = await owner.fetch("/studio/rooms/room-a/access");
    expect(await card.text()).toContain('name="previewMinutes"');
    for (const [fields, error] of [
      [{ mode: "secret" }, "Choose public, password, members or ticket."],
      [{ mode: "password", password: "abc" }, "The passphrase must be 4 to 200 characters."],
      [{ mode: "members", minTier: "x" }, "The tier must be a tier id"],
      [{ mode: "members", previewMinutes: "61" }, "The preview must be 0 to 60 minutes."],
    ] as const) {
      const res = await owner.postForm("/studio/rooms/room-a/access", fields, { "hx-request": "true" });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(error);
    }
    const fresh = await cli(lh.dataDir, ["room", "create", "--owner", "carol", "--title", "Fresh"]);
    const noPass = await cli(lh.dataDir, ["room", "access", "--room", fresh.json.slug, "--mode", "password"]);
    expect(noPass.code).not.toBe(0);
    expect(noPass.stderr).toContain("--password: Set a passphrase");
    await viewer.page("/r/room-a");
    expect((await viewer.postForm("/studio/rooms/room-a/access", { mode: "public" })).status).toBe(403);
    expect((await viewer.fetch("/studio/rooms/room-a/access")).status).toBe(403);
  }, 30_000);
});

describe("password, for a visitor without an account", () => {
  test("the paywall takes the passphrase: wrong → clear error, right → a pass cookie that plays; a new password cuts it", async () => {
    await setMode("room-a", "password", { password: "visitor-pass" });
    const visitor = lh.session();
    const paywall = await visitor.page("/r/room-a");
    expect(paywall.body).toContain('id="paywall"');
    expect(paywall.body).toContain('action="/r/room-a/access/password"');
    expect((await visitor.fetch("/api/v1/rooms/room-a/playback")).status).toBe(401);

    const wrong = await visitor.postForm("/r/room-a/access/password", { password: "not-it" });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain("That passphrase is not right.");
    expect(wrong.headers.get("set-cookie") ?? "").not.toContain("lh_pass_");
    // Without the CSRF token nothing is tried.
    const forged = await lh.app.handle(new Request("http://localhost/r/room-a/access/password", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "password=visitor-pass" }));
    expect(forged.status).toBe(403);
    expect(forged.headers.get("set-cookie") ?? "").not.toContain("lh_pass_");

    const right = await visitor.postForm("/r/room-a/access/password", { password: "visitor-pass" });
    expect(right.status).toBe(303);
    const setCookie = right.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/lh_pass_1=\d+\.\d+\.[\w-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax/);
    expect((await visitor.page("/r/room-a")).body).not.toContain('id="paywall"');
    const live = (await (await visitor.fetch("/api/v1/rooms/room-a/playback")).json()) as { hls: string };
    expect(live.hls).toMatch(/^\/live\/room-a\/index\.m3u8\?md5=/);
    // The replays of the room (they inherit its access) play with the pass: master, media playlist and segment.
    const play = await visitor.fetch(`/api/v1/replays/${replay.a}/playback`);
    expect(play.status).toBe(200);
    const query = new URL(((await play.json()) as { hls: string }).hls, "http://localhost").search;
    for (const path of [PATHS.master(replay.a), PATHS.media(replay.a), PATHS.segment(replay.a)]) {
      expect((await get(path)).status).toBe(403);
      expect((await get(path + query)).status).toBe(200);
    }
    expect(await (await get(PATHS.media(replay.a) + query)).text()).toContain(`r0_1.ts${query}`);

    // The pass is bound to its room and its signature.
    const pass = visitor.cookies.get("lh_pass_1")!;
    expect((await get("/api/v1/rooms/room-b/playback", { cookie: `lh_pass_2=${pass}` })).status).toBe(401);
    expect((await get("/api/v1/rooms/room-a/playback", { cookie: `lh_pass_1=${pass.slice(0, -1)}${pass.endsWith("A") ? "B" : "A"}` })).status).toBe(401);
    expect((await get("/api/v1/rooms/room-a/playback", { cookie: `lh_pass_1=${pass.replace(/^\d+/, (v) => String(Number(v) + 1))}` })).status).toBe(401);

    // A new password cuts the visitor at once: no new tokens, the paywall again.
    await setMode("room-a", "password", { password: "visitor-pass-2" });
    expect((await visitor.fetch("/api/v1/rooms/room-a/playback")).status).toBe(401);
    expect((await visitor.fetch(`/api/v1/replays/${replay.a}/playback`)).status).toBe(401);
    expect((await visitor.page("/r/room-a")).body).toContain('id="paywall"');
    expect((await visitor.postForm("/r/room-a/access/password", { password: "visitor-pass-2" })).status).toBe(303);
    expect((await visitor.fetch("/api/v1/rooms/room-a/playback")).status).toBe(200);
    // Switching the room to members mode ends what a pass opens.
    await setMode("room-a", "members");
    expect((await visitor.fetch("/api/v1/rooms/room-a/playback")).status).toBe(401);
  });

  test("guessing is rate-limited with a clear message", async () => {
    await setMode("room-a", "password", { password: "visitor-pass" });
    const visitor = lh.session();
    await visitor.page("/r/room-a");
    const statuses: number[] = [];
    let last = "";
    for (let i = 0; i < 12; i++) {
      const res = await visitor.postForm("/r/room-a/access/password", { password: `guess-${i}` });
      statuses.push(res.status);
      last = await res.text();
    }
    expect(statuses.filter((st) => st === 403).length).toBeLessThanOrEqual(10);
    expect(statuses.at(-1)).toBe(429);
    expect(last).toMatch(/Too many attempts. Try again in \d+ seconds./);
    // Even the right passphrase waits out the limit, then works.
    expect((await visitor.postForm("/r/room-a/access/password", { password: "visitor-pass" })).status).toBe(429);
    clock += 61_000;
    expect((await visitor.postForm("/r/room-a/access/password", { password: "visitor-pass" })).status).toBe(303);
  });
});

describe("Studio replay card: access and price per replay", () => {
  test("pay per view needs a price (errors beside the fields); public takes it off sale; only the manager may", async () => {
    await setMode("room-a", "members");
    const card = await owner.fetch("/studio/rooms/room-a/replays");
    expect(card.status).toBe(200);
    const html = await card.text();
    expect(html).toContain(`id="replay-offer-${replay.a}"`);
    expect(html).not.toContain(`id="replay-offer-${replay.b}"`); // room B's replay is not in room A's card
    expect((await owner.page("/studio/rooms/room-a")).body).toContain('hx-get="/studio/rooms/room-a/replays"');

    const path = `/studio/replays/${replay.a}/access`;
    const noPrice = await owner.postForm(path, { mode: "ppv", price: "", currency: "ZZZ" }, { "hx-request": "true" });
    expect(noPrice.status).toBe(422);
    const errs = await noPrice.text();
    expect(errs).toMatch(/id="err-price"[^>]*>A pay-per-view replay needs a price/);
    expect(errs).toMatch(/id="err-currency"[^>]*>Choose one of the listed currencies./);
    expect((await owner.postForm(path, { mode: "secret" }, { "hx-request": "true" })).status).toBe(422);

    const sold = await owner.postForm(path, { mode: "ppv", price: "300", currency: "coin" }, { "hx-request": "true" });
    expect(sold.status).toBe(200);
    const row = await sold.text();
    expect(row).toContain("Saved");
    expect(row).toMatch(/<option value="ppv" selected/);
    expect(row).toContain('value="300"');
    expect(getReplayPrice(lh.deps.moneyDb, replay.a)).toMatchObject({ priceMinor: 300, currency: "COIN" });
    // PPV closes the replay even to members-mode entitlements it inherited; the owner still plays it.
    expect((await get(`/api/v1/replays/${replay.a}/playback`, bearer(viewerToken))).status).toBe(403);
    expect((await get(`/api/v1/replays/${replay.a}/playback`, bearer(ownerToken))).status).toBe(200);

    const open = await owner.postForm(path, { mode: "public", price: "300", currency: "COIN" }, { "hx-request": "true" });
    expect(open.status).toBe(200);
    expect(getReplayPrice(lh.deps.moneyDb, replay.a)).toBeNull();
    expect((await get(`/api/v1/replays/${replay.a}/playback`)).status).toBe(200);
    expect((await get(PATHS.segment(replay.a))).status).toBe(200);
    expect((await owner.postForm(path, { mode: "inherit" }, { "hx-request": "true" })).status).toBe(200);
    expect((await get(`/api/v1/replays/${replay.a}/playback`)).status).toBe(401);

    await viewer.page("/r/room-a");
    expect((await viewer.postForm(path, { mode: "public" }, { "hx-request": "true" })).status).toBe(403);
    expect((await viewer.fetch("/studio/rooms/room-a/replays")).status).toBe(403);
    expect((await owner.postForm("/studio/replays/999999/access", { mode: "public" }, { "hx-request": "true" })).status).toBe(404);
  });

  test("a viewer refused by a PPV replay finds its price, buys it with coins and plays it; other replays point to the room", async () => {
    await setMode("room-a", "members");
    await owner.page("/studio/rooms/room-a");
    expect((await owner.postForm(`/studio/replays/${replay.a}/access`, { mode: "ppv", price: "40", currency: "COIN" }, { "hx-request": "true" })).status).toBe(200);
    expect((await get(`/replays/${replay.a}`)).status).toBe(200);
    expect(await (await get(`/replays/${replay.a}`)).text()).toContain(`data-access-url="/replays/${replay.a}/access"`);
    const anon = await (await get(`/replays/${replay.a}/access`)).text();
    expect(anon).toContain("Pay per view: 40 coins, yours to keep.");
    expect(anon).toContain("/login?next=");

    const offer = await viewer.page(`/replays/${replay.a}/access`);
    expect(offer.body).toContain('id="replay-buy"');
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(offer.body)![1]!;
    const short = await viewer.postForm(`/replays/${replay.a}/access`, { provider: "wallet", idempotencyKey: key });
    expect(short.status).toBe(402);
    expect((await cli(lh.dataDir, ["wallet", "credit", "--username", "vic", "--coins", "100"])).code).toBe(0);
    const bought = await viewer.postForm(`/replays/${replay.a}/access`, { provider: "wallet", idempotencyKey: `${key}-2` });
    expect(bought.status).toBe(303);
    expect(bought.headers.get("location")).toBe(`/replays/${replay.a}`);
    expect((await viewer.fetch(`/api/v1/replays/${replay.a}/playback`)).status).toBe(200);
    expect((await viewer.page(`/replays/${replay.a}/access`)).body).toContain("You have access to this replay.");
    const again = await viewer.postForm(`/replays/${replay.a}/access`, { provider: "wallet", idempotencyKey: `${key}-3` });
    expect(again.status).toBe(409);

    const other = await viewer.page(`/replays/${replay.b}/access`);
    expect(other.body).toContain("This replay follows its room");
    expect(other.body).toContain('href="/r/room-b"');
    expect((await viewer.fetch("/replays/999999/access")).status).toBe(404);
  });
});

describe("chat, gifts and sockets follow access", () => {
  test("who cannot watch cannot chat, gift or open the room's sockets", async () => {
    await setMode("room-a", "ticket");
    const post = (token: string) =>
      lh.app.handle(new Request("http://localhost/api/v1/rooms/room-a/chat", { method: "POST", headers: { ...bearer(token), "content-type": "application/json" }, body: JSON.stringify({ text: "hi" }) }));
    const denied = await post(viewerToken);
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: string }).error).toContain("Only viewers with access");
    expect((await post(ownerToken)).status).toBe(201);
    const gift = await lh.app.handle(
      new Request("http://localhost/api/v1/rooms/room-a/gifts", { method: "POST", headers: { ...bearer(viewerToken), "content-type": "application/json" }, body: JSON.stringify({ giftId: 1, idempotencyKey: "k1" }) }),
    );
    expect(gift.status).toBe(403);
    const upgrade = { upgrade: "websocket", connection: "Upgrade", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" };
    expect((await get("/api/v1/rooms/room-a/events", { ...upgrade, ...bearer(viewerToken) })).status).toBe(403);
    expect((await get("/api/v1/rooms/room-a/events", upgrade)).status).toBe(401);
    expect((await get("/r/room-a/ws", { cookie: viewer.cookieHeader() })).status).toBe(403);
    // The room page shows the paywall instead of the player, chat and gifts.
    const page = await viewer.page("/r/room-a");
    expect(page.body).toContain('id="paywall"');
    expect(page.body).not.toContain("/r/room-a/gifts/bar");
    expect(page.body).not.toContain('id="chat"');
    await setMode("room-a", "public");
    expect((await post(viewerToken)).status).toBe(201);
  });
});

describe("entitlements from other domains", () => {
  test("members, tickets and pay-per-view come from the Entitlements over real rows", async () => {
    const { db } = lh.deps;
    db.exec("CREATE TABLE t_members (user_id INTEGER, creator_id INTEGER, tier INTEGER, until INTEGER); CREATE TABLE t_tickets (user_id INTEGER, room_id INTEGER, refunded INTEGER); CREATE TABLE t_ppv (user_id INTEGER, broadcast_id INTEGER)");
    const ent: Entitlements = {
      membership: (d, u, c, min, now) => !!d.query("SELECT 1 FROM t_members WHERE user_id = ? AND creator_id = ? AND until > ? AND tier >= ?").get(u, c, now, min ?? 0),
      ticket: (d, u, r) => !!d.query("SELECT 1 FROM t_tickets WHERE user_id = ? AND room_id = ? AND refunded = 0").get(u, r),
      replay: (d, u, b) => !!d.query("SELECT 1 FROM t_ppv WHERE user_id = ? AND broadcast_id = ?").get(u, b),
    };
    const access = createAccess(lh.deps, ent);
    const vic = { id: 2, role: "viewer" } as Parameters<typeof access.canWatchRoom>[1];
    const roomA = { id: 1, slug: "room-a" } as Parameters<typeof access.canWatchRoom>[0];
    await access.setRoomAccess(roomA, { mode: "members", minTierId: 2 });
    expect(access.canWatchRoom(roomA, vic)).toBe(false);
    db.query("INSERT INTO t_members VALUES (2, ?, 1, ?)").run(1, clock + 1000);
    expect(access.canWatchRoom(roomA, vic)).toBe(false);
    db.exec("UPDATE t_members SET tier = 2");
    expect(access.canWatchRoom(roomA, vic)).toBe(true);
    expect(access.playback({ kind: "live", slug: "room-a" }, vic).ok).toBe(true);
    clock += 2000;
    expect(access.canWatchRoom(roomA, vic)).toBe(false);

    await access.setRoomAccess(roomA, { mode: "ticket" });
    db.exec("INSERT INTO t_tickets VALUES (2, 1, 0)");
    expect(access.canWatchRoom(roomA, vic)).toBe(true);
    db.exec("UPDATE t_tickets SET refunded = 1");
    expect(access.canWatchRoom(roomA, vic)).toBe(false);
    expect(access.playback({ kind: "live", slug: "room-a" }, vic)).toEqual({ ok: false, status: 403 });

    access.setReplayMode(replay.a, "ppv");
    expect(access.canWatchReplay(replay.a, vic)).toBe(false);
    db.query("INSERT INTO t_ppv VALUES (2, ?)").run(replay.a);
    expect(access.canWatchReplay(replay.a, vic)).toBe(true);
    access.setReplayMode(replay.a, "inherit");
  });
});
