// Supervises the one ffmpeg of a live room: spawns it on the FLV feed, restarts it with backoff while the
// publisher stays, and stops it for real (stdin closed, then SIGKILL if it lingers). Nothing else.
import type { Subprocess } from "bun";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildLadderArgs, type Plan } from "./ffmpeg-args";
import { parseTag } from "./flv";

export interface TranscoderOptions {
  dir: string;
  plan: Plan;
  /** Subscribes to the publisher's FLV stream; returns the unsubscribe. */
  attach(sink: (buf: Uint8Array) => void): () => void;
  /** Called when a run starts feeding, with its number and the publisher timestamp (ms) of its first frame. */
  onRun(run: number, firstTs: number): void;
  log(msg: string): void;
  /** Called when a run died on its own and a new one is scheduled (not on a deliberate restart). */
  onCrash?(): void;
  ffmpeg?: string;
}

const BACKOFF_MS = [250, 500, 1000, 2000, 5000];
/** A run that lasted this long resets the backoff. */
const STABLE_MS = 30_000;
/**
 * A run whose stdin has not drained for this long is stuck (frozen or wedged ffmpeg): it is killed and restarted,
 * so the feed never piles up in memory behind it.
 */
const STALL_MS = 10_000;

/** Closes ffmpeg's stdin so it flushes its last segment and exits; resolves when it has, SIGKILL after `graceMs`. */
async function endInput(proc: Subprocess<"pipe", "ignore", "pipe">, graceMs: number): Promise<void> {
  try {
    const e = proc.stdin.end();
    if (e instanceof Promise) e.catch(() => {});
  } catch {}
  const kill = setTimeout(() => proc.kill("SIGKILL"), graceMs);
  await proc.exited;
  clearTimeout(kill);
}

export class Transcoder {
  private proc: Subprocess<"pipe", "ignore", "pipe"> | null = null;
  private detach: (() => void) | null = null;
  private run = -1;
  private failures = 0;
  private stopping = false;
  private restarting = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private exited: Promise<unknown> = Promise.resolve();

  constructor(private opts: TranscoderOptions) {}

  start(): void {
    for (const r of this.opts.plan.rungs) mkdirSync(join(this.opts.dir, r.name), { recursive: true });
    this.spawn();
  }

  private spawn(): void {
    const run = ++this.run;
    const args = buildLadderArgs(this.opts.plan, { dir: this.opts.dir, run });
    const proc = Bun.spawn([this.opts.ffmpeg ?? "ffmpeg", ...args], { stdin: "pipe", stdout: "ignore", stderr: "pipe" });
    this.proc = proc;
    const began = Date.now();
    let firstSeen = false;
    let stderrTail = "";
    // Flushes waiting for ffmpeg to read, and when it last made progress (a flush settled or the wait began):
    // a slow ffmpeg still drains now and then, a wedged one never does.
    let pending = 0;
    let progressAt = 0;
    void (async () => {
      const dec = new TextDecoder();
      const reader = proc.stderr.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        stderrTail = (stderrTail + dec.decode(value)).slice(-2000);
      }
    })().catch(() => {});
    this.detach = this.opts.attach((buf) => {
      if (!firstSeen) {
        const tag = parseTag(buf);
        if (tag?.type === "video" && !tag.config) {
          firstSeen = true;
          this.opts.onRun(run, tag.ts);
        }
      }
      // Writes to a dead ffmpeg do not throw; proc.exited tells us it died.
      if (this.proc !== proc) return;
      // FileSink buffers; flushing per tag keeps ingest → segment lag at ffmpeg's own. A dead ffmpeg makes these
      // reject (EPIPE): ignore it here, proc.exited drives the restart.
      if (pending > 0 && Date.now() - progressAt > STALL_MS) {
        this.opts.log(`transcoder: ffmpeg run ${run} has not read its input for ${STALL_MS / 1000} s; killing it`);
        proc.kill("SIGKILL");
        return;
      }
      try {
        const w = proc.stdin.write(buf);
        if (w instanceof Promise) w.catch(() => {});
        const f = proc.stdin.flush();
        if (f instanceof Promise) {
          if (pending++ === 0) progressAt = Date.now();
          f.catch(() => {}).finally(() => {
            pending--;
            progressAt = Date.now();
          });
        }
      } catch {}
    });
    this.exited = proc.exited.then((code) => {
      if (this.proc !== proc) return;
      this.detach?.();
      this.detach = null;
      this.proc = null;
      if (this.stopping) return;
      if (this.restarting) {
        this.restarting = false;
        this.spawn();
        return;
      }
      this.failures = Date.now() - began > STABLE_MS ? 0 : this.failures + 1;
      const wait = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length) - 1] ?? BACKOFF_MS[0]!;
      const last = stderrTail.trim().split("\n").slice(-2).join(" | ");
      this.opts.log(`transcoder: ffmpeg run ${run} exited (${code ?? proc.signalCode}); restarting in ${wait} ms${last ? `: ${last}` : ""}`);
      this.opts.onCrash?.();
      this.timer = setTimeout(() => this.spawn(), wait);
    });
  }

  /**
   * Ends the current run cleanly (its last segment is flushed) and starts the next one at once, e.g. when the
   * encoder reconnected: the new run is anchored to the new connection's clock and may carry new settings.
   */
  restart(graceMs = 3000): void {
    const proc = this.proc;
    if (this.stopping || this.restarting || !proc) return;
    this.restarting = true;
    this.detach?.();
    this.detach = null;
    void endInput(proc, graceMs);
  }

  /** Ends ffmpeg cleanly (it flushes its last segment) and waits for it; kills it after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    const proc = this.proc;
    this.detach?.();
    this.detach = null;
    if (!proc) return;
    await endInput(proc, graceMs);
    this.proc = null;
    await this.exited;
  }
}
