// OBS overlays: the browser-source pages and their socket (authorised by the room's overlay token in the URL),
// plus the Studio box to copy the URLs, rotate the token and send a test alert.
// The socket subscribes to the room's JSON topic (roomTopic, fed by the realtime hub) and to the overlay-only
// topic; rotating the token closes every socket opened with the old one (close code 4001).
import { Elysia, t } from "elysia";
import { OverlayPage } from "../../views/pages/overlay";
import { OverlayBox } from "../../views/partials/overlay-studio";
import { goalFor } from "../gifts/gifts";
import { managedRoom, requireUser } from "../http/guards";
import { contextPlugin, type ReqCtx } from "../http/context";
import type { Deps, Service } from "../deps";
import { fragment, html, jsonError, redirect } from "../http/respond";
import { translator, type Lang } from "../i18n";
import { roomTopic } from "../realtime/model";
import type { Room } from "../rooms/model";
import type { OverlayEvents, OverlayKind } from "./model";
import { maskToken, overlayToken, overlayTopic, roomForOverlayToken, rotateOverlayToken } from "./overlays";

export const CLOSE_ROTATED = 4001;

function alertSeconds(raw: string | undefined): number {
  const n = raw && /^\d{1,2}$/.test(raw) ? Number(raw) : 5;
  return Math.min(60, Math.max(1, n));
}

interface Closable {
  close(code?: number, reason?: string): void;
}

interface Publisher {
  publish(topic: string, data: string): unknown;
}

/** The overlay pages and sockets, and the service that closes those sockets when the server stops. */
export function createOverlays(deps: Deps): { routes: () => ReturnType<typeof overlaysRoutes>; service: Service } {
  const open = new Map<number, Set<Closable>>();
  // Bun's server.stop() waits for open sockets, and an OBS overlay never hangs up: close them before stopping.
  // OBS reconnects to the restarted server by itself.
  function closeAll(): void {
    for (const set of open.values()) for (const ws of set) ws.close(1001, "server stopping");
    open.clear();
  }
  return { routes: () => overlaysRoutes(deps, open), service: { name: "overlays", start() {}, beforeStop: closeAll, stop() {} } };
}

function overlaysRoutes(deps: Deps, open: Map<number, Set<Closable>>) {
  const { db } = deps;
  let publisher: Publisher | null = null;

  // With several processes (--redis-url) a rotation closes old sockets, and a test alert reaches overlays, on all.
  function closeRotated(roomId: number): void {
    for (const ws of open.get(roomId) ?? []) ws.close(CLOSE_ROTATED, "overlay token rotated");
    open.delete(roomId);
  }
  const alert = (roomId: number, data: string) => publisher?.publish(overlayTopic(roomId), data);
  deps.cluster?.on("overlays:rotated", (roomId) => typeof roomId === "number" && closeRotated(roomId));
  deps.cluster?.on("overlays:alert", (m) => {
    const { roomId, data } = m as { roomId?: unknown; data?: unknown };
    if (typeof roomId === "number" && typeof data === "string") alert(roomId, data);
  });

  function box(ctx: ReqCtx, request: Request, room: Room, token: string, flags: { rotated?: boolean; tested?: boolean } = {}): Response {
    const base = deps.config.publicUrl.replace(/\/$/, "") || new URL(request.url).origin;
    return fragment(<OverlayBox ctx={ctx} room={room} base={base} token={token} masked={maskToken(token)} {...flags} />);
  }

  /**
   * `?seconds=N` (1-60) sets how long each alert stays up, tuned per OBS scene; `?lang=en|zh` picks the language
   * (OBS sends its own Accept-Language, not the creator's).
   */
  function page(ctx: ReqCtx, token: string, kind: OverlayKind, query: { seconds?: string; lang?: string }): Response {
    const roomId = roomForOverlayToken(db, token);
    if (roomId === null) return new Response("overlay not found", { status: 404 });
    const lang: Lang = query.lang === "en" || query.lang === "zh" ? query.lang : ctx.lang;
    return html(
      <OverlayPage t={lang === ctx.lang ? ctx.t : translator(lang)} lang={lang} kind={kind} wsPath={`/overlay/${token}/ws`} goal={goalFor(deps.moneyDb, roomId)} alertSeconds={alertSeconds(query.seconds)} />,
      200,
      { "cache-control": "no-store", "referrer-policy": "no-referrer" },
    );
  }

  // One static route per kind: a "/overlay/:token/:kind" route would also swallow the socket's path.
  return new Elysia({ name: "livehouse.overlays" })
    .use(contextPlugin(deps))
    .onStart(({ server }) => {
      publisher = server;
    })
    .get("/overlay/:token/alerts", ({ ctx, params, query }) => page(ctx, params.token, "alerts", query))
    .get("/overlay/:token/chat", ({ ctx, params, query }) => page(ctx, params.token, "chat", query))
    .get("/overlay/:token/goal", ({ ctx, params, query }) => page(ctx, params.token, "goal", query))
    .ws("/overlay/:token/ws", {
      idleTimeout: 120,
      maxPayloadLength: 1024,
      beforeHandle({ params }) {
        if (roomForOverlayToken(db, params.token) === null) return jsonError(404, "overlay not found");
      },
      open(ws) {
        const roomId = roomForOverlayToken(db, ws.data.params.token);
        if (roomId === null) return ws.close(CLOSE_ROTATED, "overlay token rotated");
        let set = open.get(roomId);
        if (!set) open.set(roomId, (set = new Set()));
        set.add(ws.raw);
        ws.raw.subscribe(roomTopic(roomId));
        ws.raw.subscribe(overlayTopic(roomId));
      },
      close(ws) {
        for (const [roomId, set] of open) if (set.delete(ws.raw) && set.size === 0) open.delete(roomId);
      },
      message() {
        // Overlays only listen.
      },
    })
    .get("/studio/rooms/:slug/overlay", ({ ctx, params, request }) => {
      const room = managedRoom(db, ctx, params.slug);
      if (room instanceof Response) return room;
      return box(ctx, request, room, overlayToken(db, room.id, deps.now()));
    })
    .post("/studio/rooms/:slug/overlay/rotate", ({ ctx, params, request }) => {
      const room = managedRoom(db, ctx, params.slug);
      if (room instanceof Response) return room;
      const token = rotateOverlayToken(db, room.id, deps.now());
      closeRotated(room.id);
      deps.cluster?.publish("overlays:rotated", room.id);
      return ctx.isHtmx ? box(ctx, request, room, token, { rotated: true }) : redirect(`/studio/rooms/${room.slug}`);
    })
    .post(
      "/studio/rooms/:slug/overlay/test",
      ({ ctx, params, request }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        const room = managedRoom(db, ctx, params.slug);
        if (room instanceof Response) return room;
        const event: OverlayEvents["test"] = { type: "test", sender: { username: me.username, displayName: me.displayName }, at: deps.now() };
        alert(room.id, JSON.stringify(event));
        deps.cluster?.publish("overlays:alert", { roomId: room.id, data: JSON.stringify(event) });
        return ctx.isHtmx ? box(ctx, request, room, overlayToken(db, room.id), { tested: true }) : redirect(`/studio/rooms/${room.slug}`);
      },
      { body: t.Optional(t.Object({ _csrf: t.Optional(t.String()) })) },
    );
}
