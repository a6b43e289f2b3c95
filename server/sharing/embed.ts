// The embed allow-list rules: parse the creator's list (one origin per line), store it, read it back.
import { MAX_EMBED_ORIGINS, parseOrigin } from "./model";
import * as store from "./storage";

export type OriginsResult = { ok: true; origins: string[] } | { ok: false; line: string; tooMany: boolean };

export function parseOrigins(text: string): OriginsResult {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const origins: string[] = [];
  for (const line of lines) {
    const o = parseOrigin(line);
    if (!o) return { ok: false, line, tooMany: false };
    if (!origins.includes(o)) origins.push(o);
  }
  if (origins.length > MAX_EMBED_ORIGINS) return { ok: false, line: "", tooMany: true };
  return { ok: true, origins };
}

export const { listOrigins, setOrigins } = store;
