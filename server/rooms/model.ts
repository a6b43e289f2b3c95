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

export const CATEGORIES = ["just-chatting", "gaming", "music", "education", "shopping", "creative", "sports", "other"] as const;
export type Category = (typeof CATEGORIES)[number];
