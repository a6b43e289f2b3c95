// scripts/bench-scale: one Livehouse process vs two (serve --role all + serve --role web on one data directory,
// sharing a real redis-server), in the same run on the same machine:
//   - pages: the room page (anonymous) with C keep-alive connections flat out from one load process
//     (scripts/bench-http-client.ts), alternating over the processes (client-side, like an nginx upstream): req/s
//     and p99;
//   - chat fan-out: N counting sockets (niced child processes with a C read loop, scripts/bench-chat-client.ts)
//     spread over the processes, S senders keeping a window of messages in flight: deliveries/s at saturation.
//     First the room page's socket (/r/<slug>/ws, what every viewer has: HTML frames
//     coalesced per window), then beside it the JSON event socket of bots and overlays
//     (/api/v1/rooms/<slug>/events, one frame per event);
//   - delivery latency p50/p99 at a steady 50 messages/s: sent on A, read on B (cross-process; on one process both
//     are on A);
//   - SO_REUSEPORT: a third process (--role web) binds A's port; 200 fresh connections to that one port, and
//     /healthz says which process answered each; the room page's req/s through the shared port.
// Both setups run side by side and take turns, run by run (--rounds for pages, --fan-rounds for fan-out), and the
// figures are medians with every run printed. The ratios compare the setups as a user starts them (no pinning).
// This VM's vCPUs slow down for seconds at a time, one or the other (memory copy speed, printed between phases, shows
// some of it), and a process on such a vCPU serves pages at about two thirds of its rate: beside the ratios, the
// single process is also measured pinned to each CPU in turn, and the pair is compared with the single process's
// better placement of each round (its best case) and with the mean of its placements.
// The load generator and the counting clients wake at most once per --client-pace microseconds and then read
// everything that is ready (1000; 0: at every readiness, as before 2026-12-01): woken per response they preempted
// a server on every wake-up, and on this VM a process switch is dear (docs/operations.md, "Measured").
// Options: --clients N (2000), --senders S (8), --connections C (64), --seconds T per run (3), --window W (4),
// --rounds R (5), --fan-rounds F (5), --client-pace µs (1000).
// Bounded: fixed phases and a deadline; only 127.0.0.1; everything it starts it stops.
import type { Subprocess } from "bun";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startRedis, type RunningRedis } from "../test/helpers/redis";
import { removeDir, startServer, startWebProcess, type RunningServer } from "../test/helpers/server";
import { cpuOf, deadline, fmt, lineReader, opt, pct } from "./bench-live-lib";

const ROOT = join(import.meta.dir, "..");
const BUN = join(ROOT, "node_modules/.bin/bun");
const N = opt("clients", 2000);
const S = opt("senders", 8);
const CONNS = opt("connections", 64);
const SECS = opt("seconds", 3);
const WINDOW = opt("window", 4);
const ROUNDS = opt("rounds", 5);
const FAN_ROUNDS = opt("fan-rounds", 5);
const PACE = opt("client-pace", 1000);
const ARGS = ["--chat-rate-limit", "1000000"];

const children: Subprocess[] = [];
const servers: RunningServer[] = [];
let redis: RunningRedis | null = null;
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

async function cleanup(): Promise<void> {
  for (const c of children) c.kill();
  const dirs = new Set(servers.map((s) => s.dataDir));
  for (const s of servers.splice(0).reverse()) await s.stop();
  for (const d of dirs) removeDir(d);
  await redis?.stop();
}

async function must(srv: RunningServer, args: string[]): Promise<any> {
  const r = await srv.cli(args);
  if (r.code !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
  return r.json;
}

interface Setup {
  name: string;
  procs: RunningServer[];
  slug: string;
  token: string;
}

async function setup(pair: boolean): Promise<Setup> {
  const a = await startServer({ args: [...(pair ? ["--redis-url", redis!.url] : []), ...ARGS] });
  servers.push(a);
  await must(a, ["user", "create", "--username", "bench", "--password", "bench-pass-123", "--role", "creator"]);
  const slug = (await must(a, ["room", "create", "--owner", "bench", "--title", "Bench room"])).slug as string;
  const token = (await must(a, ["token", "create", "--username", "bench"])).token as string;
  const procs = [a];
  if (pair) {
    const b = await startWebProcess(a, redis!.url, { args: ARGS });
    servers.push(b);
    procs.push(b);
  }
  return { name: pair ? "2 processes + Redis" : "1 process", procs, slug, token };
}

interface Pages { rps: number; p99: number; errors: number; cpu: number[]; client: number }

/**
 * C keep-alive connections flat out, alternating over the URLs (at most two), from one load process
 * (scripts/bench-http-client.ts): it reads only the status and Content-Length, in C, because a JavaScript client
 * cost ~50 µs of CPU per page here and shares the 2 cores with the servers it measures; one loop for both servers
 * costs less than a load process per server.
 */
async function pages(urls: string[], pids: number[], secs: number): Promise<Pages> {
  const cpu0 = pids.map(cpuOf);
  const started = performance.now();
  const proc = Bun.spawn([BUN, join(ROOT, "scripts/bench-http-client.ts"), urls[0]!, String(CONNS), String(secs * 1000), String(PACE), ...urls.slice(1, 2)], { stdout: "pipe", stderr: "inherit" });
  children.push(proc);
  const client0 = cpuOf(proc.pid);
  const out = await new Response(proc.stdout).text();
  // Read just before it exits (after that /proc no longer has it).
  const client = cpuOf(proc.pid) - client0;
  await proc.exited;
  const r = JSON.parse(out) as { ok: number; errors: number; p99Ms: number };
  const wall = (performance.now() - started) / 1000;
  return { rps: r.ok / secs, p99: r.p99Ms, errors: r.errors, cpu: pids.map((p, i) => (cpuOf(p) - cpu0[i]!) / wall), client: client / wall };
}

interface Clients { procs: { proc: Subprocess; next: () => Promise<string> }[]; ask(cmd: string): Promise<any[]> }

/**
 * Client processes (scripts/bench-chat-client.ts), one per URL, `total` sockets spread over them: counting sockets,
 * niced and paced; or, with senders, S bots' JSON sockets numbered across the processes, neither niced nor paced,
 * since they stand for the chatters whose messages the servers take in.
 */
async function clients(urls: string[], total: number, senders = false): Promise<Clients> {
  const per = Math.ceil(total / urls.length);
  const procs = urls.map((url, j) => {
    const args = [BUN, join(ROOT, "scripts/bench-chat-client.ts"), url, String(per), ...(senders ? ["0", String(j * per)] : [String(PACE)])];
    const proc = Bun.spawn(senders ? args : ["nice", "-n", "10", ...args], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
    children.push(proc);
    return { proc, next: lineReader(proc) };
  });
  const ready = await Promise.all(procs.map(async (c) => JSON.parse(await c.next())));
  const open = ready.reduce((n, r) => n + r.open, 0);
  if (open < total * 0.98) throw new Error(`only ${open} of ${total} sockets opened`);
  return {
    procs,
    async ask(cmd) {
      for (const c of procs) {
        (c.proc.stdin as import("bun").FileSink).write(cmd + "\n");
        (c.proc.stdin as import("bun").FileSink).flush();
      }
      return Promise.all(procs.map(async (c) => JSON.parse(await c.next())));
    },
  };
}

interface Fanout { deliveries: number; sent: number; k: number; cpu: number[] }

async function fanout(s: Setup, kind: "page" | "json"): Promise<Fanout> {
  const wsBase = (p: RunningServer) => `${p.url.replace("http", "ws")}/api/v1/rooms/${s.slug}/events`;
  const listen = (p: RunningServer) => (kind === "page" ? `${p.url.replace("http", "ws")}/r/${s.slug}/ws` : wsBase(p));
  const c = await clients(s.procs.flatMap((p) => [listen(p), listen(p)]), N);
  // Senders are bots on the JSON socket, spread over the processes, in C (bench-chat-client.c): their own message
  // coming back is the acknowledgement. Each bot's socket gets every event of the room; in JavaScript that took
  // ~0.2 of the 2 cores, which the pair needs.
  const tx = await clients(s.procs.map((p) => `${wsBase(p)}?token=${s.token}`), S, true);
  try {
    // How often one delivery matches the counters' needle (a chat event carries its text in text and parts).
    await c.ask("reset");
    const probe = new WebSocket(`${wsBase(s.procs[0]!)}?token=${s.token}`);
    await new Promise((r) => (probe.onopen = r));
    probe.send(JSON.stringify({ type: "chat", text: "¶bench calibrate" }));
    await Bun.sleep(1500);
    probe.close();
    const per = (await c.ask("report")).reduce((n, r) => n + r.count, 0) / N;
    const k = Math.max(1, Math.round(per));
    await tx.ask(`start ${WINDOW}`);
    await Bun.sleep(1000);
    await c.ask("reset");
    const pids = s.procs.map((p) => p.proc.pid);
    const cpu0 = pids.map(cpuOf);
    const t0 = performance.now();
    const sent0 = (await tx.ask("report")).reduce((n, r) => n + r.sent, 0);
    await Bun.sleep(SECS * 1000);
    const counts = await c.ask("report");
    const sent1 = (await tx.ask("report")).reduce((n, r) => n + r.sent, 0);
    const wall = (performance.now() - t0) / 1000;
    await tx.ask("start 0");
    return { deliveries: counts.reduce((n, r) => n + r.count, 0) / k / wall, sent: (sent1 - sent0) / wall, k, cpu: pids.map((p, i) => (cpuOf(p) - cpu0[i]!) / wall) };
  } finally {
    for (const g of [c, tx]) {
      await g.ask("exit").catch(() => {});
      for (const p of g.procs) p.proc.kill();
    }
  }
}

/** Sent on the first process, read on the last: 50 messages/s for 4 s. */
async function latency(s: Setup): Promise<{ p50: number; p99: number; n: number }> {
  const url = (p: RunningServer) => `${p.url.replace("http", "ws")}/api/v1/rooms/${s.slug}/events?token=${s.token}`;
  const lat: number[] = [];
  const observer = new WebSocket(url(s.procs[s.procs.length - 1]!));
  const sender = new WebSocket(url(s.procs[0]!));
  await Promise.all([observer, sender].map((w) => new Promise((r) => (w.onopen = r))));
  observer.onmessage = (e) => {
    const m = /"text":"bench l ([\d.]+)"/.exec(String(e.data));
    if (m) lat.push(performance.timeOrigin + performance.now() - Number(m[1]));
  };
  for (let i = 0; i < 200; i++) {
    sender.send(JSON.stringify({ type: "chat", text: `bench l ${(performance.timeOrigin + performance.now()).toFixed(3)}` }));
    await Bun.sleep(20);
  }
  await Bun.sleep(500);
  observer.close();
  sender.close();
  return { p50: pct(lat, 50), p99: pct(lat, 99), n: lat.length };
}

/** Which process answers each of n fresh connections to the URL (/healthz names its pid). */
async function holders(url: string, n: number): Promise<Map<number, number>> {
  const by = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const { pid } = (await (await fetch(`${url}/healthz`, { headers: { connection: "close" } })).json()) as { pid: number };
    by.set(pid, (by.get(pid) ?? 0) + 1);
  }
  return by;
}

async function reusePort(s: Setup): Promise<{ spread: string; rps: number }> {
  const a = s.procs[0]!;
  const c = await startServer({ dataDir: a.dataDir, httpPort: a.httpPort, args: ["--role", "web", "--redis-url", redis!.url, ...ARGS] });
  servers.push(c);
  s.procs.push(c);
  // /healthz on the shared port may have been answered by A: wait for C's own banner.
  for (let i = 0; i < 200 && !c.output().includes("Livehouse is running"); i++) await Bun.sleep(50);
  const by = await holders(a.url, 200);
  const spread = [a, c].map((p) => `pid ${p.proc.pid} (${p === a ? "owner" : "web"}): ${by.get(p.proc.pid) ?? 0}`).join(", ");
  const r = await pages([`${a.url}/r/${s.slug}`], [a.proc.pid, c.proc.pid], Math.min(SECS, 4));
  return { spread, rps: r.rps };
}

const CPUS = navigator.hardwareConcurrency;

/**
 * Memory-copy speed of each CPU, in GB/s (a pinned child copying 32 MB buffers for 0.3 s). On this VM a vCPU's
 * memory bandwidth halves for seconds at a time while the other's holds; a process on that vCPU serves the room
 * page at about half its rate at the same 1.0 core (docs/operations.md, "Measured"). Printed between phases so that
 * a figure can be read beside the state of the machine it was taken in.
 */
async function cpuSpeeds(): Promise<string> {
  const code = "const a=new Uint8Array(32<<20),b=new Uint8Array(32<<20);b.set(a);let n=0;const t=performance.now();while(performance.now()-t<300){b.set(a);n++}console.log((n*32/1024/0.3).toFixed(1))";
  const out: string[] = [];
  for (let c = 0; c < CPUS; c++) {
    const p = Bun.spawn(["taskset", "-c", String(c), BUN, "-e", code], { stdout: "pipe", stderr: "ignore" });
    const v = (await new Response(p.stdout).text()).trim();
    out.push(`cpu${c} ${(await p.exited) === 0 ? v : "?"}`);
  }
  return `memory copy GB/s: ${out.join(", ")}`;
}

/** Pins every thread of the processes to one CPU (null: all CPUs again). */
function pin(pids: number[], cpu: number | null): void {
  for (const pid of pids) Bun.spawnSync(["taskset", "-a", "-p", "-c", cpu === null ? `0-${CPUS - 1}` : String(cpu), String(pid)], { stdout: "ignore", stderr: "ignore" });
}

/**
 * Runs a measurement for each setup, `rounds` times, alternating the order (A B B A …); per setup, the runs of each
 * round. The first run of a round is the setup as a user starts it (no pinning); the single process is then also
 * measured pinned to each CPU in turn (see placed).
 */
async function interleaved<T>(setups: Setup[], rounds: number, run: (s: Setup) => Promise<T>): Promise<T[][][]> {
  const by = setups.map(() => [] as T[][]);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? setups.map((_, i) => i) : setups.map((_, i) => setups.length - 1 - i);
    for (const i of order) {
      const s = setups[i]!;
      const pids = s.procs.map((p) => p.proc.pid);
      const runs: T[] = [await run(s)];
      if (s.procs.length === 1) {
        for (let c = 0; c < CPUS; c++) {
          pin(pids, c);
          runs.push(await run(s));
        }
        pin(pids, null);
      }
      by[i]!.push(runs);
    }
  }
  return by;
}

/** Each round's run as a user starts it: no pinning. */
const free = <T,>(rounds: T[][]): T[] => rounds.map((runs) => runs[0]!);

/**
 * The single process's pinned runs, per round: on the better vCPU of the moment (the best case beside the user's:
 * the pair has one process on each vCPU, slow or not), or their mean.
 */
const placed = <T,>(rounds: T[][], figure: (t: T) => number, how: "best" | "mean"): number[] =>
  rounds.map((runs) => {
    const v = runs.slice(1).map(figure);
    return how === "best" ? Math.max(...v) : v.reduce((a, b) => a + b, 0) / v.length;
  });

const median = (v: number[]) => pct(v, 50);

deadline(600_000, () => void cleanup().then(() => process.exit(2)));
try {
  console.log(`bench-scale: ${CONNS} page connections, ${N} chat sockets, ${S} senders × ${WINDOW} in flight, ${SECS} s per run, ${ROUNDS} page rounds and ${FAN_ROUNDS} fan-out rounds interleaved; load ${load()}`);
  console.log(`  ${await cpuSpeeds()}`);
  redis = await startRedis();
  // Both setups run side by side (idle when not measured) and take turns, so a slow spell of the machine lands on
  // both rather than deciding the ratio.
  const setups = [await setup(false), await setup(true)];
  const urls = (s: Setup) => s.procs.map((p) => `${p.url}/r/${s.slug}`);
  // Warm-up: the pair served its first ~20 s of pages ~15 % slower than later (JIT tiers, heaps) in every run seen.
  for (const s of setups) await pages(urls(s), [], 8);
  const pg = await interleaved(setups, ROUNDS, (s) => pages(urls(s), s.procs.map((p) => p.proc.pid), SECS));
  setups.forEach((s, i) => console.log(`  ${s.name}: page runs ${pg[i]!.map((round) => round.map((r) => `${fmt(r.rps, 0)} (cores ${r.cpu.map((c) => fmt(c)).join("+")}, client ${fmt(r.client)})`).join(" | ")).join(", ")}`));
  console.log(`  ${await cpuSpeeds()}`);
  const fanRun = (f: Fanout) => `${fmt(f.deliveries, 0)} (${fmt(f.sent, 0)} msgs/s, k ${f.k}, cores ${f.cpu.map((c) => fmt(c)).join("+")})`;
  const fan = await interleaved(setups, FAN_ROUNDS, (s) => fanout(s, "page"));
  setups.forEach((s, i) => console.log(`  ${s.name}: fan-out runs to room pages ${fan[i]!.map((round) => round.map(fanRun).join(" | ")).join(", ")}`));
  const json = await interleaved(setups, 1, (s) => fanout(s, "json"));
  setups.forEach((s, i) => console.log(`  ${s.name}: fan-out to JSON sockets ${json[i]!.map((round) => round.map(fanRun).join(" | ")).join(", ")}`));
  const lat = [await latency(setups[0]!), await latency(setups[1]!)];
  console.log(`  ${await cpuSpeeds()}`);
  const shared = await reusePort(setups[1]!);
  const rps = pg.map((rounds) => free(rounds).map((r) => r.rps));
  const dels = fan.map((rounds) => free(rounds).map((f) => f.deliveries));
  const [p1, p2] = rps.map(median) as [number, number];
  const [f1, f2] = dels.map(median) as [number, number];
  const [j1, j2] = json.map((rounds) => free(rounds)[0]!.deliveries) as [number, number];
  const perRound = (by: number[][]) => by[0]!.map((v, r) => fmt(by[1]![r]! / v)).join(" · ");
  // Beside what a user gets, the single process pinned: on the better vCPU of each round (its best case), and the
  // mean of its placements.
  const pinned = <T,>(rounds: T[][], figure: (t: T) => number) => ({ best: median(placed(rounds, figure, "best")), mean: median(placed(rounds, figure, "mean")) });
  const pp = pinned(pg[0]!, (r) => r.rps);
  const fp = pinned(fan[0]!, (f) => f.deliveries);
  const jb = placed(json[0]!, (f) => f.deliveries, "best")[0]!;
  const beside = (two: number, p: { best: number; mean: number }, unit: string) =>
    `against one process pinned to the better vCPU of each round (${fmt(p.best, 0)} ${unit}) ${fmt(two / p.best)}×, to each in turn (mean ${fmt(p.mean, 0)}) ${fmt(two / p.mean)}×`;
  console.log(`\n== bench-scale summary (2 cores shared with the load generator and the clients; load ${load()})`);
  console.log("  1 process and 2 processes as a user starts them (no pinning); medians over the rounds");
  console.log(`  pages (room, anonymous)   1 process ${fmt(p1, 0).padStart(7)} req/s   2 processes ${fmt(p2, 0).padStart(7)} req/s   ratio ${fmt(p2 / p1)}× (target ≥ 1.6×); round by round ${perRound(rps)}; ${beside(p2, pp, "req/s")}`);
  console.log(`  chat fan-out, room pages  1 process ${fmt(f1, 0).padStart(7)} /s      2 processes ${fmt(f2, 0).padStart(7)} /s      ratio ${fmt(f2 / f1)}× (target ≥ 1.4×); round by round ${perRound(dels)}; ${beside(f2, fp, "/s")}`);
  console.log(`  chat fan-out, JSON bots   1 process ${fmt(j1, 0).padStart(7)} /s      2 processes ${fmt(j2, 0).padStart(7)} /s      ratio ${fmt(j2 / j1)}×; against one process on the better vCPU (${fmt(jb, 0)} /s) ${fmt(j2 / jb)}×`);
  console.log(`  delivery latency          same process p50 ${fmt(lat[0]!.p50, 1)} / p99 ${fmt(lat[0]!.p99, 1)} ms   cross-process (A → Redis → B) p50 ${fmt(lat[1]!.p50, 1)} / p99 ${fmt(lat[1]!.p99, 1)} ms`);
  console.log(`  SO_REUSEPORT: 200 connections to one port → ${shared.spread}; room page through the shared port ${fmt(shared.rps, 0)} req/s`);
  console.log(JSON.stringify({ pages: [p1, p2], pagesPinned: pp, fanout: [f1, f2], fanoutPinned: fp, fanoutJson: [j1, j2], fanoutJsonBestPinned: jb, latencyP99: [lat[0]!.p99, lat[1]!.p99], reusePort: shared }));
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanup();
}
process.exit(process.exitCode ?? 0);
