// The only file of the chat domain with SQL.
import type { Database } from "bun:sqlite";
import type { Ban, ChatMessage, ChatSettings, Part } from "./model";

interface MessageRow {
  id: number;
  room_id: number;
  user_id: number | null;
  username: string;
  display_name: string;
  text: string;
  parts: string;
  kind: "user" | "bot";
  visibility: "all" | "sender";
  deleted: number;
  broadcast_id: number | null;
  offset_ms: number | null;
  created_at: number;
}

const MSG_COLS = "id, room_id, user_id, username, display_name, text, parts, kind, visibility, deleted, broadcast_id, offset_ms, created_at";

function toMessage(r: MessageRow): ChatMessage {
  return {
    id: r.id, roomId: r.room_id, userId: r.user_id, username: r.username, displayName: r.display_name, text: r.text, parts: JSON.parse(r.parts) as Part[], kind: r.kind,
    visibility: r.visibility, deleted: r.deleted === 1, broadcastId: r.broadcast_id, offsetMs: r.offset_ms, createdAt: r.created_at,
  };
}

export function insertMessage(db: Database, m: Omit<ChatMessage, "id" | "deleted">): ChatMessage {
  const r = db
    .query<MessageRow, [number, number | null, string, string, string, string, string, string, number | null, number | null, number]>(
      `INSERT INTO chat_messages (room_id, user_id, username, display_name, text, parts, kind, visibility, broadcast_id, offset_ms, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${MSG_COLS}`,
    )
    .get(m.roomId, m.userId, m.username, m.displayName, m.text, JSON.stringify(m.parts), m.kind, m.visibility, m.broadcastId, m.offsetMs, m.createdAt)!;
  return toMessage(r);
}

/** The newest visible messages, oldest first. */
export function recentMessages(db: Database, roomId: number, limit: number): ChatMessage[] {
  return db
    .query<MessageRow, [number, number]>(
      `SELECT ${MSG_COLS} FROM chat_messages WHERE room_id = ? AND deleted = 0 AND visibility = 'all' ORDER BY id DESC LIMIT ?`,
    )
    .all(roomId, limit)
    .reverse()
    .map(toMessage);
}

export function messagesForBroadcast(db: Database, broadcastId: number, fromMs: number, toMs: number, limit: number): ChatMessage[] {
  return db
    .query<MessageRow, [number, number, number, number]>(
      `SELECT ${MSG_COLS} FROM chat_messages WHERE broadcast_id = ? AND offset_ms >= ? AND offset_ms < ? AND deleted = 0
       AND visibility = 'all' ORDER BY offset_ms, id LIMIT ?`,
    )
    .all(broadcastId, fromMs, toMs, limit)
    .map(toMessage);
}

export function markDeleted(db: Database, id: number, roomId: number): boolean {
  return db.query("UPDATE chat_messages SET deleted = 1 WHERE id = ? AND room_id = ? AND deleted = 0").run(id, roomId).changes === 1;
}

export function deleteMessagesBefore(db: Database, before: number): number {
  return db.query("DELETE FROM chat_messages WHERE created_at < ?").run(before).changes;
}

export function getSettings(db: Database, roomId: number): ChatSettings {
  const r = db.query<{ slow_seconds: number; followers_only: number }, [number]>(
    "SELECT slow_seconds, followers_only FROM chat_settings WHERE room_id = ?",
  ).get(roomId);
  return { slowSeconds: r?.slow_seconds ?? 0, followersOnly: r?.followers_only === 1 };
}

export function saveSettings(db: Database, roomId: number, s: ChatSettings): void {
  db.query(
    `INSERT INTO chat_settings (room_id, slow_seconds, followers_only) VALUES (?, ?, ?)
     ON CONFLICT(room_id) DO UPDATE SET slow_seconds = excluded.slow_seconds, followers_only = excluded.followers_only`,
  ).run(roomId, s.slowSeconds, s.followersOnly ? 1 : 0);
}

export function isModerator(db: Database, roomId: number, userId: number): boolean {
  return !!db.query("SELECT 1 FROM chat_moderators WHERE room_id = ? AND user_id = ?").get(roomId, userId);
}

export function addModerator(db: Database, roomId: number, userId: number, now: number): void {
  db.query("INSERT OR IGNORE INTO chat_moderators (room_id, user_id, created_at) VALUES (?, ?, ?)").run(roomId, userId, now);
}

export function removeModerator(db: Database, roomId: number, userId: number): void {
  db.query("DELETE FROM chat_moderators WHERE room_id = ? AND user_id = ?").run(roomId, userId);
}

export function listModerators(db: Database, roomId: number): { username: string; displayName: string }[] {
  return db
    .query<{ username: string; display_name: string }, [number]>(
      "SELECT u.username, u.display_name FROM chat_moderators m JOIN users u ON u.id = m.user_id WHERE m.room_id = ? ORDER BY u.username",
    )
    .all(roomId)
    .map((r) => ({ username: r.username, displayName: r.display_name }));
}

export function insertBan(db: Database, b: { roomId: number; userId: number; ip: string | null; until: number | null; byUserId: number; now: number }): void {
  db.query("INSERT INTO chat_bans (room_id, user_id, ip, until, by_user_id, created_at) VALUES (?, ?, ?, ?, ?, ?)").run(
    b.roomId, b.userId, b.ip, b.until, b.byUserId, b.now,
  );
}

export function deleteBans(db: Database, roomId: number, userId: number): number {
  return db.query("DELETE FROM chat_bans WHERE room_id = ? AND user_id = ?").run(roomId, userId).changes;
}

/** The strongest restriction in force for this user or address: a ban beats the longest timeout. */
export function activeBan(db: Database, roomId: number, userId: number, ip: string | null, now: number): Ban | null {
  type Row = { user_id: number; ip: string | null; until: number | null };
  // Two index lookups (user, address); an OR of both would scan the room's bans.
  const rows = [
    ...db.query<Row, [number, number, number]>("SELECT user_id, ip, until FROM chat_bans WHERE room_id = ? AND user_id = ? AND (until IS NULL OR until > ?)").all(roomId, userId, now),
    ...(ip ? db.query<Row, [number, string, number]>("SELECT user_id, ip, until FROM chat_bans WHERE room_id = ? AND ip = ? AND (until IS NULL OR until > ?)").all(roomId, ip, now) : []),
  ];
  let best: Ban | null = null;
  for (const r of rows) {
    if (!best || r.until === null || (best.until !== null && r.until > best.until)) best = { userId: r.user_id, ip: r.ip, until: r.until };
    if (best.until === null) break;
  }
  return best;
}

/** Room terms plus the global list (room_id NULL). */
export function termsFor(db: Database, roomId: number): string[] {
  return db.query<{ term: string }, [number]>("SELECT term FROM chat_terms WHERE room_id = ? OR room_id IS NULL").all(roomId).map((r) => r.term);
}

export function listTerms(db: Database, roomId: number | null): { id: number; term: string }[] {
  return roomId === null
    ? db.query<{ id: number; term: string }, []>("SELECT id, term FROM chat_terms WHERE room_id IS NULL ORDER BY term").all()
    : db.query<{ id: number; term: string }, [number]>("SELECT id, term FROM chat_terms WHERE room_id = ? ORDER BY term").all(roomId);
}

export function addTerm(db: Database, roomId: number | null, term: string, now: number): void {
  db.query("INSERT OR IGNORE INTO chat_terms (room_id, term, created_at) VALUES (?, ?, ?)").run(roomId, term, now);
}

export function removeTerm(db: Database, roomId: number | null, term: string): boolean {
  return roomId === null
    ? db.query("DELETE FROM chat_terms WHERE room_id IS NULL AND term = ?").run(term).changes > 0
    : db.query("DELETE FROM chat_terms WHERE room_id = ? AND term = ?").run(roomId, term).changes > 0;
}

export function listEmotes(db: Database, roomId: number): { name: string; file: string }[] {
  return db.query<{ name: string; file: string }, [number]>("SELECT name, file FROM chat_emotes WHERE room_id = ? ORDER BY name").all(roomId);
}

export function saveEmote(db: Database, roomId: number, name: string, file: string, now: number): void {
  db.query(
    `INSERT INTO chat_emotes (room_id, name, file, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(room_id, name) DO UPDATE SET file = excluded.file, created_at = excluded.created_at`,
  ).run(roomId, name, file, now);
}

export function deleteEmote(db: Database, roomId: number, name: string): string | null {
  return db.query<{ file: string }, [number, string]>("DELETE FROM chat_emotes WHERE room_id = ? AND name = ? RETURNING file").get(roomId, name)?.file ?? null;
}

export function listCommands(db: Database, roomId: number): { name: string; reply: string }[] {
  return db.query<{ name: string; reply: string }, [number]>("SELECT name, reply FROM chat_commands WHERE room_id = ? ORDER BY name").all(roomId);
}

export function getCommand(db: Database, roomId: number, name: string): string | null {
  return db.query<{ reply: string }, [number, string]>("SELECT reply FROM chat_commands WHERE room_id = ? AND name = ?").get(roomId, name)?.reply ?? null;
}

export function saveCommand(db: Database, roomId: number, name: string, reply: string): void {
  db.query("INSERT INTO chat_commands (room_id, name, reply) VALUES (?, ?, ?) ON CONFLICT(room_id, name) DO UPDATE SET reply = excluded.reply").run(roomId, name, reply);
}

export function deleteCommand(db: Database, roomId: number, name: string): void {
  db.query("DELETE FROM chat_commands WHERE room_id = ? AND name = ?").run(roomId, name);
}

export function isFollowing(db: Database, followerId: number, creatorId: number): boolean {
  return !!db.query("SELECT 1 FROM follows WHERE follower_id = ? AND creator_id = ?").get(followerId, creatorId);
}

/** Returns true when the follow is new. */
export function insertFollow(db: Database, followerId: number, creatorId: number, now: number): boolean {
  return db.query("INSERT OR IGNORE INTO follows (follower_id, creator_id, created_at) VALUES (?, ?, ?)").run(followerId, creatorId, now).changes === 1;
}

export function deleteFollow(db: Database, followerId: number, creatorId: number): void {
  db.query("DELETE FROM follows WHERE follower_id = ? AND creator_id = ?").run(followerId, creatorId);
}

export function countFollowers(db: Database, creatorId: number): number {
  return db.query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM follows WHERE creator_id = ?").get(creatorId)!.n;
}

export interface BroadcastStats {
  broadcastId: number;
  roomId: number;
  startedAt: number;
  endedAt: number | null;
  peakViewers: number;
  likes: number;
  messages: number;
}

export function startStats(db: Database, broadcastId: number, roomId: number, at: number): void {
  db.query("INSERT OR IGNORE INTO room_broadcast_stats (broadcast_id, room_id, started_at) VALUES (?, ?, ?)").run(broadcastId, roomId, at);
}

export function endStats(db: Database, broadcastId: number, at: number): void {
  db.query("UPDATE room_broadcast_stats SET ended_at = ? WHERE broadcast_id = ? AND ended_at IS NULL").run(at, broadcastId);
}

/** A restart ends every open broadcast (nothing is live before ingest starts). */
export function endAllOpenStats(db: Database, at: number): void {
  db.query("UPDATE room_broadcast_stats SET ended_at = ? WHERE ended_at IS NULL").run(at);
}

export function raisePeak(db: Database, broadcastId: number, viewers: number): void {
  db.query("UPDATE room_broadcast_stats SET peak_viewers = ? WHERE broadcast_id = ? AND peak_viewers < ?").run(viewers, broadcastId, viewers);
}

export function countMessage(db: Database, broadcastId: number): void {
  db.query("UPDATE room_broadcast_stats SET messages = messages + 1 WHERE broadcast_id = ?").run(broadcastId);
}

/** Adds likes to a broadcast and returns its total: the same figure on every process sharing the database. */
export function addLikes(db: Database, broadcastId: number, likes: number): number | null {
  return db.query<{ likes: number }, [number, number]>("UPDATE room_broadcast_stats SET likes = likes + ? WHERE broadcast_id = ? RETURNING likes").get(likes, broadcastId)?.likes ?? null;
}

export function likesOf(db: Database, broadcastId: number): number | null {
  return db.query<{ likes: number }, [number]>("SELECT likes FROM room_broadcast_stats WHERE broadcast_id = ?").get(broadcastId)?.likes ?? null;
}

type StatsRow = { broadcast_id: number; room_id: number; started_at: number; ended_at: number | null; peak_viewers: number; likes: number; messages: number };
const STATS_COLS = "broadcast_id, room_id, started_at, ended_at, peak_viewers, likes, messages";

function toStats(r: StatsRow): BroadcastStats {
  return { broadcastId: r.broadcast_id, roomId: r.room_id, startedAt: r.started_at, endedAt: r.ended_at, peakViewers: r.peak_viewers, likes: r.likes, messages: r.messages };
}

export function getStats(db: Database, broadcastId: number): BroadcastStats | null {
  const r = db.query<StatsRow, [number]>(`SELECT ${STATS_COLS} FROM room_broadcast_stats WHERE broadcast_id = ?`).get(broadcastId);
  return r ? toStats(r) : null;
}

export function recentStats(db: Database, roomId: number, limit: number): BroadcastStats[] {
  return db
    .query<StatsRow, [number, number]>(`SELECT ${STATS_COLS} FROM room_broadcast_stats WHERE room_id = ? ORDER BY started_at DESC LIMIT ?`)
    .all(roomId, limit)
    .map(toStats);
}
