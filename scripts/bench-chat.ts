// scripts/bench-chat: N WebSocket clients in one room (spread over several processes), M senders. Measures, for
// Livehouse (chat with moderation and persistence on) and for a bare Bun.serve pub/sub server in the same run:
//   - server memory per idle connection,
//   - a fixed input rate (default 100 messages/s): deliveries/s, delivery latency p50/p99, server CPU,
//   - saturation (each sender keeps a window of messages in flight): deliveries/s, latency, CPU — and the ratio.
// Latency is read by a few observer sockets in this process; the niced client processes only count deliveries.
// Bounded: every phase has a fixed length, the whole run a deadline; only 127.0.0.1; everything it starts it stops.
import type { Subprocess } from "bun";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { removeDir, startServer, type RunningServer } from "../test/helpers/server";
import { cpuOf, lineReader, opt } from "./bench-live-lib";

const ROOT = join(import.meta.dir, "..");
const BUN = join(ROOT, "node_modules/.bin/bun");

const N = opt("clients", 2000);
const PROCS = opt("procs", Math.min(8, Math.max(2, Math.ceil(N / 2500))));
const M = opt("senders", 20);
const RATE = opt("rate", 100);
const SECONDS = opt("seconds", 10);
const SAT_SECONDS = opt("saturate-seconds", 8);
const WINDOW = opt("window", 4);
const DEADLINE_S = opt("deadline", 900);
const DRAIN_MS = 2000;
/** Latency observers: WebSocket clients in this (un-niced) process, so latency is not the niced clients' backlog. */
const OBSERVERS = Math.min(50, N);
const MAX_DRAIN_MS = 15_000;

const children: Subprocess[] = [];
const servers: RunningServer[] = [];
const deadline = setTimeout(() => {
  console.error(`bench-chat: deadline of ${DEADLINE_S} s reached, stopping`);
  void cleanup().then(() => process.exit(2));
}, DEADLINE_S * 1000);

async function cleanup(): Promise<void> {
  for (const c of children) c.kill();
  for (const s of servers) {
    await s.stop();
    removeDir(s.dataDir);
  }
}

/** Busy fraction of the whole machine since `from` (all cores): shows when clients and server compete for CPU. */
function machineTicks(): { busy: number; total: number } {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

function busySince(from: { busy: number; total: number }): number {
  const now = machineTicks();
  return (now.busy - from.busy) / Math.max(1, now.total - from.total);
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

interface ClientProc {
  proc: Subprocess<"pipe", "pipe", "inherit">;
  next: () => Promise<string>;
}

async function spawnClients(url: string, total: number): Promise<ClientProc[]> {
  const per = Math.ceil(total / PROCS);
  const procs: ClientProc[] = [];
  for (let i = 0; i < PROCS; i++) {
    const n = Math.min(per, total - i * per);
    if (n <= 0) break;
    // Clients run niced so the server under test gets the CPU first (same for both servers).
    const proc = Bun.spawn(["nice", "-n", "10", BUN, join(ROOT, "scripts/bench-chat-client.ts"), url, String(n)], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
    children.push(proc);
    procs.push({ proc, next: lineReader(proc) });
  }
  let open = 0;
  for (const c of procs) {
    const r = JSON.parse(await c.next());
    open += r.open;
    if (r.failed) console.error(`  ${r.failed} connections failed in one client process`);
  }
  if (open < total) throw new Error(`only ${open}/${total} clients connected`);
  return procs;
}

const STAMP = /bench (\d+(?:\.\d+)?) /g;

class Observers {
  count = 0;
  hist = new Map<number, number>();
  sockets: WebSocket[] = [];
  async open(url: string, n: number): Promise<void> {
    await Promise.all(
      Array.from({ length: n }, () =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(url);
          ws.onmessage = (e) => {
            const now = performance.timeOrigin + performance.now();
            for (const m of String(e.data).matchAll(STAMP)) {
              this.count++;
              const ms = Math.round(now - Number(m[1]));
              this.hist.set(ms, (this.hist.get(ms) ?? 0) + 1);
            }
          };
          ws.onopen = () => resolve();
          ws.onerror = () => reject(new Error("observer could not connect"));
          this.sockets.push(ws);
        }),
      ),
    );
  }
  reset(): void {
    this.count = 0;
    this.hist.clear();
  }
  close(): void {
    for (const s of this.sockets) s.close();
  }
}

async function ctl(procs: ClientProc[], cmd: "reset" | "report", obs: Observers): Promise<{ count: number; hist: Map<number, number>; open: number }> {
  if (cmd === "reset") obs.reset();
  for (const c of procs) {
    c.proc.stdin.write(cmd + "\n");
    c.proc.stdin.flush();
  }
  const hist = new Map(obs.hist);
  let count = obs.count;
  let open = obs.sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  for (const c of procs) {
    const r = JSON.parse(await c.next());
    // Client processes only count deliveries: latency comes from the observers.
    if (cmd === "report") {
      count += r.count;
      open += r.open;
    }
  }
  return { count, hist, open };
}

function percentile(hist: Map<number, number>, p: number): number {
  const total = [...hist.values()].reduce((a, b) => a + b, 0);
  let seen = 0;
  for (const ms of [...hist.keys()].sort((a, b) => a - b)) {
    seen += hist.get(ms)!;
    if (seen >= total * p) return ms;
  }
  return NaN;
}

interface Target {
  name: string;
  pid: number;
  clientUrl: string;
  senderUrl(i: number): string;
  /** The frame a sender sends for one message. */
  frame(text: string): string;
}

interface Sender {
  ws: WebSocket;
  inFlight: number;
  onEcho?: () => void;
}

async function openSenders(t: Target): Promise<Sender[]> {
  return Promise.all(
    Array.from({ length: M }, (_, i) =>
      new Promise<Sender>((resolve, reject) => {
        const ws = new WebSocket(t.senderUrl(i));
        const s: Sender = { ws, inFlight: 0 };
        const mine = ` s${i}-`;
        ws.onmessage = (e) => {
          const d = String(e.data);
          if (d.startsWith('{"type":"notice"')) console.error(`  sender ${i} was refused: ${d}`);
          if (!d.includes(mine)) return;
          s.inFlight = Math.max(0, s.inFlight - 1);
          s.onEcho?.();
        };
        ws.onopen = () => resolve(s);
        ws.onerror = () => reject(new Error(`sender ${i} could not connect`));
      }),
    ),
  );
}

function send(t: Target, s: Sender, i: number, seq: number): void {
  s.inFlight++;
  s.ws.send(t.frame(`¶bench ${(performance.timeOrigin + performance.now()).toFixed(1)} s${i}-${seq}`));
}

interface Result {
  memPerConnKb: number;
  fixed: { inPerS: number; deliveriesPerS: number; delivered: number; expected: number; p50: number; p99: number; cpu: number; perCpuSecond: number; machineBusy: number };
  sat: { inPerS: number; deliveriesPerS: number; p50: number; p99: number; cpu: number; machineBusy: number };
}

async function measure(t: Target): Promise<Result> {
  console.log(`\n== ${t.name}: ${N} clients in ${PROCS} processes, ${M} senders`);
  const rss0 = rssKb(t.pid);
  const obs = new Observers();
  await obs.open(t.clientUrl, OBSERVERS);
  const clients = await spawnClients(t.clientUrl, N - OBSERVERS);
  await Bun.sleep(2000);
  const memPerConnKb = (rssKb(t.pid) - rss0) / N;
  console.log(`  memory: ${memPerConnKb.toFixed(2)} KB per idle connection (RSS ${(rss0 / 1024).toFixed(0)} → ${(rssKb(t.pid) / 1024).toFixed(0)} MB)`);
  const senders = await openSenders(t);

  // Fixed input rate.
  await ctl(clients, "reset", obs);
  let cpu0 = cpuOf(t.pid);
  let machine0 = machineTicks();
  let t0 = performance.now();
  let sent = 0;
  let seq = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
      while (sent < due && sent < RATE * SECONDS) {
        const i = sent % M;
        send(t, senders[i]!, i, seq++);
        sent++;
      }
      if (sent >= RATE * SECONDS) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  // Drain: wait until every delivery arrived, or nothing more arrives for a while (bounded).
  let r = await ctl(clients, "report", obs);
  for (let last = -1, since = performance.now(), end = performance.now() + MAX_DRAIN_MS; r.count < sent * N && performance.now() < end; ) {
    await Bun.sleep(250);
    r = await ctl(clients, "report", obs);
    if (r.count !== last) (last = r.count), (since = performance.now());
    else if (performance.now() - since > DRAIN_MS) break;
  }
  // Server CPU over the whole phase including the drain: a server that only queued during the window pays later.
  const cpuSeconds = cpuOf(t.pid) - cpu0;
  const fixed = {
    inPerS: RATE, delivered: r.count, expected: sent * N, deliveriesPerS: r.count / SECONDS,
    p50: percentile(r.hist, 0.5), p99: percentile(r.hist, 0.99), cpu: cpuSeconds / ((performance.now() - t0) / 1000), perCpuSecond: r.count / Math.max(cpuSeconds, 0.01),
    machineBusy: busySince(machine0),
  };
  if (r.open < N) console.log(`  note: ${N - r.open} client sockets were closed by the server (slow consumers)`);
  console.log(`  fixed ${RATE} msg/s: ${Math.round(fixed.deliveriesPerS)} deliveries/s (${r.count}/${fixed.expected}), p50 ${fixed.p50} ms, p99 ${fixed.p99} ms, server CPU ${fixed.cpu.toFixed(2)} cores (${Math.round(fixed.perCpuSecond)} deliveries per CPU-second), machine ${Math.round(fixed.machineBusy * 100)}% busy`);
  for (const s of senders) s.inFlight = 0;

  // Saturation: every sender keeps WINDOW messages in flight.
  await ctl(clients, "reset", obs);
  let stop = false;
  let satSent = 0;
  senders.forEach((s, i) => {
    s.onEcho = () => {
      while (!stop && s.inFlight < WINDOW) {
        send(t, s, i, seq++);
        satSent++;
      }
    };
  });
  cpu0 = cpuOf(t.pid);
  machine0 = machineTicks();
  t0 = performance.now();
  senders.forEach((s) => s.onEcho!());
  await Bun.sleep(SAT_SECONDS * 1000);
  r = await ctl(clients, "report", obs);
  const wall = (performance.now() - t0) / 1000;
  stop = true;
  const sat = {
    inPerS: satSent / wall, deliveriesPerS: r.count / wall, p50: percentile(r.hist, 0.5), p99: percentile(r.hist, 0.99),
    cpu: (cpuOf(t.pid) - cpu0) / wall, machineBusy: busySince(machine0),
  };
  if (r.open < N) console.log(`  note: ${N - r.open} client sockets were closed by the server (slow consumers)`);
  console.log(`  saturation: ${Math.round(sat.inPerS)} msg/s in, ${Math.round(sat.deliveriesPerS)} deliveries/s, p50 ${sat.p50} ms, p99 ${sat.p99} ms, server CPU ${sat.cpu.toFixed(2)} cores, machine ${Math.round(sat.machineBusy * 100)}% busy`);
  await Bun.sleep(DRAIN_MS);
  for (const s of senders) s.ws.close();
  obs.close();
  for (const c of clients) {
    c.proc.stdin.write("exit\n");
    c.proc.stdin.flush();
  }
  await Promise.all(clients.map((c) => c.proc.exited));
  return { memPerConnKb, fixed, sat };
}

async function bareTarget(): Promise<Target> {
  const proc = Bun.spawn([BUN, join(ROOT, "scripts/bench-chat-bare.ts")], { stdout: "pipe", stderr: "inherit" });
  children.push(proc);
  const port = Number((await lineReader(proc)()).split(" ")[1]);
  return { name: "bare Bun.serve pub/sub", pid: proc.pid, clientUrl: `ws://127.0.0.1:${port}/`, senderUrl: () => `ws://127.0.0.1:${port}/`, frame: (text) => text };
}

async function livehouseTarget(): Promise<Target> {
  // The per-user limit is raised so M senders can carry the load; every other check and the SQLite write stay on.
  const s = await startServer({ args: ["--chat-rate-limit", "1000000000"] });
  servers.push(s);
  await s.cli(["user", "create", "--username", "benchhost", "--password", "password123", "--role", "creator"]);
  const slug = (await s.cli(["room", "create", "--owner", "benchhost", "--title", "Bench room"])).json.slug as string;
  await Promise.all(["cheap pills", "casino", "spam link"].map((term) => s.cli(["chat", "term-add", "--room", slug, "--term", term])));
  const tokens = await Promise.all(
    Array.from({ length: M }, async (_, i) => {
      await s.cli(["user", "create", "--username", `bench${i}`, "--password", "password123", "--role", "viewer"]);
      return (await s.cli(["token", "create", "--username", `bench${i}`])).json.token as string;
    }),
  );
  const ws = s.url.replace("http", "ws");
  return {
    name: "Livehouse (room page sockets, moderation + SQLite on)",
    pid: s.proc.pid,
    clientUrl: `${ws}/r/${slug}/ws`,
    senderUrl: (i) => `${ws}/api/v1/rooms/${slug}/events?token=${tokens[i]}`,
    frame: (text) => JSON.stringify({ type: "chat", text }),
  };
}

try {
  const bare = await measure(await bareTarget());
  for (const c of children.splice(0)) c.kill();
  const lh = await measure(await livehouseTarget());
  const ratio = lh.sat.deliveriesPerS / bare.sat.deliveriesPerS;
  console.log(`\n== summary (${N} clients, ${M} senders, 2-core figures depend on the machine)`);
  const row = (name: string, r: Result) =>
    `${name.padEnd(10)} ${r.memPerConnKb.toFixed(2).padStart(8)} KB/conn | ${RATE} msg/s: ${String(Math.round(r.fixed.deliveriesPerS)).padStart(8)}/s p50 ${String(r.fixed.p50).padStart(4)} ms p99 ${String(r.fixed.p99).padStart(5)} ms cpu ${r.fixed.cpu.toFixed(2)} | saturated: ${String(Math.round(r.sat.deliveriesPerS)).padStart(8)}/s (${Math.round(r.sat.inPerS)} msg/s in) p50 ${r.sat.p50} ms p99 ${r.sat.p99} ms cpu ${r.sat.cpu.toFixed(2)}`;
  console.log(row("bare", bare));
  console.log(row("livehouse", lh));
  // The clients share the machine with the server, so saturated figures and latencies can be bound by the clients;
  // deliveries per server CPU-second at the fixed rate measure the server's own cost of the same fan-out.
  const perCore = (r: Result) => r.fixed.perCpuSecond;
  const efficiency = perCore(lh) / perCore(bare);
  console.log(`ratio livehouse/bare saturated deliveries/s: ${ratio.toFixed(2)}x`);
  console.log(`deliveries per server CPU-second at ${RATE} msg/s: livehouse ${Math.round(perCore(lh))}, bare ${Math.round(perCore(bare))} (${efficiency.toFixed(2)}x)`);
  console.log(JSON.stringify({ clients: N, senders: M, rate: RATE, bare, livehouse: lh, ratio, efficiency }));
} finally {
  clearTimeout(deadline);
  await cleanup();
}
