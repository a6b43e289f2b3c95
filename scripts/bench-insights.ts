// scripts/bench-insights: two measurements, each beside its baseline in the same run.
//   capture — a room under chat load (2,000 page sockets via bench-chat-client, M senders keeping a window of
//             messages in flight) with insights capture on, beside the same run with capture off; target ≥ 0.9×.
//   pages   — the Insights pages and JSON over generated data written through capture's own batch path: one
//             broadcast of 1 million events, and a 90-day period of 10 million; p50/p99 through app.handle, and
//             the SQLite query plans of the pages' queries.
// Options: --phase capture|pages|all, --clients N (2000), --senders M (20), --seconds S (10), --window W (4),
// --requests R (60), --big-events N (1e6), --period-events N (1e7). Bounded; only 127.0.0.1; stops what it starts.
import type { Subprocess } from "bun";
import { execSync } from "node:child_process";
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { createApp } from "../server/app";
import { loadConfig } from "../server/config";
import { migrate } from "../server/db/migrate";
import { openDb } from "../server/db/open";
import { SCHEMAS } from "../server/db/schema";
import { removeDir, startServer, tempDataDir, type RunningServer } from "../test/helpers/server";
import { generate } from "./bench-insights-data";
import { cpuOf, lineReader, opt } from "./bench-live-lib";

const ROOT = join(import.meta.dir, "..");
const BUN = join(ROOT, "node_modules/.bin/bun");
const phaseArg = process.argv.indexOf("--phase");
const PHASE = phaseArg >= 0 ? process.argv[phaseArg + 1] ?? "all" : "all";
const N = opt("clients", 2000);
const M = opt("senders", 20);
const SECONDS = opt("seconds", 10);
const WINDOW = opt("window", 4);
const REQUESTS = opt("requests", 60);
const BIG = opt("big-events", 1_000_000);
const PERIOD = opt("period-events", 10_000_000);
const DEADLINE_S = opt("deadline", 1800);

const children: Subprocess[] = [];
const servers: RunningServer[] = [];
const dirs: string[] = [];
const deadline = setTimeout(() => {
  console.error(`bench-insights: deadline of ${DEADLINE_S} s reached, stopping`);
  void cleanup().then(() => process.exit(2));
}, DEADLINE_S * 1000);

async function cleanup(): Promise<void> {
  for (const c of children) c.kill();
  for (const s of servers.splice(0)) {
    await s.stop();
    removeDir(s.dataDir);
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

const load = () => execSync("uptime").toString().trim().replace(/.*load average/, "load average");

// ---- capture under chat load

interface CaptureRun {
  mode: string;
  msgsPerS: number;
  deliveriesPerS: number;
  serverCpu: number;
  captured: Record<string, number> | null;
}

async function captureRun(mode: "on" | "off"): Promise<CaptureRun> {
  const s = await startServer({ args: ["--chat-rate-limit", "1000000000", "--insights-capture", mode] });
  servers.push(s);
  await s.cli(["user", "create", "--username", "benchadmin", "--password", "password123", "--role", "admin"]);
  const admin = (await s.cli(["token", "create", "--username", "benchadmin"])).json.token as string;
  await s.cli(["user", "create", "--username", "benchhost", "--password", "password123", "--role", "creator"]);
  const slug = (await s.cli(["room", "create", "--owner", "benchhost", "--title", "Bench room"])).json.slug as string;
  const tokens: string[] = [];
  for (let i = 0; i < M; i++) {
    await s.cli(["user", "create", "--username", `bench${i}`, "--password", "password123", "--role", "viewer"]);
    tokens.push((await s.cli(["token", "create", "--username", `bench${i}`])).json.token as string);
  }
  const ws = s.url.replace("http", "ws");
  // Page sockets are viewers: each one is a presence (join, a beat every 15 s) in the capture stream.
  const nProcs = Math.max(2, Math.ceil(N / 1000));
  const procs = Array.from({ length: nProcs }, () => {
    const n = Math.ceil(N / nProcs);
    const proc = Bun.spawn(["nice", "-n", "10", BUN, join(ROOT, "scripts/bench-chat-client.ts"), `${ws}/r/${slug}/ws`, String(n)], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
    children.push(proc);
    return proc;
  });
  const readers = procs.map(lineReader);
  let open = 0;
  for (const next of readers) open += JSON.parse(await next()).open;
  const control = async (cmd: string) => {
    let count = 0;
    for (const [i, p] of procs.entries()) {
      p.stdin.write(cmd + "\n");
      p.stdin.flush();
      count += JSON.parse(await readers[i]!()).count ?? 0;
    }
    return count;
  };
  let echoed = 0;
  let stop = false;
  const senders = await Promise.all(tokens.map((tok, i) => new Promise<{ ws: WebSocket; inFlight: number; pump(): void }>((resolve, reject) => {
    const sock = new WebSocket(`${ws}/api/v1/rooms/${slug}/events?token=${tok}`);
    let seq = 0;
    const me = { ws: sock, inFlight: 0, pump() {
      while (!stop && me.inFlight < WINDOW) {
        me.inFlight++;
        sock.send(JSON.stringify({ type: "chat", text: `¶bench ${Date.now()} s${i}-${seq++}` }));
      }
    } };
    sock.onmessage = (e) => {
      if (!String(e.data).includes(` s${i}-`)) return;
      echoed++;
      me.inFlight = Math.max(0, me.inFlight - 1);
      me.pump();
    };
    sock.onopen = () => resolve(me);
    sock.onerror = () => reject(new Error("sender could not connect"));
  })));
  await Bun.sleep(1500);
  await control("reset");
  echoed = 0;
  const cpu0 = cpuOf(s.proc.pid);
  const t0 = performance.now();
  for (const x of senders) x.pump();
  await Bun.sleep(SECONDS * 1000);
  const delivered = await control("report");
  const wall = (performance.now() - t0) / 1000;
  const msgs = echoed;
  stop = true;
  const serverCpu = (cpuOf(s.proc.pid) - cpu0) / wall;
  await Bun.sleep(600);
  const captured = mode === "on" ? await (await fetch(`${s.url}/api/v1/admin/insights/capture`, { headers: { authorization: `Bearer ${admin}` } })).json() as Record<string, number> : null;
  for (const x of senders) x.ws.close();
  for (const p of procs) {
    p.stdin.write("exit\n");
    p.stdin.flush();
  }
  await Promise.all(procs.map((p) => p.exited));
  await s.stop();
  servers.splice(servers.indexOf(s), 1);
  removeDir(s.dataDir);
  const r = { mode, msgsPerS: msgs / wall, deliveriesPerS: delivered / wall, serverCpu, captured };
  console.log(`  capture ${mode}: ${open} sockets, ${Math.round(r.msgsPerS)} chat msg/s in, ${Math.round(r.deliveriesPerS)} deliveries/s, server CPU ${serverCpu.toFixed(2)} cores` +
    (captured ? `; captured ${captured.written} events in ${captured.flushes} flushes (mean ${(captured.flushMsTotal! / Math.max(1, captured.flushes!)).toFixed(2)} ms, max ${captured.flushMsMax!.toFixed(1)} ms, queue max ${captured.queueMax})` : ""));
  return r;
}

// ---- pages over generated data

function percentiles(ms: number[]): { p50: number; p99: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return { p50: +at(0.5).toFixed(1), p99: +at(0.99).toFixed(1), max: +s.at(-1)!.toFixed(1) };
}

async function pages(): Promise<void> {
  const dir = tempDataDir("lh-bench-insights-");
  dirs.push(dir);
  const path = join(dir, "livehouse.db");
  const db = openDb(path, "app");
  migrate(db, SCHEMAS);
  const now = Date.now();
  console.log(`\n== pages: generating ${BIG} + ${PERIOD} events (${load()})`);
  const moneyDb = openDb(path, "money");
  const fx = generate(db, moneyDb, { bigEvents: BIG, periodEvents: PERIOD, days: 90, now, log: console.log });
  const slug = db.query<{ slug: string }, [number]>("SELECT slug FROM rooms WHERE id = ?").get(fx.roomId)!.slug;
  const sizes = db.query<{ n: number; bc: number }, [number]>("SELECT count(*) AS n, (SELECT count(*) FROM insights_events WHERE broadcast_id = ?) AS bc FROM insights_events").get(fx.bigBroadcastId)!;
  const rollups = db.query<{ m: number; v: number }, []>("SELECT (SELECT count(*) FROM insights_minutes) AS m, (SELECT count(*) FROM insights_viewers) AS v").get()!;
  console.log(`  ${sizes.n} events (${sizes.bc} in broadcast ${fx.bigBroadcastId}); rollups: ${rollups.m} minute rows, ${rollups.v} viewer rows; database ${(statSync(path).size / 1e9).toFixed(2)} GB`);
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  moneyDb.close();
  db.close();

  const lh = await createApp(loadConfig(["--data-dir", dir], {}), { log: () => {} });
  const auth = { authorization: `Bearer ${fx.token}` };
  const targets = [
    { name: `broadcast page (${sizes.bc} events)`, path: `/studio/insights/b/${fx.bigBroadcastId}` },
    { name: `broadcast stats API`, path: `/api/v1/broadcasts/${fx.bigBroadcastId}/stats` },
    { name: `90-day page (${sizes.n} events)`, path: `/studio/insights?days=90` },
    { name: `90-day room stats API`, path: `/api/v1/rooms/${slug}/stats?days=90` },
  ];
  for (const t of targets) {
    const ms: number[] = [];
    for (let i = 0; i < REQUESTS + 5; i++) {
      const t0 = performance.now();
      const res = await lh.app.handle(new Request(`http://localhost${t.path}`, { headers: auth }));
      await res.text();
      if (res.status !== 200) throw new Error(`${t.path}: ${res.status}`);
      if (i >= 5) ms.push(performance.now() - t0);
    }
    const p = percentiles(ms);
    console.log(`  ${t.name.padEnd(40)} p50 ${p.p50} ms  p99 ${p.p99} ms  max ${p.max} ms  (${REQUESTS} requests, ${load()})`);
  }
  const plan = (sql: string, ...args: (number | string)[]) =>
    lh.deps.db.query<{ detail: string }, (number | string)[]>(`EXPLAIN QUERY PLAN ${sql}`).all(...args).map((r) => r.detail).join(" | ");
  const from = fx.periodEnd - 89 * 86_400_000;
  console.log("\n  query plans:");
  for (const [name, sql, args] of [
    ["broadcast minutes", "SELECT minute, sum(watch_ms) FROM insights_minutes WHERE broadcast_id = ? GROUP BY minute ORDER BY minute", [fx.bigBroadcastId]],
    ["broadcast viewers + retention", "SELECT count(*), sum(watch_ms >= 60000) FROM insights_viewers WHERE broadcast_id = ?", [fx.bigBroadcastId]],
    ["top gifters", "SELECT user_id, sum(value) AS coins FROM insights_events WHERE broadcast_id = ? AND type = 'gift' AND user_id IS NOT NULL GROUP BY user_id ORDER BY coins DESC LIMIT 5", [fx.bigBroadcastId]],
    ["pins", "SELECT at, product_id FROM insights_events WHERE broadcast_id = ? AND type = 'pin' ORDER BY at", [fx.bigBroadcastId]],
    ["period sums", "SELECT sum(watch_ms), sum(paid) FROM insights_minutes WHERE owner_id = ? AND minute >= ? AND minute < ?", [fx.ownerId, from, now]],
    ["per-broadcast sums", "SELECT broadcast_id, sum(watch_ms) FROM insights_minutes WHERE broadcast_id IN (1,2,3) GROUP BY broadcast_id", []],
    ["period viewer sketches", "SELECT seen, fresh FROM insights_day_viewers WHERE owner_id = ? AND day >= ? AND day < ?", [fx.ownerId, Math.floor(from / 86_400_000), Math.ceil(now / 86_400_000)]],
    ["period broadcasts", "SELECT * FROM insights_broadcasts WHERE owner_id = ? AND started_at >= ? AND started_at < ? ORDER BY started_at DESC", [fx.ownerId, from, now]],
  ] as const) console.log(`    ${name.padEnd(30)} ${plan(sql, ...args)}`);
  await lh.stop();
}

try {
  console.log(`bench-insights on ${navigator.hardwareConcurrency} cores, ${load()}`);
  if (PHASE === "capture" || PHASE === "all") {
    console.log(`\n== capture: ${N} page sockets, ${M} senders, window ${WINDOW}, ${SECONDS} s saturated`);
    const off = await captureRun("off");
    const on = await captureRun("on");
    console.log(`  ratio capture on/off: ${(on.msgsPerS / off.msgsPerS).toFixed(2)}x chat msg/s, ${(on.deliveriesPerS / off.deliveriesPerS).toFixed(2)}x deliveries/s (target ≥ 0.9x; ${load()})`);
  }
  if (PHASE === "pages" || PHASE === "all") await pages();
} finally {
  clearTimeout(deadline);
  await cleanup();
}
