// Sharing types and pure helpers: share cards (Open Graph / Twitter), embedding origins, oEmbed sizes, XML text.

/** What a page shows when shared: every URL absolute (built from the configured public URL). */
export interface ShareCard {
  title: string;
  description: string;
  url: string;
  /** The live poster, a replay's thumbnail, a cover or product image; null when there is none yet. */
  image: string | null;
  /** og:type */
  type: "video.other" | "website" | "product";
  /** The oEmbed discovery link, for pages that have a player to embed. */
  oembed?: string;
  /** The creator's Atom feed (/u/<username>/feed.xml), announced for feed readers. */
  feed?: string;
}

export const MAX_EMBED_ORIGINS = 20;
export const DESCRIPTION_CHARS = 200;

/** Shortens to `max` characters on a word boundary, with an ellipsis; collapses whitespace. */
export function excerpt(text: string, max = DESCRIPTION_CHARS): string {
  const s = text.replace(/\s+/g, " ").trim();
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return (space > max / 2 ? cut.slice(0, space) : cut) + "…";
}

/**
 * An embedding origin as the creator types it: scheme + host (+ port), e.g. https://blog.example.com. Anything
 * with a path, query, credentials or a wildcard is refused, so it can go into a CSP header as is.
 */
export function parseOrigin(raw: string): string | null {
  const s = raw.trim();
  if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/?$/.test(s)) return null;
  try {
    const u = new URL(s);
    return u.origin === "null" ? null : u.origin;
  } catch {
    return null;
  }
}

/** The CSP frame-ancestors value: our own pages always, the listed origins; no list means any site may embed. */
export function frameAncestors(origins: readonly string[]): string {
  return origins.length ? ["'self'", ...origins].join(" ") : "*";
}

export const EMBED_WIDTH = 640;
export const EMBED_HEIGHT = 360;

/** 16:9 inside the consumer's maxwidth/maxheight (oEmbed 1.0 §2.2), never larger than the default. */
export function embedSize(maxWidth: number | null, maxHeight: number | null): { width: number; height: number } {
  let width = Math.min(EMBED_WIDTH, maxWidth ?? EMBED_WIDTH);
  let height = Math.round((width * 9) / 16);
  if (maxHeight !== null && height > maxHeight) {
    height = maxHeight;
    width = Math.round((height * 16) / 9);
  }
  return { width, height };
}

/** Escapes text for XML content and attribute values; drops characters XML 1.0 does not allow. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
