// A throttled ffmpeg (SIGSTOP bursts: it runs a twentieth of the time) is degraded — rungs shed in the viewer's
// order, the master playlist following — and recovered once the throttle ends, never killed in a loop; a
// wedged one (SIGSTOP for long) is still killed and restarted. Real ffmpeg on a real FLV feed; no server.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planLadder } from "../server/media/ffmpeg-args";
import { BroadcastOutput } from "../server/media/output";
import { Transcoder } from "../server/media/transcoder";
import { waitFor } from "./live-helpers";

const work = mkdtempSync(join(tmpdir(), "lh-overload-"));
const source = join(work, "src.flv");
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  const r = Bun.spawnSync([
    "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", "10",
    "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", source,
  ]);
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
});

/** The source looped at real time as FLV tags, one buffer per tag (how NMS hands them to a subscriber). */
function feed(): { attach(sink: (b: Uint8Array) => void): () => void; stop(): void } {
  const proc = Bun.spawn(["ffmpeg", "-v", "error", "-re", "-stream_loop", "-1", "-i", source, "-c", "copy", "-f", "flv", "pipe:1"], { stdout: "pipe" });
  const sinks = new Set<(b: Uint8Array) => void>();
  void (async () => {
    const reader = proc.stdout.getReader();
    let buf = new Uint8Array(0);
    let headerDone = false;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const next = new Uint8Array(buf.length + value.length);
      next.set(buf);
      next.set(value, buf.length);
      buf = next;
      if (!headerDone && buf.length >= 13) {
        for (const s of sinks) s(buf.slice(0, 13));
        buf = buf.slice(13);
        headerDone = true;
      }
      while (headerDone && buf.length >= 11) {
        const size = (buf[1]! << 16) | (buf[2]! << 8) | buf[3]!;
        if (buf.length < 11 + size + 4) break;
        const tag = buf.slice(0, 11 + size + 4);
        for (const s of sinks) s(tag);
        buf = buf.slice(11 + size + 4);
      }
    }
  })();
  return { attach: (sink) => (sinks.add(sink), () => sinks.delete(sink)), stop: () => proc.kill("SIGKILL") };
}

function pipeline(name: string) {
  const dir = join(work, name);
  // A small ladder (360p copy, 240p, 144p): cheap enough to keep up on a busy machine once the throttle ends.
  const plan = planLadder({ videoCodec: "h264", width: 640, height: 360, fps: 30, gopSeconds: 2, videoCodecs: "avc1.64001e", audio: { codec: "aac", codecs: "mp4a.40.2" } }, [360, 240, 144], 2);
  const logs: string[] = [];
  const clock = new Map<number, number>();
  const output = new BroadcastOutput({ dir, plan, liveWindow: 6, arrivalOf: () => null, onReady: () => {}, onSegment: () => {} });
  const src = feed();
  const tx = new Transcoder({
    dir, plan, attach: src.attach, log: (m) => logs.push(`${((Date.now() - t0) / 1000).toFixed(1)} ${m}`),
    onRun: (run, ts) => (clock.set(run, ts), output.startRun(run, ts)), onLevel: (p) => output.setPlan(p, false),
    watchdog: { settleMs: 4000, slowLagS: 2, slowForMs: 2000, okLagS: 1.5, recoverMs: 6000, frozenMs: 8000 },
  });
  const t0 = Date.now();
  tx.start();
  const poll = setInterval(() => output.poll(), 100);
  return {
    tx, output, logs,
    async stop() {
      clearInterval(poll);
      await tx.stop();
      src.stop();
    },
  };
}

test("throttled by SIGSTOP bursts: degraded (240p leaves the master, never the copy or 144p), recovered after, never killed", async () => {
  const p = pipeline("throttled");
  try {
    await waitFor("playable", () => p.output.isReady, 20_000);
    expect(p.output.activeRungs).toEqual(["360p", "240p", "144p"]);
    let throttling = true;
    const throttle = (async () => {
      while (throttling) {
        const pid = p.tx.pid;
        // Running 5 % of the time: even a quiet machine's ffmpeg (~8× real time on this ladder) falls behind.
        if (pid) process.kill(pid, "SIGSTOP");
        await Bun.sleep(1900);
        if (pid) process.kill(pid, "SIGCONT");
        await Bun.sleep(100);
      }
    })();
    const degraded = await waitFor("a step down", () => p.logs.find((l) => l.includes("degraded to level 1")), 40_000, 200);
    expect(degraded).toContain("(360p copy, 144p)");
    await waitFor("240p gone from the master", () => !p.output.playlist(null)!.includes("240p/index.m3u8"), 10_000);
    const master = p.output.playlist(null)!;
    expect(master).toContain("360p/index.m3u8");
    expect(master).toContain("144p/index.m3u8");
    expect(p.output.playlist("240p")).toBeNull();
    throttling = false;
    await throttle;
    await waitFor("back to the full ladder", () => p.logs.some((l) => l.includes("recovered to level 0")), 90_000, 250);
    await waitFor("240p back in the master", () => p.output.playlist(null)!.includes("240p/index.m3u8"), 15_000);
    expect(p.output.playlist("240p")).toContain("#EXTINF");
    expect(p.logs.filter((l) => /killing|exited/.test(l))).toEqual([]);
    expect(p.tx.stats().restarts).toBe(0);
  } finally {
    await p.stop();
    console.log(p.logs.join("\n"));
  }
}, 180_000);

test("a wedged ffmpeg (stopped for good) is killed and restarted", async () => {
  const p = pipeline("wedged");
  let pid: number | null = null;
  try {
    await waitFor("playable", () => p.output.isReady, 20_000);
    pid = p.tx.pid!;
    const from = p.logs.length;
    process.kill(pid, "SIGSTOP");
    await waitFor("killed as frozen", () => p.logs.some((l) => /is frozen: no CPU time for \d+ s; killing it/.test(l)), 30_000, 250);
    await waitFor("a new run", () => p.tx.pid !== null && p.tx.pid !== pid, 15_000);
    expect(p.tx.stats().restarts).toBe(1);
    // A process that gets no CPU time is frozen, not slow: no ladder step while it was stopped.
    expect(p.logs.slice(from).filter((l) => l.includes("degraded"))).toEqual([]);
  } finally {
    if (pid) try {
      process.kill(pid, "SIGCONT");
    } catch {}
    await p.stop();
  }
}, 60_000);
