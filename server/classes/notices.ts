// In-app notices (the bell): class reminders, membership renewals. Each is added once per (user, kind, ref), so a
// sweep that runs twice does not notify twice.
import type { Database } from "bun:sqlite";
import type { MessageKey } from "../i18n";
import * as store from "./storage";

export function notify(db: Database, n: { userId: number; kind: string; ref: string; textKey: MessageKey; vars: Record<string, string | number>; url: string }, now: number): boolean {
  return store.insertNotice(db, { ...n, now });
}

export const { listNotices, markNoticesRead, markNoticeRead, countUnreadNotices } = store;
