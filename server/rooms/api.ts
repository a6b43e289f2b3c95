// JSON shape of a room for the public API (contract, docs/api.md: slug, title, url, live, viewers, hls).
import type { Room } from "./model";

export interface RoomJson {
  slug: string;
  title: string;
  url: string;
  live: boolean;
  viewers: number;
  hls: string | null;
  owner: string;
  description: string;
  category: string;
  tags: string[];
  liveSince: number | null;
}

export function roomJson(room: Room, viewers: number): RoomJson {
  const live = room.liveSince !== null;
  return {
    slug: room.slug, title: room.title, url: `/r/${room.slug}`, live, viewers,
    hls: live ? `/live/${room.slug}/index.m3u8` : null, owner: room.ownerUsername, description: room.description,
    category: room.category, tags: room.tags, liveSince: room.liveSince,
  };
}
