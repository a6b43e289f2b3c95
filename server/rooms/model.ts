export interface Room {
  id: number;
  ownerId: number;
  ownerName: string;
  ownerUsername: string;
  slug: string;
  title: string;
  description: string;
  category: string;
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

/** standard: HLS with whole segments; low: Apple LL-HLS with parts (server/media/llhls.ts). */
export const LATENCY_MODES = ["standard", "low"] as const;
export type LatencyMode = (typeof LATENCY_MODES)[number];

export const isLatencyMode = (v: string): v is LatencyMode => (LATENCY_MODES as readonly string[]).includes(v);

/** The mode a broadcast of this room uses. */
export const latencyOf = (room: Pick<Room, "latency">, instanceDefault: LatencyMode): LatencyMode => room.latency ?? instanceDefault;

export const CATEGORIES = ["just-chatting", "gaming", "music", "education", "shopping", "creative", "sports", "other"] as const;
