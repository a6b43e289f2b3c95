// Notifications types and pure helpers: go-live recipients, queued mails, "notify me" targets, the bell frame.
import type { Lang } from "../i18n";

/** Someone to tell that a room went live: a follower of its creator or who asked to be notified. */
export interface Recipient {
  userId: number;
  /** Their go-live address, when they gave one and did not opt out of this creator's mail. */
  email: string | null;
}

export interface QueuedMail {
  id: number;
  userId: number;
  creatorId: number;
  roomId: number;
  broadcastId: number;
  email: string;
}

/** A queued mail about to go out, in the language its recipient reads the site in. */
export interface PendingMail extends QueuedMail {
  lang: Lang;
}

export type NotifyKind = "room" | "class";

/** What the bell socket sends: the signed-in user's unread count. */
export interface BellFrame {
  type: "unread";
  count: number;
}

export const bellFrame = (count: number): string => JSON.stringify({ type: "unread", count } satisfies BellFrame);

const ADDRESS = /^[^\s<>@,;"]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$/;

/** A go-live address as typed: trimmed; null when it is not an address. Empty means "no mail". */
export function parseEmail(raw: string): string | null {
  const s = raw.trim();
  return s.length <= 254 && ADDRESS.test(s) ? s : null;
}

/** "2026-12-01T18:00" (a datetime-local field, taken as UTC) or an ISO time → UTC ms; null when unreadable. */
export function parseWhen(raw: string): number | null {
  const s = raw.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/.test(s)) return null;
  const ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(s) ? s : s + "Z");
  return Number.isFinite(ms) ? ms : null;
}

/** A class's notify-me subscribers are told when its room goes live from an hour before the start to its end. */
export const CLASS_EARLY_MS = 60 * 60_000;
