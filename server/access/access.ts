// Access rules: who may watch a room or a replay, the settings a creator changes, passwords entered by viewers,
// and the signed media URLs handed to entitled viewers. The media routes ask gate() on every HLS request.
import type { User } from "../accounts/model";
import { randomToken } from "../accounts/secrets";
import type { Deps } from "../deps";
import type { FieldError } from "../accounts/model";
import type { Room } from "../rooms/model";
import type { Entitlements } from "./entitlements";
import {
  isAccessMode, MAX_PREVIEW_MINUTES, mediaPrefix, PASSWORD_MAX, PASSWORD_MIN, type AccessInput, type MediaScope,
  type ReplayMode, type RoomAccess,
} from "./model";
import { issuePass, passFromCookies, passVersionIn } from "./pass";
import * as store from "./storage";
import { checkMedia, mediaToken, queryOf, tokenExpiry, tokenIn, tokenQuery, type TokenCheck } from "./tokens";

/** What a media request may do: pass with the query to append to playlist URIs, or be refused. */
export type GateResult = { ok: true; query: string; previewMs?: number } | { ok: false; status: 403 | 404; check: TokenCheck | "unknown" };

/** previewMinutes: not entitled, but the replay's free preview plays from this unsigned URL. */
export type Playback = { ok: true; hls: string; expiresAt: number; previewMinutes?: number } | { ok: false; status: 401 | 403 | 404 };

/** The hot path reads each room's access at most this often; a change made in this process applies at once. */
const CACHE_MS = 1000;

type Subject = { access: RoomAccess; ownerId: number; replayMode?: ReplayMode; broadcastId?: number };

export function createAccess(deps: Deps, entitlements: Entitlements) {
  const { db, config } = deps;
  const secret = config.mediaTokenSecret || store.mediaSecret(db, randomToken(32));
  const ttlMs = config.mediaTokenTtlSeconds * 1000;
  const cache = new Map<string, { value: Subject | null; until: number }>();
  /** Verified "prefix?query" → its expiry (unix s) and the token's query to put on playlist URIs. */
  const verified = new Map<string, { expires: number; query: string }>();

  function cached(key: string, load: () => Subject | null): Subject | null {
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = load();
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { value, until: now + CACHE_MS });
    return value;
  }

  const subjectOf = (scope: MediaScope): Subject | null =>
    scope.kind === "live"
      ? cached(`l:${scope.slug}`, () => store.accessBySlug(db, scope.slug))
      : cached(`r:${scope.id}`, () => {
          const r = store.accessByBroadcast(db, scope.id);
          return r ? { ...r, broadcastId: scope.id } : null;
        });

  /** Public after the replay's own override is applied (a PPV replay is never public). */
  function isOpen(s: Subject): boolean {
    if (s.replayMode === "public") return true;
    if (s.replayMode === "ppv") return false;
    return s.access.mode === "public";
  }

  /** A visitor's pass cookie (pass.ts) for the room's current password; cookies: the request's Cookie header. */
  function visitorPass(a: RoomAccess, cookies: string | null): boolean {
    const value = a.mode === "password" && a.hasPassword ? passFromCookies(cookies, a.roomId) : null;
    return value !== null && passVersionIn(secret, a.roomId, value, deps.now()) === a.passwordVersion;
  }

  function entitled(s: Subject, user: User | null, cookies: string | null): boolean {
    if (isOpen(s)) return true;
    if (s.replayMode !== "ppv" && visitorPass(s.access, cookies)) return true;
    if (!user) return false;
    if (user.id === s.ownerId || user.role === "admin") return true;
    const now = deps.now();
    if (s.replayMode === "ppv") return s.broadcastId !== undefined && entitlements.replay(db, user.id, s.broadcastId);
    if (s.broadcastId !== undefined && entitlements.replay(db, user.id, s.broadcastId)) return true;
    const a = s.access;
    switch (a.mode) {
      case "public":
        return true;
      case "password":
        return a.hasPassword && store.passVersion(db, a.roomId, user.id) === a.passwordVersion;
      case "members":
        return entitlements.membership(db, user.id, s.ownerId, a.minTierId, now);
      case "ticket":
        return entitlements.ticket(db, user.id, a.roomId, now);
    }
  }

  function fresh(scope: MediaScope): Subject | null {
    cache.delete(scope.kind === "live" ? `l:${scope.slug}` : `r:${scope.id}`);
    return subjectOf(scope);
  }

  return {
    secret,
    roomAccess: (roomId: number): RoomAccess => store.getRoomAccess(db, roomId),

    /**
     * Whether the user (or a visitor holding a pass: cookies is the request's Cookie header) may watch (and so chat
     * in and gift to) the room; read fresh, never from the cache.
     */
    canWatchRoom(room: Room, user: User | null, cookies: string | null = null): boolean {
      const s = fresh({ kind: "live", slug: room.slug });
      return !!s && entitled(s, user, cookies);
    },

    canWatchReplay(broadcastId: number, user: User | null, cookies: string | null = null): boolean {
      const s = fresh({ kind: "replay", id: broadcastId });
      return !!s && entitled(s, user, cookies);
    },

    /** A signed master-playlist URL for an entitled caller (a user, or a visitor with a pass in `cookies`). */
    playback(scope: MediaScope, user: User | null, cookies: string | null = null): Playback {
      const s = fresh(scope);
      if (!s) return { ok: false, status: 404 };
      const master = `${mediaPrefix(scope)}index.m3u8`;
      if (isOpen(s)) return { ok: true, hls: master, expiresAt: deps.now() + ttlMs };
      const ok = entitled(s, user, cookies);
      if (!ok && scope.kind === "replay" && s.access.previewMinutes > 0) return { ok: true, hls: master, expiresAt: deps.now() + ttlMs, previewMinutes: s.access.previewMinutes };
      if (!ok) return { ok: false, status: user ? 403 : 401 };
      const expires = tokenExpiry(deps.now(), config.mediaTokenTtlSeconds);
      return { ok: true, hls: `${master}?${tokenQuery(mediaToken(secret, mediaPrefix(scope), expires))}`, expiresAt: expires * 1000 };
    },

    /** Every HLS request: public media passes; anything else needs a valid token for its own path prefix. */
    gate(scope: MediaScope, url: string): GateResult {
      const s = subjectOf(scope);
      if (!s) return { ok: false, status: 404, check: "unknown" };
      if (isOpen(s)) return { ok: true, query: "" };
      const query = queryOf(url);
      const nowSec = Math.floor(deps.now() / 1000);
      // A signature already verified for this prefix is only compared again, not re-hashed (every segment of a
      // viewer's session carries the same one).
      const key = `${mediaPrefix(scope)}?${query}`;
      const known = verified.get(key);
      if (known && known.expires > nowSec) return { ok: true, query: known.query };
      const check = checkMedia(secret, mediaPrefix(scope), query, nowSec);
      if (check !== "ok") {
        // A replay's free preview: its first minutes, to anyone (the media routes serve only those).
        if (scope.kind === "replay" && s.access.previewMinutes > 0) return { ok: true, query: "", previewMs: s.access.previewMinutes * 60_000 };
        return { ok: false, status: 403, check };
      }
      const token = tokenIn(query);
      if (verified.size >= 50_000) verified.clear();
      verified.set(key, { expires: token.expires, query: tokenQuery(token) });
      return { ok: true, query: tokenQuery(token) };
    },

    /** The creator's settings; a new password ends every pass entered for the old one. */
    async setRoomAccess(room: Room, input: AccessInput): Promise<{ ok: true; value: RoomAccess } | { ok: false; errors: FieldError[] }> {
      const errors: FieldError[] = [];
      const current = store.getRoomAccess(db, room.id);
      if (!isAccessMode(input.mode)) errors.push({ field: "mode", message: "access.error.mode" });
      const password = input.password?.trim() ? input.password : undefined;
      if (password !== undefined && (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX)) errors.push({ field: "password", message: "access.error.password" });
      if (input.mode === "password" && password === undefined && !current.hasPassword) errors.push({ field: "password", message: "access.error.passwordNeeded" });
      const minTierId = input.minTierId ?? null;
      if (minTierId !== null && (!Number.isInteger(minTierId) || minTierId < 1)) errors.push({ field: "minTier", message: "access.error.minTier" });
      const preview = input.previewMinutes ?? current.previewMinutes;
      if (!Number.isInteger(preview) || preview < 0 || preview > MAX_PREVIEW_MINUTES) errors.push({ field: "previewMinutes", message: "access.error.preview" });
      if (errors.length || !isAccessMode(input.mode)) return { ok: false, errors };
      const passwordHash = password === undefined ? undefined : await Bun.password.hash(password, { algorithm: "argon2id" });
      store.saveRoomAccess(db, { roomId: room.id, mode: input.mode, passwordHash, minTierId: input.mode === "members" ? minTierId : null, previewMinutes: preview, now: deps.now() });
      cache.clear();
      return { ok: true, value: store.getRoomAccess(db, room.id) };
    },

    /**
     * A viewer's passphrase: right → a pass for the current password version, stored for a user, or for a visitor
     * without an account the signed cookie value to set (pass.ts).
     */
    async enterPassword(room: Room, user: User | null, password: string): Promise<{ ok: false } | { ok: true; cookie: { value: string; maxAge: number } | null }> {
      const a = store.getRoomAccess(db, room.id);
      const hash = store.getPasswordHash(db, room.id);
      if (a.mode !== "password" || !hash || password.length > PASSWORD_MAX) return { ok: false };
      if (!(await Bun.password.verify(password, hash))) return { ok: false };
      if (!user) return { ok: true, cookie: issuePass(secret, room.id, a.passwordVersion, deps.now()) };
      store.savePass(db, room.id, user.id, a.passwordVersion, deps.now());
      return { ok: true, cookie: null };
    },

    setReplayMode(broadcastId: number, mode: ReplayMode): void {
      store.setReplayMode(db, broadcastId, mode, deps.now());
      cache.clear();
    },
  };
}

export type Access = ReturnType<typeof createAccess>;
