// Signed media URLs in nginx secure_link's own format, so a stock nginx (or any proxy that can do the same MD5)
// checks them at the edge without calling us:
//   md5     = base64url(MD5("<expires><prefix> <secret>")) without padding
//   expires = unix seconds
// nginx: secure_link $arg_md5,$arg_expires; secure_link_md5 "$secure_link_expires$lh_prefix <secret>";
// (docs/access.md). This is a keyed MD5, not an HMAC: it is what the edge can verify. The signed string holds
// only digits and a strictly validated path prefix, so the attacker controls no free bytes for an MD5 collision;
// the secret is 32 random bytes; we compare in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import type { MediaToken } from "./model";

const MD5_B64URL = /^[A-Za-z0-9_-]{22}$/;

export function signMedia(secret: string, prefix: string, expires: number): string {
  return createHash("md5").update(`${expires}${prefix} ${secret}`).digest("base64url");
}

export function mediaToken(secret: string, prefix: string, expires: number): MediaToken {
  return { md5: signMedia(secret, prefix, expires), expires };
}

export function tokenQuery(t: MediaToken): string {
  return `md5=${t.md5}&expires=${t.expires}`;
}

export type TokenCheck = "ok" | "missing" | "expired" | "invalid";

/** Checks the `md5`/`expires` query parameters against the path prefix; nowSec in unix seconds. */
export function checkMedia(secret: string, prefix: string, params: URLSearchParams, nowSec: number): TokenCheck {
  const md5 = params.get("md5");
  const expiresRaw = params.get("expires");
  if (md5 === null && expiresRaw === null) return "missing";
  if (md5 === null || expiresRaw === null || !MD5_B64URL.test(md5) || !/^\d{1,12}$/.test(expiresRaw)) return "invalid";
  const expires = Number(expiresRaw);
  const want = Buffer.from(signMedia(secret, prefix, expires));
  if (!timingSafeEqual(want, Buffer.from(md5))) return "invalid";
  return expires > nowSec ? "ok" : "expired";
}

const URI_ATTR = /URI="([^"]*)"/g;

function withQuery(uri: string, query: string): string {
  // A URI that already carries the token (the LL-HLS playlists copy the playlist's query onto their URIs) is left.
  if (/[?&]md5=/.test(uri)) return uri;
  return uri + (uri.includes("?") ? "&" : "?") + query;
}

/**
 * Appends the token to every URI a playlist lists: segment and variant lines, and URI="…" attributes
 * (EXT-X-MAP, EXT-X-MEDIA, EXT-X-PART, EXT-X-PRELOAD-HINT, EXT-X-I-FRAME-STREAM-INF, …).
 */
export function signPlaylist(text: string, query: string): string {
  return text
    .split("\n")
    .map((line) => {
      if (line === "" || line === "\r") return line;
      if (line.startsWith("#")) return line.includes('URI="') ? line.replace(URI_ATTR, (_m, uri: string) => `URI="${withQuery(uri, query)}"`) : line;
      return withQuery(line.trimEnd(), query);
    })
    .join("\n");
}
