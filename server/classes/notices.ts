// In-app notices (the bell): class reminders, membership renewals, go-live notices. Each is added once per (user,
// kind, ref), so a sweep that runs twice does not notify twice; a new one is the fact "notice.added", which the
// notifications domain turns into the bell's new unread count on the user's open pages.
import type { Database } from "bun:sqlite";
import type { Bus } from "../events/bus";
import type { MessageKey } from "../i18n";
import * as store from "./storage";

declare module "../events/bus" {
  interface Facts {
    "notice.added": { userId: number; kind: string };
  }
}

export function notify(db: Database, bus: Bus, n: { userId: number; kind: string; ref: string; textKey: MessageKey; vars: Record<string, string | number>; url: string }, now: number): boolean {
  const added = store.insertNotice(db, { ...n, now });
  if (added) bus.emit("notice.added", { userId: n.userId, kind: n.kind });
  return added;
}

export const { listNotices, markNoticesRead, markNoticeRead, countUnreadNotices } = store;
