// Watches the first tags of a publish until it knows enough to plan the ladder: video codec and size, frame
// rate, whether keyframes line up with the segment length, and the audio codec. Pure: feed tags, read the verdict.
// Two verdicts, for a fast start: "ready" with `settled: false` after the first keyframe and a few frames (codec,
// size, frame rate known; the keyframe interval not yet), so the ladder can start at once; then "ready" with
// `settled: true` once the second keyframe came (or did not come within a segment), which confirms or corrects it.
import { aacCodecString, avcCodecString, avcDimensions, avcProfile, type FlvTag } from "./flv";

export interface SourceInfo {
  videoCodec: NonNullable<FlvTag["videoCodec"]>;
  width: number;
  height: number;
  fps: number;
  /** Spacing of the first two keyframes in seconds, null when a second one did not come in time. */
  gopSeconds: number | null;
  /** RFC 6381 string of the source video when it is H.264. */
  videoCodecs: string | null;
  /** Video bitrate over the first GOP in kbit/s, null when unknown. */
  videoKbps?: number | null;
  /** H.264 profile and level, e.g. "High 3.1". */
  profile?: string | null;
  audio: { codec: NonNullable<FlvTag["audioCodec"]>; codecs: string } | null;
}

export type ProbeResult = { state: "waiting" } | { state: "ready"; info: SourceInfo; settled: boolean } | { state: "refused"; reason: string };

/** Frames after the first keyframe that give a frame rate (a third of a second at 30 fps). */
const EARLY_FRAMES = 10;

/** ffmpeg 5.1's FLV demuxer knows no enhanced-RTMP codecs. */
const UNSUPPORTED = new Set(["hevc", "av1", "vp9"]);

export class SourceProbe {
  private firstKey: number | null = null;
  private secondKey: number | null = null;
  private frames = 0;
  private gopBytes = 0;
  private lastVideoTs = 0;
  private firstAudioTs: number | null = null;
  private lastAudioTs = 0;
  private codec: FlvTag["videoCodec"];
  private avcRecord: Uint8Array | null = null;
  private audio: SourceInfo["audio"] = null;
  private early = false;

  constructor(private segmentSeconds: number) {}

  push(tag: FlvTag): ProbeResult {
    if (tag.type === "audio") {
      this.firstAudioTs ??= tag.ts;
      this.lastAudioTs = tag.ts;
      if (!this.audio && tag.audioCodec) {
        this.audio = { codec: tag.audioCodec, codecs: tag.audioCodec === "aac" && tag.config ? aacCodecString(tag.payload) : "mp4a.40.2" };
      }
    } else if (tag.type === "video") {
      this.codec ??= tag.videoCodec;
      if (this.codec && UNSUPPORTED.has(this.codec)) return { state: "refused", reason: `video codec ${this.codec} (enhanced RTMP) is not supported; publish H.264` };
      if (tag.config) {
        if (tag.videoCodec === "h264") this.avcRecord = tag.payload;
      } else {
        if (tag.keyframe && this.firstKey === null) this.firstKey = tag.ts;
        else if (tag.keyframe && this.secondKey === null && this.firstKey !== null && tag.ts > this.firstKey) this.secondKey = tag.ts;
        if (this.firstKey !== null && this.secondKey === null) {
          this.frames++;
          this.gopBytes += tag.payload.length;
        }
        this.lastVideoTs = tag.ts;
      }
    }
    return this.verdict();
  }

  private verdict(): ProbeResult {
    if (this.firstKey === null) {
      if (this.firstAudioTs !== null && this.lastAudioTs - this.firstAudioTs > 3000) return { state: "refused", reason: "no video in the first 3 s (audio-only streams are not supported)" };
      return { state: "waiting" };
    }
    // A frame a little past one segment with no keyframe yet: the interval is longer than a segment.
    const limit = this.segmentSeconds * 1000 + 100;
    const settled = this.secondKey !== null || this.lastVideoTs - this.firstKey > limit;
    // The early verdict once; until then audio has had a few frames' time to show up (encoders start both together).
    if (!settled && (this.early || this.frames <= EARLY_FRAMES)) return { state: "waiting" };
    this.early = true;
    const span = ((this.secondKey ?? this.lastVideoTs) - this.firstKey) / 1000;
    // Up to the second keyframe: frames of one GOP over its length; before it: intervals between the frames seen.
    const measuredFps = span > 0 ? (this.secondKey !== null ? this.frames : this.frames - 1) / span : 0;
    const fps = Math.max(1, Math.min(60, Math.round(measuredFps || 30)));
    const dims = this.avcRecord ? avcDimensions(this.avcRecord) : null;
    const width = dims?.width;
    const height = dims?.height;
    if (!width || !height) return { state: "refused", reason: "could not read the video size" };
    return {
      state: "ready", settled,
      info: {
        videoCodec: this.codec ?? "other", width, height, fps,
        gopSeconds: this.secondKey !== null ? (this.secondKey - this.firstKey) / 1000 : null,
        videoCodecs: this.avcRecord ? avcCodecString(this.avcRecord) : null, audio: this.audio,
        profile: this.avcRecord ? avcProfile(this.avcRecord) : null,
        videoKbps: span > 0 ? Math.round((this.gopBytes * 8) / 1000 / span) : null,
      },
    };
  }
}
