// Thin HTTP adapters for access: the playback API (signed HLS URLs), the viewer's passphrase form and the
// Studio's access card.
import { Elysia, t } from "elysia";
import { AccessForm, ReplayOfferRow, ReplayOffers } from "../../views/partials/access";
import { RoomPage } from "../../views/pages/room";
import { contextPlugin } from "../http/context";
import type { Deps } from "../deps";
import { managedRoom, notFoundPage, parseInteger } from "../http/guards";
import { fragment, html, json, jsonError, redirect } from "../http/respond";
import { createRateLimiter } from "../lib/rate-limit";
import { PING_EVERY_MS } from "../realtime/viewers";
import { getRoomBySlug } from "../rooms/rooms";
import type { Access, Playback } from "./access";
import type { MediaScope } from "./model";
import { passSetCookie } from "./pass";
import { replayOffer, replayOffers, saveOffer, type ReplayPrices } from "./replay-offers";
import { accessByBroadcast } from "./storage";

const PLAYBACK_ERRORS = { 401: "sign in or send a bearer token to watch this room", 403: "you have no access to this room", 404: "not found" } as const;

export function accessRoutes(deps: Deps, access: Access, prices: ReplayPrices) {
  const { db, moneyDb } = deps;
  const attempts = createRateLimiter({ max: 10, windowMs: 60_000 });

  function playback(p: Playback): Response {
    if (!p.ok) return jsonError(p.status, PLAYBACK_ERRORS[p.status]);
    return json({ hls: p.hls, expiresAt: p.expiresAt, ...(p.previewMinutes ? { previewMinutes: p.previewMinutes } : {}) }, 200, { "cache-control": "no-store" });
  }

  const scopeFor = (slug: string): MediaScope | null => (getRoomBySlug(db, slug) ? { kind: "live", slug } : null);

  return new Elysia({ name: "livehouse.access" })
    .use(contextPlugin(deps))
    // A visitor's pass cookie counts too (cookies), so the player of a password room works without an account.
    .get("/api/v1/rooms/:slug/playback", ({ ctx, params, request }) => {
      if (ctx.viaToken && !ctx.user) return jsonError(401, "invalid token");
      const scope = scopeFor(params.slug);
      return scope ? playback(access.playback(scope, ctx.user, request.headers.get("cookie"))) : jsonError(404, `no room "${params.slug}"`);
    })
    .get("/api/v1/replays/:id/playback", ({ ctx, params, request }) => {
      if (ctx.viaToken && !ctx.user) return jsonError(401, "invalid token");
      const id = parseInteger(params.id);
      if (id === null || id < 1) return jsonError(404, `no replay "${params.id}"`);
      const p = access.playback({ kind: "replay", id }, ctx.user, request.headers.get("cookie"));
      return !p.ok && p.status === 404 ? jsonError(404, `no replay ${id}`) : playback(p);
    })
    .post(
      "/r/:slug/access/password",
      async ({ ctx, params, body }) => {
        const room = getRoomBySlug(db, params.slug);
        if (!room) return notFoundPage(ctx, "room");
        const refused = (status: 403 | 429, retryIn?: number) =>
          html(<RoomPage ctx={ctx} room={room} pingMs={PING_EVERY_MS} paywall={{ mode: access.roomAccess(room.id).mode, error: true, retryIn }} />, status);
        // Users are limited per account; visitors without one per address and room.
        const wait = attempts.hit(ctx.user ? `u${ctx.user.id}` : `a${ctx.ip ?? "unknown"}:${room.id}`, deps.now());
        if (wait > 0) return refused(429, wait);
        const r = await access.enterPassword(room, ctx.user, body.password);
        if (!r.ok) return refused(403);
        const res = redirect(`/r/${room.slug}`);
        if (r.cookie) res.headers.append("set-cookie", passSetCookie(room.id, r.cookie, ctx.secure));
        return res;
      },
      { body: t.Object({ password: t.String({ maxLength: 500 }), _csrf: t.Optional(t.String()) }) },
    )
    .get("/studio/rooms/:slug/access", ({ ctx, params }) => {
      const room = managedRoom(db, ctx, params.slug);
      return room instanceof Response ? room : fragment(<AccessForm ctx={ctx} slug={room.slug} access={access.roomAccess(room.id)} />);
    })
    .post(
      "/studio/rooms/:slug/access",
      async ({ ctx, params, body }) => {
        const room = managedRoom(db, ctx, params.slug);
        if (room instanceof Response) return room;
        const minTierId = parseInteger(body.minTier);
        const previewMinutes = parseInteger(body.previewMinutes, 0);
        const r = await access.setRoomAccess(room, {
          mode: body.mode, password: body.password, minTierId: body.minTier?.trim() && minTierId === null ? -1 : minTierId,
          previewMinutes: previewMinutes ?? -1,
        });
        if (!r.ok) return fragment(<AccessForm ctx={ctx} slug={room.slug} access={access.roomAccess(room.id)} errors={r.errors} />, 422);
        return ctx.isHtmx ? fragment(<AccessForm ctx={ctx} slug={room.slug} access={r.value} saved />) : redirect(`/studio/rooms/${room.slug}`);
      },
      {
        body: t.Object({
          mode: t.String({ maxLength: 20 }), password: t.Optional(t.String({ maxLength: 500 })), minTier: t.Optional(t.String({ maxLength: 20 })),
          previewMinutes: t.Optional(t.String({ maxLength: 10 })), _csrf: t.Optional(t.String()),
        }),
      },
    )
    .get("/studio/rooms/:slug/replays", ({ ctx, params }) => {
      const room = managedRoom(db, ctx, params.slug);
      return room instanceof Response ? room : fragment(<ReplayOffers ctx={ctx} offers={replayOffers(db, moneyDb, prices, room.id)} />);
    })
    .post(
      "/studio/replays/:id/access",
      ({ ctx, params, body }) => {
        const id = parseInteger(params.id) ?? 0;
        const owner = id > 0 ? accessByBroadcast(db, id) : null;
        if (!owner) return notFoundPage(ctx);
        const room = managedRoom(db, ctx, owner.slug);
        if (room instanceof Response) return room;
        const offer = replayOffer(db, moneyDb, prices, room.id, id);
        if (!offer) return notFoundPage(ctx);
        const values = { mode: body.mode, price: body.price ?? "", currency: body.currency ?? "" };
        const errors = saveOffer(access, moneyDb, prices, { broadcastId: id, ownerId: room.ownerId, mode: values.mode, price: parseInteger(values.price), currency: values.currency, now: deps.now() });
        if (errors.length) return fragment(<ReplayOfferRow ctx={ctx} offer={offer} values={values} errors={errors} />, 422);
        const saved = replayOffer(db, moneyDb, prices, room.id, id)!;
        return ctx.isHtmx ? fragment(<ReplayOfferRow ctx={ctx} offer={saved} saved />) : redirect(`/studio/rooms/${room.slug}`);
      },
      { body: t.Object({ mode: t.String({ maxLength: 20 }), price: t.Optional(t.String({ maxLength: 20 })), currency: t.Optional(t.String({ maxLength: 10 })), _csrf: t.Optional(t.String()) }) },
    );
}
