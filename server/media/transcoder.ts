// Supervises the one ffmpeg of a live room: spawns it on the FLV feed, restarts it with backoff while the
// publisher stays, and stops it for real (stdin closed, then SIGKILL if it lingers). A watchdog (watchdog.ts)
// tells slow from frozen: a frozen ffmpeg is killed and restarted; a slow one is degraded — the ladder steps
// down (degradeLevels) by handing the feed to a new run at the next keyframe — and steps back up once the CPU
// frees up. When ffmpeg cannot read its input fast enough, whole GOPs are dropped before it rather than piling
// up in memory.
import type { Subprocess } from "bun";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildLadderArgs, degradeLevels, type Plan } from "./ffmpeg-args";
import { tagHead } from "./flv";
import { WATCHDOG, Watchdog, type WatchdogTimings } from "./watchdog";

export interface TranscoderOptions {
  dir: string;
  plan: Plan;
  /** Subscribes to the publisher's FLV stream; returns the unsubscribe. */
  attach(sink: (buf: Uint8Array) => void): () => void;
  /** Called when a run starts feeding, with its number and the publisher timestamp (ms) of its first frame. */
  onRun(run: number, firstTs: number): void;
  /** The ladder stepped down or back up: `plan` is what ffmpeg produces from now on (level 0: the full plan). */
  onLevel?(plan: Plan, level: number): void;
  log(msg: string): void;
  /** Called when a run died on its own and a new one is scheduled (not on a deliberate restart). */
  onCrash?(): void;
  ffmpeg?: string;
  watchdog?: Partial<WatchdogTimings>;
  /** Input waiting for ffmpeg beyond this many bytes is dropped up to the next keyframe. */
  backlogBytes?: number;
  /**
   * Low-latency mode: ffmpeg arguments whose outputs are extra pipes (fd 3 up), handed over per run. The pipes are
   * fixed per broadcast, so a low-latency transcoder is watched (slow vs frozen) but never steps its ladder down.
   */
  pipes?: { args: string[]; count: number; onPipes(run: number, fds: number[]): void };
}

/** What Studio's stream health shows about the transcoder. */
export interface TranscoderStats {
  level: number;
  levels: number;
  /** ffmpeg's own speed (1 = real time) and how far its output trails the input (s). */
  speed: number | null;
  lag: number;
  /** Frames dropped by ffmpeg (frame-rate conversion) plus frames dropped before it (backlog). */
  droppedFrames: number;
  /** Runs killed or crashed (not ladder changes). */
  restarts: number;
  run: number;
  /** Input is being dropped before ffmpeg right now. */
  backlog: boolean;
}

const BACKOFF_MS = [250, 500, 1000, 2000, 5000];
/** A run that lasted this long resets the backoff. */
const STABLE_MS = 30_000;
const TICK_MS = 1000;
/** ~25 s of a 2.5 Mbit/s source. */
const BACKLOG_BYTES = 8 * 1024 * 1024;
const CLK_TCK = 100;

type Proc = Subprocess<"pipe", "pipe", "pipe">;

/** Closes ffmpeg's stdin so it flushes its last segment and exits; resolves when it has, SIGKILL after `graceMs`. */
async function endInput(proc: Proc, graceMs: number): Promise<void> {
  try {
    const e = proc.stdin.end();
    if (e instanceof Promise) e.catch(() => {});
  } catch {}
  const kill = setTimeout(() => proc.kill("SIGKILL"), graceMs);
  await proc.exited;
  clearTimeout(kill);
}

/** User + system CPU seconds of a live process; -1 when it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return -1;
  }
}

async function readLines(stream: ReadableStream<Uint8Array>, onText: (text: string) => void): Promise<void> {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onText(dec.decode(value, { stream: true }));
    }
  } catch {}
}

interface Run {
  n: number;
  proc: Proc;
  began: number;
  firstTs: number | null;
  lastTs: number;
  /** Bytes written and bytes known flushed to ffmpeg. */
  written: number;
  flushed: number;
  /** A flush is queued for the tags written in this turn of the event loop. */
  flushing: boolean;
  out: number;
  speed: number | null;
  drops: number;
  stderrTail: string;
}

export class Transcoder {
  private runs = -1;
  private cur: Run | null = null;
  private detach: (() => void) | null = null;
  private failures = 0;
  private restarts = 0;
  private stopping = false;
  /** A ladder change or reconnect waits for the next keyframe to hand the feed to a new run. */
  private switching: "level" | "restart" | "respawn" | null = null;
  private dropping = false;
  private droppedBefore = 0;
  private droppedByRuns = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private tick: ReturnType<typeof setInterval> | null = null;
  private exited: Promise<unknown> = Promise.resolve();
  /** FLV file header, metadata and codec configuration tags: every new run starts with these. */
  private header: Uint8Array | null = null;
  private configs = new Map<string, Uint8Array>();
  private levels: Plan[];
  private dog: Watchdog;

  constructor(private opts: TranscoderOptions) {
    this.levels = opts.pipes ? [opts.plan] : degradeLevels(opts.plan);
    this.dog = new Watchdog(this.levels.length - 1, { ...WATCHDOG, ...opts.watchdog });
  }

  get pid(): number | null {
    return this.cur?.proc.pid ?? null;
  }

  /** The full plan (level 0). */
  get fullPlan(): Plan {
    return this.levels[0]!;
  }

  /** What ffmpeg produces now. */
  get plan(): Plan {
    return this.levels[this.dog.level]!;
  }

  stats(): TranscoderStats {
    const r = this.cur;
    return {
      level: this.dog.level, levels: this.levels.length, speed: r?.speed ?? null, lag: Math.round(this.dog.lag * 100) / 100,
      droppedFrames: this.droppedBefore + this.droppedByRuns + (r?.drops ?? 0), restarts: this.restarts, run: Math.max(0, this.runs),
      backlog: this.dropping,
    };
  }

  start(): void {
    for (const r of this.opts.plan.rungs) mkdirSync(join(this.opts.dir, r.name), { recursive: true });
    this.spawn();
    this.detach = this.opts.attach((buf) => this.onTag(buf));
    this.tick = setInterval(() => this.watch(), TICK_MS);
  }

  private spawn(): void {
    const n = ++this.runs;
    const pipes = this.opts.pipes;
    const args = pipes?.args ?? buildLadderArgs(this.plan, { dir: this.opts.dir, run: n });
    const extra = Array.from({ length: pipes?.count ?? 0 }, () => "pipe" as const);
    const proc = Bun.spawn([this.opts.ffmpeg ?? "ffmpeg", ...args], { stdio: ["pipe", "pipe", "pipe", ...extra] });
    pipes?.onPipes(n, proc.stdio.slice(3).filter((fd): fd is number => typeof fd === "number"));
    const run: Run = { n, proc, began: Date.now(), firstTs: null, lastTs: 0, written: 0, flushed: 0, flushing: false, out: 0, speed: null, drops: 0, stderrTail: "" };
    this.cur = run;
    this.dog.reset(Date.now());
    void readLines(proc.stderr, (text) => (run.stderrTail = (run.stderrTail + text).slice(-2000)));
    // -progress: "key=value" lines, a block per second ending in "progress=continue".
    let rest = "";
    void readLines(proc.stdout, (text) => {
      const lines = (rest + text).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        const eq = line.indexOf("=");
        const key = line.slice(0, eq);
        const v = line.slice(eq + 1).trim();
        if (key === "out_time_us" && /^\d+$/.test(v)) run.out = Number(v) / 1e6;
        else if (key === "speed") run.speed = v.endsWith("x") && Number.isFinite(parseFloat(v)) ? parseFloat(v) : null;
        else if (key === "drop_frames" && /^\d+$/.test(v)) run.drops = Number(v);
      }
    });
    this.exited = proc.exited.then((code) => {
      if (this.cur !== run) return;
      this.cur = null;
      this.droppedByRuns += run.drops;
      if (this.stopping) return;
      this.restarts++;
      this.failures = Date.now() - run.began > STABLE_MS ? 0 : this.failures + 1;
      const wait = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length) - 1] ?? BACKOFF_MS[0]!;
      const last = run.stderrTail.trim().split("\n").slice(-2).join(" | ");
      this.opts.log(`transcoder: ffmpeg run ${n} exited (${code ?? proc.signalCode}); restarting in ${wait} ms${last ? `: ${last}` : ""}`);
      this.opts.onCrash?.();
      // The next run starts at the next keyframe, with the cached headers.
      this.timer = setTimeout(() => {
        if (!this.stopping) this.switching = "respawn";
      }, wait);
    });
  }

  private onTag(buf: Uint8Array): void {
    const tag = tagHead(buf);
    if (!tag) {
      this.header = buf;
      this.configs.clear();
    } else if (tag.type === "script" || tag.config) {
      this.configs.set(tag.type, buf);
    }
    const media = tag !== null && tag.type !== "script" && !tag.config;
    const key = media && tag.type === "video" && tag.keyframe;
    if (key && this.switching) this.handOver();
    const run = this.cur;
    if (!run || this.stopping) return;
    if (media) {
      // ffmpeg cannot keep up with its input: drop whole GOPs before it instead of queueing them in memory.
      const backlog = run.written - run.flushed;
      if (this.dropping && key && backlog < (this.opts.backlogBytes ?? BACKLOG_BYTES) / 2) {
        this.dropping = false;
        this.opts.log(`transcoder: input backlog cleared; feeding ffmpeg again`);
      } else if (!this.dropping && backlog > (this.opts.backlogBytes ?? BACKLOG_BYTES)) {
        this.dropping = true;
        this.opts.log(`transcoder: ffmpeg is ${Math.round(backlog / 1024)} KiB behind its input; dropping frames before it until it catches up`);
      }
      if (this.dropping) {
        if (tag.type === "video") this.droppedBefore++;
        return;
      }
      if (run.firstTs === null && tag.type === "video") {
        run.firstTs = tag.ts;
        this.opts.onRun(run.n, tag.ts);
      }
      if (run.firstTs !== null) run.lastTs = Math.max(run.lastTs, tag.ts);
    }
    this.write(run, buf);
  }

  private write(run: Run, buf: Uint8Array): void {
    // FileSink buffers; one flush for all the tags an ingest read delivered keeps ingest → segment lag at ffmpeg's
    // own and wakes ffmpeg once per read, not once per tag. A dead ffmpeg makes these reject (EPIPE): ignore it
    // here, proc.exited drives the restart.
    try {
      run.proc.stdin.write(buf);
      run.written += buf.length;
    } catch {
      return;
    }
    if (run.flushing) return;
    run.flushing = true;
    queueMicrotask(() => {
      run.flushing = false;
      const upTo = run.written;
      try {
        const f = run.proc.stdin.flush();
        if (f instanceof Promise) f.then(() => (run.flushed = Math.max(run.flushed, upTo)), () => {});
        else run.flushed = upTo;
      } catch {}
    });
  }

  /** At a keyframe: the current run (if any) ends cleanly, a new one starts on the headers and this keyframe. */
  private handOver(): void {
    const old = this.cur;
    this.switching = null;
    this.dropping = false;
    if (old) {
      this.cur = null;
      this.droppedByRuns += old.drops;
      void endInput(old.proc, 3000);
    }
    this.spawn();
    const run = this.cur!;
    for (const b of [this.header, this.configs.get("script"), this.configs.get("video"), this.configs.get("audio")]) if (b) this.write(run, b);
  }

  private watch(): void {
    const run = this.cur;
    if (!run || this.stopping || this.switching) return;
    const now = Date.now();
    const cpu = cpuSeconds(run.proc.pid);
    if (cpu < 0) return;
    const fed = run.firstTs === null ? 0 : (run.lastTs - run.firstTs) / 1000;
    const v = this.dog.judge({ now, cpu, out: run.out, fed, busy: run.written > run.flushed || fed > run.out + 0.5 });
    if (v.act === "none") return;
    if (v.act === "kill") {
      this.opts.log(`transcoder: ffmpeg run ${run.n} is ${v.reason}; killing it`);
      run.proc.kill("SIGKILL");
      return;
    }
    const plan = this.plan;
    const names = plan.rungs.map((r) => `${r.name}${r.copy ? " copy" : r.fps !== this.levels[0]!.rungs.find((x) => x.name === r.name)?.fps ? `@${r.fps}fps` : ""}`).join(", ");
    this.opts.log(v.act === "down"
      ? `transcoder: degraded to level ${this.dog.level}/${this.levels.length - 1} (${names}): ffmpeg is ${v.reason}`
      : `transcoder: recovered to level ${this.dog.level}/${this.levels.length - 1} (${names}): ffmpeg ${v.reason}`);
    for (const r of plan.rungs) mkdirSync(join(this.opts.dir, r.name), { recursive: true });
    this.opts.onLevel?.(plan, this.dog.level);
    this.switching = "level";
  }

  /**
   * Ends the current run cleanly (its last segment is flushed) and starts the next one at the next keyframe, e.g.
   * when the encoder reconnected: the new run is anchored to the new connection's clock and may carry new settings.
   */
  restart(): void {
    if (this.stopping || !this.cur) return;
    this.switching = "restart";
  }

  /** Ends ffmpeg cleanly (it flushes its last segment) and waits for it; kills it after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.tick) clearInterval(this.tick);
    this.detach?.();
    this.detach = null;
    const run = this.cur;
    if (!run) return;
    await endInput(run.proc, graceMs);
    this.cur = null;
    await this.exited;
  }
}
