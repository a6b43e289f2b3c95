// Our own media playlists, built from the segments ffmpeg reports: a sliding live window and a growing replay
// (EVENT while live, ENDLIST at the end), both with EXT-X-PROGRAM-DATE-TIME set to when the frames reached us,
// and a discontinuity wherever a restarted ffmpeg picks up.
export interface FfmpegEntry {
  name: string;
  duration: number;
  /** ffmpeg's program date time in ms, anchored when its muxer started. */
  pdt: number | null;
}

export interface Segment {
  name: string;
  duration: number;
  /** Wall-clock ms at which the segment's first frame reached the server. */
  pdt: number;
  discontinuity: boolean;
}

const SEGMENT_NAME = /^r\d+_\d+\.ts$/;

export function parseFfmpegPlaylist(text: string): FfmpegEntry[] {
  const out: FfmpegEntry[] = [];
  let duration = 0;
  let pdt: number | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#EXTINF:")) duration = parseFloat(line.slice(8));
    else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) pdt = Date.parse(line.slice(25).replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
    else if (SEGMENT_NAME.test(line)) {
      out.push({ name: line, duration, pdt: pdt !== null && !Number.isNaN(pdt) ? pdt : null });
      pdt = null;
    }
  }
  return out;
}

function entry(s: Segment): string {
  return `${s.discontinuity ? "#EXT-X-DISCONTINUITY\n" : ""}#EXT-X-PROGRAM-DATE-TIME:${new Date(s.pdt).toISOString()}\n#EXTINF:${s.duration.toFixed(6)},\n${s.name}\n`;
}

/**
 * The live window: the last `size` segments of `all`, none before `from` (a rung that came back after being
 * dropped starts its window at its return; the media sequence keeps counting).
 */
export function livePlaylist(all: readonly Segment[], size: number, targetDuration: number, from = 0): string {
  const start = Math.max(from, all.length - size);
  let discontinuitySeq = 0;
  for (let i = 1; i <= start && i < all.length; i++) if (all[i]!.discontinuity) discontinuitySeq++;
  const window = all.slice(start);
  const head = [
    "#EXTM3U", "#EXT-X-VERSION:6", `#EXT-X-TARGETDURATION:${targetDuration}`, `#EXT-X-MEDIA-SEQUENCE:${start}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${discontinuitySeq}`, "#EXT-X-INDEPENDENT-SEGMENTS",
    // Blocking reload (_HLS_msn) without parts: a player asks for the next segment and gets the playlist the
    // moment it is listed, instead of polling once per target duration out of phase with it (docs/live.md).
    `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,HOLD-BACK=${(targetDuration * 3).toFixed(1)}`,
  ].join("\n");
  // The first segment in the window never carries a discontinuity tag: the sequence number accounts for it.
  return head + "\n" + window.map((s, i) => entry(i === 0 ? { ...s, discontinuity: false } : s)).join("");
}

export function replayHeader(targetDuration: number): string {
  return ["#EXTM3U", "#EXT-X-VERSION:6", `#EXT-X-TARGETDURATION:${targetDuration}`, "#EXT-X-PLAYLIST-TYPE:EVENT", "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-INDEPENDENT-SEGMENTS"].join("\n") + "\n";
}

export function replayEntry(s: Segment, first: boolean): string {
  return entry(first ? { ...s, discontinuity: false } : s);
}

export const ENDLIST = "#EXT-X-ENDLIST\n";

/** Sum of EXTINF durations in a playlist, in ms. */
export function playlistDurationMs(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/#EXTINF:([\d.]+)/g)) total += parseFloat(m[1]!);
  return Math.round(total * 1000);
}
