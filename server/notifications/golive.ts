// Go-live notices. When a room goes live (bus fact broadcast.started), every follower of its creator and everyone
// who asked "notify me" for the room or one of its classes gets an in-app notice (the bell: "notice.added" pushes
// the count to their open pages) and — when SMTP is configured, they gave an address and did not unsubscribe — an e-mail.
// Mails are not sent from the listener: they are queued, and a sweep sends them in batches, so a creator with
// thousands of followers never holds up the bus and a slow SMTP server only delays mail. At most one go-live mail
// round per creator per `mailWindowMs` (a flapping encoder must not spam followers); in-app notices always go out.
import type { Database } from "bun:sqlite";
import { randomToken } from "../accounts/secrets";
import { getUserById } from "../accounts/accounts";
import { notify } from "../classes/notices";
import type { Bus, Facts } from "../events/bus";
import { translator, type Lang } from "../i18n";
import type { Mailer, MailMessage } from "../mail/smtp";
import { getRoomById } from "../rooms/rooms";
import type { Room } from "../rooms/model";
import * as store from "./storage";

export interface GoLiveEnv {
  db: Database;
  now: () => number;
  mailer: Mailer;
  baseUrl: string;
  mailWindowMs: number;
  /** Each new notice is the fact "notice.added" (the bell listens). */
  bus: Bus;
  log(msg: string): void;
}

export const MAIL_BATCH = 100;
export const MAIL_ATTEMPTS = 3;

/** The broadcast.started listener: notices now, mails queued. Returns what it did (tests). */
export function onLive(env: GoLiveEnv, f: Facts["broadcast.started"]): { notices: number; queued: number } {
  const room = getRoomById(env.db, f.roomId);
  if (!room) return { notices: 0, queued: 0 };
  const now = env.now();
  // One transaction for every notice and queued mail: thousands of followers are one commit, not thousands.
  const { told, queued } = env.db.transaction(() => {
    const recipients = store.goLiveRecipients(env.db, room.ownerId, room.id, now);
    store.clearNotifyMe(env.db, room.id, now);
    const told: number[] = [];
    let queued = 0;
    for (const r of recipients) {
      if (notify(env.db, env.bus, { userId: r.userId, kind: "room.live", ref: String(f.broadcastId), textKey: "notifications.live", vars: { name: room.ownerName, room: room.title }, url: `/r/${room.slug}` }, now)) told.push(r.userId);
    }
    const mailable = recipients.filter((r) => r.email !== null);
    if (env.mailer.enabled && mailable.length && store.claimMailSlot(env.db, room.ownerId, now, env.mailWindowMs)) {
      for (const r of mailable) if (store.enqueueMail(env.db, { userId: r.userId, creatorId: room.ownerId, roomId: room.id, broadcastId: f.broadcastId, email: r.email! }, now)) queued++;
    }
    return { told, queued };
  })();
  return { notices: told.length, queued };
}

/**
 * One batch of queued go-live mails over one SMTP connection. Someone who unsubscribed since the live started is
 * skipped; a refused mail is retried on later sweeps (MAIL_ATTEMPTS in all) and never holds back the others.
 */
export async function sendQueuedMails(env: GoLiveEnv): Promise<{ sent: number; failed: number }> {
  if (!env.mailer.enabled) return { sent: 0, failed: 0 };
  const batch = env.db.transaction(() => {
    const out: { id: number; mail: MailMessage; slug: string }[] = [];
    for (const m of store.pendingMails(env.db, MAIL_BATCH, MAIL_ATTEMPTS)) {
      const room = getRoomById(env.db, m.roomId);
      if (!room || store.isOptedOut(env.db, m.userId, m.creatorId)) {
        store.finishMail(env.db, m.id, true, env.now());
        continue;
      }
      const token = store.unsubscribeToken(env.db, m.userId, m.creatorId, randomToken(24));
      out.push({ id: m.id, mail: goLiveMail(room, m.email, `${env.baseUrl}/unsubscribe/${token}`, env.baseUrl, m.lang), slug: room.slug });
    }
    return out;
  })();
  if (!batch.length) return { sent: 0, failed: 0 };
  let results: (Error | null)[];
  try {
    results = await env.mailer.sendMany(batch.map((b) => b.mail));
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    results = batch.map(() => e);
  }
  let sent = 0, failed = 0;
  env.db.transaction(() => {
    batch.forEach((b, i) => {
      const err = results[i] ?? null;
      store.finishMail(env.db, b.id, err === null, env.now());
      if (err === null) sent++;
      else {
        failed++;
        env.log(`go-live mail for room ${b.slug} failed: ${err.message}`);
      }
    });
  })();
  return { sent, failed };
}

/** RFC 2369 List-Unsubscribe plus RFC 8058 one-click: mail clients POST to the same URL. */
export function goLiveMail(room: Room, to: string, unsubscribeUrl: string, baseUrl: string, lang: Lang): MailMessage {
  const t = translator(lang);
  return {
    to,
    subject: t("notifications.mail.subject", { name: room.ownerName, room: room.title }),
    text: t("notifications.mail.body", { name: room.ownerName, room: room.title, url: `${baseUrl}/r/${room.slug}`, unsubscribe: unsubscribeUrl }),
    headers: { "List-Unsubscribe": `<${unsubscribeUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  };
}

/** Follows an unsubscribe link: the user gets no more go-live mail from that creator. */
export function unsubscribe(db: Database, token: string, now: number): { creatorName: string } | null {
  const owner = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? store.tokenOwner(db, token) : null;
  if (!owner) return null;
  store.optOut(db, owner.userId, owner.creatorId, now);
  return { creatorName: getUserById(db, owner.creatorId)?.displayName ?? "" };
}
