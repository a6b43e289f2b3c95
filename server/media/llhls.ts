// Apple Low-Latency HLS media playlists, pure: what a rung holds in, playlist text out, plus the rules for
// blocking playlist reloads (_HLS_msn/_HLS_part) and delta updates (_HLS_skip). Follows what MediaMTX's gohlslib
// does (docs/live.md): PART-HOLD-BACK = 2.5 × part target, CAN-SKIP-UNTIL = 6 × target duration, parts listed
// only for the last 2 whole segments plus the one being written, a preload hint always, and the playlist's own
// query string (minus _HLS_*) copied onto every URI so a ?token= reaches init, segments and parts.

export interface LlPart {
  /** Rung-wide part number: names the file (p<id>.m4s) before anyone knows which segment it ends up in. */
  id: number;
  duration: number;
  independent: boolean;
}

export interface LlSegment {
  msn: number;
  /** Seconds. */
  duration: number;
  /** Wall-clock ms at which the segment's first frame reached the server. */
  pdt: number;
  parts: readonly LlPart[];
  /** Init segment file name (one per ffmpeg run). */
  map: string;
  /** A restarted ffmpeg begins here. */
  discontinuity: boolean;
}

export interface LlView {
  /** Whole segments in the window, oldest first. */
  segments: readonly LlSegment[];
  /** The segment being written (its parts so far); its msn is the last whole one's + 1. */
  current: { msn: number; parts: readonly LlPart[]; map: string; discontinuity: boolean; pdt: number | null };
  /** Part id the next part will get (the preload hint). */
  nextPartId: number;
  targetDuration: number;
  partTarget: number;
  /** Discontinuities before the first segment in the window. */
  discontinuitySequence: number;
  ended: boolean;
}

export interface RenditionReport {
  /** Relative URI of the other rung's media playlist, e.g. "../480p/index.m3u8". */
  uri: string;
  view: LlView;
}

export const segmentName = (msn: number): string => `s${msn}.m4s`;
export const partName = (id: number): string => `p${id}.m4s`;
export const initName = (run: number): string => `init${run}.mp4`;

export const LL_NAMES = { segment: /^s(\d{1,9})\.m4s$/, part: /^p(\d{1,10})\.m4s$/, init: /^init\d{1,5}\.mp4$/ };

/** Whole segments listed with their parts, besides the one being written. */
const PART_SEGMENTS = 2;

const sec = (n: number, d = 5) => n.toFixed(d);

export function partHoldBack(partTarget: number): number {
  return 2.5 * partTarget;
}

export function canSkipUntil(targetDuration: number): number {
  return 6 * targetDuration;
}

/** Apple's Advance Part Limit: how far ahead of the last part a blocking request may ask. */
function advancePartLimit(partTarget: number): number {
  return partTarget < 1 ? Math.floor(3 / partTarget) : 3;
}

export interface HlsQuery {
  msn: number | null;
  part: number | null;
  skip: boolean;
  /** The query string without _HLS_* parameters ("" or "?a=b"), for every URI in the playlist. */
  passOn: string;
}

/** Reads _HLS_msn, _HLS_part and _HLS_skip; a malformed value or a part without msn is an error (→ 400). */
export function parseHlsQuery(search: string): HlsQuery | { error: string } {
  const raw = search.startsWith("?") ? search.slice(1) : search;
  const keep: string[] = [];
  let msn: number | null = null;
  let part: number | null = null;
  let skip = false;
  for (const pair of raw.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? "" : decodeURIComponent(pair.slice(eq + 1));
    if (!key.startsWith("_HLS_")) {
      keep.push(pair);
      continue;
    }
    if (key === "_HLS_msn" || key === "_HLS_part") {
      if (!/^\d{1,9}$/.test(value)) return { error: `${key} must be a whole number, got "${value}"` };
      if (key === "_HLS_msn") msn = Number(value);
      else part = Number(value);
    } else if (key === "_HLS_skip") {
      if (value !== "YES" && value !== "v2") return { error: `_HLS_skip must be YES or v2, got "${value}"` };
      skip = true;
    }
  }
  if (part !== null && msn === null) return { error: "_HLS_part needs _HLS_msn" };
  return { msn, part, skip, passOn: keep.length ? `?${keep.join("&")}` : "" };
}

export type Verdict = "ready" | "wait" | { error: string };

/**
 * Whether a playlist that satisfies _HLS_msn/_HLS_part exists yet. Asking beyond the next segment, or further
 * ahead of the last part than Apple's Advance Part Limit, is an error the server answers with 400 at once.
 */
export function blockingVerdict(view: LlView, msn: number, part: number | null): Verdict {
  const cur = view.current;
  if (msn > cur.msn + 1) return { error: `_HLS_msn ${msn} is beyond the next segment (${cur.msn + 1})` };
  if (part !== null && msn >= cur.msn) {
    const perSegment = Math.max(1, Math.round(view.targetDuration / view.partTarget));
    const ahead = msn === cur.msn ? part - (cur.parts.length - 1) : part + 1 + Math.max(0, perSegment - cur.parts.length);
    if (ahead > advancePartLimit(view.partTarget)) return { error: `_HLS_part ${part} of segment ${msn} is too far ahead of the last part` };
  }
  if (view.ended) return "ready";
  if (msn < cur.msn) {
    if (part === null) return "ready";
    const seg = view.segments.find((s) => s.msn === msn);
    // A part number past the end of a whole segment means the first part of the next one.
    return !seg || part < seg.parts.length ? "ready" : blockingVerdict(view, msn + 1, 0);
  }
  if (msn === cur.msn && part !== null && part < cur.parts.length) return "ready";
  return "wait";
}

/** How many of the oldest segments a delta update leaves out: those ending CAN-SKIP-UNTIL or more before the end. */
export function skippable(view: LlView): number {
  const skipUntil = canSkipUntil(view.targetDuration);
  let after = view.current.parts.reduce((t, p) => t + p.duration, 0);
  const durations = view.segments.map((s) => s.duration);
  let n = durations.length;
  // Walk back from the newest; everything older than the boundary can go.
  for (let i = durations.length - 1; i >= 0; i--) {
    if (after >= skipUntil) break;
    after += durations[i]!;
    n = i;
  }
  return after >= skipUntil ? n : 0;
}

function partLine(p: LlPart, q: string): string {
  return `#EXT-X-PART:DURATION=${sec(p.duration)},URI="${partName(p.id)}${q}"${p.independent ? ",INDEPENDENT=YES" : ""}`;
}

function lastReport(view: LlView): { msn: number; part: number } {
  const cur = view.current;
  if (cur.parts.length) return { msn: cur.msn, part: cur.parts.length - 1 };
  const last = view.segments[view.segments.length - 1];
  return { msn: last?.msn ?? cur.msn, part: Math.max(0, (last?.parts.length ?? 1) - 1) };
}

/** The LL-HLS media playlist (a delta update with EXT-X-SKIP when `skip`). `q` is copied onto every URI. */
export function llPlaylist(view: LlView, opts: { skip?: boolean; q?: string; reports?: readonly RenditionReport[] } = {}): string {
  const q = opts.q ?? "";
  const first = view.segments[0]?.msn ?? view.current.msn;
  const lines = [
    "#EXTM3U",
    "#EXT-X-VERSION:9",
    `#EXT-X-TARGETDURATION:${view.targetDuration}`,
    `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${sec(partHoldBack(view.partTarget), 3)},CAN-SKIP-UNTIL=${sec(canSkipUntil(view.targetDuration), 1)}`,
    `#EXT-X-PART-INF:PART-TARGET=${sec(view.partTarget, 3)}`,
    `#EXT-X-MEDIA-SEQUENCE:${first}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${view.discontinuitySequence}`,
    "#EXT-X-INDEPENDENT-SEGMENTS",
  ];
  const skipped = opts.skip ? skippable(view) : 0;
  if (skipped) lines.push(`#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped}`);
  let map: string | null = null;
  const head = (s: { map: string; discontinuity: boolean; pdt: number | null }, isFirst: boolean) => {
    if (s.discontinuity && !isFirst) lines.push("#EXT-X-DISCONTINUITY");
    if (s.map !== map) {
      map = s.map;
      lines.push(`#EXT-X-MAP:URI="${s.map}${q}"`);
    }
    if (s.pdt !== null) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.pdt).toISOString()}`);
  };
  const shown = view.segments.slice(skipped);
  shown.forEach((s, i) => {
    // The first segment of a full playlist never carries a discontinuity: the sequence number accounts for it.
    head(s, skipped === 0 && i === 0);
    if (view.segments.length - (skipped + i) <= PART_SEGMENTS) for (const p of s.parts) lines.push(partLine(p, q));
    lines.push(`#EXTINF:${sec(s.duration)},`, `${segmentName(s.msn)}${q}`);
  });
  if (view.ended) {
    lines.push("#EXT-X-ENDLIST");
  } else {
    if (view.current.parts.length) {
      head(view.current, shown.length === 0 && skipped === 0);
      for (const p of view.current.parts) lines.push(partLine(p, q));
    }
    lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${partName(view.nextPartId)}${q}"`);
    for (const r of opts.reports ?? []) {
      const last = lastReport(r.view);
      lines.push(`#EXT-X-RENDITION-REPORT:URI="${r.uri}${q}",LAST-MSN=${last.msn},LAST-PART=${last.part}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** A replay (VOD) entry for a whole fMP4 segment: the init map whenever a run begins. */
export function llReplayEntry(s: LlSegment, first: boolean, newMap: boolean): string {
  const head = [!first && s.discontinuity ? "#EXT-X-DISCONTINUITY" : "", newMap ? `#EXT-X-MAP:URI="${s.map}"` : ""].filter(Boolean);
  return [...head, `#EXT-X-PROGRAM-DATE-TIME:${new Date(s.pdt).toISOString()}`, `#EXTINF:${sec(s.duration, 6)},`, segmentName(s.msn)].join("\n") + "\n";
}
