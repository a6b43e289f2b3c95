// Notifications over HTTP (docs/notifications.md):
//   GET  /me/notifications            the notification centre; POST …/read (one id or all), POST …/email
//   WS   /me/notifications/ws         the bell: { type: "unread", count } on open and on every change
//   GET  /api/v1/me/notifications     { unread, notifications: [...] }
//   GET|POST /unsubscribe/<token>     one-click unsubscribe from one creator's go-live mail (RFC 8058 POST too)
//   GET  /notify/rooms/<slug>         "notify me" for the next live (owner: the schedule form); POST toggles,
//   POST /notify/rooms/<slug>/schedule sets or clears the next live (owner)
//   GET  /notify/classes/<id>         "notify me" for a scheduled class; POST toggles
import { Elysia, t } from "elysia";
import { MessagePage } from "../../views/pages/message";
import { NotificationsPage } from "../../views/pages/notifications";
import { NotifyBox, type NotifyState } from "../../views/partials/notify";
import { getClass } from "../classes/classes";
import { countUnreadNotices, listNotices, markRead } from "../classes/notices";
import type { Deps } from "../deps";
import { contextPlugin, type ReqCtx } from "../http/context";
import { notFoundPage, parseInteger, requireUser } from "../http/guards";
import { fragment, html, json, jsonError, redirect } from "../http/respond";
import { sameOrigin } from "../realtime/routes";
import { canManage, getRoomBySlug } from "../rooms/rooms";
import type { Room } from "../rooms/model";
import type { Bell } from "./bell";
import { unsubscribe } from "./golive";
import { parseEmail, parseWhen } from "./model";
import * as store from "./storage";

const form = t.Object({ _csrf: t.Optional(t.String()), id: t.Optional(t.String({ maxLength: 20 })), email: t.Optional(t.String({ maxLength: 400 })), on: t.Optional(t.String({ maxLength: 1 })), at: t.Optional(t.String({ maxLength: 40 })) });
const token = t.Object({ token: t.String({ maxLength: 100 }) });

export function notificationsRoutes(deps: Deps, bell: Bell) {
  const { db } = deps;

  function roomState(ctx: ReqCtx, room: Room, error = false): NotifyState {
    const at = store.nextLiveAt(db, room.id);
    return { action: `/notify/rooms/${room.slug}`, at: at !== null && at > deps.now() ? at : null, wanted: !!ctx.user && store.wantsNotice(db, ctx.user.id, "room", room.id), owner: canManage(ctx.user, room), error };
  }

  function classState(ctx: ReqCtx, id: number): NotifyState | null {
    const c = getClass(db, id);
    if (!c) return null;
    // A class is announced until it ends; its teacher has nothing to subscribe to.
    const open = c.startsAt + c.minutes * 60_000 > deps.now() && ctx.user?.id !== c.teacherId;
    return { action: `/notify/classes/${c.id}`, at: open ? c.startsAt : null, wanted: !!ctx.user && store.wantsNotice(db, ctx.user.id, "class", c.id), owner: false };
  }

  function centre(ctx: ReqCtx, userId: number, error = false): Response {
    return html(<NotificationsPage ctx={ctx} notices={listNotices(db, userId)} email={store.getEmail(db, userId)} error={error} />, error ? 422 : 200);
  }

  function unsubscribed(ctx: ReqCtx, tok: string): Response {
    const r = unsubscribe(db, tok, deps.now());
    if (!r) return html(<MessagePage ctx={ctx} title={ctx.t("notifications.unsubscribeUnknown")} text={ctx.t("notifications.unsubscribeUnknownText")} status={404} />, 404);
    return html(<MessagePage ctx={ctx} title={ctx.t("notifications.unsubscribed")} text={ctx.t("notifications.unsubscribedText", { name: r.creatorName })} />);
  }

  return new Elysia({ name: "livehouse.notifications" })
    .use(contextPlugin(deps))
    .get("/me/notifications", ({ ctx }) => {
      const me = requireUser(ctx);
      return me instanceof Response ? me : centre(ctx, me.id);
    })
    .post("/me/notifications/read", ({ ctx, body }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      // No id (or an empty form): all of them.
      const raw = body?.id ?? "";
      const id = parseInteger(raw);
      if (raw !== "" && id === null) return jsonError(422, "id must be a notice id");
      markRead(db, deps.bus, me.id, id, deps.now());
      return redirect("/me/notifications", ctx.isHtmx);
    }, { body: t.Optional(form) })
    .post("/me/notifications/email", ({ ctx, body }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      const raw = (body.email ?? "").trim();
      const email = raw === "" ? null : parseEmail(raw);
      if (raw !== "" && email === null) return centre(ctx, me.id, true);
      store.setEmail(db, me.id, email, deps.now());
      return redirect("/me/notifications", ctx.isHtmx);
    }, { body: form })
    .get("/api/v1/me/notifications", ({ ctx }) => {
      if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
      const notifications = listNotices(db, ctx.user.id).map((n) => ({ id: n.id, kind: n.kind, text: ctx.t(n.textKey, n.vars), url: n.url, createdAt: new Date(n.createdAt).toISOString(), read: n.readAt !== null }));
      return json({ unread: countUnreadNotices(db, ctx.user.id), notifications });
    })
    .ws("/me/notifications/ws", {
      beforeHandle({ ctx, request }) {
        if (!ctx.user) return jsonError(401, "sign in to get notifications");
        if (!sameOrigin(request)) return jsonError(403, "cross-origin socket refused");
      },
      open(ws) {
        const user = ws.data.ctx.user;
        if (!user) return ws.close();
        bell.add(user.id, ws.raw);
      },
      close(ws) {
        const user = ws.data.ctx.user;
        if (user) bell.remove(user.id, ws.raw);
      },
    })
    .get("/unsubscribe/:token", ({ ctx, params }) => unsubscribed(ctx, params.token), { params: token })
    .post("/unsubscribe/:token", ({ ctx, params }) => unsubscribed(ctx, params.token), { params: token })
    .get("/notify/rooms/:slug", ({ ctx, params }) => {
      const room = getRoomBySlug(db, params.slug);
      return room ? fragment(<NotifyBox ctx={ctx} s={roomState(ctx, room)} />) : fragment(<div id="notify-me"></div>, 404);
    })
    .post("/notify/rooms/:slug", ({ ctx, params, body }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      const room = getRoomBySlug(db, params.slug);
      if (!room) return jsonError(404, `no room "${params.slug}"`);
      store.setNotifyMe(db, me.id, "room", room.id, body.on !== "0", deps.now());
      return fragment(<NotifyBox ctx={ctx} s={roomState(ctx, room)} />);
    }, { body: form })
    .post("/notify/rooms/:slug/schedule", ({ ctx, params, body }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      const room = getRoomBySlug(db, params.slug);
      if (!room) return jsonError(404, `no room "${params.slug}"`);
      if (!canManage(me, room)) return jsonError(403, "only the room's owner schedules its lives");
      const raw = (body.at ?? "").trim();
      const at = raw === "" ? null : parseWhen(raw);
      if (raw !== "" && (at === null || at <= deps.now())) return fragment(<NotifyBox ctx={ctx} s={roomState(ctx, room, true)} />, 422);
      store.setNextLive(db, room.id, at, deps.now());
      return fragment(<NotifyBox ctx={ctx} s={roomState(ctx, room)} />);
    }, { body: form })
    .get("/notify/classes/:id", ({ ctx, params }) => {
      const s = classState(ctx, params.id);
      return s ? fragment(<NotifyBox ctx={ctx} s={s} />) : fragment(<div id="notify-me"></div>, 404);
    }, { params: t.Object({ id: t.Numeric() }) })
    .post("/notify/classes/:id", ({ ctx, params, body }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      const s = classState(ctx, params.id);
      if (!s) return notFoundPage(ctx);
      if (s.at === null) return jsonError(409, "this class has ended");
      store.setNotifyMe(db, me.id, "class", params.id, body.on !== "0", deps.now());
      return fragment(<NotifyBox ctx={ctx} s={classState(ctx, params.id)!} />);
    }, { params: t.Object({ id: t.Numeric() }), body: form });
}
