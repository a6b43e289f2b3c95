// The low-latency case of scripts/bench-latency (kept in its own module so the standard cases merge apart): a
// 720p30 source with 1 s keyframes published into a room set to `room latency --mode low`, per run:
//   - publish → first playable master (from the first media byte the publisher sent, via an RTMP relay),
//   - ingest → playlist lag per LL-HLS part and per whole segment: when it showed up in the rung's playlist
//     minus when the publisher sent its last frame (first media byte + the part's media end; segments start at the
//     publisher's first keyframe, so media time is the sum of the listed durations),
//   - glass-to-glass in Chromium with the room page's hls.js (Date.now() − hls.playingDate, PDT = arrival time).
// Bare ffmpeg has no LL-HLS (its hls muxer has no parts), so there is no bare side for this case.
import { launchBrowser } from "../test/helpers/browser";
import { removeDir, type RunningServer } from "../test/helpers/server";
import { publishArgs, waitFor } from "../test/live-helpers";
import { deadline, fmt, liveServer, opt, pct, rtmpRelay } from "./bench-live-lib";

const POLL_MS = 20;

interface Seen {
  /** msn → duration (s) of whole segments, and when each first appeared. */
  segments: Map<number, { duration: number; at: number }>;
  /** part id → msn, index, duration, first seen. */
  parts: Map<number, { msn: number; index: number; duration: number; at: number }>;
}

/** Reads an LL playlist: whole segments with their durations and every listed part with its segment. */
function readPlaylist(text: string, now: number, into: Seen): void {
  let msn = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? NaN);
  let index = 0;
  let duration = 0;
  for (const line of text.split("\n")) {
    const part = /^#EXT-X-PART:DURATION=([\d.]+),URI="p(\d+)\.m4s/.exec(line);
    if (part) {
      const id = Number(part[2]);
      if (!into.parts.has(id)) into.parts.set(id, { msn, index, duration: Number(part[1]), at: now });
      index++;
    } else if (line.startsWith("#EXTINF:")) {
      duration = parseFloat(line.slice(8));
    } else if (/^s\d+\.m4s/.test(line)) {
      if (!into.segments.has(msn)) into.segments.set(msn, { duration, at: now });
      msn++;
      index = 0;
    }
  }
}

interface LlRun {
  firstPlayableMs: number;
  partLags: number[];
  segmentLags: number[];
}

async function oneRun(server: RunningServer, room: { slug: string; streamKey: string }, seconds: number): Promise<LlRun> {
  const relay = await rtmpRelay(server.rtmpPort);
  const source = { size: "1280x720", fps: 30, gop: 30, seconds };
  const pub = Bun.spawn(publishArgs(`rtmp://127.0.0.1:${relay.port}/live/${room.streamKey}`, source), { stdout: "ignore", stderr: "ignore" });
  const seen: Seen = { segments: new Map(), parts: new Map() };
  const masterAt = await waitFor("master playlist", async () => ((await fetch(`${server.url}/live/${room.slug}/index.m3u8`)).ok ? performance.now() : null), 20_000, POLL_MS);
  const rung = /^(\d+p)\/index\.m3u8$/m.exec(await (await fetch(`${server.url}/live/${room.slug}/index.m3u8`)).text())![1]!;
  let on = true;
  const watcher = (async () => {
    while (on) {
      const res = await fetch(`${server.url}/live/${room.slug}/${rung}/index.m3u8`).catch(() => null);
      if (res?.ok) readPlaylist(await res.text(), performance.now(), seen);
      await Bun.sleep(POLL_MS);
    }
  })();
  await pub.exited;
  on = false;
  await watcher;
  relay.close();
  await waitFor("room offline", async () => !((await (await fetch(`${server.url}/api/v1/rooms/${room.slug}`)).json()) as { live: boolean }).live, 15_000);
  const t0 = relay.firstMedia()!;
  // Media start of each segment: the durations before it (every segment is seen; the window holds 12).
  const starts = new Map<number, number>();
  let at = 0;
  for (const msn of [...seen.segments.keys()].sort((a, b) => a - b)) {
    starts.set(msn, at);
    at += seen.segments.get(msn)!.duration;
  }
  const segmentLags = [...seen.segments].filter(([msn]) => msn > 0).map(([msn, s]) => (s.at - (t0 + (starts.get(msn)! + s.duration) * 1000)) / 1000);
  const partEnds = new Map<number, number>();
  const partLags: number[] = [];
  for (const [, p] of [...seen.parts].sort((a, b) => a[0] - b[0])) {
    const start = starts.get(p.msn);
    if (start === undefined || p.msn === 0) continue; // the first segment's parts were listed before we looked
    const end = (partEnds.get(p.msn) ?? start) + p.duration;
    partEnds.set(p.msn, end);
    partLags.push((p.at - (t0 + end * 1000)) / 1000);
  }
  return { firstPlayableMs: masterAt - t0, partLags, segmentLags };
}

async function glassToGlass(server: RunningServer, room: { slug: string; streamKey: string }, runs: number): Promise<number[][]> {
  const pub = Bun.spawn(publishArgs(`${server.rtmpUrl}/${room.streamKey}`, { size: "1280x720", fps: 30, gop: 30, seconds: 20 + runs * 16 }), { stdout: "ignore", stderr: "ignore" });
  const browser = await launchBrowser();
  const perRun: number[][] = [];
  try {
    await waitFor("room live", async () => ((await (await fetch(`${server.url}/api/v1/rooms/${room.slug}`)).json()) as { live: boolean }).live, 20_000);
    for (let r = 0; r < runs; r++) {
      // A fresh page per run: each viewer joins the running stream like a new visitor.
      const page = await browser.newPage();
      await page.goto(`${server.url}/r/${room.slug}`);
      await page.waitForFunction(() => (document.getElementById("video") as HTMLVideoElement).currentTime > 1, null, { timeout: 20_000 });
      await Bun.sleep(3000);
      const samples: number[] = [];
      for (let i = 0; i < 20; i++) {
        const v = await page.evaluate(() => {
          const hls = (document.getElementById("player") as unknown as { livehouseHls?: { playingDate: Date | null } }).livehouseHls;
          return hls?.playingDate ? Date.now() - hls.playingDate.getTime() : null;
        });
        if (v !== null) samples.push(v / 1000);
        await Bun.sleep(500);
      }
      perRun.push(samples);
      await page.close();
    }
    return perRun;
  } finally {
    await browser.close();
    pub.kill("SIGKILL");
    await pub.exited;
  }
}

/** Wall-clock budget of benchLowLatency in seconds, for the caller's deadline. */
export const lowLatencyBudget = (runs: number, seconds: number) => runs * (seconds + 30) + 60 + runs * 45;

/** Runs the low-latency case on a server whose "bench" creator gets two rooms in low-latency mode; prints figures. */
export async function benchLowLatency(server: RunningServer, runs: number, seconds: number): Promise<void> {
  const rooms: { slug: string; streamKey: string }[] = [];
  for (const title of ["Bench LL 1", "Bench LL 2"]) {
    const room = await server.cli(["room", "create", "--owner", "bench", "--title", title]);
    const mode = room.code === 0 ? await server.cli(["room", "latency", "--room", room.json.slug, "--mode", "low"]) : room;
    if (mode.code !== 0) throw new Error(mode.stderr);
    rooms.push(room.json);
  }
  const load = async () => (await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ");
  console.log(`low-latency mode (LL-HLS, 1 s segments, ~200 ms parts): 720p30 source, 1 s keyframes, ${runs} runs × ${seconds} s (load ${await load()})`);
  const results: LlRun[] = [];
  for (let i = 0; i < runs; i++) results.push(await oneRun(server, rooms[0]!, seconds));
  const first = results.map((r) => r.firstPlayableMs / 1000);
  const parts = results.flatMap((r) => r.partLags);
  const segs = results.flatMap((r) => r.segmentLags);
  console.log(`  publish → first playable master: p50 ${fmt(pct(first, 50))} s, p95 ${fmt(pct(first, 95))} s (runs: ${first.map((v) => fmt(v)).join(", ")})`);
  console.log(`  ingest → playlist lag, parts   : p50 ${fmt(pct(parts, 50))} s, p95 ${fmt(pct(parts, 95))} s (${parts.length} parts)`);
  console.log(`  ingest → playlist lag, segments: p50 ${fmt(pct(segs, 50))} s, p95 ${fmt(pct(segs, 95))} s (${segs.length} segments)`);
  const g2g = await glassToGlass(server, rooms[1] ?? rooms[0]!, runs);
  const all = g2g.flat();
  console.log(`  glass-to-glass in Chromium/hls.js (now − playingDate): p50 ${fmt(pct(all, 50))} s, p95 ${fmt(pct(all, 95))} s (${all.length} samples; per-run p50 ${g2g.map((s) => fmt(pct(s, 50))).join(", ")}) — target p50 ≤ 1.5 s, p95 ≤ 2.0 s`);
  console.log(`  load after: ${await load()} (2 cores; figures above this are CPU-starved)`);
}

if (import.meta.main) {
  // Alone: scripts/bench-latency-ll.ts [--runs N] [--seconds S]; scripts/bench-latency runs it after its own cases.
  const runs = opt("runs", 3);
  const seconds = opt("seconds", 10);
  const { server } = await liveServer([], 0);
  deadline((lowLatencyBudget(runs, seconds) + 30) * 1000, () => server.proc.kill("SIGKILL"));
  try {
    await benchLowLatency(server, runs, seconds);
  } finally {
    await server.stop();
    removeDir(server.dataDir);
  }
  process.exit(0);
}
