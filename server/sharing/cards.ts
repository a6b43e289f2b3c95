// Share cards for the room, class, product and replay pages: title, a short description, the page's absolute URL
// and an image — the live poster while a room is live (server/media writes it), else its cover or the newest
// replay's thumbnail; a replay's own thumbnail; a product's first image; a class's room poster or cover.
import type { Database } from "bun:sqlite";
import type { ClassInfo } from "../classes/model";
import type { Broadcast } from "../media/model";
import type { Room } from "../rooms/model";
import type { Product } from "../shop/model";
import type { Translate } from "../i18n";
import { excerpt, type ShareCard } from "./model";
import { lastReplayId } from "./storage";

const abs = (base: string, path: string) => base + path;

/** Live: the live poster; offline: the cover, else the newest replay's thumbnail. */
export function roomImage(db: Database, base: string, room: Room): string | null {
  if (room.liveSince) return abs(base, `/live/${room.slug}/poster.jpg`);
  if (room.coverPath) return abs(base, `/covers/${room.coverPath}`);
  const replay = lastReplayId(db, room.id);
  return replay !== null ? abs(base, `/replays/${replay}/poster.jpg`) : null;
}

export const feedUrl = (base: string, username: string): string => abs(base, `/u/${encodeURIComponent(username)}/feed.xml`);

export function oembedLink(base: string, pageUrl: string): string {
  return abs(base, `/oembed?url=${encodeURIComponent(pageUrl)}&format=json`);
}

export function roomCard(db: Database, base: string, t: Translate, room: Room): ShareCard {
  const url = abs(base, `/r/${room.slug}`);
  return {
    title: room.liveSince ? t("share.liveTitle", { room: room.title }) : room.title,
    description: excerpt(room.description) || t("share.roomDescription", { name: room.ownerName }),
    url, image: roomImage(db, base, room), type: "video.other", oembed: oembedLink(base, url), feed: feedUrl(base, room.ownerUsername),
  };
}

export function classCard(db: Database, base: string, t: Translate, c: ClassInfo, room: Room | null): ShareCard {
  return {
    title: c.title,
    description: excerpt(c.description) || t("share.classDescription", { name: c.teacherName, start: new Date(c.startsAt).toISOString().slice(0, 16).replace("T", " ") + " UTC" }),
    url: abs(base, `/classes/${c.id}`), image: room ? roomImage(db, base, room) : null, type: "website", feed: feedUrl(base, c.teacherUsername),
  };
}

export function productCard(base: string, p: Product): ShareCard {
  const img = p.images[0];
  return { title: p.title, description: excerpt(p.description) || p.ownerName, url: abs(base, `/shop/p/${p.id}`), image: img ? abs(base, `/shop/images/${img}`) : null, type: "product" };
}

export function replayCard(base: string, t: Translate, b: Broadcast, room: Room): ShareCard {
  return {
    title: t("share.replayTitle", { room: room.title }),
    description: excerpt(room.description) || t("share.roomDescription", { name: room.ownerName }),
    url: abs(base, `/replays/${b.id}`), image: abs(base, `/replays/${b.id}/poster.jpg`), type: "video.other",
  };
}

