// Serves HLS files from disk with the headers a CDN in front needs, Range support and strict names.
import { statSync } from "node:fs";

export const NAMES = {
  slug: /^[a-z0-9][a-z0-9-]{0,63}$/,
  broadcast: /^[1-9]\d{0,11}$/,
  rung: /^\d{3,4}p$/,
  segment: /^r\d{1,5}_\d{1,8}\.ts$/,
};

export type Kind = "playlist" | "segment" | "fmp4" | "poster";

const TYPES: Record<Kind, string> = { playlist: "application/vnd.apple.mpegurl", segment: "video/mp2t", fmp4: "video/mp4", poster: "image/jpeg" };

export function notFound(what: string): Response {
  return Response.json({ error: `${what} not found` }, { status: 404, headers: { "cache-control": "no-cache" } });
}

/** A blocking playlist request that can never be satisfied (_HLS_* out of range). */
export function badHlsRequest(error: string): Response {
  return Response.json({ error }, { status: 400, headers: { "cache-control": "no-cache" } });
}

/** A blocking request whose segment or part did not appear within three target durations. */
export function notInTime(what: string): Response {
  return Response.json({ error: `${what} did not appear in time` }, { status: 503, headers: { "cache-control": "no-cache", "retry-after": "1" } });
}

/** cacheControl: playlists change (no-cache) unless final; segments never change under their name. */
export function serveFile(path: string, kind: Kind, cacheControl: string, request: Request): Response {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return notFound(kind);
    size = st.size;
  } catch {
    return notFound(kind);
  }
  const headers: Record<string, string> = {
    "content-type": TYPES[kind], "cache-control": cacheControl, "access-control-allow-origin": "*", "accept-ranges": "bytes",
  };
  const file = Bun.file(path);
  const range = request.headers.get("range");
  if (range) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    let start = m?.[1] ? Number(m[1]) : NaN;
    let end = m?.[2] ? Number(m[2]) : size - 1;
    if (m && !m[1] && m[2]) {
      start = Math.max(0, size - Number(m[2]));
      end = size - 1;
    }
    if (!m || Number.isNaN(start) || start >= size || end < start) {
      return new Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${size}` } });
    }
    end = Math.min(end, size - 1);
    return new Response(file.slice(start, end + 1), { status: 206, headers: { ...headers, "content-range": `bytes ${start}-${end}/${size}`, "content-length": String(end - start + 1) } });
  }
  return new Response(file, { headers: { ...headers, "content-length": String(size) } });
}

/** A playlist held in memory (we wrote it ourselves); gzip: the body is gzipped (playlist-gzip.ts). */
export function servePlaylistText(text: string | Uint8Array<ArrayBuffer>, cacheControl: string, gzip?: boolean): Response {
  const headers: Record<string, string> = { "content-type": TYPES.playlist, "cache-control": cacheControl, "access-control-allow-origin": "*" };
  if (gzip !== undefined) headers.vary = "accept-encoding";
  if (gzip) headers["content-encoding"] = "gzip";
  return new Response(text, { headers });
}
