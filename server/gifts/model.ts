import type { MessageKey } from "../i18n";

export const TIERS = [1, 2, 3, 4] as const;
export type Tier = (typeof TIERS)[number];

export interface Gift {
  id: number;
  name: string;
  /** File name under /gifts/img/, or null for a text-only gift. */
  image: string | null;
  coins: number;
  tier: Tier;
  active: boolean;
  createdAt: number;
}

export interface GiftInput {
  name: string;
  coins: number;
  tier?: number;
}

export interface GiftSend {
  id: number;
  txId: number;
  roomId: number;
  senderId: number;
  giftId: number;
  count: number;
  coins: number;
  creatorCoins: number;
  platformCoins: number;
  createdAt: number;
}

export interface Gifter {
  userId: number;
  displayName: string;
  coins: number;
}

export interface Goal {
  title: string;
  target: number;
  progress: number;
}

/** A creator's gift earnings per room (the earnings page). */
export interface EarningRow { roomId: number; roomTitle: string; roomSlug: string; coins: number; creatorCoins: number; sends: number }

/** One gift a creator received (the earnings page). */
export interface ReceivedRow { id: number; createdAt: number; sender: string; giftName: string; count: number; creatorCoins: number; roomTitle: string }

export interface FieldError {
  field: string;
  message: MessageKey;
}

/** Most gifts one request may send (a combo is many requests). */
export const MAX_COUNT = 99;

/** A gift image's public URL (images are served by the gifts routes). */
export function giftImageUrl(image: string | null): string | null {
  return image ? `/gifts/img/${image}` : null;
}

/** The room event of a sent gift (JSON for bots and overlays; public/js/overlay.js reads it, see server/overlays/model.ts). */
export interface GiftEvent {
  type: "gift";
  id: number;
  sender: { username: string; displayName: string };
  gift: { id: number; name: string; image: string | null; tier: Tier; coins: number };
  count: number;
  /** Running count of this sender repeating this gift (see combo.ts). */
  combo: number;
  coins: number;
  at: number;
  top: TopGifter[];
  goal: Goal | null;
}

export type TopGifter = Pick<Gifter, "displayName" | "coins">;

/** A new broadcast starts with an empty top-gifters board. */
export interface BoardEvent {
  type: "board";
  top: TopGifter[];
}

/** The room's goal changed (null: no goal). */
export interface GoalEvent {
  type: "goal";
  goal: Goal | null;
}

declare module "../realtime/model" {
  interface RoomEvents {
    gift: GiftEvent;
    board: BoardEvent;
    goal: GoalEvent;
  }
}
