// scripts/bench-transcode: the default ladder on a 720p30 H.264/AAC source (2 s keyframes, 2 s segments: the
// source is copied on top, 480p and 360p encoded), for Livehouse and for bare ffmpeg with the same arguments,
// in the same run:
//   - realtime speed factor when the input comes faster than the ladder can go (bare: file on stdin; Livehouse:
//     the file published over RTMP at 8× with -readrate, speed = pace of new segments),
//   - CPU seconds per second of input at real-time pace (Livehouse: server process + its ffmpeg children), beside
//     bare ffmpeg fed by a pipe and bare ffmpeg receiving the publisher's RTMP itself, all three at once per round:
//     in the steady state (from 6 s after the publisher started to its end, Livehouse's poster a minute added at
//     its measured cost) and over the whole publish (start-up and the go-live poster included),
//   - rooms live at once: K real-time publishers; per room its output pace (media seconds per wall second of the
//     360p rung over a steady window: from 4 s after its first segment to the publisher's end) and its ingest →
//     playlist lag at the window's start and end. A room keeps pace only if pace ≥ 0.95 AND its lag grew < 1 s.
//   - an overload run (--overload-rooms, default max-rooms + 2): more rooms than the cores carry. It passes if no
//     room's transcoder was killed or restarted, every room's master playlist answered 200 throughout, and the
//     rungs each room still produces (stream health) keep pace ≥ 0.95.
// Bounded: fixed durations, --max-rooms (4), a hard deadline; only 127.0.0.1. Prints the load average: others
// share the 2 cores.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { MAX_PENDING_PER_IP } from "../server/ingest/rtmp";
import { buildLadderArgs, buildPosterArgs, DEFAULT_LADDER, planLadder } from "../server/media/ffmpeg-args";
import { parseFfmpegPlaylist } from "../server/media/playlists";
import { freePort, removeDir } from "../test/helpers/server";
import { waitFor } from "../test/live-helpers";
import type { StreamHealth } from "../server/media/model";
import { CpuMeter, cpuOf, deadline, fmt, liveServer, opt, pct } from "./bench-live-lib";

const MEDIA_S = opt("media-seconds", 60);
const RT_S = opt("realtime-seconds", 20);
const RT_ROUNDS = opt("realtime-rounds", 5);
const MAX_ROOMS = opt("max-rooms", 4);
const OVERLOAD_ROOMS = opt("overload-rooms", MAX_ROOMS + 2);
const OVERLOAD_S = opt("overload-seconds", 40);
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

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

/** ffmpeg publishing the source at `readrate`× real time for `seconds`, as FLV to the URL that follows. */
const publisherArgs = (readrate: number, seconds: number) => ["ffmpeg", "-v", "error", "-readrate", String(readrate), "-i", source, "-t", String(seconds), "-c", "copy", "-f", "flv"];

/** Start of the steady window, seconds after the publisher started: past ffmpeg's start-up, the probe, go-live and its poster. */
const WARM_S = 6;

/**
 * CPU per second over the steady window of a real-time publish that started at `t0` (performance.now()): from WARM_S
 * to one second before the publisher's end, for each of the CPU counters `sample` reads. What each further second
 * of a broadcast costs, without the one-time costs of its start.
 */
async function steadyCpu(sample: () => number[], t0: number): Promise<number[]> {
  const at = (s: number) => Bun.sleep(Math.max(0, t0 + s * 1000 - performance.now()));
  await at(WARM_S);
  const a = sample();
  await at(RT_S - 1);
  return sample().map((b, i) => (b - a[i]!) / (RT_S - 1 - WARM_S));
}

/**
 * Bare ffmpeg with the ladder arguments. Input: the file as fast as it goes ("file"), a real-time publisher's FLV
 * on a pipe ("pipe": transcoding alone), or ffmpeg itself listening for that publisher's RTMP ("rtmp": what one
 * runs by hand instead of a server, `ffmpeg -listen 1 -i rtmp://…`, so it receives the stream as Livehouse does).
 */
async function bare(input: "file" | "pipe" | "rtmp"): Promise<{ wall: number; cpu: number; steady: number }> {
  const dir = mkdtempSync(join(tmpdir(), "lh-bench-bare-"));
  for (const r of plan.rungs) mkdirSync(join(dir, r.name), { recursive: true });
  const started = performance.now();
  const ladder = buildLadderArgs(plan, { dir, run: 0 });
  let ff: Subprocess;
  let failed: string | null = null;
  let steady: Promise<number[]> = Promise.resolve([NaN]);
  if (input === "rtmp") {
    const url = `rtmp://127.0.0.1:${await freePort()}/live/bench`;
    const at = ladder.indexOf("pipe:0");
    ff = Bun.spawn(["ffmpeg", ...ladder.slice(0, at - 1), "-listen", "1", "-i", url, ...ladder.slice(at + 1)], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
    // ffmpeg listens once it has started; a probe connection would take its one accept, so the publisher just waits.
    await Bun.sleep(1000);
    const pub = Bun.spawn([...publisherArgs(1, RT_S), url], { stdout: "ignore", stderr: "pipe" });
    steady = steadyCpu(() => [cpuOf(ff.pid)], performance.now());
    // A publisher that could not connect would leave the listener waiting until the deadline: stop and say why.
    void pub.exited.then(async (code) => {
      if (code === 0 || ff.exitCode !== null) return;
      failed = `the RTMP publisher to bare ffmpeg failed: ${(await new Response(pub.stderr).text()).trim()}`;
      ff.kill();
    });
  } else {
    const stdin = input === "pipe" ? Bun.spawn([...publisherArgs(1, RT_S), "pipe:1"], { stdout: "pipe" }).stdout : Bun.file(source);
    ff = Bun.spawn(["ffmpeg", ...ladder], { stdin, stdout: "ignore", stderr: "ignore" });
    if (input === "pipe") steady = steadyCpu(() => [cpuOf(ff.pid)], started);
  }
  await ff.exited;
  if (failed) throw new Error(failed);
  const ru = ff.resourceUsage()!;
  const cpu = Number(ru.cpuTime.user + ru.cpuTime.system) / 1e6;
  const wall = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return { wall, cpu, steady: (await steady)[0]! };
}

/** CPU seconds of one live poster (the server cuts one as a room goes live, then one a minute), median of three. */
function posterCpu(): number {
  const seg = join(work, "poster-src.ts");
  const tmp = join(work, "poster.jpg");
  Bun.spawnSync(["ffmpeg", "-v", "error", "-y", "-i", source, "-t", "2", "-vf", "scale=-2:360", "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", seg]);
  const runs = [0, 1, 2].map(() => {
    const p = Bun.spawnSync(["ffmpeg", ...buildPosterArgs(seg, tmp)]);
    if (p.exitCode !== 0) throw new Error(`poster: ${p.stderr.toString()}`);
    return Number(p.resourceUsage.cpuTime.user + p.resourceUsage.cpuTime.system) / 1e6;
  });
  return pct(runs, 50);
}

const { server, rooms } = await liveServer([], Math.max(MAX_ROOMS, OVERLOAD_ROOMS));
deadline((MEDIA_S * 4 + RT_S * (MAX_ROOMS + RT_ROUNDS + 1) + OVERLOAD_S * 2 + 180) * 1000, () => server.proc.kill("SIGKILL"));
const token = ((await server.cli(["token", "create", "--username", "bench"])).json as { token: string }).token;
const healthOf = async (slug: string) => (await (await fetch(`${server.url}/api/v1/rooms/${slug}/health`, { headers: { authorization: `Bearer ${token}` } })).json()) as StreamHealth;
let idlePerS = 0;
const isLive = async (slug: string) => ((await (await fetch(`${server.url}/api/v1/rooms/${slug}`)).json()) as { live: boolean }).live;

interface RoomRun {
  /** 360p media seconds per wall second over the steady window. */
  pace: number;
  lagStart: number;
  lagEnd: number;
  keepsPace: boolean;
}

/** Publishes the source to K rooms at `readrate`× real time; per room: pace and lag of its 360p rung (timed by polls every `pollMs`). */
async function publishRooms(k: number, readrate: number, seconds: number, pollMs = 100): Promise<{ rooms: RoomRun[]; cpu: number; serverCpu: number; steady: number; steadyServer: number; media: number; health: StreamHealth[]; masterFailures: number }> {
  const subset = rooms.slice(0, k);
  const seen = subset.map(() => new Map<string, { at: number; d: number; lag: number }>());
  const meter = new CpuMeter(server.proc.pid, 50);
  const before = meter.total();
  const rootBefore = meter.root();
  const began = performance.now();
  // All publishers come from 127.0.0.1, and the server refuses a sixth connection from one address while five have
  // not published yet (MAX_PENDING_PER_IP): beyond five rooms they start a little apart.
  const pubs: Subprocess[] = [];
  for (const r of subset) {
    if (k > MAX_PENDING_PER_IP && pubs.length) await Bun.sleep(250);
    pubs.push(Bun.spawn([...publisherArgs(readrate, seconds), `${server.rtmpUrl}/${r.streamKey}`], { stdout: "ignore", stderr: "ignore" }));
  }
  // Steady window at real time; the server's idle (other domains' timers) is not the pipeline's.
  const steady = readrate === 1 ? steadyCpu(() => [meter.total(), meter.root()], began) : Promise.resolve([NaN, NaN]);
  let on = true;
  let masterFailures = 0;
  const live = subset.map(() => false);
  const poll = (async () => {
    while (on) {
      await Promise.all(subset.map(async (r, i) => {
        const m = await fetch(`${server.url}/live/${r.slug}/index.m3u8`).catch(() => null);
        // Once a room is playable its master must keep answering until its publisher ends.
        if (m?.ok) live[i] = true;
        else if (live[i] && pubs[i]!.exitCode === null) masterFailures++;
        await m?.text();
        const res = await fetch(`${server.url}/live/${r.slug}/360p/index.m3u8`).catch(() => null);
        if (!res?.ok) return;
        const text = await res.text();
        const now = performance.now();
        const wall = Date.now();
        for (const e of parseFfmpegPlaylist(text)) if (!seen[i]!.has(e.name)) seen[i]!.set(e.name, { at: now, d: e.duration, lag: wall - ((e.pdt ?? wall) + e.duration * 1000) });
      }));
      await Bun.sleep(pollMs);
    }
  })();
  // Health just before the publishers end: the ladder each room still produces and its restarts.
  await Bun.sleep(Math.max(0, seconds * 1000 / readrate - (performance.now() - began) - 1500));
  const health = await Promise.all(subset.map((r) => healthOf(r.slug)));
  await Promise.all(pubs.map((p) => p.exited));
  const ended = performance.now();
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
  // Steady window at real time: from 4 s after the room's first segment (the start-up burst) to its publisher's
  // end. Flat out (input faster than real time) the output runs on after the input ended: all but the first two
  // segments and the last (flushed at the end).
  const out = seen.map((m): RoomRun => {
    const all = [...m.values()];
    const from = (all[0]?.at ?? 0) + 4000;
    const list = readrate === 1 ? all.filter((x) => x.at >= from && x.at <= ended) : all.slice(2, -1);
    if (list.length < 2) return { pace: 0, lagStart: NaN, lagEnd: NaN, keepsPace: false };
    const produced = list.slice(1).reduce((t, x) => t + x.d, 0);
    const pace = produced / ((list[list.length - 1]!.at - list[0]!.at) / 1000);
    const lagStart = list[0]!.lag / 1000;
    const lagEnd = list[list.length - 1]!.lag / 1000;
    return { pace, lagStart, lagEnd, keepsPace: pace >= 0.95 && lagEnd - lagStart < 1 };
  });
  const [steadyAll, steadyRoot] = await steady;
  return { rooms: out, cpu, serverCpu, steady: steadyAll! - idlePerS, steadyServer: steadyRoot! - idlePerS, media, health, masterFailures };
}

const roomLine = (r: RoomRun) => `pace ${fmt(r.pace)} (lag ${fmt(r.lagStart, 1)} → ${fmt(r.lagEnd, 1)} s, ${r.keepsPace ? "keeping pace" : "falling behind"})`;

try {
  makeSource();
  console.log(`load: ${load()} (2 cores shared with other work)`);
  console.log(`bench-transcode: 720p30 testsrc2 source (3 Mbps, 2 s keyframes), ladder ${plan.rungs.map((r) => r.name + (r.copy ? " copy" : "")).join(" + ")}, 2 s segments`);
  // The server's own idle CPU (other domains' timers) is not the pipeline's: measure it and subtract it.
  const idleMeter = new CpuMeter(server.proc.pid, 100);
  const idle0 = idleMeter.total();
  // 10 s: a clock tick (10 ms) is then 0.001 cores; over 5 s the idle read 0.002–0.010 from run to run.
  await Bun.sleep(10_000);
  idlePerS = (idleMeter.total() - idle0) / 10;
  idleMeter.stop();
  console.log(`server idle: ${fmt(idlePerS, 4)} cores (subtracted below)`);
  const bFast = await bare("file");
  // Input pushed at 8× real time: faster than the ladder can go on 2 cores, so the segment pace is the speed.
  const oFast = await publishRooms(1, 8, MEDIA_S);
  console.log(`flat out, ${MEDIA_S} s of input:`);
  console.log(`  bare ffmpeg : speed ${fmt(MEDIA_S / bFast.wall)}×, ${fmt(bFast.cpu / MEDIA_S, 3)} CPU s per input s`);
  console.log(`  Livehouse   : speed ${fmt(oFast.rooms[0]!.pace)}× (pace of new segments while the input comes at 8×; the watchdog may shed rungs: ${oFast.health[0]?.transcode?.rungs.filter((r) => r.active).map((r) => r.name).join("+") ?? "?"} at the end)`);
  // CPU at real time, the three side by side in each round: this VM's vCPUs lose half their memory bandwidth for
  // seconds at a time, which moves x264's CPU per second by more than the difference measured here; running at
  // once, a slow spell lands on all three (~1.2 of the 2 cores), and each round gives its own ratios.
  const rt: { pipe: number; rtmp: number; lh: number; server: number; sPipe: number; sRtmp: number; sLh: number; sServer: number }[] = [];
  for (let r = 0; r < RT_ROUNDS; r++) {
    // Polled once a second, like one viewer: the 100 ms polls that time segments cost the server ~0.01 cores.
    const [pipe, rtmp, run] = await Promise.all([bare("pipe"), bare("rtmp"), publishRooms(1, 1, RT_S, 1000)]);
    rt.push({ pipe: pipe.cpu / RT_S, rtmp: rtmp.cpu / RT_S, lh: run.cpu / RT_S, server: run.serverCpu / RT_S, sPipe: pipe.steady, sRtmp: rtmp.steady, sLh: run.steady, sServer: run.steadyServer });
  }
  // The steady window leaves out the poster cut at go-live; a broadcast cuts one a minute after it.
  const poster = posterCpu();
  const perMinute = poster / 60;
  const col = (f: (x: (typeof rt)[number]) => number, d = 3) => `${fmt(pct(rt.map(f), 50), d)} (${rt.map((x) => fmt(f(x), d)).join(", ")})`;
  console.log(`real-time pace, ${RT_S} s × ${RT_ROUNDS} rounds, the three at once in each round (medians; every round printed), cores:`);
  const setups = (pipe: (x: (typeof rt)[number]) => number, rtmp: typeof pipe, lh: typeof pipe, more: string) => {
    console.log(`    bare ffmpeg fed by a pipe             : ${col(pipe)}`);
    console.log(`    bare ffmpeg receiving the RTMP itself : ${col(rtmp)}`);
    console.log(`    Livehouse                             : ${col(lh)}; ${more}`);
  };
  console.log(`  steady state, from ${WARM_S} s after the publisher started to 1 s before its end:`);
  setups((x) => x.sPipe, (x) => x.sRtmp, (x) => x.sLh, `server process ${col((x) => x.sServer)}; + a poster a minute (${fmt(poster, 2)} CPU s each) ${fmt(perMinute, 4)}`);
  console.log(`  ratio Livehouse (with its posters) / bare, steady state (median of the rounds' ratios): ${col((x) => (x.sLh + perMinute) / x.sPipe, 3)}× against the pipe-fed ffmpeg, ${col((x) => (x.sLh + perMinute) / x.sRtmp, 3)}× against ffmpeg receiving the RTMP itself`);
  console.log(`  the whole ${RT_S} s publish, start-up and the go-live poster included:`);
  setups((x) => x.pipe, (x) => x.rtmp, (x) => x.lh, `server process ${col((x) => x.server)} (RTMP ingest, feed, playlists, this bench's polls once a second) + ffmpeg ladder and posters ${fmt(pct(rt.map((x) => x.lh - x.server), 50), 3)}`);
  console.log(`  ratio Livehouse / bare, whole publish: ${col((x) => x.lh / x.pipe, 3)}× against the pipe-fed ffmpeg, ${col((x) => x.lh / x.rtmp, 3)}× against ffmpeg receiving the RTMP itself; speed flat out ${fmt(oFast.rooms[0]!.pace / (MEDIA_S / bFast.wall))}× (load ${load()})`);
  let best = 0;
  for (let k = 1; k <= MAX_ROOMS; k++) {
    const run = await publishRooms(k, 1, RT_S);
    const ok = run.rooms.every((r) => r.keepsPace);
    const shed = run.health.map((h) => h.transcode?.level ?? 0);
    console.log(`  ${k} room(s) at once (load ${load()}): ${run.rooms.map((r, i) => `room ${i + 1} ${roomLine(r)}${shed[i] ? ` [degraded to level ${shed[i]}]` : ""}`).join("; ")}`);
    if (!ok) break;
    best = k;
  }
  console.log(`rooms live at once, every one keeping pace on the full ladder (pace ≥ 0.95, lag growth < 1 s over ${RT_S} s): ${best}${best === MAX_ROOMS ? "+" : ""}`);

  // Overload: more rooms than the cores carry. The watchdog sheds rungs instead of killing ffmpeg.
  const over = await publishRooms(OVERLOAD_ROOMS, 1, OVERLOAD_S);
  console.log(`overload run: ${OVERLOAD_ROOMS} rooms × ${OVERLOAD_S} s at once (load ${load()}):`);
  let pass = over.masterFailures === 0;
  over.health.forEach((h, i) => {
    const tx = h.transcode;
    const kept = tx?.rungs.filter((r) => r.active) ?? [];
    const slowest = Math.min(...kept.map((r) => r.pace ?? 0));
    const ok = (tx?.restarts ?? 1) === 0 && kept.length > 0 && slowest >= 0.95;
    pass &&= ok;
    console.log(`  room ${i + 1}: level ${tx?.level ?? "?"}/${tx?.maxLevel ?? "?"}, rungs kept ${kept.map((r) => `${r.name}@${r.fps} pace ${fmt(r.pace ?? NaN)}`).join(", ") || "none"}, restarts ${tx?.restarts ?? "?"}, 360p ${roomLine(over.rooms[i]!)} → ${ok ? "ok" : "NOT ok"}`);
  });
  console.log(`  master playlist failures while live: ${over.masterFailures}; overload run ${pass ? "PASSED" : "FAILED"} (no kill/restart, playable masters, kept rungs at pace ≥ 0.95)`);
} catch (err) {
  console.error(err);
  if (server.proc.exitCode !== null) console.error(`server exited (${server.proc.exitCode}):\n${server.output().slice(-4000)}`);
} finally {
  await server.stop();
  removeDir(server.dataDir);
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
