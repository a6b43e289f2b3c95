// Chat domain types. A message's `parts` are the tokenized text (emotes, mentions, links) so every rendering
// (room page, overlays, replay, bots) shows the same thing without re-parsing.
export type Part =
  | { t: "text"; v: string }
  | { t: "emote"; name: string; url: string }
  | { t: "mention"; v: string }
  | { t: "link"; v: string };

export interface ChatMessage {
  id: number;
  roomId: number;
  userId: number | null;
  username: string;
  displayName: string;
  text: string;
  parts: Part[];
  kind: "user" | "bot";
  visibility: "all" | "sender";
  deleted: boolean;
  broadcastId: number | null;
  offsetMs: number | null;
  createdAt: number;
}

/**
 * The JSON event of a chat message (docs/events.md, type "chat"). parts: [{ t: "text", v } | { t: "emote", name, url }
 * | { t: "mention", v } | { t: "link", v }]. user null + bot true: an auto-reply (!command). A JSON socket's first
 * frames are the last 50, with history: true.
 */
export interface ChatEvent {
  type: "chat";
  id: number;
  user: { username: string; displayName: string } | null;
  text: string;
  parts: Part[];
  bot: boolean;
  /** The sender's membership badge of the room's creator (memberships), when they have one. */
  badge?: string;
  at: number;
  offsetMs: number | null;
}

/** What moderators did, as pages and overlays need it (a ban's ip flag and mod changes stay private). */
export type ModerationEvent = { type: "moderation" } & (
  | { action: "delete"; messageId: number }
  | { action: "timeout"; username: string; minutes: number }
  | { action: "ban" | "unban"; username: string }
  | { action: "slow"; seconds: number }
  | { action: "followers"; enabled: boolean }
);

declare module "../realtime/model" {
  interface RoomEvents {
    chat: ChatEvent;
    /** At most every 500 ms per room; count: likes since the last one. */
    like: { type: "like"; count: number; total: number };
    moderation: ModerationEvent;
    /** Someone followed the room's creator (also the fact "follow.created"). */
    follow: { type: "follow"; username: string; displayName: string };
  }
}

export interface ChatSettings {
  slowSeconds: number;
  followersOnly: boolean;
}

export interface Ban {
  userId: number;
  ip: string | null;
  /** null: banned until lifted; otherwise timed out until then. */
  until: number | null;
}

export type ModAction =
  | { action: "delete"; messageId: number }
  | { action: "timeout"; username: string; minutes: number }
  | { action: "ban"; username: string; ip?: boolean }
  | { action: "unban"; username: string }
  | { action: "slow"; seconds: number }
  | { action: "followers"; enabled: boolean }
  | { action: "mod"; username: string }
  | { action: "unmod"; username: string };

/** Why a message was refused; each code is answered to the sender with a notice. */
export type RefusalCode =
  | "login" | "empty" | "tooLong" | "rate" | "slow" | "timeout" | "banned" | "followers" | "link" | "forbidden" | "badCommand" | "members" | "access";
/** A notice to a chat sender: a refusal, or a malformed socket message. */
export type NoticeCode = RefusalCode | "invalid" | "failed";

export interface Refusal {
  ok: false;
  code: RefusalCode;
  status: number;
  vars?: Record<string, string | number>;
}

export const MAX_MESSAGE_LENGTH = 300;
export const HISTORY_SIZE = 50;
export const EMOTE_NAME = /^[a-z0-9_]{2,24}$/;
export const COMMAND_NAME = /^[a-z0-9_]{1,24}$/;
