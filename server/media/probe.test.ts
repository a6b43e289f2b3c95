// The probe on real FLV from ffmpeg (x264 veryfast with B-frames, OBS-like): an early verdict after the first
// keyframe and a few frames, the settled one at the second keyframe or one segment later.
import { expect, test } from "bun:test";
import { parseTag, tagHead } from "./flv";
import { SourceProbe } from "./probe";

/** Splits an FLV file into what the ingest's TagFeed hands a subscriber: the file header, then one whole tag per buffer. */
function flvTags(bytes: Uint8Array): Uint8Array[] {
  const out = [bytes.subarray(0, 13)];
  for (let i = 13; i + 11 <= bytes.length; ) {
    const size = (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!;
    out.push(bytes.subarray(i, i + 11 + size));
    i += 11 + size + 4;
  }
  return out;
}

function obsLike(keyframeSeconds: number): Uint8Array[] {
  const r = Bun.spawnSync([
    "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", "5",
    "-c:v", "libx264", "-preset", "veryfast", "-g", String(30 * keyframeSeconds), "-keyint_min", String(30 * keyframeSeconds), "-pix_fmt", "yuv420p",
    "-c:a", "aac", "-f", "flv", "pipe:1",
  ]);
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  return flvTags(new Uint8Array(r.stdout));
}

function verdicts(tags: Uint8Array[], segmentSeconds: number) {
  const probe = new SourceProbe(segmentSeconds);
  const out: { at: number; settled: boolean; gop: number | null; fps: number; codecs: string | null; audio: string | null }[] = [];
  for (const buf of tags) {
    const tag = parseTag(buf);
    if (!tag || tag.type === "script") continue;
    const v = probe.push(tag);
    if (v.state === "ready") {
      out.push({ at: tag.ts, settled: v.settled, gop: v.info.gopSeconds, fps: v.info.fps, codecs: v.info.videoCodecs, audio: v.info.audio?.codec ?? null });
      if (v.settled) break;
    }
  }
  return out;
}

test("2 s keyframes, 2 s segments: ready a third of a second in, settled at the second keyframe", () => {
  const v = verdicts(obsLike(2), 2);
  expect(v).toHaveLength(2);
  expect(v[0]).toMatchObject({ settled: false, gop: null, fps: 30, codecs: "avc1.64001e", audio: "aac" });
  expect(v[0]!.at).toBeLessThan(500);
  expect(v[1]).toMatchObject({ settled: true, gop: 2, fps: 30 });
});

test("keyframes longer than a segment settle one segment (plus a frame or so) in, with no interval", () => {
  const v = verdicts(obsLike(4), 2);
  expect(v.map((x) => x.settled)).toEqual([false, true]);
  expect(v[1]!.gop).toBeNull();
  expect(v[1]!.at).toBeGreaterThan(2000);
  expect(v[1]!.at).toBeLessThan(2200);
});

test("tagHead (the hot path's allocation-free reader) agrees with parseTag on every tag", () => {
  const tags = obsLike(2);
  expect(tags.length).toBeGreaterThan(300);
  for (const buf of tags) {
    const full = parseTag(buf);
    expect(tagHead(buf)).toEqual(full && { type: full.type, ts: full.ts, keyframe: full.keyframe, config: full.config });
  }
});
