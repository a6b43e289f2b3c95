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
 * A playlist cut where each URI ends: signing is then one join, not a parse per request. `seps[i]` goes between
 * `chunks[i]` and the query ("?" or "&"); a URI that already carries the token (the LL-HLS playlists copy the
 * playlist's query onto their URIs) gets no insertion point.
 */
export interface PlaylistTemplate {
  chunks: string[];
  seps: string[];
}

export function compilePlaylist(text: string): PlaylistTemplate {
  const chunks: string[] = [];
  const seps: string[] = [];
  let pending = "";
  const insertAfter = (before: string, uri: string) => {
    if (/[?&]md5=/.test(uri)) return void (pending += before);
    chunks.push(pending + before);
    seps.push(uri.includes("?") ? "&" : "?");
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
  chunks.push(pending);
  return { chunks, seps };
}

export function applyTemplate(t: PlaylistTemplate, query: string): string {
  let out = t.chunks[0]!;
  for (let i = 0; i < t.seps.length; i++) out += t.seps[i]! + query + t.chunks[i + 1]!;
  return out;
}

/**
 * Appends the token to every URI a playlist lists: segment and variant lines, and URI="…" attributes
 * (EXT-X-MAP, EXT-X-MEDIA, EXT-X-PART, EXT-X-PRELOAD-HINT, EXT-X-I-FRAME-STREAM-INF, …).
 */
export function signPlaylist(text: string, query: string): string {
  return applyTemplate(compilePlaylist(text), query);
}

/** signPlaylist with the templates of recent playlists kept (replays never change; a live one changes per segment). */
export function createPlaylistSigner(max = 512): (text: string, query: string) => string {
  const templates = new Map<string, PlaylistTemplate>();
  return (text, query) => {
    let t = templates.get(text);
    if (!t) {
      if (templates.size >= max) templates.clear();
      templates.set(text, (t = compilePlaylist(text)));
    }
    return applyTemplate(t, query);
  };
}
