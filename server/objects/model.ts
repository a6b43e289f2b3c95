// Replays on S3-compatible object storage (docs/operations.md, "Replays on S3"): the upload state of each replay
// and the pure helpers that name its objects, order its upload and point its playlists at the bucket.

/** pending: waiting for (another) attempt; done: every object uploaded and verified, local segments removed. */
export type UploadState = "pending" | "done";

export interface ReplayUpload {
  broadcastId: number;
  /** Object key prefix, "replays/<id>-<random>/": unguessable, so a replay's objects cannot be found by id. */
  prefix: string;
  state: UploadState;
  attempts: number;
  nextAt: number;
  lastError: string | null;
  uploadedAt: number | null;
}

/** A file of a finished broadcast folder and the object key it becomes. */
export interface ObjectFile {
  /** Path relative to the broadcast folder, e.g. "360p/r0_12.ts". */
  local: string;
  key: string;
  kind: "media" | "rendition" | "master";
  type: string;
}

const TYPES: Record<string, string> = { ts: "video/mp2t", m4s: "video/mp4", mp4: "video/mp4", jpg: "image/jpeg", m3u8: "application/vnd.apple.mpegurl" };
const MEDIA = /^(\d{3,4}p)\/((r\d{1,5}_\d{1,8}\.ts)|(s\d{1,9}\.m4s)|(init\d{1,5}\.mp4))$/;

/**
 * The objects of a replay, in upload order: every segment, init segment and the poster first, then each
 * rendition's playlist (local replay.m3u8 → <rung>/index.m3u8), then the master. A player that finds a playlist
 * in the bucket therefore finds everything it lists. The live window's playlists and temporary files are skipped.
 */
export function uploadPlan(prefix: string, files: readonly string[]): ObjectFile[] {
  const out: ObjectFile[] = [];
  const type = (f: string) => TYPES[f.slice(f.lastIndexOf(".") + 1)]!;
  for (const f of [...files].sort()) {
    if (MEDIA.test(f) || f === "poster.jpg") out.push({ local: f, key: prefix + f, kind: "media", type: type(f) });
  }
  for (const f of [...files].sort()) {
    const m = /^(\d{3,4}p)\/replay\.m3u8$/.exec(f);
    if (m) out.push({ local: f, key: `${prefix}${m[1]}/index.m3u8`, kind: "rendition", type: TYPES.m3u8! });
  }
  if (files.includes("index.m3u8")) out.push({ local: "index.m3u8", key: `${prefix}index.m3u8`, kind: "master", type: TYPES.m3u8! });
  return out;
}

/** Whether a broadcast-relative path is a segment (removed locally once uploaded and verified). */
export const isSegmentFile = (local: string): boolean => MEDIA.test(local);

/**
 * A media playlist with its segment URIs (and EXT-X-MAP's) replaced by `urlOf(name)`: the replay's playlists stay
 * with Livehouse, which decides who may watch, while the bytes come from the bucket.
 */
export function pointPlaylistAt(text: string, urlOf: (name: string) => string): string {
  return text
    .split("\n")
    .map((line) => {
      if (line.startsWith("#EXT-X-MAP:")) return line.replace(/URI="([^"?]+)[^"]*"/, (_m, name: string) => `URI="${urlOf(name)}"`);
      if (!line || line.startsWith("#")) return line;
      return urlOf(line.split("?")[0]!);
    })
    .join("\n");
}

/** Next retry after `attempts` failures: 1 s, 2 s, 4 s … capped at 5 minutes. A replay is never given up on. */
export function retryDelayMs(attempts: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** An uploaded replay as the HLS routes see it (server/media/routes.tsx). */
export interface RemoteReplay {
  /** The bucket's master playlist for a public replay when a public URL is configured; null: play through Livehouse. */
  master(open: boolean): string | null;
  /** One object (path relative to the broadcast folder): the public URL for an open replay, else a presigned URL. */
  url(path: string, open: boolean): string;
}

/** The uploaded replay with this broadcast id, or null when it is (still) served from local disk. */
export type ReplayRemote = (broadcastId: number) => RemoteReplay | null;
