// Shared by the live pipeline tests and benchmarks: a real ffmpeg publishing a lavfi test source over RTMP.
import type { Subprocess } from "bun";

export interface PublishOptions {
  size?: string;
  fps?: number;
  /** Keyframe interval in frames (default: one per second). */
  gop?: number;
  seconds?: number;
  audio?: boolean;
  video?: boolean;
}

export interface Publisher {
  proc: Subprocess<"ignore", "ignore", "pipe">;
  stderr(): string;
  /** Clean stop: ffmpeg finishes the stream (FCUnpublish/deleteStream) and exits. */
  stop(): Promise<number>;
  /** A dropped connection: no goodbye. */
  kill(): Promise<number>;
}

export function publishArgs(url: string, o: PublishOptions = {}): string[] {
  const fps = o.fps ?? 24;
  const gop = String(o.gop ?? fps);
  const args = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re"];
  if (o.video !== false) args.push("-f", "lavfi", "-i", `testsrc=size=${o.size ?? "854x480"}:rate=${fps}`);
  if (o.audio !== false) args.push("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100");
  args.push("-t", String(o.seconds ?? 60));
  if (o.video !== false) args.push("-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", gop, "-keyint_min", gop, "-sc_threshold", "0", "-pix_fmt", "yuv420p");
  if (o.audio !== false) args.push("-c:a", "aac", "-b:a", "64k");
  args.push("-f", "flv", url);
  return args;
}

export function publish(url: string, o: PublishOptions = {}): Publisher {
  const proc = Bun.spawn(publishArgs(url, o), { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  let err = "";
  void (async () => {
    const reader = proc.stderr.getReader();
    const dec = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      err += dec.decode(value);
    }
  })();
  return {
    proc,
    stderr: () => err,
    async stop() {
      proc.kill("SIGINT");
      return proc.exited;
    },
    async kill() {
      proc.kill("SIGKILL");
      return proc.exited;
    },
  };
}

/** Polls until fn returns a truthy value or the deadline passes (then throws with the label). */
export async function waitFor<T>(label: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await Bun.sleep(everyMs);
  }
}

/** ffmpeg processes that are children of `pid`, with their command lines. */
export async function childFfmpegs(pid: number): Promise<{ pid: number; args: string }[]> {
  const out = await new Response(Bun.spawn(["ps", "-o", "pid=,args=", "--ppid", String(pid)], { stdout: "pipe" }).stdout).text();
  return out
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /\bffmpeg\b/.test(l))
    .map((l) => ({ pid: Number(l.split(/\s+/)[0]), args: l }));
}

/** The transcoders a server runs: its ffmpeg children that read the FLV feed on stdin. */
export async function transcodersOf(serverPid: number): Promise<{ pid: number; args: string }[]> {
  return (await childFfmpegs(serverPid)).filter((p) => p.args.includes("pipe:0"));
}

export async function ffprobe(target: string, entries = "stream=codec_type,codec_name,width,height"): Promise<{ code: number; out: string; err: string }> {
  const p = Bun.spawn(["ffprobe", "-v", "error", "-show_entries", entries, "-of", "json", target], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, out, err };
}
