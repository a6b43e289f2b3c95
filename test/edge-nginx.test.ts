// Debian's nginx with the edge config we ship (docs/nginx-edge.conf) in front of the real server and a real
// ffmpeg publish: 500 simulated viewers through the edge cost about one origin request per segment per rung
// (counted by nginx's upstream log and cross-checked with Livehouse's own /metrics), playlists are held for 1 s,
// signatures are checked at the edge, LL-HLS blocking requests are cached by their _HLS_ query, and Chromium
// plays the live room through the edge.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { signMedia } from "../server/access/tokens";
import { launchBrowser } from "./helpers/browser";
import { originPerSegment, startEdge, watchLive, type Edge } from "./helpers/edge";
import { removeDir, startServer, type RunningServer } from "./helpers/server";
import { publish, waitFor, type Publisher } from "./live-helpers";

const SECRET = "edge-cache-secret-0123456789";
const VIEWERS = 500;
const SECONDS = 20;
let srv: RunningServer;
let edge: Edge;
const publishers: Publisher[] = [];
let open: { slug: string; streamKey: string };
let paid: { slug: string; streamKey: string };
let ll: { slug: string; streamKey: string };

const isLive = async (slug: string) => ((await (await fetch(`${srv.url}/api/v1/rooms/${slug}`)).json()) as { live: boolean }).live;
const nowSec = () => Math.floor(Date.now() / 1000);

/** GET requests Livehouse itself counted on a route pattern (its /metrics, asked directly on loopback). */
async function originCount(route: string): Promise<number> {
  const text = await (await fetch(`${srv.url}/metrics`)).text();
  let n = 0;
  for (const line of text.split("\n")) if (line.startsWith(`livehouse_http_requests_total{method="GET",route="${route}"`)) n += Number(line.split(" ").pop());
  return n;
}

beforeAll(async () => {
  srv = await startServer({ args: ["--media-token-secret", SECRET, "--ladder", "360,240"] });
  await srv.cli(["user", "create", "--username", "carol", "--password", "secret-pass-1", "--role", "creator"]);
  open = (await srv.cli(["room", "create", "--owner", "carol", "--title", "Edge Room"])).json;
  paid = (await srv.cli(["room", "create", "--owner", "carol", "--title", "Paid Edge Room"])).json;
  ll = (await srv.cli(["room", "create", "--owner", "carol", "--title", "Low Latency Edge Room"])).json;
  expect((await srv.cli(["room", "access", "--room", paid.slug, "--mode", "members"])).code).toBe(0);
  expect((await srv.cli(["room", "latency", "--room", ll.slug, "--mode", "low"])).code).toBe(0);
  edge = await startEdge(srv.httpPort, SECRET);
}, 60_000);

afterAll(async () => {
  for (const p of publishers) if (p.proc.exitCode === null) await p.kill();
  await edge?.stop();
  await srv?.stop();
  if (srv) removeDir(srv.dataDir);
});

test(`${VIEWERS} viewers through the edge: about one origin request per segment per rung; Chromium plays through it`, async () => {
  // 2 s keyframes = the default 2 s segments, so the 360p rung copies the source and 240p is encoded.
  const pub = publish(`${srv.rtmpUrl}/${open.streamKey}`, { size: "640x360", fps: 24, gop: 48, seconds: 120 });
  publishers.push(pub);
  await waitFor("room live", () => isLive(open.slug), 20_000);

  // Cache headers as Livehouse sends them, and as the edge treats them.
  const master = await fetch(`${edge.url}/live/${open.slug}/index.m3u8`);
  expect(master.headers.get("cache-control")).toBe("no-cache");
  const rungs = (await master.text()).split("\n").filter((l) => l.endsWith("/index.m3u8")).map((l) => l.split("/")[0]!);
  expect(rungs).toEqual(["360p", "240p"]);
  const media = await (await fetch(`${edge.url}/live/${open.slug}/240p/index.m3u8`)).text();
  const seg = media.split("\n").filter((l) => l && !l.startsWith("#")).pop()!;
  const segRes = await fetch(`${edge.url}/live/${open.slug}/240p/${seg}`);
  expect(segRes.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  await segRes.arrayBuffer();
  await fetch(`${edge.url}/live/${open.slug}/240p/${seg}`).then((r) => r.arrayBuffer());
  await Bun.sleep(400);
  const segLines = edge.lines().filter((l) => l.uri.endsWith(`/240p/${seg}`));
  expect(segLines.map((l) => l.cache)).toEqual(["MISS", "HIT"]);

  // The load: every viewer polls its rung's playlist each second and fetches each new segment.
  const metricsBefore = await originCount("/live/:slug/:rung/:file");
  edge.mark();
  const load = Date.now();
  const st = await watchLive(edge.url, open.slug, rungs, VIEWERS, SECONDS);
  await Bun.sleep(400);
  const lines = edge.lines().filter((l) => l.uri.startsWith(`/live/${open.slug}/`));
  const metricsAfter = await originCount("/live/:slug/:rung/:file");
  const perRung = originPerSegment(lines);
  const playlists = lines.filter((l) => l.uri.endsWith("/index.m3u8"));
  const playlistCache = Object.entries(Object.groupBy(playlists, (l) => l.cache)).map(([k, v]) => `${k} ${v!.length}`).join(", ");
  // What reached Livehouse, by its own count; a STALE answer started one background refresh (not in nginx's log).
  const origin = metricsAfter - metricsBefore;
  const segmentOrigin = perRung.reduce((a, r) => a + r.originRequests, 0);
  const playlistOrigin = origin - segmentOrigin;
  const seenByNginx = lines.filter((l) => l.origin || l.cache === "STALE").length;
  console.log(
    `edge: ${VIEWERS} viewers, ${st.seconds.toFixed(1)} s: ${st.playlists} playlists + ${st.segments} segments (${(st.bytes / 1e6 / st.seconds).toFixed(1)} MB/s, ${st.errors} errors); ` +
      `origin (Livehouse /metrics): ${origin} requests = segments ${perRung.map((r) => `${r.rung} ${r.originRequests} / ${r.segments} = ${r.perSegment.toFixed(2)}`).join(", ")} + ` +
      `${playlistOrigin} playlists for ${playlists.length} polls (edge: ${playlistCache})`,
  );
  expect(st.errors).toBe(0);
  expect(st.segments).toBeGreaterThan(VIEWERS * 5);
  expect(perRung.map((r) => r.rung)).toEqual(rungs);
  for (const r of perRung) {
    expect(r.segments).toBeGreaterThanOrEqual(SECONDS / 2 - 2);
    expect(r.perSegment).toBeLessThanOrEqual(1.1);
  }
  // Playlists: about one origin request per rung per second at most, instead of one per viewer per second.
  expect(playlistOrigin).toBeLessThanOrEqual(rungs.length * (SECONDS + 4) * 1.5);
  expect(playlists.length).toBeGreaterThan(VIEWERS * (SECONDS - 4));
  // nginx's log agrees with Livehouse's count (upstream requests plus background refreshes).
  expect(Math.abs(origin - seenByNginx)).toBeLessThanOrEqual(3);
  expect(Date.now() - load).toBeLessThan((SECONDS + 15) * 1000);

  // Chromium plays the room page and its stream through the edge.
  edge.mark();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${edge.url}/r/${open.slug}`);
    await page.waitForFunction(() => (document.getElementById("video") as HTMLVideoElement).currentTime > 3, null, { timeout: 20_000 });
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
  await Bun.sleep(400);
  const played = edge.lines().filter((l) => /\/live\/[^/]+\/\d+p\/[^/]+\.ts$/.test(l.uri) && l.status === 200);
  // The page, its playlists and its segments all came through the edge.
  expect(played.length).toBeGreaterThan(0);
  expect(edge.lines().some((l) => l.uri === `/r/${open.slug}` && l.status === 200)).toBe(true);
  await pub.stop();
}, 120_000);

test("signatures are checked at the edge: tampered and expired never reach Livehouse, a good one does and bypasses the playlist cache", async () => {
  const prefix = `/live/${paid.slug}/`;
  const good = (expires: number) => `md5=${signMedia(SECRET, prefix, expires)}&expires=${expires}`;
  const url = (q: string) => `${edge.url}${prefix}index.m3u8?${q}`;
  edge.mark();
  const tampered = await fetch(url(good(nowSec() + 60).replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 1}`)));
  expect(tampered.status).toBe(403);
  expect(await tampered.text()).toContain("nginx");
  expect((await fetch(url(good(nowSec() - 1)))).status).toBe(403);
  // Another room's signature does not open this one.
  expect((await fetch(`${edge.url}/live/${open.slug}/index.m3u8?${good(nowSec() + 60)}`)).status).toBe(403);
  // A valid one is passed on (the paid room is offline: Livehouse's own JSON 404), every time.
  for (let i = 0; i < 2; i++) {
    const res = await fetch(url(good(nowSec() + 60)));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "live stream not found" });
  }
  // Unsigned: decided by Livehouse (403 for the paid room), never from the cache.
  const unsigned = await fetch(`${edge.url}${prefix}index.m3u8`);
  expect(unsigned.status).toBe(403);
  await unsigned.arrayBuffer();
  await Bun.sleep(400);
  // Only this test's requests: a player of the previous test may still be fetching the open room's stream.
  const lines = edge.lines().filter((l) => l.uri.startsWith(prefix) || l.args.includes("md5="));
  expect(lines.map((l) => [l.status, l.origin])).toEqual([[403, false], [403, false], [403, false], [404, true], [404, true], [403, true]]);
}, 30_000);

test("LL-HLS through the edge: blocking requests are cached by their _HLS_ query, one origin request per part for every waiting viewer", async () => {
  const pub = publish(`${srv.rtmpUrl}/${ll.streamKey}`, { size: "426x240", fps: 24, gop: 24, seconds: 60 });
  publishers.push(pub);
  await waitFor("low-latency room live", () => isLive(ll.slug), 20_000);
  const rung = "240p";
  const base = `${edge.url}/live/${ll.slug}/${rung}/index.m3u8`;
  const text = await (await fetch(base)).text();
  expect(text).toContain("#EXT-X-PRELOAD-HINT");
  edge.mark();
  // 50 viewers follow the stream part by part for 4 s with blocking reloads, as hls.js does in low-latency mode.
  const viewers = 50;
  const end = Date.now() + 4000;
  let answered = 0;
  await Promise.all(
    Array.from({ length: viewers }, async () => {
      let pl = text;
      while (Date.now() < end) {
        const msn = /#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(pl);
        if (!msn || !pl.includes("#EXT-X-PRELOAD-HINT")) break;
        // The next part: the one after the parts listed for the segment being written (after the last EXTINF).
        const nextMsn = Number(msn[1]) + pl.split("\n").filter((l) => l.startsWith("#EXTINF")).length;
        const lastParts = pl.slice(pl.lastIndexOf("#EXTINF")).split("\n").filter((l) => l.startsWith("#EXT-X-PART:")).length;
        const res = await fetch(`${base}?_HLS_msn=${nextMsn}&_HLS_part=${lastParts}`);
        if (res.status !== 200) break;
        pl = await res.text();
        answered++;
      }
    }),
  );
  await Bun.sleep(400);
  const blocking = edge.lines().filter((l) => l.args.includes("_HLS_msn="));
  const keys = new Set(blocking.map((l) => l.args));
  const origin = blocking.filter((l) => l.origin).length;
  console.log(`edge LL-HLS: ${viewers} viewers, ${answered} blocking playlist answers, ${keys.size} distinct _HLS_ queries, ${origin} reached the origin`);
  expect(answered).toBeGreaterThan(viewers * 5);
  // Each distinct (msn, part) went to the origin about once; everyone else waited on the lock or hit the cache.
  expect(origin).toBeLessThanOrEqual(keys.size * 1.5 + 2);
  expect(origin).toBeLessThan(answered / 10);
  await pub.stop();
}, 60_000);
