// The fMP4 reader on real ffmpeg output (the flags the low-latency ladder uses), fed in uneven chunks.
import { describe, expect, test } from "bun:test";
import { concat, Fmp4Reader, type Fragment, type Init } from "./fmp4";

const FRAG = ["-f", "mp4", "-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-frag_duration", "200000", "pipe:1"];

async function ffmpegFmp4(video: string[]): Promise<Uint8Array> {
  const proc = Bun.spawn(
    ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
      "-t", "2", "-map", "0:v", "-map", "1:a", ...video, "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", ...FRAG],
    { stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([new Response(proc.stdout).arrayBuffer(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(err);
  return new Uint8Array(out);
}

function readAll(bytes: Uint8Array, chunk: (i: number) => number): { init: Init; fragments: Fragment[] } {
  const reader = new Fmp4Reader();
  let init: Init | null = null;
  const fragments: Fragment[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = chunk(i);
    for (const e of reader.push(bytes.subarray(at, at + n))) {
      if (e.type === "init") init = e.init;
      else fragments.push(e.fragment);
    }
    at += n;
  }
  if (!init) throw new Error("no init");
  return { init, fragments };
}

describe("Fmp4Reader on ffmpeg's fragmented MP4", () => {
  for (const [label, encoder] of [
    ["x264 zerolatency, 1 s keyframes", ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30", "-keyint_min", "30", "-sc_threshold", "0"]],
    ["x264 with B-frames, 1 s keyframes", ["-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-keyint_min", "30", "-sc_threshold", "0", "-bf", "2"]],
  ] as const) {
    test(`${label}: init, ~200 ms fragments, keyframes flagged, nothing lost`, async () => {
      const bytes = await ffmpegFmp4([...encoder]);
      // Odd chunk sizes cut boxes anywhere, including inside headers.
      const { init, fragments } = readAll(bytes, (i) => [7, 1000, 3, 65536, 13][i % 5]!);
      expect(init.tracks.map((t) => t.kind)).toEqual(["video", "audio"]);
      const video = init.tracks[0]!;
      expect(video.timescale).toBeGreaterThan(0);
      expect(init.tracks[1]!.timescale).toBe(44100);
      // Lossless: init + fragments are the stream byte for byte, up to the closing mfra index ffmpeg appends.
      const body = concat([init.bytes, ...fragments.map((f) => f.bytes)]);
      expect(bytes.subarray(0, body.length)).toEqual(body);
      expect(new TextDecoder().decode(bytes.subarray(body.length + 4, body.length + 8))).toBe("mfra");
      expect(fragments.map((f) => f.sequence)).toEqual(fragments.map((_, i) => i + 1));
      // The stream's tail may be a fragment of audio alone.
      const runs = fragments.flatMap((f) => f.runs.filter((r) => r.trackId === video.id));
      expect(runs.length).toBeGreaterThanOrEqual(fragments.length - 1);
      const durations = runs.map((r) => r.duration / video.timescale);
      expect(durations.reduce((a, b) => a + b, 0)).toBeCloseTo(2, 1);
      for (const d of durations) expect(d).toBeLessThanOrEqual(0.23);
      // Decode times continue from one fragment to the next.
      for (let i = 1; i < runs.length; i++) expect(runs[i]!.baseTime).toBe(runs[i - 1]!.baseTime + runs[i - 1]!.duration);
      // Keyframes every 30 frames start fragments at 0 s and 1 s, and only those are independent.
      // (Counted in frames: ffmpeg stretches the first frame by the AAC priming, so times are a little off.)
      let frame = 0;
      const starts = runs.flatMap((r) => ((frame += r.samples), r.independent ? [frame - r.samples] : []));
      expect(starts).toEqual([0, 30]);
      expect(fragments.every((f) => f.runs.some((r) => r.trackId === init.tracks[1]!.id && r.samples > 0))).toBe(true);
      expect(fragments.every((f) => f.runs[0]!.trackId === video.id || f.runs.length === 1)).toBe(true);
    }, 30_000);
  }

  test("a box whose size runs below its header is refused with a clear error", () => {
    const reader = new Fmp4Reader();
    expect(() => reader.push(new Uint8Array([0, 0, 0, 4, 0x66, 0x74, 0x79, 0x70]))).toThrow("bad box size 4");
  });
});
