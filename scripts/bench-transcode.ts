// scripts/bench-transcode: the default ladder on a 720p30 H.264/AAC source (2 s keyframes, 2 s segments: the
// source is copied on top, 480p and 360p encoded), for Livehouse and for bare ffmpeg with the same arguments,
// in the same run:
//   - realtime speed factor when the input comes faster than the ladder can go (bare: file on stdin; Livehouse:
//     the file published over RTMP at 8× with -readrate, speed = pace of new segments),
//   - CPU seconds per second of input at real-time pace (Livehouse: server process + its ffmpeg children),
//   - how many rooms stay at speed ≥ 1 at once (K real-time publishers, segments must keep pace).
// Bounded: fixed durations, --max-rooms (4), a hard deadline; only 127.0.0.1.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildLadderArgs, DEFAULT_LADDER, planLadder } from "../server/media/ffmpeg-args";
import { parseFfmpegPlaylist } from "../server/media/playlists";
import { removeDir } from "../test/helpers/server";
import { waitFor } from "../test/live-helpers";
import { CpuMeter, deadline, fmt, liveServer, opt } from "./bench-live-lib";

const MEDIA_S = opt("media-seconds", 60);
const RT_S = opt("realtime-seconds", 20);
const MAX_ROOMS = opt("max-rooms", 4);

const work = mkdtempSync(join(tmpdir(), "lh-bench-tx-"));
const source = join(work, "src.flv");
const plan = planLadder({ videoCodec: "h264", width: 1280, height: 720, fps: 30, gopSeconds: 2, videoCodecs: "avc1.64001f", audio: { codec: "aac", codecs: "mp4a.40.2" } }, DEFAULT_LADDER, 2);

function makeSource(): void {
  const r = Bun.spawnSync([
    "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
    "-t", String(MEDIA_S), "-c:v", "libx264", "-preset", "veryfast", "-b:v", "3000k", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
    "-c:a", "aac", "-b:a", "128k", source,
  ]);
  if (r.exitCode !== 0) throw new Error("could not make the source: " + r.stderr.toString());
}

/** Bare ffmpeg with the ladder arguments; input from the file (fast) or a -re publisher pipe (real time). */
async function bare(realtime: boolean): Promise<{ wall: number; cpu: number }> {
  const dir = mkdtempSync(join(tmpdir(), "lh-bench-bare-"));
  for (const r of plan.rungs) mkdirSync(join(dir, r.name), { recursive: true });
  const started = performance.now();
  const stdin = realtime
    ? Bun.spawn(["ffmpeg", "-v", "error", "-re", "-i", source, "-t", String(RT_S), "-c", "copy", "-f", "flv", "pipe:1"], { stdout: "pipe" }).stdout
    : Bun.file(source);
  const ff = Bun.spawn(["ffmpeg", ...buildLadderArgs(plan, { dir, run: 0 })], { stdin, stdout: "ignore", stderr: "ignore" });
  await ff.exited;
  const ru = ff.resourceUsage()!;
  const cpu = Number(ru.cpuTime.user + ru.cpuTime.system) / 1e6;
  const wall = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return { wall, cpu };
}

const { server, rooms } = await liveServer([], MAX_ROOMS);
deadline((MEDIA_S * 4 + RT_S * (MAX_ROOMS + 3) + 120) * 1000, () => server.proc.kill("SIGKILL"));
let idlePerS = 0;
const isLive = async (slug: string) => ((await (await fetch(`${server.url}/api/v1/rooms/${slug}`)).json()) as { live: boolean }).live;

/** Publishes the source to K rooms at `readrate`× real time; per room: segment pace (media s per wall s). */
async function publishRooms(k: number, readrate: number, seconds: number): Promise<{ speeds: number[]; lagGrowth: number[]; cpu: number; serverCpu: number; media: number }> {
  const subset = rooms.slice(0, k);
  const seen = subset.map(() => new Map<string, { at: number; d: number; lag: number }>());
  const meter = new CpuMeter(server.proc.pid, 50);
  const before = meter.total();
  const rootBefore = meter.root();
  const began = performance.now();
  const pubs = subset.map((r) =>
    Bun.spawn(["ffmpeg", "-v", "error", "-readrate", String(readrate), "-i", source, "-t", String(seconds), "-c", "copy", "-f", "flv", `${server.rtmpUrl}/${r.streamKey}`], { stdout: "ignore", stderr: "ignore" }),
  );
  let on = true;
  const poll = (async () => {
    while (on) {
      await Promise.all(subset.map(async (r, i) => {
        const res = await fetch(`${server.url}/live/${r.slug}/360p/index.m3u8`).catch(() => null);
        if (!res?.ok) return;
        const text = await res.text();
        const now = performance.now();
        const wall = Date.now();
        for (const e of parseFfmpegPlaylist(text)) if (!seen[i]!.has(e.name)) seen[i]!.set(e.name, { at: now, d: e.duration, lag: wall - ((e.pdt ?? wall) + e.duration * 1000) });
      }));
      await Bun.sleep(100);
    }
  })();
  await Promise.all(pubs.map((p) => p.exited));
  for (const r of subset) await waitFor("room offline", async () => !(await isLive(r.slug)), 60_000, 250);
  on = false;
  await poll;
  const idle = idlePerS * ((performance.now() - began) / 1000);
  const cpu = meter.total() - before - idle;
  const serverCpu = meter.root() - rootBefore - idle;
  meter.stop();
  let media = 0;
  for (const r of subset) {
    const list = await (await fetch(`${server.url}/r/${r.slug}/replays`)).text();
    const id = /href="\/replays\/(\d+)"/.exec(list)?.[1];
    const pl = id ? await (await fetch(`${server.url}/replays/${id}/360p/index.m3u8`)).text() : "";
    media += [...pl.matchAll(/#EXTINF:([\d.]+)/g)].reduce((t, m) => t + Number(m[1]), 0);
  }
  const speeds = seen.map((m) => {
    // Skip the first two segments (startup burst from the GOP) and the last one (flushed at the end).
    const list = [...m.values()].slice(2, -1);
    if (list.length < 2) return 0;
    const produced = list.slice(1).reduce((t, x) => t + x.d, 0);
    return produced / ((list[list.length - 1]!.at - list[0]!.at) / 1000);
  });
  // A room that falls behind shows a growing lag between a segment's arrival-time PDT end and its appearance.
  const lagGrowth = seen.map((m) => {
    const list = [...m.values()].slice(2, -1);
    return list.length < 2 ? NaN : (list[list.length - 1]!.lag - list[0]!.lag) / 1000;
  });
  return { speeds, lagGrowth, cpu, serverCpu, media };
}

try {
  makeSource();
  console.log(`bench-transcode: 720p30 testsrc2 source (3 Mbps, 2 s keyframes), ladder ${plan.rungs.map((r) => r.name + (r.copy ? " copy" : "")).join(" + ")}, 2 s segments`);
  // The server's own idle CPU (other domains' timers) is not the pipeline's: measure it and subtract it.
  const idleMeter = new CpuMeter(server.proc.pid, 100);
  const idle0 = idleMeter.total();
  await Bun.sleep(5000);
  idlePerS = (idleMeter.total() - idle0) / 5;
  idleMeter.stop();
  console.log(`server idle: ${fmt(idlePerS, 4)} cores (subtracted below)`);
  const bFast = await bare(false);
  // Input pushed at 8× real time: faster than the ladder can go on 2 cores, so the segment pace is the speed.
  const oFast = await publishRooms(1, 8, MEDIA_S);
  console.log(`flat out, ${MEDIA_S} s of input:`);
  console.log(`  bare ffmpeg : speed ${fmt(MEDIA_S / bFast.wall)}×, ${fmt(bFast.cpu / MEDIA_S, 3)} CPU s per input s`);
  console.log(`  Livehouse   : speed ${fmt(oFast.speeds[0]!)}× (pace of new segments while the input comes at 8×)`);
  const bRt = await bare(true);
  const oRt = await publishRooms(1, 1, RT_S);
  console.log(`real-time pace, ${RT_S} s:`);
  console.log(`  bare ffmpeg : ${fmt(bRt.cpu / RT_S, 3)} cores`);
  console.log(`  Livehouse   : ${fmt(oRt.cpu / RT_S, 3)} cores = server process ${fmt(oRt.serverCpu / RT_S, 3)} (RTMP ingest, feed, playlists, this bench's HTTP polls) + ffmpeg ladder and posters ${fmt((oRt.cpu - oRt.serverCpu) / RT_S, 3)}`);
  console.log(`ratio Livehouse / bare: CPU at real time ${fmt(oRt.cpu / bRt.cpu)}×, speed flat out ${fmt(oFast.speeds[0]! / (MEDIA_S / bFast.wall))}×`);
  let best = 0;
  for (let k = 1; k <= MAX_ROOMS; k++) {
    const { speeds, lagGrowth } = await publishRooms(k, 1, RT_S);
    const ok = lagGrowth.every((g) => g < 1);
    console.log(`  ${k} room(s) at once: segment pace ${speeds.map((x) => fmt(x)).join(", ")}; lag growth over the run ${lagGrowth.map((g) => fmt(g) + " s").join(", ")} ${ok ? "(keeping pace)" : "(falling behind)"}`);
    if (!ok) break;
    best = k;
  }
  console.log(`rooms live at once at speed ≥ 1 (lag not growing by a second or more over ${RT_S} s): ${best}${best === MAX_ROOMS ? "+" : ""}`);
} catch (err) {
  console.error(err);
  if (server.proc.exitCode !== null) console.error(`server exited (${server.proc.exitCode}):\n${server.output().slice(-4000)}`);
} finally {
  await server.stop();
  removeDir(server.dataDir);
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
