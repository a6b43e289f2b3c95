// Replays on S3-compatible storage against a real local S3 server (s3rver) and a real ffmpeg publish: a broadcast
// ends, its objects land in the bucket segments first, then rendition playlists, then the master; local segments
// go only after the upload is verified; the replay plays from the bucket (ffmpeg reads every segment, Chromium
// plays the replay page), low-latency fMP4 replays too; a paid replay gets per-viewer presigned URLs behind the
// gate; with the S3 server down the upload fails, the replay keeps playing from disk, and the retry uploads it
// once the server is back; with a public bucket URL a public replay plays entirely from the bucket and a paid one
// stays on local disk; retention deletes the objects of an expired replay.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { signMedia } from "../server/access/tokens";
import { launchBrowser } from "./helpers/browser";
import { startS3, type LocalS3 } from "./helpers/s3";
import { cli, freePort, removeDir, startServer, tempDataDir, type RunningServer } from "./helpers/server";
import { ffprobe, publish, waitFor } from "./live-helpers";

const SECRET = "objects-test-secret-0123456789";
let s3: LocalS3;
let srv: RunningServer;
let room: { slug: string; streamKey: string };
let dataDir = "";

const serverArgs = (extra: string[] = []) => ["--media-token-secret", SECRET, "--ladder", "360,240", ...s3.args(), ...extra];
const nowSec = () => Math.floor(Date.now() / 1000);

/** Publishes for a few seconds and returns the new replay's broadcast id once the room is offline again (server log). */
async function broadcast(seconds: number): Promise<number> {
  const offline = new RegExp(`media: ${room.slug} is offline \\(broadcast (\\d+),`, "g");
  const before = [...srv.output().matchAll(offline)].length;
  const pub = publish(`${srv.rtmpUrl}/${room.streamKey}`, { size: "640x360", fps: 24, gop: 48, seconds: 60 });
  await waitFor("live", () => srv.output().split(`media: ${room.slug} is live`).length - 1 > before, 20_000);
  await Bun.sleep(seconds * 1000);
  await pub.stop();
  return waitFor("offline", () => Number([...srv.output().matchAll(offline)][before]?.[1] ?? 0), 15_000);
}

const folder = (id: number) => join(dataDir, "media", "broadcasts", String(id));
const localSegments = (id: number) => ["360p", "240p"].flatMap((r) => (existsSync(join(folder(id), r)) ? readdirSync(join(folder(id), r)).filter((f) => f.endsWith(".ts")) : []));

/** ffmpeg reads the whole replay (every segment of the chosen rung) and reports its length. */
async function readsWhole(url: string): Promise<number> {
  const p = Bun.spawn(["ffmpeg", "-hide_banner", "-v", "error", "-i", url, "-map", "0:v:0", "-c", "copy", "-f", "null", "-"], { stdout: "pipe", stderr: "pipe" });
  const [err, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
  expect(err).toBe("");
  expect(code).toBe(0);
  const probe = await ffprobe(url, "format=duration");
  return Number(JSON.parse(probe.out).format.duration);
}

beforeAll(async () => {
  s3 = await startS3();
  srv = await startServer({ args: serverArgs() });
  dataDir = srv.dataDir;
  await srv.cli(["user", "create", "--username", "carol", "--password", "secret-pass-1", "--role", "creator"]);
  room = (await srv.cli(["room", "create", "--owner", "carol", "--title", "Bucket Room"])).json;
}, 60_000);

afterAll(async () => {
  await srv?.stop();
  await s3?.stop();
  removeDir(dataDir);
  if (s3) removeDir(s3.dir);
});

let first = 0;
let prefix = "";

test("a finished broadcast goes to the bucket segments first, then playlists; it plays from there", async () => {
  first = await broadcast(6);
  await waitFor("upload", () => srv.output().includes(`objects: replay ${first} uploaded`), 30_000);
  const stored = s3.stored();
  prefix = /^(replays\/\d+-[0-9a-f]{12}\/)/.exec(stored[0]!)![1]!;
  expect(prefix.startsWith(`replays/${first}-`)).toBe(true);
  const kinds = stored.map((k) => (k.endsWith("/index.m3u8") ? (k === `${prefix}index.m3u8` ? "master" : "rendition") : "media"));
  // Every segment (and the poster) before any playlist; the master last.
  expect(kinds.lastIndexOf("media")).toBeLessThan(kinds.indexOf("rendition"));
  expect(kinds.at(-1)).toBe("master");
  expect(kinds.filter((k) => k === "rendition").length).toBe(2);

  // The bucket holds every segment each replay playlist lists, with the same bytes' length.
  const client = s3.client();
  for (const rung of ["360p", "240p"]) {
    const text = readFileSync(join(folder(first), rung, "replay.m3u8"), "utf8");
    const names = text.split("\n").filter((l) => l && !l.startsWith("#"));
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect(text).toContain("#EXT-X-ENDLIST");
    for (const n of names) expect((await client.stat(`${prefix}${rung}/${n}`)).size).toBeGreaterThan(1000);
    expect(await client.file(`${prefix}${rung}/index.m3u8`).text()).toBe(text);
  }
  // Local segments are gone (verified upload); playlists and poster stay for Livehouse to serve.
  expect(localSegments(first)).toEqual([]);
  expect(existsSync(join(folder(first), "360p", "replay.m3u8"))).toBe(true);

  // Livehouse's rendition playlist points at the bucket with presigned URLs; a segment URL redirects there.
  const pl = await (await fetch(`${srv.url}/replays/${first}/240p/index.m3u8`)).text();
  const uris = pl.split("\n").filter((l) => l && !l.startsWith("#"));
  for (const u of uris) expect(u).toStartWith(`${s3.endpoint}/${s3.bucket}/${prefix}240p/`);
  expect(uris[0]).toContain("X-Amz-Signature=");
  const seg = uris[0]!.split("?")[0]!.split("/").pop()!;
  const redirect = await fetch(`${srv.url}/replays/${first}/240p/${seg}`, { redirect: "manual" });
  expect(redirect.status).toBe(302);
  expect(redirect.headers.get("location")).toStartWith(`${s3.endpoint}/${s3.bucket}/${prefix}240p/${seg}?`);

  // The replay plays: every segment comes from the bucket (none is left on disk).
  expect(await readsWhole(`${srv.url}/replays/${first}/index.m3u8`)).toBeGreaterThan(4);
}, 90_000);

test("the replay page plays from the bucket in Chromium", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const fromBucket: string[] = [];
    page.on("requestfinished", (r) => {
      if (r.url().startsWith(s3.endpoint)) fromBucket.push(r.url());
    });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`${srv.url}/replays/${first}`);
    await page.waitForFunction(() => (document.getElementById("video") as HTMLVideoElement).currentTime > 1, null, { timeout: 20_000 });
    expect(fromBucket.some((u) => /\.ts\?/.test(u))).toBe(true);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
}, 60_000);

test("a paid replay in the bucket: unsigned refused, a signed viewer gets presigned bucket URLs", async () => {
  expect((await srv.cli(["replay", "access", "--replay", String(first), "--mode", "ppv"])).code).toBe(0);
  await Bun.sleep(1100); // the hot path caches access for a second
  expect((await fetch(`${srv.url}/replays/${first}/240p/index.m3u8`)).status).toBe(403);
  expect((await fetch(`${srv.url}/replays/${first}/240p/r0_0.ts`, { redirect: "manual" })).status).toBe(403);
  const expires = nowSec() + 60;
  const q = `md5=${signMedia(SECRET, `/replays/${first}/`, expires)}&expires=${expires}`;
  const res = await fetch(`${srv.url}/replays/${first}/240p/index.m3u8?${q}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toBe("private, no-cache");
  const uris = (await res.text()).split("\n").filter((l) => l && !l.startsWith("#"));
  for (const u of uris) {
    expect(u).toStartWith(`${s3.endpoint}/${s3.bucket}/${prefix}240p/`);
    expect(u).toContain("X-Amz-Signature=");
    expect(u).not.toContain("md5=");
  }
  expect((await fetch(uris[0]!)).status).toBe(200);
  expect(await readsWhole(`${srv.url}/replays/${first}/index.m3u8?${q}`)).toBeGreaterThan(4);
  expect((await srv.cli(["replay", "access", "--replay", String(first), "--mode", "inherit"])).code).toBe(0);
}, 60_000);

test("a low-latency (fMP4) replay: init and whole segments go up, EXT-X-MAP points at the bucket, it plays from there", async () => {
  expect((await srv.cli(["room", "latency", "--room", room.slug, "--mode", "low"])).code).toBe(0);
  const id = await broadcast(4);
  await waitFor("upload", () => srv.output().includes(`objects: replay ${id} uploaded`), 30_000);
  const pl = await (await fetch(`${srv.url}/replays/${id}/240p/index.m3u8`)).text();
  const map = /#EXT-X-MAP:URI="([^"]+)"/.exec(pl)?.[1];
  expect(map).toStartWith(`${s3.endpoint}/${s3.bucket}/replays/${id}-`);
  expect(map).toMatch(/\/240p\/init\d+\.mp4\?/);
  const segs = pl.split("\n").filter((l) => l && !l.startsWith("#"));
  expect(segs.length).toBeGreaterThanOrEqual(2);
  for (const u of segs) expect(u).toMatch(/\/240p\/s\d+\.m4s\?/);
  expect(readdirSync(join(folder(id), "240p")).filter((f) => /\.(m4s|mp4)$/.test(f))).toEqual([]);
  expect(await readsWhole(`${srv.url}/replays/${id}/index.m3u8`)).toBeGreaterThan(2);
  expect((await srv.cli(["room", "latency", "--room", room.slug, "--default"])).code).toBe(0);
}, 90_000);

test("with the S3 server down the upload fails and keeps the replay on disk; the retry uploads it when it is back", async () => {
  await s3.stop();
  const id = await broadcast(4);
  await waitFor("failed attempt", () => srv.output().includes(`objects: uploading replay ${id} failed (attempt 1`), 20_000);
  const kept = localSegments(id);
  expect(kept.length).toBeGreaterThanOrEqual(2);
  // Meanwhile it plays from local disk.
  expect(await readsWhole(`${srv.url}/replays/${id}/index.m3u8`)).toBeGreaterThan(2);
  const pl = await (await fetch(`${srv.url}/replays/${id}/240p/index.m3u8`)).text();
  expect(pl).not.toContain(s3.endpoint);

  await s3.start();
  await waitFor("upload after retry", () => srv.output().includes(`objects: replay ${id} uploaded`), 40_000);
  expect(srv.output()).toMatch(new RegExp(`objects: uploading replay ${id} failed \\(attempt \\d+, kept on disk, retry in \\d+ s\\): `));
  expect(localSegments(id)).toEqual([]);
  const after = await (await fetch(`${srv.url}/replays/${id}/240p/index.m3u8`)).text();
  expect(after).toContain(`${s3.endpoint}/${s3.bucket}/replays/${id}-`);
  expect(await readsWhole(`${srv.url}/replays/${id}/index.m3u8`)).toBeGreaterThan(2);
}, 120_000);

test("with a public bucket URL, a public replay plays entirely from the bucket and a paid one stays on local disk", async () => {
  // The same data directory, restarted with the bucket's public URL (s3rver serves objects anonymously).
  await srv.stop();
  srv = await startServer({ dataDir, args: serverArgs(["--s3-public-url", `${s3.endpoint}/${s3.bucket}`]) });
  const master = await fetch(`${srv.url}/replays/${first}/index.m3u8`, { redirect: "manual" });
  expect(master.status).toBe(302);
  expect(master.headers.get("location")).toBe(`${s3.endpoint}/${s3.bucket}/${prefix}index.m3u8`);
  const pl = await (await fetch(`${srv.url}/replays/${first}/240p/index.m3u8`)).text();
  const uri = pl.split("\n").find((l) => l && !l.startsWith("#"))!;
  expect(uri).toStartWith(`${s3.endpoint}/${s3.bucket}/${prefix}240p/`);
  expect(uri).not.toContain("X-Amz-Signature");
  // Straight from the bucket, no Livehouse involved: relative URIs resolve inside it.
  expect(await readsWhole(`${s3.endpoint}/${s3.bucket}/${prefix}index.m3u8`)).toBeGreaterThan(4);
  // The replay page follows the redirect: hls.js loads every playlist and segment from the bucket.
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const fromBucket: string[] = [];
    page.on("requestfinished", (r) => {
      if (r.url().startsWith(s3.endpoint)) fromBucket.push(new URL(r.url()).pathname);
    });
    await page.goto(`${srv.url}/replays/${first}`);
    await page.waitForFunction(() => (document.getElementById("video") as HTMLVideoElement).currentTime > 1, null, { timeout: 20_000 });
    expect(fromBucket).toContain(`/${s3.bucket}/${prefix}index.m3u8`);
    expect(fromBucket.some((p) => /\/\d+p\/index\.m3u8$/.test(p))).toBe(true);
    expect(fromBucket.some((p) => p.endsWith(".ts"))).toBe(true);
  } finally {
    await browser.close();
  }

  // A members-only room's replay is not uploaded while the bucket is public.
  expect((await srv.cli(["room", "access", "--room", room.slug, "--mode", "members"])).code).toBe(0);
  const paid = await broadcast(4);
  await waitFor("kept local", () => srv.output().includes(`objects: replay ${paid} is not public: kept on local disk`), 10_000);
  expect(localSegments(paid).length).toBeGreaterThanOrEqual(2);
  expect(s3.stored().some((k) => k.startsWith(`replays/${paid}-`))).toBe(false);
  expect((await fetch(`${srv.url}/replays/${paid}/240p/index.m3u8`)).status).toBe(403);
  expect((await fetch(`${srv.url}/replays/${paid}/index.m3u8`, { redirect: "manual" })).status).toBe(403);
}, 120_000);

test("retention deletes an expired replay's objects from the bucket", async () => {
  await srv.stop();
  // The first replay ended long ago: the sweep at start removes it, then its objects go.
  const db = new Database(join(dataDir, "livehouse.db"));
  db.query("UPDATE broadcasts SET ended_at = 1 WHERE id = ?").run(first);
  db.close();
  const client = s3.client();
  expect((await client.list({ prefix })).contents?.length).toBeGreaterThan(4);
  srv = await startServer({ dataDir, args: serverArgs() });
  await waitFor("objects deleted", () => srv.output().includes(`objects: deleted `) && srv.output().includes(`of expired replay ${first}`), 20_000);
  expect((await client.list({ prefix })).contents ?? []).toEqual([]);
  expect((await fetch(`${srv.url}/replays/${first}/index.m3u8`)).status).toBe(404);
}, 60_000);

test("an endpoint without a bucket, or a bad bucket name, refuses to start with a clear error", async () => {
  for (const [args, error] of [
    [["--s3-endpoint", s3.endpoint], "--s3-bucket: required with --s3-endpoint"],
    [["--s3-endpoint", s3.endpoint, "--s3-bucket", "Bad_Bucket"], "--s3-bucket: Bad_Bucket must be a bucket name"],
    [["--s3-endpoint", "ftp://x"], "--s3-endpoint: ftp://x must be an http(s) URL"],
  ] as const) {
    const dir = tempDataDir();
    const r = await cli(dir, ["serve", "--host", "127.0.0.1", "--http-port", String(await freePort()), "--rtmp-port", String(await freePort()), ...args]);
    removeDir(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(error);
  }
}, 30_000);
