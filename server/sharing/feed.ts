// A creator's public Atom feed (RFC 4287): their upcoming classes, live-now and announced lives, and replays.
// Every text and attribute goes through xmlEscape; every link is absolute (the configured public URL).
import type { Database } from "bun:sqlite";
import type { User } from "../accounts/model";
import { listByTeacher } from "../classes/classes";
import { scheduledLives } from "../notifications/schedule";
import { getRoomById, listRoomsByOwner } from "../rooms/rooms";
import { xmlEscape as x } from "./model";
import * as store from "./storage";

interface Entry { id: string; title: string; url: string; updated: number; published: number; summary: string; category: "class" | "live" | "scheduled" | "replay" }

export const FEED_REPLAYS = 20;

const iso = (ms: number) => new Date(ms).toISOString();

export function feedEntries(db: Database, owner: User, base: string, now: number): Entry[] {
  const out: Entry[] = [];
  for (const r of listRoomsByOwner(db, owner.id)) {
    if (r.liveSince) out.push({ id: `${base}/r/${r.slug}#live-${r.liveSince}`, title: `LIVE: ${r.title}`, url: `${base}/r/${r.slug}`, updated: r.liveSince, published: r.liveSince, summary: r.description, category: "live" });
  }
  for (const s of scheduledLives(db, owner.id, now)) {
    const r = getRoomById(db, s.roomId);
    if (r) out.push({ id: `${base}/r/${r.slug}#scheduled-${s.at}`, title: `${r.title} — ${iso(s.at).slice(0, 16).replace("T", " ")} UTC`, url: `${base}/r/${r.slug}`, updated: s.at, published: s.at, summary: r.description, category: "scheduled" });
  }
  for (const c of listByTeacher(db, owner.id)) {
    if (c.startsAt > now) out.push({ id: `${base}/classes/${c.id}`, title: `${c.title} — ${iso(c.startsAt).slice(0, 16).replace("T", " ")} UTC`, url: `${base}/classes/${c.id}`, updated: c.createdAt, published: c.startsAt, summary: c.description, category: "class" });
  }
  for (const b of store.ownerReplays(db, owner.id, FEED_REPLAYS)) {
    out.push({ id: `${base}/replays/${b.id}`, title: `Replay: ${b.roomTitle}`, url: `${base}/replays/${b.id}`, updated: b.endedAt, published: b.startedAt, summary: `${Math.round(b.durationMs / 60_000)} min`, category: "replay" });
  }
  return out;
}

export function atomFeed(owner: User, base: string, entries: readonly Entry[], now: number): string {
  const self = `${base}/u/${encodeURIComponent(owner.username)}/feed.xml`;
  const updated = entries.reduce((m, e) => Math.max(m, e.updated), 0) || now;
  const lines = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom">`,
    `  <id>${x(self)}</id>`,
    `  <title>${x(`${owner.displayName} on Livehouse`)}</title>`,
    `  <updated>${iso(updated)}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${x(self)}"/>`,
    `  <link rel="alternate" type="text/html" href="${x(`${base}/shop/u/${encodeURIComponent(owner.username)}`)}"/>`,
    `  <author><name>${x(owner.displayName)}</name></author>`,
    `  <generator>Livehouse</generator>`,
  ];
  for (const e of entries) {
    lines.push(
      `  <entry>`,
      `    <id>${x(e.id)}</id>`,
      `    <title>${x(e.title)}</title>`,
      `    <link rel="alternate" type="text/html" href="${x(e.url)}"/>`,
      `    <updated>${iso(e.updated)}</updated>`,
      `    <published>${iso(e.published)}</published>`,
      `    <category term="${e.category}"/>`,
      `    <summary>${x(e.summary)}</summary>`,
      `  </entry>`,
    );
  }
  lines.push(`</feed>`, "");
  return lines.join("\n");
}
