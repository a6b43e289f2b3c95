// The two room sockets (one source of events, two renderings) and the viewer ping.
//   /r/<slug>/ws                  room pages (htmx hx-ws): receives HTML fragments with hx-swap-oob; sends the
//                                 chat form as JSON ({ text, _csrf, headers }) or { action: "like" }.
//   /api/v1/rooms/<slug>/events   bots and tools: receives JSON events; may send { type: "chat", text } or
//                                 { type: "like" }. Token as bearer header or ?token=.
// Refusals are answered to the sender only, as a "notice" event. Unknown rooms get 404 before the upgrade.
import type { ServerWebSocket } from "bun";
import { Elysia, t } from "elysia";
import { loadSession, userForToken } from "../accounts/accounts";
import type { User } from "../accounts/model";
import { bannedFrom, type Chat } from "../chat/chat";
import type { ChatEvent, NoticeCode, Refusal } from "../chat/model";
import { bearerToken, contextPlugin, type ReqCtx } from "../http/context";
import type { Deps } from "../deps";
import { createRateLimiter } from "../lib/rate-limit";
import { jsonError } from "../http/respond";
import { translator, type Lang, type Translate } from "../i18n";
import { clientId } from "../insights/model";
import * as rooms from "../rooms/rooms";
import type { Room } from "../rooms/model";
import type { Hub, Member } from "./hub";
import type { RoomAction } from "./model";
import { VIEWER_ID, viewerKey, type ViewerCounter } from "./viewers";

interface Conn {
  member: Member;
  room: Room;
  ip: string | null;
  /** The current user (re-read now and then, so a logout takes effect on an open socket). */
  user(): User | null;
  csrf: string;
}

interface PageSocketData {
  open(ws: ServerWebSocket<PageSocketData>): void;
  message(ws: ServerWebSocket<PageSocketData>, raw: string | Buffer): void;
  close(ws: ServerWebSocket<PageSocketData>): void;
  lang: Lang;
  viewerId: string;
  /** Address + user agent, only for insights' hashed viewer key. */
  client: string | null;
  /** Everything but the hub membership, which exists once the socket is open. */
  init: Omit<Conn, "member">;
  conn: Conn | null;
}

/** The page rendering of a room's recent chat, sent when a page socket opens. */
export type HistoryRenderer = (events: ChatEvent[], t: Translate) => string;

type Incoming = { text?: unknown; action?: unknown; type?: unknown; _csrf?: unknown };

const AUTH_RECHECK_MS = 5_000;

/** Pages only connect from our own origin (cross-site WebSocket hijacking); bots send no Origin. */
export function sameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return true;
  try {
    return new URL(origin).host === request.headers.get("host");
  } catch {
    return false;
  }
}

export function realtimeRoutes(deps: Deps & { hub: Hub; chat: Chat; viewers: ViewerCounter; historyCache: Map<string, string>; history: HistoryRenderer; canWatch: (room: Room, user: User | null, cookies?: string | null) => boolean; actions: Readonly<Record<string, RoomAction>> }) {
  const { db, hub, chat, historyCache } = deps;
  const conns = new WeakMap<object, Conn>();
  const pingsByIp = createRateLimiter({ max: 60, windowMs: 60_000 }, { cluster: deps.cluster, name: "pings" });

  function historyHtml(roomId: number, lang: Lang): string {
    const key = `${roomId}:${lang}`;
    let html = historyCache.get(key);
    if (html === undefined) historyCache.set(key, (html = deps.history(chat.history(roomId), translator(lang))));
    return html;
  }

  /** The socket's user, re-read at most every AUTH_RECHECK_MS (a ban also closes the sockets at once). */
  function authOf(ctx: ReqCtx, request: Request): () => User | null {
    const token = bearerToken(request) ?? new URL(request.url).searchParams.get("token");
    const sid = ctx.sessionId;
    const load = sid ? () => loadSession(db, sid, deps.now())?.user ?? null : token ? () => userForToken(db, token, deps.now()) : () => null;
    let user = ctx.user;
    let checked = deps.now();
    return () => {
      if (deps.now() - checked >= AUTH_RECHECK_MS) {
        user = load();
        checked = deps.now();
      }
      return user;
    };
  }

  function notice(conn: Conn, r: Refusal | { code: NoticeCode; status: number; vars?: Record<string, string | number> }): void {
    const message = translator(conn.member.lang)(`chat.notice.${r.code}`, r.vars);
    hub.send(conn.member, { type: "notice", code: r.code, status: r.status, message });
  }

  function handle(conn: Conn, raw: unknown): void {
    const msg: Incoming = typeof raw === "object" && raw !== null ? (raw as Incoming) : {};
    const user = conn.user();
    const name = conn.member.kind === "json" ? msg.type : msg.action;
    const act = typeof name === "string" && Object.hasOwn(deps.actions, name) ? deps.actions[name] : undefined;
    if (act) {
      if (conn.member.kind === "page" && msg._csrf !== conn.csrf) return notice(conn, { code: "invalid", status: 403 });
      hub.send(conn.member, act({ room: conn.room, user }, msg as Record<string, unknown>));
      return;
    }
    const isLike = msg.action === "like" || msg.type === "like";
    if (isLike) {
      chat.like(conn.room.id, user ? `u${user.id}` : `v${conn.member.viewerId ?? conn.ip}`, { userId: user?.id ?? null, viewerId: conn.member.viewerId });
      return;
    }
    if (typeof msg.text !== "string" || (conn.member.kind === "json" && msg.type !== "chat")) return notice(conn, { code: "invalid", status: 400 });
    // Pages send the form's CSRF token; an Origin check already ran at the upgrade, this is belt and braces.
    if (conn.member.kind === "page" && msg._csrf !== conn.csrf) return notice(conn, { code: "invalid", status: 403 });
    void chat.post(conn.room, { user, ip: conn.ip }, msg.text).then(
      (r) => {
        if (!r.ok) notice(conn, r);
        else if (conn.member.kind === "page") hub.send(conn.member, { type: "notice", code: "ok", status: 201, message: "" });
      },
      (err: unknown) => {
        deps.log(`chat: a message could not be saved: ${err instanceof Error ? err.message : String(err)}`);
        notice(conn, { code: "failed", status: 500 });
      },
    );
  }

  let anonViewers = 0;

  function pageOpen(ws: ServerWebSocket<PageSocketData>): void {
    const { init, lang, viewerId } = ws.data;
    ws.data.conn = { ...init, member: hub.join(init.room.id, ws, { kind: "page", lang, userId: init.user()?.id ?? null, viewerId }) };
    deps.bus.emit("viewer.joined", { roomId: init.room.id, viewerId, userId: ws.data.conn.member.userId, client: ws.data.client, at: deps.now() });
    ws.send(historyHtml(init.room.id, lang));
  }

  function pageMessage(ws: ServerWebSocket<PageSocketData>, raw: string | Buffer): void {
    let msg: unknown = null;
    try {
      msg = JSON.parse(typeof raw === "string" ? raw : raw.toString("utf8"));
    } catch {}
    if (ws.data.conn) handle(ws.data.conn, msg);
  }

  function pageClose(ws: ServerWebSocket<PageSocketData>): void {
    if (!ws.data.conn) return;
    hub.leave(ws.data.conn.member);
    deps.bus.emit("viewer.left", { roomId: ws.data.conn.room.id, viewerId: ws.data.viewerId, at: deps.now() });
  }

  return new Elysia({ name: "livehouse.realtime" })
    .use(contextPlugin(deps))
    .onStart(({ server }) => {
      if (server) hub.attach(server);
    })
    // Room pages are the many sockets (thousands of viewers), so they skip Elysia's per-socket context and
    // upgrade with a small data object; Elysia's websocket handler calls data.open/message/close.
    .get(
      "/r/:slug/ws",
      ({ ctx, params, query, request, server }) => {
        if (!sameOrigin(request)) return jsonError(403, "cross-origin socket refused");
        const room = rooms.getRoomBySlug(db, params.slug);
        if (!room) return jsonError(404, `no room "${params.slug}"`);
        if (ctx.user && bannedFrom(db, room.id, ctx.user.id, ctx.ip, deps.now())) return jsonError(403, "you are banned from this room");
        // Who cannot watch the room gets neither its chat nor its events (server/access; a visitor's pass counts).
        if (!deps.canWatch(room, ctx.user, request.headers.get("cookie"))) return jsonError(ctx.user ? 403 : 401, "no access to this room");
        const viewerId = viewerKey(ctx.user?.id ?? null, ctx.ip, query.v && VIEWER_ID.test(query.v) ? query.v : `s${++anonViewers}`);
        const data: PageSocketData = {
          open: pageOpen, message: pageMessage, close: pageClose, lang: ctx.lang, viewerId, client: clientId(ctx.ip, request.headers.get("user-agent")),
          init: { room, ip: ctx.ip, user: authOf(ctx, request), csrf: ctx.csrf }, conn: null,
        };
        if (server?.upgrade(request, { data })) return;
        return jsonError(426, "expected a WebSocket upgrade");
      },
      { query: t.Object({ v: t.Optional(t.String({ maxLength: 40 })) }) },
    )
    .ws("/api/v1/rooms/:slug/events", {
      query: t.Object({ token: t.Optional(t.String({ maxLength: 200 })) }),
      beforeHandle({ params, ctx, request }) {
        if (ctx.viaToken && !ctx.user) return jsonError(401, "invalid token");
        // A cookie is ambient authority: another site must not open a socket that writes as the visitor.
        if (!ctx.viaToken && ctx.user && !sameOrigin(request)) return jsonError(403, "cross-origin socket with cookies refused; use a token");
        const room = rooms.getRoomBySlug(db, params.slug);
        if (!room) return jsonError(404, `no room "${params.slug}"`);
        if (ctx.user && bannedFrom(db, room.id, ctx.user.id, ctx.ip, deps.now())) return jsonError(403, "you are banned from this room");
        if (!deps.canWatch(room, ctx.user)) return jsonError(ctx.user ? 403 : 401, "no access to this room");
      },
      open(ws) {
        const { ctx, params, request } = ws.data;
        const room = rooms.getRoomBySlug(db, params.slug);
        if (!room) return ws.close();
        const member = hub.join(room.id, ws.raw, { kind: "json", lang: ctx.lang, userId: ctx.user?.id ?? null });
        conns.set(ws.raw, { member, room, ip: ws.raw.remoteAddress || null, user: authOf(ctx, request), csrf: "" });
        for (const e of chat.history(room.id)) ws.raw.send(JSON.stringify({ ...e, history: true }));
      },
      message(ws, raw) {
        const conn = conns.get(ws.raw);
        if (conn) handle(conn, raw);
      },
      close(ws) {
        const conn = conns.get(ws.raw);
        if (conn) hub.leave(conn.member);
      },
    })
    .get(
      "/api/v1/rooms/:slug/ping",
      ({ ctx, params, query, request }) => {
        const room = rooms.getRoomBySlug(db, params.slug);
        if (!room) return jsonError(404, `no room "${params.slug}"`);
        if (!VIEWER_ID.test(query.v)) return jsonError(422, "v must be 8-40 letters, digits, _ or -");
        const wait = pingsByIp.hit(ctx.ip ?? "unknown", deps.now());
        if (wait > 0) return jsonError(429, `too many pings; retry in ${wait} s`);
        deps.viewers.ping(room.id, viewerKey(ctx.user?.id ?? null, ctx.ip, query.v));
        deps.bus.emit("viewer.pinged", { roomId: room.id, viewerId: query.v, userId: ctx.user?.id ?? null, client: clientId(ctx.ip, request.headers.get("user-agent")), at: deps.now() });
        return new Response(null, { status: 204 });
      },
      { query: t.Object({ v: t.String({ maxLength: 40 }) }) },
    );
}

