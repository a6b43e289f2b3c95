// Signed media URLs in nginx secure_link's own format, so a stock nginx (or any proxy that can do the same MD5)
// checks them at the edge without calling us:
//   md5     = base64url(MD5("<expires><prefix> <secret>")) without padding
//   expires = unix seconds
// nginx: secure_link $arg_md5,$arg_expires; secure_link_md5 "$secure_link_expires$lh_prefix <secret>";
// (docs/access.md). This is a keyed MD5, not an HMAC: it is what the edge can verify. The signed string holds
// only digits and a strictly validated path prefix, so the attacker controls no free bytes for an MD5 collision;
// the secret is 32 random bytes; we compare in constant time.
import { timingSafeEqual } from "node:crypto";
import type { MediaToken } from "./model";

const MD5_B64URL = /^[A-Za-z0-9_-]{22}$/;

export function signMedia(secret: string, prefix: string, expires: number): string {
  return Bun.MD5.hash(`${expires}${prefix} ${secret}`, "base64url");
}

export function mediaToken(secret: string, prefix: string, expires: number): MediaToken {
  return { md5: signMedia(secret, prefix, expires), expires };
}

export function tokenQuery(t: MediaToken): string {
  return `md5=${t.md5}&expires=${t.expires}`;
}

export type TokenCheck = "ok" | "missing" | "expired" | "invalid";

/** One query parameter's raw value (our values are plain base64url and digits: no decoding needed). */
const PARAMS = { md5: /(?:^|&)md5=([^&]*)/, expires: /(?:^|&)expires=([^&]*)/ };

function param(query: string, name: keyof typeof PARAMS): string | null {
  const m = PARAMS[name].exec(query);
  return m ? m[1]! : null;
}

/** The md5/expires of a query that checkMedia accepted. */
export function tokenIn(query: string): MediaToken {
  return { md5: param(query, "md5")!, expires: Number(param(query, "expires")) };
}

/** The query string of a request URL, without parsing the whole URL (the media hot path). */
export function queryOf(url: string): string {
  const i = url.indexOf("?");
  return i < 0 ? "" : url.slice(i + 1);
}

/** Checks the `md5`/`expires` query parameters against the path prefix; nowSec in unix seconds. */
export function checkMedia(secret: string, prefix: string, query: string, nowSec: number): TokenCheck {
  const md5 = param(query, "md5");
  const expiresRaw = param(query, "expires");
  if (md5 === null && expiresRaw === null) return "missing";
  if (md5 === null || expiresRaw === null || !MD5_B64URL.test(md5) || !/^\d{1,12}$/.test(expiresRaw)) return "invalid";
  const expires = Number(expiresRaw);
  const want = Buffer.from(signMedia(secret, prefix, expires));
  if (!timingSafeEqual(want, Buffer.from(md5))) return "invalid";
  return expires > nowSec ? "ok" : "expired";
}

const URI_ATTR = /URI="([^"]*)"/g;

/**
 * A playlist cut where each URI ends, the "?" or "&" already on the static side: signing is then one native
 * `parts.join(query)`, not a parse per request. A URI that already carries the token (the LL-HLS playlists copy
 * the playlist's query onto their URIs) gets no insertion point.
 */
export interface PlaylistTemplate {
  parts: string[];
}

export function compilePlaylist(text: string): PlaylistTemplate {
  const parts: string[] = [];
  let pending = "";
  const insertAfter = (before: string, uri: string) => {
    if (/[?&]md5=/.test(uri)) return void (pending += before);
    parts.push(pending + before + (uri.includes("?") ? "&" : "?"));
    pending = "";
  };
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const nl = i < lines.length - 1 ? "\n" : "";
    if (line.startsWith("#")) {
      let last = 0;
      for (const m of line.matchAll(URI_ATTR)) {
        const end = m.index + 5 + m[1]!.length;
        insertAfter(line.slice(last, end), m[1]!);
        last = end;
      }
      pending += line.slice(last) + nl;
    } else if (line.trim() === "") pending += line + nl;
    else {
      insertAfter(line.trimEnd(), line);
      pending += nl;
    }
  });
  parts.push(pending);
  return { parts };
}

export function applyTemplate(t: PlaylistTemplate, query: string): string {
  return t.parts.join(query);
}

/**
 * Appends the token to every URI a playlist lists: segment and variant lines, and URI="…" attributes
 * (EXT-X-MAP, EXT-X-MEDIA, EXT-X-PART, EXT-X-PRELOAD-HINT, EXT-X-I-FRAME-STREAM-INF, …).
 */
export function signPlaylist(text: string, query: string): string {
  return applyTemplate(compilePlaylist(text), query);
}

/**
 * The expiry handed out at `nowMs`: now + ttl rounded down to a step of a tenth of the ttl (at most a minute), so
 * everyone who asks for the same path within one step gets the same signature. The token binds a path prefix and
 * an expiry, never a viewer, so this shares nothing that was not already shareable (a signed URL opens the path for
 * whoever holds it); it shortens a token's life by under a tenth and lets one signed playlist body serve every
 * viewer of a room instead of being built per viewer.
 */
export function tokenExpiry(nowMs: number, ttlSeconds: number): number {
  const step = Math.max(1, Math.min(60, Math.floor(ttlSeconds / 10)));
  return Math.floor((Math.floor(nowMs / 1000) + ttlSeconds) / step) * step;
}

/**
 * signPlaylist with the work kept: one template per playlist text (replays never change; a live one changes per
 * segment) and the signed bodies of recent (playlist, token) pairs, encoded once. With tokenExpiry's shared
 * signatures a playlist version is built once per step and path, whoever asks. Bounded by `maxBytes` of bodies.
 */
export function createPlaylistSigner(maxTemplates = 512, maxBytes = 32 << 20): (text: string, query: string) => Uint8Array<ArrayBuffer> {
  const templates = new Map<string, PlaylistTemplate>();
  const bodies = new Map<PlaylistTemplate, Map<string, Uint8Array<ArrayBuffer>>>();
  let bytes = 0;
  const encoder = new TextEncoder();
  return (text, query) => {
    let t = templates.get(text);
    if (!t) {
      if (templates.size >= maxTemplates) {
        templates.clear();
        bodies.clear();
        bytes = 0;
      }
      templates.set(text, (t = compilePlaylist(text)));
    }
    let signed = bodies.get(t);
    const hit = signed?.get(query);
    if (hit) return hit;
    const body = encoder.encode(applyTemplate(t, query));
    if (bytes + body.length > maxBytes) {
      bodies.clear();
      bytes = 0;
      signed = undefined;
    }
    if (!signed) bodies.set(t, (signed = new Map()));
    // A template sees few tokens at once (one per step); old ones are dropped first.
    if (signed.size >= 8) {
      const [oldest, old] = signed.entries().next().value!;
      signed.delete(oldest);
      bytes -= old.length;
    }
    signed.set(query, body);
    bytes += body.length;
    return body;
  };
}
