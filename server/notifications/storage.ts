// The only SQL of the notifications domain. Recipients join the chat domain's follows and the classes domain's
// classes, pending mails the accounts domain's users for the language (all read only); everything written is this
// domain's own tables.
import type { Database } from "bun:sqlite";
import type { Lang } from "../i18n";
import { CLASS_EARLY_MS, type NotifyKind, type PendingMail, type QueuedMail, type Recipient } from "./model";

/** Followers of the creator, plus who asked to be told about this room or one of its classes running now. */
export function goLiveRecipients(db: Database, creatorId: number, roomId: number, now: number): Recipient[] {
  return db.query<{ user_id: number; email: string | null }, [number, number, number, number]>(`
    SELECT u.id AS user_id, CASE WHEN o.user_id IS NULL THEN e.email END AS email
    FROM users u
    LEFT JOIN notify_emails e ON e.user_id = u.id
    LEFT JOIN golive_optouts o ON o.user_id = u.id AND o.creator_id = ?1
    WHERE u.disabled = 0 AND u.id != ?1 AND u.id IN (
      SELECT follower_id FROM follows WHERE creator_id = ?1
      UNION SELECT user_id FROM notify_me WHERE kind = 'room' AND ref_id = ?2
      UNION SELECT n.user_id FROM notify_me n JOIN classes c ON c.id = n.ref_id
        WHERE n.kind = 'class' AND c.room_id = ?2 AND c.starts_at - ${CLASS_EARLY_MS} <= ?3 AND c.starts_at + c.minutes * 60000 >= ?4
    )
    ORDER BY u.id`).all(creatorId, roomId, now, now).map((r) => ({ userId: r.user_id, email: r.email }));
}

/** Notify-me requests are one-shot: the room's, and those of its classes that this live served, are used up. */
export function clearNotifyMe(db: Database, roomId: number, now: number): void {
  db.query("DELETE FROM notify_me WHERE kind = 'room' AND ref_id = ?").run(roomId);
  db.query(`DELETE FROM notify_me WHERE kind = 'class' AND ref_id IN (SELECT id FROM classes WHERE room_id = ? AND starts_at - ${CLASS_EARLY_MS} <= ? AND starts_at + minutes * 60000 >= ?)`).run(roomId, now, now);
}

/** Claims the creator's go-live mail slot: false when one went out within the window. */
export function claimMailSlot(db: Database, creatorId: number, now: number, windowMs: number): boolean {
  return db.query("INSERT INTO golive_mail_limits (creator_id, last_at) VALUES (?1, ?2) ON CONFLICT (creator_id) DO UPDATE SET last_at = excluded.last_at WHERE golive_mail_limits.last_at <= ?3")
    .run(creatorId, now, now - windowMs).changes === 1;
}

export function enqueueMail(db: Database, m: Omit<QueuedMail, "id">, now: number): boolean {
  return db.query("INSERT OR IGNORE INTO golive_mail_queue (user_id, creator_id, room_id, broadcast_id, email, created_at) VALUES (?, ?, ?, ?, ?, ?)")
    .run(m.userId, m.creatorId, m.roomId, m.broadcastId, m.email, now).changes === 1;
}

interface QueueRow { id: number; user_id: number; creator_id: number; room_id: number; broadcast_id: number; email: string; lang: Lang }

export function pendingMails(db: Database, limit: number, maxAttempts: number): PendingMail[] {
  // The language is read when the mail is sent: a user who switched it since the live started gets the new one.
  return db.query<QueueRow, [number, number]>(`
    SELECT q.id, q.user_id, q.creator_id, q.room_id, q.broadcast_id, q.email, u.lang
    FROM golive_mail_queue q JOIN users u ON u.id = q.user_id
    WHERE q.sent_at IS NULL AND q.attempts < ? ORDER BY q.id LIMIT ?`)
    .all(maxAttempts, limit)
    .map((r) => ({ id: r.id, userId: r.user_id, creatorId: r.creator_id, roomId: r.room_id, broadcastId: r.broadcast_id, email: r.email, lang: r.lang }));
}

/** sent: the mail went out (or was dropped on purpose); otherwise one more failed attempt. */
export function finishMail(db: Database, id: number, sent: boolean, now: number): void {
  if (sent) db.query("UPDATE golive_mail_queue SET sent_at = ? WHERE id = ?").run(now, id);
  else db.query("UPDATE golive_mail_queue SET attempts = attempts + 1 WHERE id = ?").run(id);
}

export function isOptedOut(db: Database, userId: number, creatorId: number): boolean {
  return !!db.query("SELECT 1 FROM golive_optouts WHERE user_id = ? AND creator_id = ?").get(userId, creatorId);
}

/** The (user, creator) pair's unsubscribe token, made once with the given fresh value. */
export function unsubscribeToken(db: Database, userId: number, creatorId: number, fresh: string): string {
  db.query("INSERT OR IGNORE INTO unsubscribe_tokens (token, user_id, creator_id) VALUES (?, ?, ?)").run(fresh, userId, creatorId);
  return db.query<{ token: string }, [number, number]>("SELECT token FROM unsubscribe_tokens WHERE user_id = ? AND creator_id = ?").get(userId, creatorId)!.token;
}

export function tokenOwner(db: Database, token: string): { userId: number; creatorId: number } | null {
  const r = db.query<{ user_id: number; creator_id: number }, [string]>("SELECT user_id, creator_id FROM unsubscribe_tokens WHERE token = ?").get(token);
  return r ? { userId: r.user_id, creatorId: r.creator_id } : null;
}

export function optOut(db: Database, userId: number, creatorId: number, now: number): void {
  db.query("INSERT OR IGNORE INTO golive_optouts (user_id, creator_id, created_at) VALUES (?, ?, ?)").run(userId, creatorId, now);
}

export function optIn(db: Database, userId: number, creatorId: number): void {
  db.query("DELETE FROM golive_optouts WHERE user_id = ? AND creator_id = ?").run(userId, creatorId);
}

export function getEmail(db: Database, userId: number): string | null {
  return db.query<{ email: string }, [number]>("SELECT email FROM notify_emails WHERE user_id = ?").get(userId)?.email ?? null;
}

export function setEmail(db: Database, userId: number, email: string | null, now: number): void {
  if (email === null) db.query("DELETE FROM notify_emails WHERE user_id = ?").run(userId);
  else db.query("INSERT INTO notify_emails (user_id, email, updated_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, updated_at = excluded.updated_at").run(userId, email, now);
}

export function wantsNotice(db: Database, userId: number, kind: NotifyKind, refId: number): boolean {
  return !!db.query("SELECT 1 FROM notify_me WHERE user_id = ? AND kind = ? AND ref_id = ?").get(userId, kind, refId);
}

export function setNotifyMe(db: Database, userId: number, kind: NotifyKind, refId: number, on: boolean, now: number): void {
  if (on) db.query("INSERT OR IGNORE INTO notify_me (user_id, kind, ref_id, created_at) VALUES (?, ?, ?, ?)").run(userId, kind, refId, now);
  else db.query("DELETE FROM notify_me WHERE user_id = ? AND kind = ? AND ref_id = ?").run(userId, kind, refId);
}

export function nextLiveAt(db: Database, roomId: number): number | null {
  return db.query<{ next_live_at: number }, [number]>("SELECT next_live_at FROM room_schedule WHERE room_id = ?").get(roomId)?.next_live_at ?? null;
}

export function setNextLive(db: Database, roomId: number, at: number | null, now: number): void {
  if (at === null) db.query("DELETE FROM room_schedule WHERE room_id = ?").run(roomId);
  else db.query("INSERT INTO room_schedule (room_id, next_live_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (room_id) DO UPDATE SET next_live_at = excluded.next_live_at, updated_at = excluded.updated_at").run(roomId, at, now);
}

/** Upcoming announced lives of a creator's rooms (for the feed). */
export function scheduledLives(db: Database, ownerId: number, now: number): { roomId: number; at: number }[] {
  return db.query<{ room_id: number; next_live_at: number }, [number, number]>("SELECT s.room_id, s.next_live_at FROM room_schedule s JOIN rooms r ON r.id = s.room_id WHERE r.owner_id = ? AND s.next_live_at > ? ORDER BY s.next_live_at")
    .all(ownerId, now).map((r) => ({ roomId: r.room_id, at: r.next_live_at }));
}
