// Pure ladder planning and ffmpeg argument building (golden-tested). One ffmpeg per live room: decode once,
// split into the ladder, encode each rung; the top rung copies the source when that makes clean segments.
import type { SourceInfo } from "./probe";

export interface Rung {
  /** Folder and URL name, e.g. "720p". */
  name: string;
  width: number;
  height: number;
  fps: number;
  copy: boolean;
  /** Target and peak video bitrate in kbit/s (for a copied rung: an estimate for the master playlist). */
  videoKbps: number;
  maxKbps: number;
  profile: "high" | "main";
  level: string;
  /** RFC 6381 video codec string. */
  codecs: string;
}

export interface LadderAudio {
  copy: boolean;
  kbps: number;
  codecs: string;
}

export interface Plan {
  rungs: Rung[];
  audio: LadderAudio | null;
  segmentSeconds: number;
}

/** Video bitrate by rung height at 30 fps (kbit/s); 60 fps rungs get 1.5×. */
const PRESETS: readonly [number, number][] = [
  [2160, 14000], [1440, 8000], [1080, 5000], [720, 2800], [540, 2000], [480, 1400], [360, 800], [240, 400], [144, 200],
];

export const DEFAULT_LADDER: readonly number[] = [1080, 720, 480, 360];

/** Parses "1080,720,480,360" (an optional trailing "p" is fine); null when malformed. */
function kbpsFor(height: number, fps: number): number {
  const preset = PRESETS.find(([h]) => h <= height) ?? PRESETS[PRESETS.length - 1]!;
  return Math.round(preset[1] * (fps > 30 ? 1.5 : 1));
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

function encodedRung(height: number, src: SourceInfo, topFps: number): Rung {
  const fps = height <= 480 ? Math.min(topFps, 30) : topFps;
  const videoKbps = kbpsFor(height, fps);
  const high = height >= 720;
  // Levels that hold the rung's macroblock rate: 4.2 for 1080p60, 4.0 for 720p/1080p30, 3.1 below.
  const level = height > 720 ? (fps > 30 ? "4.2" : "4.0") : high ? (fps > 30 ? "4.0" : "3.1") : "3.1";
  const levelHex = Math.round(Number(level) * 10).toString(16).padStart(2, "0");
  return {
    name: `${height}p`, width: even((src.width * height) / src.height), height, fps, copy: false, videoKbps,
    maxKbps: Math.round(videoKbps * 1.07), profile: high ? "high" : "main", level, codecs: `${high ? "avc1.6400" : "avc1.4d40"}${levelHex}`,
  };
}

/**
 * Keyframes every segment length (or a whole fraction of it) let a copied rung cut clean segments; a source far
 * above the rung's bitrate is re-encoded so viewers do not get a surprise 20 Mbit/s top rung.
 */
export function canCopy(src: SourceInfo, ladder: readonly number[], segmentSeconds: number): boolean {
  if (src.videoCodec !== "h264" || !src.videoCodecs || src.gopSeconds === null) return false;
  if (src.height > Math.max(...ladder)) return false;
  if (src.videoKbps && src.videoKbps > 2 * kbpsFor(src.height, src.fps)) return false;
  const ratio = segmentSeconds / src.gopSeconds;
  return Math.abs(ratio - Math.round(ratio)) < 0.02 && Math.round(ratio) >= 1;
}

/** Never a rung above the source; the source itself is the top rung (copied when it can be). */
export function planLadder(src: SourceInfo, ladder: readonly number[], segmentSeconds: number): Plan {
  const fps = Math.min(src.fps, 60);
  const top = Math.min(src.height - (src.height % 2), Math.max(...ladder));
  const rungs: Rung[] = [];
  if (canCopy(src, ladder, segmentSeconds)) {
    // The first GOP's rate (keyframe included) is a fair estimate of the source's; the preset stands in otherwise.
    const kbps = src.videoKbps || kbpsFor(src.height, fps);
    rungs.push({
      name: `${src.height}p`, width: src.width, height: src.height, fps, copy: true, videoKbps: kbps, maxKbps: Math.round(kbps * 1.5),
      profile: "high", level: "", codecs: src.videoCodecs!,
    });
  } else {
    rungs.push(encodedRung(top, src, fps));
  }
  for (const h of ladder) if (h < rungs[0]!.height) rungs.push(encodedRung(h, src, fps));
  const audio = src.audio ? { copy: src.audio.codec === "aac", kbps: 128, codecs: src.audio.codec === "aac" ? src.audio.codecs : "mp4a.40.2" } : null;
  return { rungs, audio, segmentSeconds };
}

export interface OutputOptions {
  /** Broadcast folder; each rung writes into <dir>/<rung.name>/. */
  dir: string;
  /** Restart counter: part of segment names so a restarted ffmpeg never reuses one. */
  run: number;
  listSize?: number;
}

/** ffmpeg reads FLV on stdin and writes one HLS variant per rung (ffmpeg.m3u8 + r<run>_<n>.ts). */
export function buildLadderArgs(plan: Plan, out: OutputOptions): string[] {
  const { rungs, audio, segmentSeconds: seg } = plan;
  const encoded = rungs.map((r, i) => ({ r, i })).filter(({ r }) => !r.copy);
  const args = [
    "-hide_banner", "-nostats", "-loglevel", "warning", "-nostdin",
    // The probe already saw the codecs; a short analysis keeps publish → first playlist low.
    // (-fflags nobuffer is left out on purpose: it made the copied rung lose its first GOP.)
    "-probesize", "500000", "-analyzeduration", "1000000",
    "-f", "flv", "-i", "pipe:0",
  ];
  if (encoded.length) {
    const labels = encoded.map(({ i }) => `[s${i}]`).join("");
    const chains = encoded.map(({ r, i }) => `[s${i}]fps=${r.fps},scale=${r.width}:${r.height}[v${i}]`);
    args.push("-filter_complex", `[0:v:0]split=${encoded.length}${labels};${chains.join(";")}`);
  }
  rungs.forEach((r, i) => args.push("-map", r.copy ? "0:v:0" : `[v${i}]`));
  if (audio) rungs.forEach(() => args.push("-map", "0:a:0"));
  rungs.forEach((r, i) => {
    if (r.copy) {
      args.push(`-c:v:${i}`, "copy");
      return;
    }
    const gop = String(r.fps * seg);
    args.push(
      `-c:v:${i}`, "libx264", `-preset:v:${i}`, "veryfast", `-tune:v:${i}`, "zerolatency", `-profile:v:${i}`, r.profile, `-level:v:${i}`, r.level,
      `-b:v:${i}`, `${r.videoKbps}k`, `-maxrate:v:${i}`, `${r.maxKbps}k`, `-bufsize:v:${i}`, `${r.videoKbps * seg}k`,
      `-g:v:${i}`, gop, `-keyint_min:v:${i}`, gop, `-force_key_frames:v:${i}`, `expr:gte(t,n_forced*${seg})`,
    );
  });
  args.push("-sc_threshold", "0", "-pix_fmt", "yuv420p");
  if (audio) args.push("-c:a", audio.copy ? "copy" : "aac", ...(audio.copy ? [] : ["-b:a", `${audio.kbps}k`, "-ac", "2"]));
  const streamMap = rungs.map((r, i) => `v:${i}${audio ? `,a:${i}` : ""},name:${r.name}`).join(" ");
  args.push(
    "-f", "hls", "-hls_time", String(seg), "-hls_list_size", String(out.listSize ?? 6),
    "-hls_flags", "independent_segments+program_date_time", "-hls_segment_type", "mpegts",
    "-hls_segment_filename", `${out.dir}/%v/r${out.run}_%d.ts`, "-var_stream_map", streamMap, `${out.dir}/%v/ffmpeg.m3u8`,
  );
  return args;
}

/** Master playlist, relative to the broadcast folder (the same file serves live and replay). */
export function masterPlaylist(plan: Plan): string {
  const lines = ["#EXTM3U", "#EXT-X-VERSION:6", "#EXT-X-INDEPENDENT-SEGMENTS"];
  const akbps = plan.audio?.kbps ?? 0;
  for (const r of plan.rungs) {
    const codecs = [r.codecs, plan.audio?.codecs].filter(Boolean).join(",");
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${(r.maxKbps + akbps) * 1000},AVERAGE-BANDWIDTH=${(r.videoKbps + akbps) * 1000},` +
        `RESOLUTION=${r.width}x${r.height},CODECS="${codecs}",FRAME-RATE=${r.fps.toFixed(3)}`,
      `${r.name}/index.m3u8`,
    );
  }
  return lines.join("\n") + "\n";
}
