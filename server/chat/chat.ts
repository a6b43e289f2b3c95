// Chat rules: posting (limits, moderation, banned terms, auto-replies), moderation actions, likes, follows,
// per-broadcast offsets and stats, retention. Plain functions over the database; events leave through the bus
// ("room.event"), except what only one user may see, which goes through hooks.toUser.
import { createGroupCommit } from "../db/group-commit";
import { mayChat, memberBadge } from "../memberships/access";
import type { User } from "../accounts/model";
import { getUserByUsername } from "../accounts/accounts";
import type { Deps } from "../deps";
import { createRateLimiter } from "../lib/rate-limit";
import type { RoomEvent } from "../realtime/model";
import type { Room } from "../rooms/model";
import { parseSlash } from "./commands";
import { containsLink, matchesTerm, tokenize } from "./format";
import { HISTORY_SIZE, MAX_MESSAGE_LENGTH, type ChatEvent, type ChatMessage, type ModAction, type Refusal, type RefusalCode } from "./model";
import * as store from "./storage";

declare module "../events/bus" {
  interface Facts {
    "follow.created": { creatorId: number; followerId: number; username: string; displayName: string; roomId: number };
    "chat.posted": { roomId: number; userId: number; at: number };
    /** One accepted like; viewerId is the page's viewer id when the liker is not signed in. */
    "like.sent": { roomId: number; userId: number | null; viewerId: string | null; at: number };
  }
}

export interface ChatHooks {
  /** Delivers an event only to this user's sockets in the room (blocked messages, notices). */
  toUser(roomId: number, userId: number, event: RoomEvent): void;
  /** Closes this user's sockets in one room (a room ban), or in every room when roomId is left out. */
  disconnectUser(userId: number, roomId?: number): void;
  /** Whether the user may watch the room (server/access): who cannot watch cannot chat. */
  canWatch(room: Room, user: User | null): boolean;
}

export interface Sender {
  user: User | null;
  ip: string | null;
}

export type PostResult = { ok: true; event: ChatEvent | null } | Refusal;

const LIKE_FLUSH_MS = 500;
const LIKES_PER_WINDOW = 30;
const HOUR = 3600_000;

function refuse(code: RefusalCode, status: number, vars?: Record<string, string | number>): Refusal {
  return { ok: false, code, status, vars };
}

export function toEvent(m: ChatMessage): ChatEvent {
  return {
    type: "chat", id: m.id, user: m.kind === "bot" ? null : { username: m.username, displayName: m.displayName },
    text: m.text, parts: m.parts, bot: m.kind === "bot", at: m.createdAt, offsetMs: m.offsetMs,
  };
}

/**
 * A room ban (not a timeout) in force for this user or address. It covers that room only: its chat, its sockets
 * and its gifts; the account stays signed in everywhere else (site-wide suspension is an admin action).
 */
export function bannedFrom(db: Deps["db"], roomId: number, userId: number, ip: string | null, now: number): boolean {
  return store.activeBan(db, roomId, userId, ip, now)?.until === null;
}

export function createChat(deps: Deps, hooks: ChatHooks) {
  const { db, bus, now } = deps;
  const rate = createRateLimiter({ max: deps.config.chatRateLimit, windowMs: 10_000 }, { cluster: deps.cluster, name: "chat" });
  const likeRate = createRateLimiter({ max: LIKES_PER_WINDOW, windowMs: 5_000 }, { cluster: deps.cluster, name: "likes" });
  const lastPost = new Map<string, number>();
  const live = new Map<number, { broadcastId: number; startedAt: number }>();
  const pendingLikes = new Map<number, number>();
  const likeTotals = new Map<number, number>();
  const emoteCache = new Map<number, Map<string, string>>();
  // The address a user last chatted from, so "/ban USER ip" can cover it.
  const lastIp = new Map<number, string>();
  const timers: ReturnType<typeof setInterval>[] = [];

  // Only the ingest owner knows that nothing is live after a restart; a web process starts beside live broadcasts.
  if (deps.config.role === "all") store.endAllOpenStats(db, now());
  const offs = [
    bus.on("broadcast.started", (f) => {
      live.set(f.roomId, { broadcastId: f.broadcastId, startedAt: f.at });
      likeTotals.set(f.roomId, 0);
      store.startStats(db, f.broadcastId, f.roomId, f.at);
    }, { remote: true }),
    bus.on("broadcast.ended", (f) => {
      flushLikes();
      if (live.get(f.roomId)?.broadcastId === f.broadcastId) live.delete(f.roomId);
      store.endStats(db, f.broadcastId, f.at);
    }, { remote: true }),
  ];

  function emotes(roomId: number): Map<string, string> {
    let m = emoteCache.get(roomId);
    if (!m) emoteCache.set(roomId, (m = new Map(store.listEmotes(db, roomId).map((e) => [e.name, `/emotes/${e.file}`]))));
    return m;
  }

  function isModerator(room: Room, user: User | null): boolean {
    return !!user && (user.id === room.ownerId || user.role === "admin" || store.isModerator(db, room.id, user.id));
  }

  function emit(roomId: number, event: RoomEvent): void {
    bus.emit("room.event", { roomId, event });
  }

  function save(room: Room, author: { userId: number | null; username: string; displayName: string }, text: string, opts: { bot: boolean; links: boolean; visibility: "all" | "sender" }): ChatMessage {
    const at = now();
    const b = live.get(room.id);
    const m = store.insertMessage(db, {
      roomId: room.id, ...author, text, parts: tokenize(text, emotes(room.id), opts.links), kind: opts.bot ? "bot" : "user",
      visibility: opts.visibility, broadcastId: b?.broadcastId ?? null, offsetMs: b ? Math.max(0, at - b.startedAt) : null, createdAt: at,
    });
    if (b && opts.visibility === "all") store.countMessage(db, b.broadcastId);
    return m;
  }

  // Group commit (server/db/group-commit.ts): the messages posted in one turn of the event loop are written in one
  // transaction (one write lock, one commit; a busy room's rows share their pages), then announced and answered in
  // order, each committed before anyone hears of it. Posted one by one, two processes sharing the database met on
  // its write lock thousands of times a second, and SQLite's busy handler sleeps whole milliseconds with the event
  // loop (docs/operations.md, "Measured"). Each message is its own savepoint: one that cannot be saved fails alone.
  const commits = createGroupCommit(db, (m: Parameters<typeof save>) => db.transaction(() => save(...m))());

  async function post(room: Room, sender: Sender, raw: string): Promise<PostResult> {
    const { user } = sender;
    if (!user) return refuse("login", 401);
    if (!hooks.canWatch(room, user)) return refuse("access", 403);
    const text = raw.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "").trim();
    if (!text) return refuse("empty", 422);
    if ([...text].length > MAX_MESSAGE_LENGTH) return refuse("tooLong", 422, { max: MAX_MESSAGE_LENGTH });
    if (sender.ip) lastIp.set(user.id, sender.ip);
    const mod = isModerator(room, user);
    const slash = parseSlash(text);
    if (slash) {
      if (!mod) return refuse("forbidden", 403);
      if (slash === "bad") return refuse("badCommand", 422);
      const r = moderate(room, user, slash);
      return r.ok ? { ok: true, event: null } : r;
    }
    const ban = store.activeBan(db, room.id, user.id, sender.ip, now());
    if (ban) return ban.until === null ? refuse("banned", 403) : refuse("timeout", 403, { minutes: Math.ceil((ban.until - now()) / 60_000) });
    const wait = rate.hit(`u${user.id}`, now());
    if (wait > 0) return refuse("rate", 429, { seconds: wait });
    if (!mod) {
      const settings = store.getSettings(db, room.id);
      const key = `${room.id}:${user.id}`;
      const last = lastPost.get(key);
      if (settings.slowSeconds > 0 && last !== undefined && now() - last < settings.slowSeconds * 1000) {
        return refuse("slow", 429, { seconds: Math.ceil((last + settings.slowSeconds * 1000 - now()) / 1000) });
      }
      if (settings.followersOnly && !store.isFollowing(db, user.id, room.ownerId)) return refuse("followers", 403);
      if (!mayChat(db, user.id, room, now())) return refuse("members", 403);
      if (containsLink(text)) return refuse("link", 403);
      lastPost.set(key, now());
    }
    const blocked = matchesTerm(text, store.termsFor(db, room.id));
    const m = await commits.submit([room, { userId: user.id, username: user.username, displayName: user.displayName }, text, { bot: false, links: mod, visibility: blocked ? "sender" : "all" }]);
    const badge = memberBadge(db, user.id, room.ownerId, now());
    const event = badge ? { ...toEvent(m), badge } : toEvent(m);
    if (blocked) {
      hooks.toUser(room.id, user.id, event);
      return { ok: true, event };
    }
    emit(room.id, event);
    bus.emit("chat.posted", { roomId: room.id, userId: user.id, at: m.createdAt });
    autoReply(room, text);
    return { ok: true, event };
  }

  function autoReply(room: Room, text: string): void {
    const name = /^!([a-z0-9_]{1,24})\b/i.exec(text)?.[1]?.toLowerCase();
    const reply = name ? store.getCommand(db, room.id, name) : null;
    if (!reply) return;
    emit(room.id, toEvent(save(room, { userId: null, username: room.ownerUsername, displayName: room.ownerName }, reply, { bot: true, links: true, visibility: "all" })));
  }

  function moderate(room: Room, actor: User, a: ModAction): { ok: true } | Refusal {
    if (!isModerator(room, actor)) return refuse("forbidden", 403);
    const at = now();
    const target = "username" in a ? getUserByUsername(db, a.username) : null;
    if ("username" in a && !target) return refuse("badCommand", 404, { username: a.username });
    // Nobody times out or bans the owner or an admin; only the owner (or an admin) may act against a moderator.
    if (target && (a.action === "timeout" || a.action === "ban")) {
      const owner = actor.id === room.ownerId || actor.role === "admin";
      if (target.id === room.ownerId || target.role === "admin" || (!owner && isModerator(room, target))) return refuse("forbidden", 403);
    }
    switch (a.action) {
      case "delete":
        if (!store.markDeleted(db, a.messageId, room.id)) return refuse("badCommand", 404);
        emit(room.id, { type: "moderation", action: "delete", messageId: a.messageId });
        return { ok: true };
      case "timeout":
        store.insertBan(db, { roomId: room.id, userId: target!.id, ip: null, until: at + a.minutes * 60_000, byUserId: actor.id, now: at });
        emit(room.id, { type: "moderation", action: "timeout", username: target!.username, minutes: a.minutes });
        return { ok: true };
      case "ban":
        store.insertBan(db, { roomId: room.id, userId: target!.id, ip: a.ip ? lastIp.get(target!.id) ?? null : null, until: null, byUserId: actor.id, now: at });
        hooks.disconnectUser(target!.id, room.id);
        emit(room.id, { type: "moderation", action: "ban", username: target!.username });
        return { ok: true };
      case "unban":
        store.deleteBans(db, room.id, target!.id);
        emit(room.id, { type: "moderation", action: "unban", username: target!.username });
        return { ok: true };
      case "slow":
        store.saveSettings(db, room.id, { ...store.getSettings(db, room.id), slowSeconds: a.seconds });
        emit(room.id, { type: "moderation", action: "slow", seconds: a.seconds });
        return { ok: true };
      case "followers":
        store.saveSettings(db, room.id, { ...store.getSettings(db, room.id), followersOnly: a.enabled });
        emit(room.id, { type: "moderation", action: "followers", enabled: a.enabled });
        return { ok: true };
      case "mod":
      case "unmod":
        if (actor.id !== room.ownerId && actor.role !== "admin") return refuse("forbidden", 403);
        if (a.action === "mod") store.addModerator(db, room.id, target!.id, at);
        else store.removeModerator(db, room.id, target!.id);
        return { ok: true };
    }
  }

  function like(roomId: number, key: string, who: { userId: number | null; viewerId: string | null } = { userId: null, viewerId: null }): boolean {
    if (likeRate.hit(key, now()) > 0) return false;
    pendingLikes.set(roomId, (pendingLikes.get(roomId) ?? 0) + 1);
    bus.emit("like.sent", { roomId, ...who, at: now() });
    return true;
  }

  // A live broadcast's like total is its row in room_broadcast_stats, so every process (several share the
  // database) announces the same total; an offline room's likes are only counted in memory.
  function flushLikes(): void {
    for (const [roomId, count] of pendingLikes) {
      const b = live.get(roomId);
      const total = (b ? store.addLikes(db, b.broadcastId, count) : null) ?? (likeTotals.get(roomId) ?? 0) + count;
      likeTotals.set(roomId, total);
      emit(roomId, { type: "like", count, total });
    }
    pendingLikes.clear();
  }

  function likeTotal(roomId: number): number {
    const b = live.get(roomId);
    return (b ? store.likesOf(db, b.broadcastId) : null) ?? likeTotals.get(roomId) ?? 0;
  }

  function sweepRetention(): void {
    for (const [key, at] of lastPost) if (now() - at > HOUR) lastPost.delete(key);
    const days = deps.config.chatRetentionDays;
    if (days > 0) store.deleteMessagesBefore(db, now() - days * 24 * HOUR);
  }

  function follow(user: User, room: Room, on: boolean): boolean {
    if (user.id === room.ownerId) return false;
    if (!on) {
      store.deleteFollow(db, user.id, room.ownerId);
      return false;
    }
    if (store.insertFollow(db, user.id, room.ownerId, now())) {
      bus.emit("follow.created", { creatorId: room.ownerId, followerId: user.id, username: user.username, displayName: user.displayName, roomId: room.id });
      emit(room.id, { type: "follow", username: user.username, displayName: user.displayName });
    }
    return true;
  }

  return {
    post,
    moderate,
    like,
    follow,
    isModerator,
    forgetEmotes: (roomId: number) => emoteCache.delete(roomId),
    history: (roomId: number): ChatEvent[] => store.recentMessages(db, roomId, HISTORY_SIZE).map(toEvent),
    likeTotal,
    /** Records the live viewer count for the room's running broadcast (the peak is kept). */
    recordViewers(roomId: number, count: number): void {
      const b = live.get(roomId);
      if (b) store.raisePeak(db, b.broadcastId, count);
    },
    /** Chat of a finished (or running) broadcast between two offsets, for a replay shown in sync. */
    replay: (broadcastId: number, fromMs: number, toMs: number, limit = 500): ChatEvent[] =>
      store.messagesForBroadcast(db, broadcastId, fromMs, toMs, limit).map(toEvent),
    stats: (broadcastId: number) => store.getStats(db, broadcastId),
    start(): void {
      sweepRetention();
      timers.push(setInterval(flushLikes, LIKE_FLUSH_MS), setInterval(sweepRetention, HOUR));
    },
    stop(): void {
      for (const t of timers) clearInterval(t);
      timers.length = 0;
      flushLikes();
      for (const off of offs) off();
    },
  };
}

export type Chat = ReturnType<typeof createChat>;
