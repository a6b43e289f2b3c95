// scripts/bench-latency: publishes a 720p30 test source at real-time pace (1 s keyframes, 1 s segments) and
// measures, for Livehouse (RTMP → NMS → probe → ffmpeg → our playlists over HTTP) and for bare ffmpeg running
// the same ladder arguments on the same source piped in, in the same run:
//   - publish → first playable master playlist (from the first media byte the publisher sent),
//   - ingest → playlist lag per segment: when the segment showed up in its playlist minus when the publisher sent
//     the segment's last frame (publisher clock: first media byte + the segment's own PTS end, from ffprobe),
//   - glass-to-glass in Chromium/hls.js (Date.now() − hls.playingDate, whose PDT is the frames' arrival time).
// Cases: the best case (1 s keyframes, 1 s segments, -tune zerolatency at the publisher) and OBS-like input in
// standard mode (x264 veryfast without zerolatency, 2 s keyframes, AAC, 720p30, our default 2 s segments;
// pre-encoded once and published with -c copy so the publisher costs no CPU). Then the low-latency case (scripts/bench-latency-ll.ts). `--case best|obs|ll` runs one.
// Bounded: --runs N (3) × --seconds S (10) per side, one browser phase per case, a hard deadline; 127.0.0.1 only.
import type { Subprocess } from "bun";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseLadder } from "../server/config";
import { buildLadderArgs, planLadder } from "../server/media/ffmpeg-args";
import { parseFfmpegPlaylist } from "../server/media/playlists";
import { launchBrowser } from "../test/helpers/browser";
import { removeDir } from "../test/helpers/server";
import { ffprobe, publishArgs, waitFor } from "../test/live-helpers";
import { CpuMeter, deadline, fmt, liveServer, opt, pct, rtmpRelay } from "./bench-live-lib";
import { benchLowLatency, lowLatencyBudget } from "./bench-latency-ll";

const RUNS = opt("runs", 3);
const SECONDS = opt("seconds", 10);
const SOURCE = { size: "1280x720", fps: 30, gop: 30, seconds: SECONDS };
const POLL_MS = 20;

const CASE = process.argv.includes("--case") ? process.argv[process.argv.indexOf("--case") + 1] : "all";
/** The publisher's command for a URL (rtmp://… or pipe:1). */
type PubArgs = (url: string, seconds: number) => string[];
const bestPub: PubArgs = (url, seconds) => publishArgs(url, { ...SOURCE, seconds });

interface RunResult {
  firstPlayableMs: number;
  lags: Record<string, number[]>;
}

/** Watches playlists (fetch or read) and notes when each segment name first appears. */
function watchSegments(rungs: string[], read: (rung: string) => Promise<string | null>): { seen: Map<string, Map<string, number>>; stop(): void } {
  const seen = new Map(rungs.map((r) => [r, new Map<string, number>()]));
  let on = true;
  void (async () => {
    while (on) {
      await Promise.all(rungs.map(async (r) => {
        const text = await read(r).catch(() => null);
        if (!text) return;
        const now = performance.now();
        for (const e of parseFfmpegPlaylist(text)) if (!seen.get(r)!.has(e.name)) seen.get(r)!.set(e.name, now);
      }));
      await Bun.sleep(POLL_MS);
    }
  })();
  return { seen, stop: () => void (on = false) };
}

async function lagsFrom(seen: Map<string, Map<string, number>>, dirOf: (rung: string) => string, t0: number): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [rung, names] of seen) {
    const entries = [...names.entries()];
    let start0: number | null = null;
    out[rung] = [];
    for (const [name, at] of entries) {
      const p = await ffprobe(join(dirOf(rung), name), "format=start_time,duration");
      if (p.code !== 0) continue;
      const f = JSON.parse(p.out).format as { start_time: string; duration: string };
      const start = Number(f.start_time);
      start0 ??= start;
      const endMs = (start - start0 + Number(f.duration)) * 1000;
      out[rung]!.push((at - (t0 + endMs)) / 1000);
    }
    // PTS are taken relative to the first segment's start: both sides start at the publisher's first keyframe.
  }
  return out;
}

async function runOurs(rtmpPort: number, url: string, room: { slug: string; streamKey: string }, dataDir: string, rungs: string[], pubArgs = bestPub): Promise<RunResult> {
  const relay = await rtmpRelay(rtmpPort);
  const pub = Bun.spawn(pubArgs(`rtmp://127.0.0.1:${relay.port}/live/${room.streamKey}`, SECONDS), { stdout: "ignore", stderr: "ignore" });
  const watch = watchSegments(rungs, async (r) => {
    const res = await fetch(`${url}/live/${room.slug}/${r}/index.m3u8`);
    return res.ok ? res.text() : null;
  });
  const masterAt = await waitFor("master playlist", async () => ((await fetch(`${url}/live/${room.slug}/index.m3u8`)).ok ? performance.now() : null), 60_000, POLL_MS);
  await pub.exited;
  await waitFor("room offline", async () => !((await (await fetch(`${url}/api/v1/rooms/${room.slug}`)).json()) as { live: boolean }).live, 10_000);
  watch.stop();
  relay.close();
  const t0 = relay.firstMedia()!;
  const root = join(dataDir, "media", "broadcasts");
  const id = readdirSync(root).map(Number).sort((a, b) => b - a)[0]!;
  return { firstPlayableMs: masterAt - t0, lags: await lagsFrom(watch.seen, (r) => join(root, String(id), r), t0) };
}

async function runBare(rungs: string[], args: (dir: string) => string[], pubArgs = bestPub): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), "lh-bench-bare-"));
  for (const r of rungs) mkdirSync(join(dir, r), { recursive: true });
  const pub = Bun.spawn(pubArgs("pipe:1", SECONDS), { stdout: "pipe", stderr: "ignore" });
  const ff: Subprocess<"pipe", "ignore", "ignore"> = Bun.spawn(["ffmpeg", ...args(dir)], { stdin: "pipe", stdout: "ignore", stderr: "ignore" });
  let t0: number | null = null;
  const watch = watchSegments(rungs, async (r) => {
    try {
      return readFileSync(join(dir, r, "ffmpeg.m3u8"), "utf8");
    } catch {
      return null;
    }
  });
  let ready: number | null = null;
  const readyWatch = setInterval(() => {
    if (ready === null && rungs.every((r) => (watch.seen.get(r)?.size ?? 0) > 0)) ready = performance.now();
  }, 5);
  const reader = (pub.stdout as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    t0 ??= performance.now();
    ff.stdin.write(value);
    void ff.stdin.flush();
  }
  void ff.stdin.end();
  await ff.exited;
  await Bun.sleep(100);
  clearInterval(readyWatch);
  watch.stop();
  const result = { firstPlayableMs: (ready ?? NaN) - t0!, lags: await lagsFrom(watch.seen, (r) => join(dir, r), t0!) };
  rmSync(dir, { recursive: true, force: true });
  return result;
}

async function glassToGlass(url: string, rtmpUrl: string, room: { slug: string; streamKey: string }, pubArgs = bestPub): Promise<number[]> {
  const pub = Bun.spawn(pubArgs(`${rtmpUrl}/${room.streamKey}`, 25), { stdout: "ignore", stderr: "ignore" });
  const browser = await launchBrowser();
  try {
    await waitFor("room live", async () => ((await (await fetch(`${url}/api/v1/rooms/${room.slug}`)).json()) as { live: boolean }).live, 20_000);
    const page = await browser.newPage();
    await page.goto(`${url}/r/${room.slug}`);
    await page.waitForFunction(() => (document.getElementById("video") as HTMLVideoElement).currentTime > 2, null, { timeout: 20_000 });
    await Bun.sleep(4000);
    const samples: number[] = [];
    for (let i = 0; i < 16; i++) {
      const v = await page.evaluate(() => {
        const hls = (document.getElementById("player") as unknown as { livehouseHls?: { playingDate: Date | null } }).livehouseHls;
        return hls?.playingDate ? Date.now() - hls.playingDate.getTime() : null;
      });
      if (v !== null) samples.push(v / 1000);
      await Bun.sleep(500);
    }
    // hls.js adds a second to its target latency for each stall (up to a target duration), for the session.
    const state = await page.evaluate(() => {
      const hls = (document.getElementById("player") as unknown as { livehouseHls?: { targetLatency: number | null; latencyController?: { stallCount?: number } } }).livehouseHls;
      return { target: hls?.targetLatency ?? null, stalls: hls?.latencyController?.stallCount ?? null };
    });
    console.log(`  player session: g2g ${fmt(samples[0] ?? NaN)} → ${fmt(samples[samples.length - 1] ?? NaN)} s, hls.js target latency ${fmt(state.target ?? NaN)} s, stalls ${state.stalls ?? "?"}`);
    return samples;
  } finally {
    await browser.close();
    pub.kill("SIGKILL");
    await pub.exited;
  }
}

function summary(label: string, runs: RunResult[]): { first: number; lag: number } {
  const first = runs.map((r) => r.firstPlayableMs / 1000);
  console.log(`${label}`);
  console.log(`  publish → first playable master: p50 ${fmt(pct(first, 50))} s, p95 ${fmt(pct(first, 95))} s (runs: ${first.map((v) => fmt(v)).join(", ")})`);
  const all: number[] = [];
  for (const rung of Object.keys(runs[0]!.lags)) {
    const lags = runs.flatMap((r) => r.lags[rung] ?? []);
    all.push(...lags);
    console.log(`  ingest → playlist lag ${rung.padEnd(5)}: p50 ${fmt(pct(lags, 50))} s, p95 ${fmt(pct(lags, 95))} s (${lags.length} segments)`);
  }
  console.log(`  ingest → playlist lag all  : p50 ${fmt(pct(all, 50))} s, p95 ${fmt(pct(all, 95))} s`);
  return { first: pct(first, 50), lag: pct(all, 50) };
}

let running: Awaited<ReturnType<typeof liveServer>>["server"] | null = null;

/** The default ladder's plan for the 720p30 source with keyframes (and segments) every `seconds`. */
function ladder720p30(seconds: number) {
  return planLadder(
    { videoCodec: "h264", width: 1280, height: 720, fps: 30, gopSeconds: seconds, videoCodecs: "avc1.64001f", audio: { codec: "aac", codecs: "mp4a.40.2" } },
    parseLadder("1080,720,480,360")!, seconds,
  );
}

async function bestCase(): Promise<void> {
  const { server, rooms } = await liveServer(["--segment-seconds", "1"], 2);
  running = server;
  try {
    const plan = ladder720p30(1);
    const rungs = plan.rungs.map((r) => r.name);
    console.log(`bench-latency (best case): 720p30 source, 1 s keyframes, 1 s segments, ladder ${rungs.join("/")}, ${RUNS} runs × ${SECONDS} s each side`);
    const ours: RunResult[] = [];
    const bare: RunResult[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(await runOurs(server.rtmpPort, server.url, rooms[0]!, server.dataDir, rungs));
      bare.push(await runBare(rungs, (dir) => buildLadderArgs(plan, { dir, run: 0 })));
    }
    const o = summary("Livehouse (RTMP ingest, in-process feed, own playlists over HTTP)", ours);
    const b = summary("bare ffmpeg (same arguments, source piped in, playlists read from disk)", bare);
    console.log(`ratio Livehouse / bare: first playable ${fmt(o.first / b.first)}×, lag p50 ${fmt(o.lag / b.lag)}× (${o.lag >= b.lag ? "+" : "−"}${fmt(Math.abs(o.lag - b.lag) * 1000, 0)} ms)`);
    const g2g = await glassToGlass(server.url, server.rtmpUrl, rooms[1]!);
    console.log(`glass-to-glass in Chromium/hls.js (now − playingDate): p50 ${fmt(pct(g2g, 50))} s, p95 ${fmt(pct(g2g, 95))} s (${g2g.length} samples)`);
  } finally {
    await server.stop();
    removeDir(server.dataDir);
  }
}

// ---- OBS-like input, standard mode (issue 11: first playable ≤ 2.5 s, glass-to-glass ≤ 3.5 s) ----

const OBS_SOURCE = join(tmpdir(), "lh-bench-obs-720p30-g60.flv");

/** What OBS sends with its usual x264 settings: veryfast, no zerolatency (B-frames, lookahead), 2 s keyframes. */
function makeObsSource(): void {
  if (existsSync(OBS_SOURCE)) return;
  const r = Bun.spawnSync([
    "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
    "-t", "40", "-c:v", "libx264", "-preset", "veryfast", "-b:v", "2500k", "-maxrate", "2500k", "-bufsize", "5000k", "-g", "60", "-keyint_min", "60",
    "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-f", "flv", OBS_SOURCE,
  ]);
  if (r.exitCode !== 0) throw new Error("could not make the OBS-like source: " + r.stderr.toString());
}

const obsPub: PubArgs = (url, seconds) => ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-i", OBS_SOURCE, "-t", String(seconds), "-c", "copy", "-f", "flv", url];

async function obsStandard(): Promise<void> {
  makeObsSource();
  const { server, rooms } = await liveServer([], 2);
  running = server;
  try {
    const plan = ladder720p30(2);
    const rungs = plan.rungs.map((r) => r.name);
    console.log(`bench-latency (OBS-like, standard mode): 720p30 x264 veryfast (B-frames, lookahead) 2500 kbps, 2 s keyframes, 2 s segments, ladder ${rungs.join("/")}, ${RUNS} runs × ${SECONDS} s each side`);
    const ours: RunResult[] = [];
    const bare: RunResult[] = [];
    const meter = new CpuMeter(server.proc.pid, 200);
    for (let i = 0; i < RUNS; i++) {
      ours.push(await runOurs(server.rtmpPort, server.url, rooms[0]!, server.dataDir, rungs, obsPub));
      bare.push(await runBare(rungs, (dir) => buildLadderArgs(plan, { dir, run: 0 }), obsPub));
    }
    meter.stop();
    const o = summary("Livehouse (probe settles at the 2nd keyframe; the ladder starts after the 1st)", ours);
    const b = summary("bare ffmpeg (same arguments from the first byte, no probe)", bare);
    console.log(`ratio Livehouse / bare: first playable ${fmt(o.first / b.first)}×, lag p50 ${fmt(o.lag / b.lag)}×; target first playable ≤ 2.5 s: ${o.first <= 2.5 ? "met" : "NOT met"}`);
    const g2g: number[] = [];
    for (let i = 0; i < Math.min(RUNS, 2); i++) g2g.push(...(await glassToGlass(server.url, server.rtmpUrl, rooms[1]!, obsPub)));
    console.log(`glass-to-glass in Chromium/hls.js (room page player, now − playingDate): p50 ${fmt(pct(g2g, 50))} s, p95 ${fmt(pct(g2g, 95))} s (${g2g.length} samples); target ≤ 3.5 s: ${pct(g2g, 50) <= 3.5 ? "met" : "NOT met"}`);
  } finally {
    await server.stop();
    removeDir(server.dataDir);
  }
}

/** Low-latency mode: 1 s keyframes into rooms set to `room latency --mode low` (scripts/bench-latency-ll.ts). */
async function lowLatencyCase(): Promise<void> {
  const { server } = await liveServer(["--segment-seconds", "1"], 1);
  running = server;
  try {
    await benchLowLatency(server, RUNS, SECONDS);
  } finally {
    await server.stop();
    removeDir(server.dataDir);
  }
}

deadline((RUNS * 4 * (SECONDS + 15) + 240 + lowLatencyBudget(RUNS, SECONDS)) * 1000, () => running?.proc.kill("SIGKILL"));
console.log(`load: ${readFileSync("/proc/loadavg", "utf8").trim()} (2 cores shared)`);
if (CASE === "all" || CASE === "best") await bestCase();
if (CASE === "all" || CASE === "obs") await obsStandard();
if (CASE === "all" || CASE === "ll") await lowLatencyCase();
console.log(`load: ${readFileSync("/proc/loadavg", "utf8").trim()}`);
process.exit(0);
