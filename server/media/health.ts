// Stream health: what the publisher sends (measured on the tags as they arrive, over the last few seconds) and
// plain advice from it. The lifecycle feeds every tag to an InputMeter and assembles StreamHealth on request.
import type { Plan } from "./ffmpeg-args";
import type { FlvTag } from "./flv";
import type { HealthAdvice } from "./model";
import type { SourceInfo } from "./probe";

const WINDOW_S = 5;

interface Bucket {
  second: number;
  videoBytes: number;
  audioBytes: number;
  frames: number;
}

/** Bitrate, frame rate and keyframe interval over the last few seconds of arrival; O(1) per tag. */
export class InputMeter {
  private buckets: Bucket[] = [];
  private lastKey: number | null = null;
  /** The second the first tag arrived in: only part of it was filled, so it never counts. */
  private firstSecond: number | null = null;
  keyframeSeconds: number | null = null;

  push(tag: Pick<FlvTag, "type" | "ts" | "keyframe" | "config">, bytes: number, now: number): void {
    if (tag.config || tag.type === "script") return;
    const second = Math.floor(now / 1000);
    this.firstSecond ??= second;
    let b = this.buckets[this.buckets.length - 1];
    if (!b || b.second !== second) {
      b = { second, videoBytes: 0, audioBytes: 0, frames: 0 };
      this.buckets.push(b);
      while (this.buckets.length && this.buckets[0]!.second <= second - WINDOW_S - 1) this.buckets.shift();
    }
    if (tag.type === "audio") b.audioBytes += bytes;
    else {
      b.videoBytes += bytes;
      b.frames++;
      if (tag.keyframe) {
        if (this.lastKey !== null && tag.ts > this.lastKey) this.keyframeSeconds = (tag.ts - this.lastKey) / 1000;
        this.lastKey = tag.ts;
      }
    }
  }

  /** Over the last whole seconds: the current one is still filling and the first was joined part-way, so a
   * stream's first second would read as a low frame rate (and wrongly advise about the encoder). All zero until
   * one whole second has arrived. */
  rates(now: number): { videoKbps: number; audioKbps: number; fps: number } {
    const second = Math.floor(now / 1000);
    const full = this.buckets.filter((b) => b.second < second && b.second >= second - WINDOW_S && b.second !== this.firstSecond);
    const n = Math.max(1, full.length);
    const sum = (f: (b: Bucket) => number) => full.reduce((t, b) => t + f(b), 0);
    return {
      videoKbps: Math.round((sum((b) => b.videoBytes) * 8) / 1000 / n),
      audioKbps: Math.round((sum((b) => b.audioBytes) * 8) / 1000 / n),
      fps: Math.round((sum((b) => b.frames) / n) * 10) / 10,
    };
  }
}

/** Plain advice for the creator from the source, the plan it got and the transcoder's state. */
export function adviceFor(src: SourceInfo | null, full: Plan | null, current: Plan | null, measured: { fps: number; keyframeSeconds: number | null }, backlog: boolean, segmentSeconds: number, copyMaxKbps: number | null): HealthAdvice[] {
  const out: HealthAdvice[] = [];
  if (!src || !full) return out;
  if (src.videoCodec !== "h264") out.push({ code: "codec", codec: src.videoCodec });
  const top = full.rungs[0]!;
  if (src.videoCodec === "h264" && !top.copy) {
    const gop = src.gopSeconds;
    const fits = gop !== null && Math.abs(segmentSeconds / gop - Math.round(segmentSeconds / gop)) < 0.02 && Math.round(segmentSeconds / gop) >= 1;
    if (!fits) out.push({ code: "keyframes", seconds: segmentSeconds, measured: measured.keyframeSeconds ?? gop });
    else if (copyMaxKbps !== null && src.videoKbps && src.videoKbps > copyMaxKbps) out.push({ code: "bitrate", maxKbps: copyMaxKbps });
  }
  if (measured.fps > 0 && measured.fps < src.fps * 0.85) out.push({ code: "encoder-fps", fps: measured.fps, expected: src.fps });
  if (current && current !== full) {
    const names = new Set(current.rungs.map((r) => r.name));
    out.push({ code: "overload", paused: full.rungs.filter((r) => !names.has(r.name)).map((r) => r.name), halfRate: current.rungs.some((r) => !r.copy && r.fps < (full.rungs.find((x) => x.name === r.name)?.fps ?? r.fps)) });
  }
  if (backlog) out.push({ code: "backlog" });
  return out;
}

