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

export interface FieldError {
  field: string;
  message: MessageKey;
}

/** Most gifts one request may send (a combo is many requests). */
export const MAX_COUNT = 99;
