// Turns message text into parts: plain text, creator emotes (:name:), @mentions and (moderators only) links.
// Pure: the caller passes the room's emotes and whether links may become anchors.
import type { Part } from "./model";

const TOKEN = /(:[a-z0-9_]{2,24}:)|(@[A-Za-z0-9._-]{3,32})|(https?:\/\/[^\s<>"']{1,300})/g;

export function tokenize(text: string, emotes: ReadonlyMap<string, string>, allowLinks: boolean): Part[] {
  const parts: Part[] = [];
  let last = 0;
  const push = (v: string) => {
    if (!v) return;
    const prev = parts[parts.length - 1];
    if (prev?.t === "text") prev.v += v;
    else parts.push({ t: "text", v });
  };
  for (const m of text.matchAll(TOKEN)) {
    const [all, emote, mention, link] = m;
    const at = m.index ?? 0;
    push(text.slice(last, at));
    last = at + all.length;
    const url = emote ? emotes.get(emote.slice(1, -1)) : undefined;
    if (emote && url) parts.push({ t: "emote", name: emote.slice(1, -1), url });
    else if (mention) parts.push({ t: "mention", v: mention.slice(1) });
    else if (link && allowLinks) parts.push({ t: "link", v: link });
    else push(all);
  }
  push(text.slice(last));
  return parts;
}

const LINKISH = /(https?:\/\/|www\.)\S|\b[a-z0-9-]{2,}\.(com|net|org|io|cn|ly|gg|tv|me|app|dev|xyz|co|ru|info|biz|shop|link|site|top)\b/i;

export function containsLink(text: string): boolean {
  return LINKISH.test(text);
}

/** Normalized for term matching: width/compatibility forms folded, case folded. */
export function normalize(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

/**
 * A term made of Latin letters and digits matches whole words only ("ass" does not block "class"); any other term
 * (Chinese has no spaces between words) matches anywhere in the text.
 */
export function matchesTerm(text: string, terms: readonly string[]): boolean {
  if (!terms.length) return false;
  const n = normalize(text);
  return terms.some((raw) => {
    const t = normalize(raw).trim();
    if (!t) return false;
    if (!/^[a-z0-9 ]+$/.test(t)) return n.includes(t);
    for (let i = n.indexOf(t); i >= 0; i = n.indexOf(t, i + 1)) {
      if (!/[a-z0-9]/.test(n[i - 1] ?? "") && !/[a-z0-9]/.test(n[i + t.length] ?? "")) return true;
    }
    return false;
  });
}
