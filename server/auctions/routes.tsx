// Thin HTTP and socket adapters of auctions (docs/auctions.md, docs/api.md): the JSON API, the room page's
// auction panel and its forms, and the "bid" message of the room sockets. Bids from all three go through
// submitBid, so the checks (signed in, may watch the room, not banned, rate limit) and answers are the same.
import { Elysia, t } from "elysia";
import { AuctionPanel } from "../../views/partials/auction";
import type { User } from "../accounts/model";
import { bannedFrom } from "../chat/chat";
import type { Deps } from "../deps";
import { parseInteger } from "../http/guards";
import { contextPlugin, type ReqCtx } from "../http/context";
import { fragment, json, jsonError } from "../http/respond";
import { createRateLimiter } from "../lib/rate-limit";
import type { RoomAction } from "../realtime/model";
import type { Room } from "../rooms/model";
import { canManage, getRoomById, getRoomBySlug } from "../rooms/rooms";
import { getProduct, listProductsByOwner } from "../shop/products";
import { getAuction, latestInRoom, listInRoom, type BidResult, type EndHow, type StartResult } from "./auctions";
import { auctionView, type Auction, type AuctionInput, type AuctionRefusal, type AuctionView, type BidInput, type BidResultEvent, type IncrementRule } from "./model";

export interface AuctionsPort {
  start(room: Room, input: AuctionInput): StartResult;
  end(id: number, how: EndHow): Auction | null;
  bid(user: User, input: BidInput): BidResult;
}

type RouteDeps = Deps & { auctions: AuctionsPort; canWatch: (room: Room, user: User | null) => boolean };

/** What a bid answers, whichever way it came in. */
interface BidAnswer {
  status: number;
  ok: boolean;
  code: string;
  message: string;
  auction: AuctionView | null;
  result: BidResult | null;
}

const RECENT = 20;

function refusalAnswer(r: AuctionRefusal, auction: AuctionView | null): BidAnswer {
  return { status: r.status, ok: false, code: r.code, message: r.message, auction, result: null };
}

export function auctionsRoutes(deps: RouteDeps) {
  const { db, auctions } = deps;
  // Generous for a person in a bidding war, tight enough to stop a script flooding the write lock.
  const limiter = createRateLimiter({ max: 30, windowMs: 10_000 });
  const view = (a: Auction) => auctionView(a, deps.now());

  function submitBid(user: User | null, ip: string | null, fields: { auctionId: number; amountMinor: number; maxMinor: number | null; idempotencyKey: string; shippingAddress: string | null }): BidAnswer {
    if (!user) return refusalAnswer({ code: "auth", status: 401, message: "sign in or send a bearer token to bid" }, null);
    const a = getAuction(db, fields.auctionId);
    const room = a ? getRoomById(db, a.roomId) : null;
    if (!a || !room) return refusalAnswer({ code: "not_found", status: 404, message: `no auction ${fields.auctionId}` }, null);
    if (bannedFrom(db, room.id, user.id, ip, deps.now())) return refusalAnswer({ code: "forbidden", status: 403, message: "you are banned from this room" }, view(a));
    if (!deps.canWatch(room, user)) return refusalAnswer({ code: "forbidden", status: 403, message: "only viewers with access to this room can bid" }, view(a));
    const wait = limiter.hit(String(user.id), deps.now());
    if (wait > 0) return { status: 429, ok: false, code: "rate", message: `too many bids; try again in ${wait} s`, auction: view(a), result: null };
    const r = auctions.bid(user, fields);
    if (!r.ok) return { ...refusalAnswer(r.refusal, r.auction ? view(r.auction) : null), result: r };
    const v = view(r.auction);
    if (r.lead) return { status: 201, ok: true, code: "lead", message: `you lead at ${v.price}`, auction: v, result: r };
    return { status: 409, ok: false, code: "outbid", message: `outbid: another bidder's maximum is higher; the price is now ${v.price}`, auction: v, result: r };
  }

  /** The room sockets' "bid" message: { type: "bid", auctionId, amountMinor, maxMinor?, idempotencyKey } (pages: action). */
  const bidAction: RoomAction = ({ user }, msg) => {
    const num = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN);
    const key = typeof msg.idempotencyKey === "string" ? msg.idempotencyKey : "";
    const reply = (x: Omit<BidResultEvent, "type" | "idempotencyKey">): BidResultEvent => ({ type: "bid_result", idempotencyKey: key || null, ...x });
    const auctionId = num(msg.auctionId);
    if (!Number.isSafeInteger(auctionId) || auctionId < 1) return reply({ auctionId: null, ok: false, status: 422, code: "invalid", message: "auctionId must be an auction id", auction: null });
    const max = msg.maxMinor === undefined || msg.maxMinor === null || msg.maxMinor === "" ? null : num(msg.maxMinor);
    const address = typeof msg.shippingAddress === "string" ? msg.shippingAddress : null;
    const a = submitBid(user, null, { auctionId, amountMinor: num(msg.amountMinor), maxMinor: max, idempotencyKey: key, shippingAddress: address });
    return reply({ auctionId, ok: a.ok, status: a.status, code: a.code, message: a.message, auction: a.auction });
  };

  /** An auction and its room (the JSON API names the auction only). */
  function withRoom(id: number): { a: Auction; room: Room } | null {
    const a = getAuction(db, id);
    const room = a ? getRoomById(db, a.roomId) : null;
    return a && room ? { a, room } : null;
  }

  /** The room page's forms name the room and the auction: the auction must be that room's. */
  function inRoom(slug: string, id: number): { a: Auction; room: Room } | null {
    const room = getRoomBySlug(db, slug);
    const a = getAuction(db, id);
    return room && a && a.roomId === room.id ? { a, room } : null;
  }

  function panel(ctx: ReqCtx, room: Room, status = 200, message?: { ok: boolean; text: string }): Response {
    const a = latestInRoom(db, room.id);
    const host = canManage(ctx.user, room);
    const physical = a ? getProduct(db, a.productId)?.kind === "physical" : false;
    return fragment(<AuctionPanel ctx={ctx} slug={room.slug} auction={a ? view(a) : null} host={host} products={host ? listProductsByOwner(db, room.ownerId, { activeOnly: true }) : []} message={message} physical={physical} />, status);
  }

  function startJson(r: StartResult): Response {
    if (!r.ok) return json({ error: r.refusal.message, code: r.refusal.code, field: r.refusal.field }, r.refusal.status);
    return json(view(r.auction), 201);
  }

  const routes = new Elysia({ name: "livehouse.auctions" })
    .use(contextPlugin(deps))
    .post(
      "/api/v1/rooms/:slug/auctions",
      ({ ctx, params, body }) => {
        if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
        const room = getRoomBySlug(db, params.slug);
        if (!room) return jsonError(404, `no room "${params.slug}"`);
        if (!canManage(ctx.user, room)) return jsonError(403, "only the host can start an auction");
        if (body.incrementMinor !== undefined && body.incrementPercent !== undefined) return json({ error: "give incrementMinor or incrementPercent, not both", code: "invalid", field: "incrementMinor" }, 422);
        const increment: IncrementRule | null = body.incrementMinor !== undefined ? { kind: "fixed", minor: body.incrementMinor } : body.incrementPercent !== undefined ? { kind: "percent", percent: body.incrementPercent } : null;
        return startJson(auctions.start(room, {
          productId: body.productId, variantId: body.variantId ?? null, startMinor: body.startMinor, currency: body.currency.toUpperCase(), seconds: body.seconds,
          reserveMinor: body.reserveMinor ?? null, extendSeconds: body.extendSeconds ?? null, increment, suddenDeath: body.suddenDeath ?? false,
        }));
      },
      {
        body: t.Object({
          productId: t.Integer({ minimum: 1 }), variantId: t.Optional(t.Union([t.Integer({ minimum: 1 }), t.Null()])), startMinor: t.Integer(), currency: t.String({ maxLength: 10 }),
          seconds: t.Integer(), reserveMinor: t.Optional(t.Union([t.Integer(), t.Null()])), extendSeconds: t.Optional(t.Union([t.Integer(), t.Null()])),
          incrementMinor: t.Optional(t.Integer()), incrementPercent: t.Optional(t.Integer()), suddenDeath: t.Optional(t.Boolean()),
        }),
      },
    )
    .get("/api/v1/rooms/:slug/auctions", ({ ctx, params }) => {
      const room = getRoomBySlug(db, params.slug);
      if (!room) return jsonError(404, `no room "${params.slug}"`);
      if (!deps.canWatch(room, ctx.user)) return jsonError(ctx.user ? 403 : 401, "no access to this room");
      const recent = listInRoom(db, room.id, RECENT).map(view);
      return json({ room: room.slug, current: recent.find((a) => a.status === "running") ?? null, auctions: recent });
    })
    .get(
      "/api/v1/auctions/:id",
      ({ ctx, params }) => {
        const found = withRoom(params.id);
        if (!found) return jsonError(404, `no auction ${params.id}`);
        const { a, room } = found;
        if (!deps.canWatch(room, ctx.user)) return jsonError(ctx.user ? 403 : 401, "no access to this room");
        return json(view(a));
      },
      { params: t.Object({ id: t.Numeric() }) },
    )
    .post(
      "/api/v1/auctions/:id/bids",
      ({ ctx, params, body }) => {
        if (!ctx.user) return jsonError(401, "sign in or send a bearer token to bid");
        const a = submitBid(ctx.user, ctx.ip, { auctionId: params.id, amountMinor: body.amountMinor, maxMinor: body.maxMinor ?? null, idempotencyKey: body.idempotencyKey, shippingAddress: body.shippingAddress ?? null });
        const r = a.result;
        if (a.ok && r?.ok) return json({ ...a.auction, lead: true, replay: r.replay, bid: { id: r.bid.id, amountMinor: r.bid.amountMinor, maxMinor: r.bid.maxMinor, outcome: r.bid.outcome } }, 201);
        return json({ error: a.message, code: a.code, auction: a.auction, ...(r?.ok ? { replay: r.replay } : {}) }, a.status);
      },
      {
        params: t.Object({ id: t.Numeric() }),
        body: t.Object({ amountMinor: t.Integer(), maxMinor: t.Optional(t.Union([t.Integer(), t.Null()])), idempotencyKey: t.String({ maxLength: 200 }), shippingAddress: t.Optional(t.String({ maxLength: 1000 })) }),
      },
    )
    .post(
      "/api/v1/auctions/:id/end",
      ({ ctx, params, body }) => {
        if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
        const found = withRoom(params.id);
        if (!found) return jsonError(404, `no auction ${params.id}`);
        const { a, room } = found;
        if (!canManage(ctx.user, room)) return jsonError(403, "only the host can end an auction");
        const ended = auctions.end(a.id, body?.noSale ? "cancel" : "host");
        return ended ? json(view(ended)) : json({ error: "the auction has already ended", code: "ended", auction: view(getAuction(db, a.id)!) }, 409);
      },
      { params: t.Object({ id: t.Numeric() }), body: t.Optional(t.Object({ noSale: t.Optional(t.Boolean()) })) },
    )
    // The room page's panel and its forms (cookie + CSRF).
    .get("/r/:slug/auction", ({ ctx, params }) => {
      const room = getRoomBySlug(db, params.slug);
      if (!room) return fragment("", 404);
      if (!deps.canWatch(room, ctx.user)) return fragment("", 403);
      return panel(ctx, room);
    })
    .post(
      "/r/:slug/auctions",
      ({ ctx, params, body }) => {
        const room = getRoomBySlug(db, params.slug);
        if (!room) return fragment("", 404);
        if (!ctx.user || !canManage(ctx.user, room)) return fragment("", 403);
        const [pid, vid] = body.item.split(":").map((x) => parseInteger(x));
        const num = (s: string | undefined, blank: number | null) => parseInteger(s, blank) ?? NaN;
        const r = auctions.start(room, {
          productId: pid ?? 0, variantId: vid ?? null, startMinor: num(body.startMinor, NaN), currency: getProduct(db, pid ?? 0)?.currency ?? "", seconds: num(body.seconds, NaN),
          reserveMinor: parseInteger(body.reserveMinor) ?? (body.reserveMinor?.trim() ? NaN : null), extendSeconds: parseInteger(body.extendSeconds), increment: null,
          suddenDeath: body.suddenDeath === "1",
        });
        return r.ok ? panel(ctx, room, 201) : panel(ctx, room, r.refusal.status, { ok: false, text: r.refusal.message });
      },
      { body: t.Object({ item: t.String({ maxLength: 40 }), startMinor: t.String({ maxLength: 15 }), seconds: t.String({ maxLength: 15 }), reserveMinor: t.Optional(t.String({ maxLength: 15 })), extendSeconds: t.Optional(t.String({ maxLength: 15 })), suddenDeath: t.Optional(t.String()), _csrf: t.Optional(t.String()) }) },
    )
    .post(
      "/r/:slug/auctions/:id/bid",
      ({ ctx, params, body }) => {
        const found = inRoom(params.slug, params.id);
        if (!found) return fragment("", 404);
        const { a, room } = found;
        const amount = body.quick === "1" ? view(a).minNextMinor : parseInteger(body.amount) ?? NaN;
        const max = parseInteger(body.max);
        const r = submitBid(ctx.user, ctx.ip, { auctionId: a.id, amountMinor: amount, maxMinor: max, idempotencyKey: body.idempotencyKey, shippingAddress: body.shippingAddress ?? null });
        return panel(ctx, room, r.status, { ok: r.ok, text: r.ok && r.auction ? ctx.t("auction.bidOk", { price: r.auction.price }) : r.message });
      },
      { params: t.Object({ slug: t.String(), id: t.Numeric() }), body: t.Object({ idempotencyKey: t.String({ maxLength: 200 }), amount: t.Optional(t.String({ maxLength: 15 })), max: t.Optional(t.String({ maxLength: 15 })), quick: t.Optional(t.String()), shippingAddress: t.Optional(t.String({ maxLength: 1000 })), _csrf: t.Optional(t.String()) }) },
    )
    .post(
      "/r/:slug/auctions/:id/end",
      ({ ctx, params, body }) => {
        const found = inRoom(params.slug, params.id);
        if (!found) return fragment("", 404);
        const { a, room } = found;
        if (!ctx.user || !canManage(ctx.user, room)) return fragment("", 403);
        const ended = auctions.end(a.id, body.noSale === "1" ? "cancel" : "host");
        return ended ? panel(ctx, room) : panel(ctx, room, 409, { ok: false, text: "the auction has already ended" });
      },
      { params: t.Object({ slug: t.String(), id: t.Numeric() }), body: t.Object({ noSale: t.Optional(t.String()), _csrf: t.Optional(t.String()) }) },
    );

  return { routes, bidAction };
}
