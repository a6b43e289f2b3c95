// Thin HTTP adapters for insights: the JSON API (docs/insights.md), Studio and Admin pages with CSV exports, the
// public recommendation fragments, and the Settings data export / deletion.
import { Elysia, t } from "elysia";
import { BROADCAST_COLUMNS, columnValue, ForecastResult, InsightsBroadcastPage, InsightsPeriodPage, type BroadcastColumn, type Fmt, type PeriodView } from "../../views/pages/insights";
import { MessagePage } from "../../views/pages/message";
import { BoughtTogetherList, SimilarRoomsList } from "../../views/partials/insights";
import { isCreator, type User } from "../accounts/model";
import type { Deps } from "../deps";
import { contextPlugin, type ReqCtx } from "../http/context";
import { forbidden, notFoundPage, requireAdmin, requireUser } from "../http/guards";
import { csvResponse, fragment, html, json, jsonError } from "../http/respond";
import { getRoomById, getRoomBySlug, listRooms, listRoomsByOwner } from "../rooms/rooms";
import type { Room } from "../rooms/model";
import { csvTable } from "../shop/csv";
import { formatMoney } from "../shop/model";
import { getProduct } from "../shop/products";
import type { AprioriOptions } from "./apriori";
import type { Capture } from "./capture";
import { clientId, DAY, statsJson, type BroadcastStats, type PeriodStats, type SimilarRoom } from "./model";
import { deleteUserData, exportUserData } from "./privacy";
import { boughtTogether, fitForecast, forecastPoints, propensityReport, roomsForViewer, similarRooms } from "./recommend";
import { broadcastStats, getBroadcast, parsePeriod, periodStats, type Scope } from "./stats";

const fmt: Fmt = (m) => formatMoney(m.minor, m.currency);
const periodQuery = t.Object({
  from: t.Optional(t.String({ maxLength: 20 })), to: t.Optional(t.String({ maxLength: 20 })), days: t.Optional(t.String({ maxLength: 5 })),
  room: t.Optional(t.String({ maxLength: 100 })), sort: t.Optional(t.String({ maxLength: 30 })), dir: t.Optional(t.String({ maxLength: 4 })),
  table: t.Optional(t.String({ maxLength: 20 })),
});
type PeriodQuery = typeof periodQuery.static;

function canSee(user: User | null, room: Room | null): room is Room {
  return !!user && !!room && (user.role === "admin" || room.ownerId === user.id);
}

const iso = (ms: number | null) => (ms === null ? "" : new Date(ms).toISOString());

export function periodCsv(stats: PeriodStats, table: string, now: number): string | null {
  if (table === "broadcasts") {
    return csvTable(["broadcast_id", "room_id", ...BROADCAST_COLUMNS, "gmv"], stats.broadcasts.map((b) => [
      b.broadcastId, b.roomId, ...BROADCAST_COLUMNS.map((c) => (c === "startedAt" ? iso(b.startedAt) : columnValue(b, c, now))), b.gmv.map((g) => `${g.minor} ${g.currency}`).join("; "),
    ]));
  }
  if (table === "hours") return csvTable(["hour_utc", "live_minutes", "avg_viewers", "paid_orders"], stats.hours.map((h) => [h.hour, h.liveMinutes, h.avgViewers, h.paidOrders]));
  return null;
}

export function broadcastCsv(s: BroadcastStats, table: string): string | null {
  switch (table) {
    case "timeline": return csvTable(["minute_utc", "viewers"], s.timeline.map((p) => [iso(p.t), p.viewers]));
    case "funnel": return csvTable(["step", "count"], [["impressions", s.productImpressions], ["clicks", s.productClicks], ["carts", s.carts], ["orders", s.orders], ["paid", s.paidOrders]]);
    case "retention": return csvTable(["minutes", "viewers_still_watching"], s.retention.map((r) => [r.minutes, r.viewers]));
    case "gifters": return csvTable(["user_id", "name", "coins"], s.topGifters.map((g) => [g.userId, g.name, g.coins]));
    case "revenue": return csvTable(["kind", "currency", "minor", "count"], s.revenue.map((r) => [r.kind, r.currency, r.minor, r.count]));
    case "pins": return csvTable(["time_utc", "product_id", "title"], s.pins.map((p) => [iso(p.t), p.productId, p.title]));
    default: return null;
  }
}

const NUM = /^\d{1,12}(\.\d{1,4})?$/;

export function insightsRoutes(deps: Deps & { capture: Capture; apriori: AprioriOptions }) {
  const { db } = deps;

  /** The period a page or API call asks for, with its scope; an error string when the input is bad. */
  function period(user: User, q: PeriodQuery, admin: boolean): { scope: Scope; from: number; to: number; room: Room | null } | { status: number; error: string } {
    const p = parsePeriod(q, deps.now());
    if ("error" in p) return { status: 422, error: p.error };
    if (q.room) {
      const room = getRoomBySlug(db, q.room);
      if (!canSee(user, room)) return { status: 404, error: `no room "${q.room}"` };
      return { scope: { kind: "room", roomId: room.id }, ...p, room };
    }
    return { scope: admin ? { kind: "all" } : { kind: "owner", ownerId: user.id }, ...p, room: null };
  }

  function sorted(stats: PeriodStats, q: PeriodQuery): { sort: BroadcastColumn; dir: "asc" | "desc" } {
    const sort = (BROADCAST_COLUMNS as readonly string[]).includes(q.sort ?? "") ? (q.sort as BroadcastColumn) : "startedAt";
    const dir = q.dir === "asc" ? "asc" : "desc";
    const now = deps.now();
    stats.broadcasts.sort((a, b) => {
      const x = columnValue(a, sort, now) ?? -1;
      const y = columnValue(b, sort, now) ?? -1;
      return (dir === "asc" ? x - y : y - x) || b.startedAt - a.startedAt;
    });
    return { sort, dir };
  }

  function periodPage(ctx: ReqCtx, user: User, q: PeriodQuery, admin: boolean): Response {
    const p = period(user, q, admin);
    if ("error" in p) return p.status === 404 ? notFoundPage(ctx) : html(<p class="error" safe>{p.error}</p>, 422);
    const stats = periodStats(db, p.scope, p.from, p.to, deps.now());
    const { sort, dir } = sorted(stats, q);
    const base = admin ? "/admin/insights" : "/studio/insights";
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const days = q.from || q.to ? null : Number(q.days ?? 30);
    const query = new URLSearchParams({ ...(days ? { days: String(days) } : { from: day(p.from), to: day(p.to - DAY) }), ...(p.room ? { room: p.room.slug } : {}) }).toString();
    const rooms = (admin ? listRooms(db, 500) : listRoomsByOwner(db, user.id)).map((r) => ({ slug: r.slug, title: r.title }));
    const v: PeriodView = { base, query, days, from: day(p.from), to: day(p.to - DAY), sort, dir, rooms, room: p.room?.slug ?? null, now: deps.now() };
    if (q.table !== undefined) {
      const body = periodCsv(stats, q.table, deps.now());
      return body === null ? html(<p class="error" safe>{`unknown table "${q.table}"`}</p>, 404) : csvResponse(`insights-${q.table}-${v.from}-${v.to}`, body);
    }
    return html(<InsightsPeriodPage ctx={ctx} title={ctx.t(admin ? "insights.adminTitle" : "insights.title")} stats={stats} v={v} fmt={fmt}
      propensity={admin ? null : propensityReport(db, user.id)} forecast={!admin} />);
  }

  /** The broadcast and its room when the user may see its stats; null means 404 (also for other creators). */
  function visibleBroadcast(user: User | null, id: number) {
    const b = getBroadcast(db, id);
    const room = b ? getRoomById(db, b.roomId) : null;
    return b && canSee(user, room) ? { b, room } : null;
  }

  function broadcastPage(ctx: ReqCtx, user: User, id: number, admin: boolean, table?: string): Response {
    const v = visibleBroadcast(user, id);
    if (!v) return notFoundPage(ctx);
    const stats = broadcastStats(db, v.b, deps.now());
    if (table !== undefined) {
      const body = broadcastCsv(stats, table);
      return body === null ? notFoundPage(ctx) : csvResponse(`broadcast-${id}-${table}`, body);
    }
    return html(<InsightsBroadcastPage ctx={ctx} stats={stats} roomTitle={v.room.title} base={admin ? "/admin/insights" : "/studio/insights"} fmt={fmt} />);
  }

  /** The signed-in creator, or the login redirect / 403 page. */
  function requireCreator(ctx: ReqCtx): User | Response {
    const user = requireUser(ctx);
    if (user instanceof Response) return user;
    return isCreator(user) ? user : forbidden(ctx);
  }

  /** Runs `fn` with the user a guard let through, or answers the guard's response. */
  const guarded = (who: User | Response, fn: (user: User) => Response): Response => (who instanceof Response ? who : fn(who));

  const reasonJson = (ctx: ReqCtx, r: SimilarRoom) => ({
    ...r,
    because: r.reason.kind === "coviewing" ? ctx.t("insights.reason.coviewing", { shared: r.reason.shared, room: r.reason.room })
      : r.reason.kind === "watched" ? ctx.t("insights.reason.watched", { room: r.reason.room })
      : ctx.t("insights.reason.popular", { category: ctx.t(`category.${r.reason.category}`) }),
  });

  function forecastFor(user: User, q: { viewers?: string; price?: string; minutes?: string }) {
    const bad = (["viewers", "price", "minutes"] as const).filter((k) => !NUM.test(q[k] ?? ""));
    if (bad.length) return { status: 422, body: { error: `${bad.join(", ")} must be non-negative numbers` } };
    const plan = { viewers: Number(q.viewers), priceMinor: Number(q.price), minutes: Number(q.minutes) };
    const r = fitForecast(forecastPoints(db, user.id, deps.now()), plan);
    return "error" in r ? { status: 422, body: r } : { status: 200, body: r };
  }

  const numId = { params: t.Object({ id: t.Numeric() }) };
  const forecastQuery = { query: t.Object({ viewers: t.Optional(t.String({ maxLength: 20 })), price: t.Optional(t.String({ maxLength: 20 })), minutes: t.Optional(t.String({ maxLength: 20 })) }) };

  return new Elysia({ name: "livehouse.insights" })
    .use(contextPlugin(deps))
    // ---- JSON API (contract)
    .get("/api/v1/broadcasts/:id/stats", ({ ctx, params }) => {
      const v = visibleBroadcast(ctx.user, params.id);
      return v ? json(statsJson(broadcastStats(db, v.b, deps.now()))) : jsonError(404, `no broadcast ${params.id}`);
    }, numId)
    .get("/api/v1/rooms/:slug/stats", ({ ctx, params, query }) => {
      const room = getRoomBySlug(db, params.slug);
      if (!canSee(ctx.user, room)) return jsonError(404, `no room "${params.slug}"`);
      const p = parsePeriod(query, deps.now());
      if ("error" in p) return jsonError(422, p.error);
      const s = periodStats(db, { kind: "room", roomId: room.id }, p.from, p.to, deps.now());
      return json(s);
    }, { query: t.Object({ from: t.Optional(t.String({ maxLength: 20 })), to: t.Optional(t.String({ maxLength: 20 })), days: t.Optional(t.String({ maxLength: 5 })) }) })
    .get("/api/v1/products/:id/bought-together", ({ params }) => {
      const p = getProduct(db, params.id);
      return p?.active ? json(boughtTogether(db, p.id, 10)) : jsonError(404, `no product ${params.id}`);
    }, numId)
    .get("/api/v1/rooms/:slug/similar", ({ ctx, params }) => {
      const room = getRoomBySlug(db, params.slug);
      return room ? json(similarRooms(db, room, deps.now()).map((r) => reasonJson(ctx, r))) : jsonError(404, `no room "${params.slug}"`);
    })
    .get("/api/v1/studio/forecast", ({ ctx, query }) => {
      if (!ctx.user) return jsonError(401, "sign in or send a token");
      if (!isCreator(ctx.user)) return jsonError(403, "the forecast is for creators");
      const r = forecastFor(ctx.user, query);
      return json(r.body, r.status);
    }, forecastQuery)
    .get("/api/v1/me/data", ({ ctx }) => {
      if (!ctx.user) return jsonError(401, "sign in or send a token");
      deps.capture.flush();
      return json(exportUserData(db, ctx.user.id, deps.now()), 200, { "content-disposition": `attachment; filename="livehouse-data-${ctx.user.username}.json"` });
    })
    .delete("/api/v1/me/data", ({ ctx }) => {
      if (!ctx.user) return jsonError(401, "sign in or send a token");
      deps.capture.flush();
      return json({ deleted: deleteUserData(db, ctx.user.id, deps.now(), deps.apriori).events });
    })
    .get("/api/v1/admin/insights/capture", ({ ctx }) => {
      if (ctx.user?.role !== "admin") return jsonError(404, "no route GET /api/v1/admin/insights/capture");
      return json(deps.capture.stats);
    })
    // ---- Studio and Admin pages
    .get("/studio/insights", ({ ctx, query }) => guarded(requireCreator(ctx), (u) => periodPage(ctx, u, query, false)), { query: periodQuery })
    .get("/studio/insights/export.csv", ({ ctx, query }) => guarded(requireCreator(ctx), (u) => periodPage(ctx, u, { ...query, table: query.table ?? "broadcasts" }, false)), { query: periodQuery })
    .get("/studio/insights/b/:id", ({ ctx, params }) => guarded(requireUser(ctx), (u) => broadcastPage(ctx, u, params.id, false)), numId)
    .get("/studio/insights/b/:id/export.csv", ({ ctx, params, query }) => guarded(requireUser(ctx), (u) => broadcastPage(ctx, u, params.id, false, query.table ?? "timeline")),
      { ...numId, query: t.Object({ table: t.Optional(t.String({ maxLength: 20 })) }) })
    .get("/studio/insights/forecast", ({ ctx, query }) => guarded(requireCreator(ctx), (user) => {
      const r = forecastFor(user, query);
      const result = "error" in r.body ? { error: r.status === 422 && "n" in r.body ? ctx.t("insights.forecast.notEnough", { n: r.body.n }) : r.body.error } : r.body;
      return fragment(<ForecastResult ctx={ctx} result={result} />, r.status === 200 ? 200 : 422);
    }), forecastQuery)
    .get("/admin/insights", ({ ctx, query }) => guarded(requireAdmin(ctx), (u) => periodPage(ctx, u, query, true)), { query: periodQuery })
    .get("/admin/insights/export.csv", ({ ctx, query }) => guarded(requireAdmin(ctx), (u) => periodPage(ctx, u, { ...query, table: query.table ?? "broadcasts" }, true)), { query: periodQuery })
    .get("/admin/insights/b/:id", ({ ctx, params }) => guarded(requireAdmin(ctx), (u) => broadcastPage(ctx, u, params.id, true)), numId)
    .get("/admin/insights/b/:id/export.csv", ({ ctx, params, query }) => guarded(requireAdmin(ctx), (u) => broadcastPage(ctx, u, params.id, true, query.table ?? "timeline")),
      { ...numId, query: t.Object({ table: t.Optional(t.String({ maxLength: 20 })) }) })
    // ---- public fragments (hx-get mounts)
    .get("/insights/products/:id/together", ({ ctx, params }) => fragment(<BoughtTogetherList ctx={ctx} items={boughtTogether(db, params.id, 4)} />), numId)
    .get("/insights/rooms/:slug/similar", ({ ctx, params }) => {
      const room = getRoomBySlug(db, params.slug);
      return fragment(<SimilarRoomsList ctx={ctx} rooms={room ? similarRooms(db, room, deps.now()) : []} />);
    })
    .get("/insights/for-you", ({ ctx, request }) => {
      const key = deps.capture.keyOf({ userId: ctx.user?.id ?? null, client: clientId(ctx.ip, request.headers.get("user-agent")) }, deps.now());
      return fragment(<SimilarRoomsList ctx={ctx} rooms={roomsForViewer(db, key, deps.now())} />);
    })
    // ---- Settings: delete my data (the export is the API's GET /api/v1/me/data, which the page links to)
    .post("/settings/data/delete", ({ ctx }) => guarded(requireUser(ctx), (user) => {
      deps.capture.flush();
      deleteUserData(db, user.id, deps.now(), deps.apriori);
      if (ctx.isHtmx) return fragment(<p class="notice" role="status" id="data-deleted" safe>{ctx.t("settings.dataDeleted")}</p>);
      return html(<MessagePage ctx={ctx} title={ctx.t("settings.data")} text={ctx.t("settings.dataDeleted")} />);
    }));
}
