// Shared by the scripts/bench-* benchmarks (latency, transcode, hls, chat, gifts, flash-sale): options, CPU
// accounting from /proc, percentiles, deadlines, a Livehouse server with a creator and rooms, and an RTMP relay that clocks the first
// media byte. 127.0.0.1 only.
import type { Subprocess } from "bun";
import { readFileSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { startServer, type RunningServer } from "../test/helpers/server";

export function opt(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

const TICKS = 100;

/** User+system CPU seconds of one process (0 once it is gone). */
export function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** Direct children of a process. */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Tracks CPU seconds of a process and of every child it spawns while sampled (children that exit between
 * samples keep their last reading), so short-lived ffmpegs are counted too.
 */
export class CpuMeter {
  private last = new Map<number, number>();
  private timer: ReturnType<typeof setInterval>;
  private root_: number;
  constructor(root: number, everyMs = 100) {
    this.root_ = root;
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }
  sample(): void {
    for (const pid of [this.root_, ...childrenOf(this.root_)]) {
      const c = cpuOf(pid);
      if (c > 0) this.last.set(pid, c);
    }
  }
  /** CPU seconds of the root process alone. */
  root(): number {
    this.sample();
    return this.last.get(this.root_) ?? 0;
  }
  total(): number {
    this.sample();
    let t = 0;
    for (const v of this.last.values()) t += v;
    return t;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

export function pct(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const fmt = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : "n/a");

export async function liveServer(args: string[], roomCount: number): Promise<{ server: RunningServer; rooms: { slug: string; streamKey: string }[] }> {
  const server = await startServer({ args });
  const u = await server.cli(["user", "create", "--username", "bench", "--password", "bench-pass-123", "--role", "creator"]);
  if (u.code !== 0) throw new Error(u.stderr);
  const rooms = [];
  for (let i = 0; i < roomCount; i++) {
    const r = await server.cli(["room", "create", "--owner", "bench", "--title", `Bench ${i + 1}`]);
    if (r.code !== 0) throw new Error(r.stderr);
    rooms.push(r.json as { slug: string; streamKey: string });
  }
  return { server, rooms };
}

/** Kills everything after `ms` so a stuck run never outlives its budget. */
export function deadline(ms: number, cleanup: () => void): void {
  setTimeout(() => {
    console.error(`bench: deadline of ${ms / 1000} s reached, stopping`);
    cleanup();
    process.exit(2);
  }, ms).unref();
}

/** A TCP relay in front of the RTMP port: notes when the first media byte follows NetStream.Publish.Start. */
export function rtmpRelay(target: number): Promise<{ port: number; firstMedia: () => number | null; close(): void }> {
  let started = false;
  let first: number | null = null;
  const socks = new Set<Socket>();
  const srv = createServer((client) => {
    const up = connect(target, "127.0.0.1");
    socks.add(client).add(up);
    client.on("data", (d) => {
      if (started && first === null) first = performance.now();
      up.write(d);
    });
    up.on("data", (d) => {
      if (!started && d.includes("NetStream.Publish.Start")) started = true;
      client.write(d);
    });
    const end = () => (client.destroy(), up.destroy());
    client.on("close", end).on("error", end);
    up.on("close", end).on("error", end);
  });
  return new Promise((resolve) =>
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      resolve({ port: typeof addr === "object" && addr ? addr.port : 0, firstMedia: () => first, close: () => (srv.close(), socks.forEach((s) => s.destroy())) });
    }),
  );
}

/** Reads a child's stdout line by line (load-generator children report on stdout). */
export function lineReader(proc: Subprocess): () => Promise<string> {
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  let buf = "";
  return async () => {
    for (;;) {
      const i = buf.indexOf("\n");
      if (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        return line;
      }
      const { done, value } = await reader.read();
      if (done) throw new Error("child exited");
      buf += dec.decode(value);
    }
  };
}
