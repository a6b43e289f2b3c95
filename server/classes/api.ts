// JSON API of classes, tickets, Q&A, pay-per-view replays and notices (docs/api.md). Bearer token or cookie
// (+CSRF) auth; errors are { error } with 401/402/403/404/409/422/429.
import { Elysia, t } from "elysia";
import { getUserByUsername } from "../accounts/accounts";
import type { User } from "../accounts/model";
import { contextPlugin } from "../http/context";
import type { Deps } from "../deps";
import { json, jsonError } from "../http/respond";
import { createRateLimiter } from "../lib/rate-limit";
import { canManage, getRoomBySlug } from "../rooms/rooms";
import { addCoupon, getClass, listUpcoming } from "./classes";
import { seatsLeft, type ClassInfo, type Question, type ReplayPurchase, type Ticket } from "./model";
import { listNotices, markRead } from "./notices";
import { buyReplay, getPurchase, getReplayPrice, setPrice, settlePurchase } from "./ppv";
import { ask, listQuestions, moderate, upvote } from "./qa";
import { broadcastOwner } from "./storage";
import { buyTicket, canTeach, getTicket, grantTicket, heldTicket, listTicketsByClass, listTicketsByUser, quickRefusal, refundTicket, settleTicket, type PaidEnv } from "./tickets";

export function classJson(c: ClassInfo) {
  return {
    id: c.id, title: c.title, description: c.description, teacher: c.teacherUsername, teacherName: c.teacherName, room: c.roomSlug,
    startsAt: new Date(c.startsAt).toISOString(), minutes: c.minutes, price: { minor: c.priceMinor, currency: c.currency },
    capacity: c.capacity, seatsTaken: c.seatsTaken, seatsLeft: seatsLeft(c), replayIncluded: c.replayIncluded,
    url: `/classes/${c.id}`, roomUrl: `/r/${c.roomSlug}`, calendar: `/classes/${c.id}/calendar.ics`,
  };
}

export function ticketJson(tk: Ticket, c: ClassInfo | null) {
  return {
    id: tk.id, classId: tk.classId, class: c ? { title: c.title, startsAt: new Date(c.startsAt).toISOString(), minutes: c.minutes, room: c.roomSlug, url: `/classes/${c.id}` } : null,
    holder: tk.username, status: tk.status, provider: tk.provider, price: { minor: tk.priceMinor, currency: tk.currency }, couponId: tk.couponId,
    reservedUntil: tk.reservedUntil, createdAt: new Date(tk.createdAt).toISOString(), payUrl: tk.status === "pending" && tk.provider === "stripe" ? `/classes/tickets/${tk.id}/pay` : null,
  };
}

export function questionJson(q: Question) {
  return { id: q.id, text: q.text, author: q.author, votes: q.votes, answered: q.answered, pinned: q.pinned, createdAt: new Date(q.createdAt).toISOString() };
}

function purchaseJson(p: ReplayPurchase) {
  return { id: p.id, broadcastId: p.broadcastId, status: p.status, provider: p.provider, price: { minor: p.priceMinor, currency: p.currency }, payUrl: p.status === "pending" && p.provider === "stripe" ? `/replays/purchases/${p.id}/pay` : null };
}

const who = (u: User | null): User | Response => u ?? jsonError(401, "sign in or send a bearer token");

export function classesApi(deps: Deps, env: PaidEnv) {
  const { db } = deps;
  const buyLimit = createRateLimiter({ max: 60, windowMs: 60_000 });
  const askLimit = createRateLimiter({ max: 10, windowMs: 60_000 });

  function taughtClass(user: User, id: number): ClassInfo | Response {
    const c = getClass(db, id);
    if (!c) return jsonError(404, `no class ${id}`);
    return canTeach(user, c) ? c : jsonError(403, "only the teacher or an admin may do this");
  }

  return new Elysia({ name: "livehouse.classes.api" })
    .use(contextPlugin(deps))
    .get("/api/v1/classes", () => json({ classes: listUpcoming(db, deps.now()).map(classJson) }))
    .get(
      "/api/v1/classes/:id",
      ({ ctx, params }) => {
        const c = getClass(db, params.id);
        if (!c) return jsonError(404, `no class ${params.id}`);
        const mine = ctx.user ? heldTicket(db, c.id, ctx.user.id) : null;
        return json({ ...classJson(c), ticket: mine ? ticketJson(mine, c) : null });
      },
      { params: t.Object({ id: t.Numeric() }) },
    )
    .post(
      "/api/v1/classes/:id/tickets",
      async ({ ctx, params, body }) => {
        const me = who(ctx.user);
        if (me instanceof Response) return me;
        const wait = buyLimit.hit(String(me.id), deps.now());
        if (wait > 0) return json({ error: `too many purchases; try again in ${wait} s` }, 429, { "retry-after": String(wait) });
        const input = { classId: params.id, userId: me.id, provider: body.provider, idempotencyKey: body.idempotencyKey, coupon: body.coupon ?? null, email: body.email ?? null };
        const early = quickRefusal(env, input);
        if (early) return jsonError(early.status, early.message);
        const r = buyTicket(env, input);
        if (!r.ok) return jsonError(r.refusal.status, r.refusal.message);
        return json({ ...ticketJson(r.ticket, getClass(db, r.ticket.classId)), replay: r.replay }, 201);
      },
      { params: t.Object({ id: t.Numeric() }), body: t.Object({ provider: t.String({ maxLength: 20 }), idempotencyKey: t.String({ maxLength: 200 }), coupon: t.Optional(t.String({ maxLength: 60 })), email: t.Optional(t.String({ maxLength: 254 })) }) },
    )
    .get(
      "/api/v1/classes/:id/tickets",
      ({ ctx, params }) => {
        const me = who(ctx.user);
        if (me instanceof Response) return me;
        const c = taughtClass(me, params.id);
        if (c instanceof Response) return c;
        return json({ tickets: listTicketsByClass(db, c.id).map((tk) => ticketJson(tk, c)) });
      },
      { params: t.Object({ id: t.Numeric() }) },
    )
    .post(
      "/api/v1/classes/:id/grants",
      ({ ctx, params, body }) => {
        const me = who(ctx.user);
        if (me instanceof Response) return me;
        const c = taughtClass(me, params.id);
        if (c instanceof Response) return c;
        const user = getUserByUsername(db, body.username);
        if (!user) return jsonError(404, `no user "${body.username}"`);
        const r = grantTicket(env, c.id, user.id);
        return r.ok ? json(ticketJson(r.ticket, c), 201) : jsonError(r.refusal.status, r.refusal.message);
      },
      { params: t.Object({ id: t.Numeric() }), body: t.Object({ username: t.String({ maxLength: 60 }) }) },
    )
    .post(
      "/api/v1/classes/:id/coupons",
      ({ ctx, params, body }) => {
        const me = who(ctx.user);
        if (me instanceof Response) return me;
        const c = taughtClass(me, params.id);
        if (c instanceof Response) return c;
        const expiresAt = body.expiresAt ? Date.parse(body.expiresAt) : null;
        if (expiresAt !== null && Number.isNaN(expiresAt)) return jsonError(422, "expiresAt must be an ISO 8601 time");
        const r = addCoupon(db, c, { code: body.code, kind: body.kind, amount: body.amount, maxUses: body.maxUses, expiresAt }, deps.now());
        return r.ok ? json(r.value, 201) : jsonError(r.status, r.message);
      },
      { params: t.Object({ id: t.Numeric() }), body: t.Object({ code: t.String({ maxLength: 60 }), kind: t.String({ maxLength: 10 }), amount: t.Integer(), maxUses: t.Integer(), expiresAt: t.Optional(t.String({ maxLength: 40 })) }) },
    )
    .post(
      "/api/v1/tickets/:id/refund",
      async ({ ctx, params }) => {
        const me = who(ctx.user);
        if (me instanceof Response) return me;
        const tk = getTicket(db, params.id);
        const c = tk ? getClass(db, tk.classId) : null;
        // A ticket the caller may not refund looks like a missing one to its holder and to strangers alike.
        if (!tk || !c || (!canTeach(me, c) && tk.userId !== me.id)) return jsonError(404, `no ticket ${params.id}`);
        if (!canTeach(me, c)) return jsonError(403, "only the teacher or an admin refunds tickets");
        const r = await refundTicket(env, tk);
        return r.ok ? json(ticketJson(r.ticket, c)) : jsonError(r.refusal.status, r.refusal.message);
      },
      { params: t.Object({ id: t.Numeric() }) },
    )
    .post(
      "/api/v1/tickets/:id/confirm",
      ({ ctx, params }) => {
        const me = who(ctx.user);
        if (me instanceof Response) return me;
        const tk = getTicket(db, params.id);
        const c = tk ? getClass(db, tk.classId) : null;
        if (!tk || !c || !canTeach(me, c)) return jsonError(404, `no ticket ${params.id}`);
        if (tk.provider !== "manual") return jsonError(409, "only manual payments are confirmed by hand");
        const r = settleTicket(env, tk.id, { by: "teacher", ref: `confirmed:${me.id}` });
        return r.ok ? json(ticketJson(getTicket(db, tk.id)!, c)) : jsonError(409, r.message);
      },
      { params: t.Object({ id: t.Numeric() }) },
    )
    .get("/api/v1/me/tickets", ({ ctx }) => {
      const me = who(ctx.user);
      if (me instanceof Response) return me;
      return json({ tickets: listTicketsByUser(db, me.id).map((tk) => ticketJson(tk, getClass(db, tk.classId))) });
    })
    .get("/api/v1/me/notices", ({ ctx }) => {
      const me = who(ctx.user);
      if (me instanceof Response) return me;
      const notices = listNotices(db, me.id).map((n) => ({ id: n.id, kind: n.kind, text: ctx.t(n.textKey, n.vars), url: n.url, createdAt: new Date(n.createdAt).toISOString(), read: n.readAt !== null }));
      markRead(db, deps.bus, me.id, null, deps.now());
      return json({ notices });
    })
    .get(
      "/api/v1/rooms/:slug/questions",
      ({ params }) => {
        const room = getRoomBySlug(db, params.slug);
        if (!room) return jsonError(404, `no room "${params.slug}"`);
        return json({ questions: listQuestions(db, room.id).map(questionJson) });
      },
    )
    .post(
      "/api/v1/rooms/:slug/questions",
      ({ ctx, params, body }) => {
        const me = who(ctx.user);
        if (me instanceof Response) return me;
        const room = getRoomBySlug(db, params.slug);
        if (!room) return jsonError(404, `no room "${params.slug}"`);
        const wait = askLimit.hit(String(me.id), deps.now());
        if (wait > 0) return json({ error: `too many questions; try again in ${wait} s` }, 429, { "retry-after": String(wait) });
        const r = ask(db, deps.bus, room, me.id, body.text, deps.now());
        return r.ok ? json(questionJson(r.question), 201) : jsonError(r.status, r.message);
      },
      { body: t.Object({ text: t.String({ maxLength: 2000 }) }) },
    )
    .post(
      "/api/v1/rooms/:slug/questions/:id/upvote",
      ({ ctx, params }) => {
        const me = who(ctx.user);
        if (me instanceof Response) return me;
        const room = getRoomBySlug(db, params.slug);
        if (!room) return jsonError(404, `no room "${params.slug}"`);
        const r = upvote(db, deps.bus, room, params.id, me.id);
        return r.ok ? json(questionJson(r.question)) : jsonError(r.status, r.message);
      },
      { params: t.Object({ slug: t.String(), id: t.Numeric() }) },
    )
    .post(
      "/api/v1/rooms/:slug/questions/:id/moderate",
      ({ ctx, params, body }) => {
        const me = who(ctx.user);
        if (me instanceof Response) return me;
        const room = getRoomBySlug(db, params.slug);
        if (!room) return jsonError(404, `no room "${params.slug}"`);
        if (!canManage(me, room)) return jsonError(403, "only the host or teacher answers and pins questions");
        const r = moderate(db, deps.bus, room, params.id, body.action);
        return r.ok ? json(questionJson(r.question)) : jsonError(r.status, r.message);
      },
      { params: t.Object({ slug: t.String(), id: t.Numeric() }), body: t.Object({ action: t.Union([t.Literal("answered"), t.Literal("pin"), t.Literal("unpin")]) }) },
    )
    .put(
      "/api/v1/replays/:id/price",
      ({ ctx, params, body }) => {
        const me = who(ctx.user);
        if (me instanceof Response) return me;
        const owner = broadcastOwner(db, params.id);
        if (owner === null) return jsonError(404, `no replay ${params.id}`);
        if (owner !== me.id && me.role !== "admin") return jsonError(403, "only the room's owner prices its replays");
        const currency = body.currency.toUpperCase();
        const problem = setPrice(env.db, params.id, owner, body.price, currency, deps.now());
        if (problem) return jsonError(422, problem);
        const p = getReplayPrice(db, params.id);
        return json({ broadcastId: params.id, price: p ? { minor: p.priceMinor, currency: p.currency } : null });
      },
      { params: t.Object({ id: t.Numeric() }), body: t.Object({ price: t.Integer(), currency: t.String({ maxLength: 10 }) }) },
    )
    .post(
      "/api/v1/replays/:id/purchases",
      ({ ctx, params, body }) => {
        const me = who(ctx.user);
        if (me instanceof Response) return me;
        const r = buyReplay(env, { broadcastId: params.id, userId: me.id, provider: body.provider, idempotencyKey: body.idempotencyKey });
        return r.ok ? json({ ...purchaseJson(r.purchase), replay: r.replay }, 201) : jsonError(r.refusal.status, r.refusal.message);
      },
      { params: t.Object({ id: t.Numeric() }), body: t.Object({ provider: t.String({ maxLength: 20 }), idempotencyKey: t.String({ maxLength: 200 }) }) },
    )
    .post(
      "/api/v1/replay-purchases/:id/confirm",
      ({ ctx, params }) => {
        const me = who(ctx.user);
        if (me instanceof Response) return me;
        const p = getPurchase(db, params.id);
        if (!p || (p.sellerId !== me.id && me.role !== "admin")) return jsonError(404, `no replay purchase ${params.id}`);
        if (p.provider !== "manual") return jsonError(409, "only manual payments are confirmed by hand");
        const r = settlePurchase(env, p.id, { ref: `confirmed:${me.id}` });
        return r.ok ? json(purchaseJson(getPurchase(db, p.id)!)) : jsonError(409, r.message);
      },
      { params: t.Object({ id: t.Numeric() }) },
    );
}
