// Class pages (views/pages/classes.tsx): catalogue, detail + countdown + calendar file, buying by form, Stripe
// redirect, materials (ticket holders only), my classes, notices, the studio desk (create/edit, tickets, grants,
// coupons, refunds, materials upload, attendance CSV) and the room's Q&A panel.
import { mkdirSync } from "node:fs";
import { extname, join } from "node:path";
import { Elysia, t } from "elysia";
import { ClassPage, ClassesPage, Countdown, MyClassesPage, NoticesPage, StudioClassPage, StudioClassesPage, type ClassFormValues } from "../../views/pages/classes";
import { MessagePage } from "../../views/pages/message";
import { QaPanel } from "../../views/partials/qa";
import { getUserByUsername } from "../accounts/accounts";
import { isCreator, type User } from "../accounts/model";
import { baseUrl } from "../config";
import { classCard } from "../sharing/cards";
import { getRoomById } from "../rooms/rooms";
import type { Deps } from "../deps";
import { contextPlugin, type ReqCtx } from "../http/context";
import { forbidden, notFoundPage, parseInteger, requireUser } from "../http/guards";
import { csvResponse, fragment, html, jsonError, redirect } from "../http/respond";
import { canManage, getRoomBySlug } from "../rooms/rooms";
import { attendance, attendanceCsv } from "./attendance";
import { addCoupon, createClass, editClass, getClass, getMaterial, insertMaterial, listByTeacher, listCoupons, listMaterials, listUpcoming, parseStart, teacherRooms } from "./classes";
import { classIcs } from "./ics";
import { TICKET_PROVIDERS, type ClassInfo, type ClassInput } from "./model";
import { listNotices, markRead } from "./notices";
import { getPurchase } from "./ppv";
import { ask, listQuestions, moderate, upvote } from "./qa";
import { buyTicket, canTeach, getTicket, grantTicket, heldTicket, listTicketsByClass, listTicketsByUser, providerProblem, refundTicket, settleTicket, type PaidEnv } from "./tickets";

export const MAX_MATERIAL_BYTES = 50 * 1024 * 1024;
const MATERIAL_FILE = /^[0-9a-f]{32}(\.[a-z0-9]{1,8})?$/;

const classForm = t.Object({
  title: t.String({ maxLength: 300 }), description: t.Optional(t.String({ maxLength: 6000 })), starts: t.String({ maxLength: 60 }), minutes: t.String({ maxLength: 10 }),
  price: t.String({ maxLength: 20 }), currency: t.String({ maxLength: 10 }), capacity: t.Optional(t.String({ maxLength: 10 })), room: t.Optional(t.String({ maxLength: 100 })),
  replay: t.Optional(t.String({ maxLength: 5 })), _csrf: t.Optional(t.String()),
});

function formInput(b: typeof classForm.static): ClassInput | string {
  const startsAt = parseStart(b.starts);
  if (startsAt === null) return "the start must be an ISO 8601 time with a zone, e.g. 2026-12-01T18:00:00Z";
  const minutes = parseInteger(b.minutes);
  const priceMinor = parseInteger(b.price);
  const capacity = parseInteger(b.capacity, null);
  if (minutes === null || priceMinor === null) return "minutes and price must be whole numbers";
  if (b.capacity?.trim() && capacity === null) return "capacity must be a whole number, or empty";
  return { title: b.title, description: b.description ?? "", startsAt, minutes, priceMinor, currency: b.currency, capacity, replayIncluded: b.replay === "1" };
}

function valuesOf(c: ClassInfo): ClassFormValues {
  return { title: c.title, description: c.description, starts: new Date(c.startsAt).toISOString(), minutes: String(c.minutes), price: String(c.priceMinor), currency: c.currency, capacity: c.capacity === null ? "" : String(c.capacity), room: c.roomSlug, replay: c.replayIncluded };
}

const EMPTY: ClassFormValues = { title: "", description: "", starts: "", minutes: "60", price: "0", currency: "COIN", capacity: "", room: "", replay: true };

export function classesRoutes(deps: Deps, env: PaidEnv) {
  const { db } = deps;
  const materialsDir = join(deps.config.dataDir, "materials");
  mkdirSync(materialsDir, { recursive: true });

  const message = (ctx: ReqCtx, text: string, status: number) => html(<MessagePage ctx={ctx} title={ctx.t("classes.title")} text={text} status={status} />, status);

  function providersFor(c: ClassInfo) {
    return TICKET_PROVIDERS.filter((p) => providerProblem(env, p, c.currency) === null);
  }

  function classPage(ctx: ReqCtx, c: ClassInfo, msg?: string, status = 200): Response {
    const ticket = ctx.user ? heldTicket(db, c.id, ctx.user.id) : null;
    return html(<ClassPage ctx={ctx} c={c} now={deps.now()} ticket={ticket} providers={providersFor(c)} materials={listMaterials(db, c.id)} message={msg} share={classCard(db, baseUrl(deps.config), ctx.t, c, getRoomById(db, c.roomId))} />, status);
  }

  /** The class when the signed-in user teaches it (or is an admin). */
  function taught(ctx: ReqCtx, id: number): { me: User; c: ClassInfo } | Response {
    const me = requireUser(ctx);
    if (me instanceof Response) return me;
    const c = getClass(db, id);
    if (!c) return notFoundPage(ctx);
    return canTeach(me, c) ? { me, c } : forbidden(ctx);
  }

  function desk(ctx: ReqCtx, c: ClassInfo, msg?: string, status = 200, values?: ClassFormValues): Response {
    return html(<StudioClassPage ctx={ctx} c={c} tickets={listTicketsByClass(db, c.id)} coupons={listCoupons(db, c.id)} materials={listMaterials(db, c.id)} rooms={teacherRooms(db, c.teacherId)} values={values ?? valuesOf(c)} message={msg} />, status);
  }

  const idParam = { params: t.Object({ id: t.Numeric() }) };

  return new Elysia({ name: "livehouse.classes" })
    .use(contextPlugin(deps))
    .get("/classes", ({ ctx }) => html(<ClassesPage ctx={ctx} classes={listUpcoming(db, deps.now())} />))
    .get("/classes/:id", ({ ctx, params }) => {
      const c = getClass(db, params.id);
      return c ? classPage(ctx, c) : notFoundPage(ctx);
    }, idParam)
    .get("/classes/:id/countdown", ({ ctx, params }) => {
      const c = getClass(db, params.id);
      return c ? fragment(<Countdown ctx={ctx} c={c} now={deps.now()} />) : jsonError(404, "no such class");
    }, idParam)
    .get("/classes/:id/calendar.ics", ({ params }) => {
      const c = getClass(db, params.id);
      if (!c) return new Response("not found", { status: 404 });
      const base = baseUrl(deps.config);
      return new Response(classIcs(c, { baseUrl: base, host: new URL(base).hostname, now: deps.now() }), {
        headers: { "content-type": "text/calendar; charset=utf-8", "content-disposition": `attachment; filename="class-${c.id}.ics"` },
      });
    }, idParam)
    .post(
      "/classes/:id/buy",
      async ({ ctx, params, body }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        const c = getClass(db, params.id);
        if (!c) return notFoundPage(ctx);
        const r = buyTicket(env, { classId: c.id, userId: me.id, provider: body.provider, idempotencyKey: body.idempotencyKey, coupon: body.coupon?.trim() || null, email: body.email?.trim() || null });
        if (!r.ok) return classPage(ctx, getClass(db, c.id)!, r.refusal.message, r.refusal.status);
        if (r.ticket.status === "pending" && r.ticket.provider === "stripe") return redirect(`/classes/tickets/${r.ticket.id}/pay`);
        return redirect(`/classes/${c.id}`);
      },
      { ...idParam, body: t.Object({ provider: t.String({ maxLength: 20 }), idempotencyKey: t.String({ maxLength: 200 }), coupon: t.Optional(t.String({ maxLength: 60 })), email: t.Optional(t.String({ maxLength: 254 })), _csrf: t.Optional(t.String()) }) },
    )
    .get("/classes/tickets/:id/pay", async ({ ctx, params }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      const tk = getTicket(db, params.id);
      const c = tk ? getClass(db, tk.classId) : null;
      if (!tk || !c || tk.userId !== me.id) return notFoundPage(ctx);
      if (tk.status !== "pending" || tk.provider !== "stripe" || !env.stripe.enabled()) return redirect(`/classes/${c.id}`);
      try {
        return redirect(await env.stripe.checkout({ kind: "ticket", id: tk.id, title: c.title, unitMinor: tk.priceMinor, quantity: 1, currency: tk.currency, backUrl: `/classes/${c.id}` }));
      } catch (err) {
        deps.log(`stripe checkout for ticket ${tk.id} failed: ${err instanceof Error ? err.message : String(err)}`);
        return message(ctx, ctx.t("shop.error.providerDown"), 502);
      }
    }, idParam)
    .get("/replays/purchases/:id/pay", async ({ ctx, params }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      const p = getPurchase(db, params.id);
      if (!p || p.userId !== me.id) return notFoundPage(ctx);
      if (p.status !== "pending" || p.provider !== "stripe" || !env.stripe.enabled()) return redirect(`/replays/${p.broadcastId}`);
      try {
        return redirect(await env.stripe.checkout({ kind: "ppv", id: p.id, title: `Replay ${p.broadcastId}`, unitMinor: p.priceMinor, quantity: 1, currency: p.currency, backUrl: `/replays/${p.broadcastId}` }));
      } catch (err) {
        deps.log(`stripe checkout for replay purchase ${p.id} failed: ${err instanceof Error ? err.message : String(err)}`);
        return message(ctx, ctx.t("shop.error.providerDown"), 502);
      }
    }, idParam)
    .get(
      "/classes/:id/materials/:mid",
      ({ ctx, params }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        const c = getClass(db, params.id);
        const m = getMaterial(db, params.mid);
        if (!c || !m || m.classId !== c.id) return notFoundPage(ctx);
        if (!canTeach(me, c) && heldTicket(db, c.id, me.id)?.status !== "valid") return forbidden(ctx);
        const f = MATERIAL_FILE.test(m.file) ? Bun.file(join(materialsDir, m.file)) : null;
        if (!f || f.size === 0) return notFoundPage(ctx);
        // Always a download, never rendered in our origin (an uploaded HTML file must not run as our page).
        return new Response(f, { headers: { "content-type": "application/octet-stream", "content-disposition": `attachment; filename="${m.name.replace(/[^\w.-]/g, "_")}"`, "x-content-type-options": "nosniff", "cache-control": "private, no-store" } });
      },
      { params: t.Object({ id: t.Numeric(), mid: t.Numeric() }) },
    )
    .get("/me/classes", ({ ctx }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      const items = listTicketsByUser(db, me.id).flatMap((ticket) => {
        const c = getClass(db, ticket.classId);
        return c ? [{ ticket, c }] : [];
      });
      return html(<MyClassesPage ctx={ctx} items={items} />);
    })
    .get("/me/notices", ({ ctx }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      const notices = listNotices(db, me.id);
      markRead(db, deps.bus, me.id, null, deps.now());
      return html(<NoticesPage ctx={ctx} notices={notices} />);
    })
    .get("/studio/classes", ({ ctx }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      if (!isCreator(me)) return forbidden(ctx);
      return html(<StudioClassesPage ctx={ctx} classes={listByTeacher(db, me.id)} rooms={teacherRooms(db, me.id)} values={EMPTY} />);
    })
    .post("/studio/classes", ({ ctx, body }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      if (!isCreator(me)) return forbidden(ctx);
      const values: ClassFormValues = { ...EMPTY, ...body, description: body.description ?? "", capacity: body.capacity ?? "", room: body.room ?? "", replay: body.replay === "1" };
      const fail = (error: string, status = 422) => html(<StudioClassesPage ctx={ctx} classes={listByTeacher(db, me.id)} rooms={teacherRooms(db, me.id)} values={values} error={error} />, status);
      const input = formInput(body);
      if (typeof input === "string") return fail(input);
      const room = body.room ? getRoomBySlug(db, body.room) : null;
      if (body.room && !room) return fail(`no room "${body.room}"`);
      const r = createClass(env.db, me, room, input, deps.now());
      return r.ok ? redirect(`/studio/classes/${r.value.id}`) : fail(r.message, r.status);
    }, { body: classForm })
    .get("/studio/classes/:id", ({ ctx, params }) => {
      const tc = taught(ctx, params.id);
      return tc instanceof Response ? tc : desk(ctx, tc.c);
    }, idParam)
    .post("/studio/classes/:id", ({ ctx, params, body }) => {
      const tc = taught(ctx, params.id);
      if (tc instanceof Response) return tc;
      const input = formInput(body);
      if (typeof input === "string") return desk(ctx, tc.c, input, 422);
      const r = editClass(env.db, tc.c, input, deps.now());
      return r.ok ? redirect(`/studio/classes/${tc.c.id}`) : desk(ctx, tc.c, r.message, r.status);
    }, { ...idParam, body: classForm })
    .post("/studio/classes/:id/grant", ({ ctx, params, body }) => {
      const tc = taught(ctx, params.id);
      if (tc instanceof Response) return tc;
      const user = getUserByUsername(db, body.username.trim());
      if (!user) return desk(ctx, tc.c, `no user "${body.username}"`, 404);
      const r = grantTicket(env, tc.c.id, user.id);
      return r.ok ? redirect(`/studio/classes/${tc.c.id}`) : desk(ctx, getClass(db, tc.c.id)!, r.refusal.message, r.refusal.status);
    }, { ...idParam, body: t.Object({ username: t.String({ maxLength: 60 }), _csrf: t.Optional(t.String()) }) })
    .post("/studio/classes/:id/coupons", ({ ctx, params, body }) => {
      const tc = taught(ctx, params.id);
      if (tc instanceof Response) return tc;
      const expiresAt = body.expiresAt?.trim() ? parseStart(body.expiresAt) : null;
      if (body.expiresAt?.trim() && expiresAt === null) return desk(ctx, tc.c, "expiry must be an ISO 8601 time with a zone", 422);
      const r = addCoupon(db, tc.c, { code: body.code.trim(), kind: body.kind, amount: parseInteger(body.amount) ?? -1, maxUses: parseInteger(body.maxUses) ?? -1, expiresAt }, deps.now());
      return r.ok ? redirect(`/studio/classes/${tc.c.id}`) : desk(ctx, tc.c, r.message, r.status);
    }, { ...idParam, body: t.Object({ code: t.String({ maxLength: 60 }), kind: t.String({ maxLength: 10 }), amount: t.String({ maxLength: 20 }), maxUses: t.String({ maxLength: 20 }), expiresAt: t.Optional(t.String({ maxLength: 40 })), _csrf: t.Optional(t.String()) }) })
    .post("/studio/classes/:id/materials", async ({ ctx, params, body }) => {
      const tc = taught(ctx, params.id);
      if (tc instanceof Response) return tc;
      const file = body.file;
      if (file.size > MAX_MATERIAL_BYTES) return desk(ctx, tc.c, "a material file is at most 50 MB", 413);
      if (file.size === 0) return desk(ctx, tc.c, "the file is empty", 422);
      const ext = extname(file.name).toLowerCase();
      const name = crypto.randomUUID().replace(/-/g, "") + (/^\.[a-z0-9]{1,8}$/.test(ext) ? ext : "");
      await Bun.write(join(materialsDir, name), file);
      insertMaterial(db, { classId: tc.c.id, name: file.name.slice(0, 200) || name, file: name, bytes: file.size, now: deps.now() });
      return redirect(`/studio/classes/${tc.c.id}`);
    }, { ...idParam, body: t.Object({ file: t.File({ maxSize: MAX_MATERIAL_BYTES }), _csrf: t.Optional(t.String()) }) })
    .post("/studio/tickets/:id/refund", async ({ ctx, params }) => {
      const tk = getTicket(db, params.id);
      if (!tk) return notFoundPage(ctx);
      const tc = taught(ctx, tk.classId);
      if (tc instanceof Response) return tc;
      const r = await refundTicket(env, tk);
      return r.ok ? redirect(`/studio/classes/${tc.c.id}`) : desk(ctx, tc.c, r.refusal.message, r.refusal.status);
    }, idParam)
    .post("/studio/tickets/:id/confirm", ({ ctx, params }) => {
      const tk = getTicket(db, params.id);
      if (!tk) return notFoundPage(ctx);
      const tc = taught(ctx, tk.classId);
      if (tc instanceof Response) return tc;
      if (tk.provider !== "manual") return desk(ctx, tc.c, "only manual payments are confirmed by hand", 409);
      const r = settleTicket(env, tk.id, { by: "teacher", ref: `confirmed:${tc.me.id}` });
      return r.ok ? redirect(`/studio/classes/${tc.c.id}`) : desk(ctx, tc.c, r.message, 409);
    }, idParam)
    .get("/studio/classes/:id/attendance.csv", ({ ctx, params }) => {
      const tc = taught(ctx, params.id);
      if (tc instanceof Response) return tc;
      return csvResponse(`class-${tc.c.id}-attendance`, attendanceCsv(attendance(db, tc.c.id)));
    }, idParam)
    .get("/r/:slug/qa", ({ ctx, params }) => {
      const room = getRoomBySlug(db, params.slug);
      if (!room) return jsonError(404, `no room "${params.slug}"`);
      return fragment(<QaPanel t={ctx.t} slug={room.slug} questions={listQuestions(db, room.id)} host={canManage(ctx.user, room)} signedIn={!!ctx.user} csrf={ctx.csrf} />);
    })
    .post("/r/:slug/qa", ({ ctx, params, body }) => {
      if (!ctx.user) return jsonError(401, "sign in to ask");
      const room = getRoomBySlug(db, params.slug);
      if (!room) return jsonError(404, `no room "${params.slug}"`);
      const r = ask(db, deps.bus, room, ctx.user.id, body.text, deps.now());
      return r.ok ? new Response(null, { status: 204 }) : jsonError(r.status, r.message);
    }, { body: t.Object({ text: t.String({ maxLength: 2000 }), _csrf: t.Optional(t.String()) }) })
    .post("/r/:slug/qa/:id/:action", ({ ctx, params }) => {
      if (!ctx.user) return jsonError(401, "sign in first");
      const room = getRoomBySlug(db, params.slug);
      if (!room) return jsonError(404, `no room "${params.slug}"`);
      if (params.action === "upvote") {
        const r = upvote(db, deps.bus, room, params.id, ctx.user.id);
        return r.ok ? new Response(null, { status: 204 }) : jsonError(r.status, r.message);
      }
      if (!canManage(ctx.user, room)) return jsonError(403, "only the host answers and pins questions");
      const r = moderate(db, deps.bus, room, params.id, params.action);
      return r.ok ? new Response(null, { status: 204 }) : jsonError(r.status, r.message);
    }, { params: t.Object({ slug: t.String(), id: t.Numeric(), action: t.Union([t.Literal("upvote"), t.Literal("answered"), t.Literal("pin"), t.Literal("unpin")]) }) });
}
