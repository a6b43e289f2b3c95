// Golden tests: the ladder plan and the exact ffmpeg arguments per source shape.
import { describe, expect, test } from "bun:test";
import { parseLadder } from "../config";
import { buildLadderArgs, canCopy, masterPlaylist, planLadder } from "./ffmpeg-args";
import type { SourceInfo } from "./probe";

const src720: SourceInfo = { videoCodec: "h264", width: 1280, height: 720, fps: 30, gopSeconds: 2, videoCodecs: "avc1.64001f", audio: { codec: "aac", codecs: "mp4a.40.2" } };
const LADDER = [1080, 720, 480, 360];

describe("parseLadder", () => {
  test("accepts heights with or without p, sorts and dedupes", () => {
    expect(parseLadder("360p, 720,480,720")).toEqual([720, 480, 360]);
  });
  test.each(["", "720,abc", "100", "4320", "721", ","])("refuses %p", (raw) => {
    expect(parseLadder(raw)).toBeNull();
  });
});

describe("planLadder", () => {
  test("H.264 with keyframes every segment: the source is copied on top, no rung above it", () => {
    const plan = planLadder(src720, LADDER, 2);
    expect(plan.rungs.map((r) => [r.name, r.width, r.height, r.copy, r.codecs])).toEqual([
      ["720p", 1280, 720, true, "avc1.64001f"],
      ["480p", 854, 480, false, "avc1.4d401f"],
      ["360p", 640, 360, false, "avc1.4d401f"],
    ]);
    expect(plan.audio).toEqual({ copy: true, kbps: 128, codecs: "mp4a.40.2" });
  });

  test("keyframes every 2 s do not line up with 1 s segments: the top rung is re-encoded", () => {
    expect(canCopy(src720, LADDER, 1)).toBe(false);
    const plan = planLadder(src720, LADDER, 1);
    expect(plan.rungs[0]).toMatchObject({ name: "720p", copy: false, profile: "high", level: "3.1", codecs: "avc1.64001f", videoKbps: 2800 });
  });

  test("a copyable source's measured bitrate goes into the plan; one far above its rung's budget is re-encoded", () => {
    expect(planLadder({ ...src720, gopSeconds: 1, videoKbps: 3500 }, LADDER, 1).rungs[0]).toMatchObject({ copy: true, videoKbps: 3500, maxKbps: 5250 });
    expect(planLadder({ ...src720, gopSeconds: 1, videoKbps: 20000 }, LADDER, 1).rungs[0]).toMatchObject({ copy: false, videoKbps: 2800 });
  });

  test("a source above the ladder is scaled down to the top rung; 60 fps keeps its rate above 480p", () => {
    const plan = planLadder({ ...src720, width: 3840, height: 2160, fps: 60, gopSeconds: 1 }, LADDER, 1);
    expect(plan.rungs.map((r) => `${r.name}@${r.fps}${r.copy ? " copy" : ""}`)).toEqual(["1080p@60", "720p@60", "480p@30", "360p@30"]);
    expect(plan.rungs[0]!.videoKbps).toBe(7500);
  });

  test("a small odd-sized source gets one encoded rung at its own size; HEVC and other codecs are re-encoded", () => {
    const plan = planLadder({ ...src720, videoCodec: "other", width: 320, height: 181, videoCodecs: null, audio: { codec: "mp3", codecs: "mp4a.40.2" } }, LADDER, 2);
    expect(plan.rungs.map((r) => [r.name, r.width, r.height, r.copy])).toEqual([["180p", 318, 180, false]]);
    expect(plan.audio).toEqual({ copy: false, kbps: 128, codecs: "mp4a.40.2" });
  });
});

describe("buildLadderArgs", () => {
  test("copy + two encoded rungs with AAC copied (golden)", () => {
    const args = buildLadderArgs(planLadder(src720, LADDER, 2), { dir: "/d/7", run: 3 });
    expect(args).toEqual([
      "-hide_banner", "-nostats", "-loglevel", "warning", "-nostdin", "-probesize", "500000", "-analyzeduration", "1000000", "-f", "flv", "-i", "pipe:0",
      "-filter_complex", "[0:v:0]split=2[s1][s2];[s1]fps=30,scale=854:480[v1];[s2]fps=30,scale=640:360[v2]",
      "-map", "0:v:0", "-map", "[v1]", "-map", "[v2]", "-map", "0:a:0", "-map", "0:a:0", "-map", "0:a:0",
      "-c:v:0", "copy",
      "-c:v:1", "libx264", "-preset:v:1", "veryfast", "-tune:v:1", "zerolatency", "-profile:v:1", "main", "-level:v:1", "3.1",
      "-b:v:1", "1400k", "-maxrate:v:1", "1498k", "-bufsize:v:1", "2800k", "-g:v:1", "60", "-keyint_min:v:1", "60", "-force_key_frames:v:1", "expr:gte(t,n_forced*2)",
      "-c:v:2", "libx264", "-preset:v:2", "veryfast", "-tune:v:2", "zerolatency", "-profile:v:2", "main", "-level:v:2", "3.1",
      "-b:v:2", "800k", "-maxrate:v:2", "856k", "-bufsize:v:2", "1600k", "-g:v:2", "60", "-keyint_min:v:2", "60", "-force_key_frames:v:2", "expr:gte(t,n_forced*2)",
      "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "copy",
      "-f", "hls", "-hls_time", "2", "-hls_list_size", "6", "-hls_flags", "independent_segments+program_date_time", "-hls_segment_type", "mpegts",
      "-hls_segment_filename", "/d/7/%v/r3_%d.ts", "-var_stream_map", "v:0,a:0,name:720p v:1,a:1,name:480p v:2,a:2,name:360p", "/d/7/%v/ffmpeg.m3u8",
    ]);
  });

  test("no audio, nothing copied: every rung comes from the split, no audio maps", () => {
    const args = buildLadderArgs(planLadder({ ...src720, audio: null, gopSeconds: null }, [720, 360], 1), { dir: "/d", run: 0 });
    expect(args).toContain("[0:v:0]split=2[s0][s1];[s0]fps=30,scale=1280:720[v0];[s1]fps=30,scale=640:360[v1]");
    expect(args).not.toContain("0:a:0");
    expect(args[args.indexOf("-var_stream_map") + 1]).toBe("v:0,name:720p v:1,name:360p");
  });
});

test("the master playlist carries bandwidths, resolution, codecs and frame rate for every rung", () => {
  expect(masterPlaylist(planLadder(src720, [720, 360], 2))).toBe(
    [
      "#EXTM3U", "#EXT-X-VERSION:6", "#EXT-X-INDEPENDENT-SEGMENTS",
      '#EXT-X-STREAM-INF:BANDWIDTH=4328000,AVERAGE-BANDWIDTH=2928000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",FRAME-RATE=30.000', "720p/index.m3u8",
      '#EXT-X-STREAM-INF:BANDWIDTH=984000,AVERAGE-BANDWIDTH=928000,RESOLUTION=640x360,CODECS="avc1.4d401f,mp4a.40.2",FRAME-RATE=30.000', "360p/index.m3u8",
    ].join("\n") + "\n",
  );
});
