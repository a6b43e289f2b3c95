// In-app notices (the bell): class reminders, membership renewals, go-live notices. Each is added once per (user,
// kind, ref), so a sweep that runs twice does not notify twice; a new one is the fact "notice.added" and reading
// is "notices.read", which the notifications domain turns into the bell's new unread count on the user's pages.
import type { Database } from "bun:sqlite";
import type { Bus } from "../events/bus";
import type { MessageKey } from "../i18n";
import * as store from "./storage";

declare module "../events/bus" {
  interface Facts {
    "notice.added": { userId: number; kind: string };
    /** Some of the user's notices were marked read. */
    "notices.read": { userId: number };
  }
}

export function notify(db: Database, bus: Bus, n: { userId: number; kind: string; ref: string; textKey: MessageKey; vars: Record<string, string | number>; url: string }, now: number): boolean {
  const added = store.insertNotice(db, { ...n, now });
  if (added) bus.emit("notice.added", { userId: n.userId, kind: n.kind });
  return added;
}

/** Marks one notice (id) or all of the user's notices read. */
export function markRead(db: Database, bus: Bus, userId: number, id: number | null, now: number): void {
  if (id === null) store.markNoticesRead(db, userId, now);
  else if (!store.markNoticeRead(db, userId, id, now)) return;
  bus.emit("notices.read", { userId });
}

export const { listNotices, countUnreadNotices } = store;
