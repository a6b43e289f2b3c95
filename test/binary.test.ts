// The single binary from scripts/build, copied alone into an empty directory and run with a PATH that holds only
// ffmpeg/ffprobe (no Bun, no Node, no checkout): it serves pages and assets, accepts RTMP, transcodes and plays.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { ROOT, removeDir, startServer, tempDataDir, type RunningServer } from "./helpers/server";
import { ffprobe, publish, waitFor, type Publisher } from "./live-helpers";

let dir: string;
let bin: string;
let s: RunningServer | null = null;
let pub: Publisher | null = null;

/** A PATH holding nothing but ffmpeg and ffprobe, as on a bare machine. */
function onlyFfmpegPath(root: string): string {
  const p = join(root, "path-bin");
  mkdirSync(p);
  for (const tool of ["ffmpeg", "ffprobe"]) symlinkSync(Bun.which(tool)!, join(p, tool));
  return p;
}

beforeAll(async () => {
  const outDir = tempDataDir("lh-build-");
  const build = Bun.spawn([join(ROOT, "scripts/build"), "--outfile", join(outDir, "livehouse")], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [stderr, code] = await Promise.all([new Response(build.stderr).text(), build.exited]);
  if (code !== 0) throw new Error(`scripts/build failed:\n${stderr}`);
  dir = tempDataDir("lh-binary-");
  bin = join(dir, "livehouse");
  copyFileSync(join(outDir, "livehouse"), bin);
  removeDir(outDir);
  Bun.spawnSync(["chmod", "+x", bin]);
}, 120_000);

afterAll(async () => {
  if (pub && pub.proc.exitCode === null) await pub.kill();
  await s?.stop();
  removeDir(dir);
});

test("--version prints the version and the commit stamped at build time", () => {
  const r = Bun.spawnSync([bin, "--version"], { cwd: dir });
  const out = r.stdout.toString();
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  expect(r.exitCode).toBe(0);
  expect(out).toContain(`livehouse ${pkg.version}`);
  expect(out).toMatch(/commit [0-9a-f]{7,}/);
});

test("alone in an empty directory, it serves the site, takes RTMP, transcodes and plays", async () => {
  const env = { PATH: onlyFfmpegPath(dir), HOME: dir };
  const t0 = performance.now();
  s = await startServer({ exec: [bin], cwd: dir, dataDir: join(dir, "data"), env, args: ["--segment-seconds", "1"] });
  const startMs = performance.now() - t0;
  console.log(`binary: ${(statSync(bin).size / 1e6).toFixed(1)} MB, healthy ${Math.round(startMs)} ms after spawn`);

  expect((await s.cli(["user", "create", "--username", "alice", "--password", "secret-pass-1", "--role", "creator"])).code).toBe(0);
  const room = (await s.cli(["room", "create", "--owner", "alice", "--title", "Binary"])).json as { slug: string; streamKey: string };
  expect(room.slug).toBeTruthy();

  const page = await fetch(`${s.url}/r/${room.slug}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  const assets = [...html.matchAll(/\/assets\/[\w.-]+/g)].map((m) => m[0]);
  expect(assets.some((a) => a.startsWith("/assets/hls."))).toBe(true);
  expect(assets.some((a) => a.startsWith("/assets/htmx."))).toBe(true);
  for (const a of new Set(assets)) {
    const r = await fetch(s.url + a);
    expect(r.status).toBe(200);
    expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(100);
  }

  pub = publish(`${s.rtmpUrl}/${room.streamKey}`, { seconds: 30 });
  await waitFor("the room to go live", async () => ((await (await fetch(`${s!.url}/api/v1/rooms/${room.slug}`)).json()) as { live: boolean }).live, 20_000);
  const master = `${s.url}/live/${room.slug}/index.m3u8`;
  await waitFor("a playable master playlist", async () => (await fetch(master)).ok, 20_000);
  const probe = await ffprobe(master);
  expect(probe.code).toBe(0);
  expect(probe.out).toContain('"codec_name": "h264"');
  expect(probe.out).toContain('"codec_name": "aac"');

  // SIGTERM while live: the broadcast becomes a closed replay.
  await s.stop("SIGTERM");
  expect(s.proc.exitCode).toBe(0);
  const broadcasts = join(dir, "data", "media", "broadcasts");
  const replays = readdirSync(broadcasts).flatMap((id) => readdirSync(join(broadcasts, id)).map((r) => join(broadcasts, id, r, "replay.m3u8"))).filter((p) => existsSync(p));
  expect(replays.length).toBeGreaterThan(0);
  for (const p of replays) expect(readFileSync(p, "utf8").trimEnd()).toEndWith("#EXT-X-ENDLIST");
}, 120_000);
