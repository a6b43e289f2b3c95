import type { LatencyMode } from "../config";
export { LATENCY_MODES, isLatencyMode, type LatencyMode } from "../config";

export interface Room {
  id: number;
  ownerId: number;
  ownerName: string;
  ownerUsername: string;
  slug: string;
  title: string;
  description: string;
  category: Category;
  tags: string[];
  coverPath: string | null;
  /** Latency mode chosen for the room; null follows the instance default (config latencyMode). */
  latency: LatencyMode | null;
  /** When the current broadcast started; null when offline. */
  liveSince: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface RoomInput {
  title: string;
  description: string;
  category: string;
  tags: string;
}

/** The mode a broadcast of this room uses. */
export const latencyOf = (room: Pick<Room, "latency">, instanceDefault: LatencyMode): LatencyMode => room.latency ?? instanceDefault;

export const CATEGORIES = ["just-chatting", "gaming", "music", "education", "shopping", "creative", "sports", "other"] as const;
export type Category = (typeof CATEGORIES)[number];
