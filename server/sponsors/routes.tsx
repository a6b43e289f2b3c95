// Sponsor slots over HTTP: the Studio pages (create, edit, delete, share the report), the public mounts the room
// and replay pages load (player overlay, banner, pre-roll), the impression beacon, the counting click redirect,
// the OBS overlay page, slot images, and the sponsor's read-only report behind its secret link.
import { Elysia, t } from "elysia";
import { slotValues, SponsorEditPage, SponsorReportPage, SponsorsStudioPage, type SlotFormProps, type SlotFormValues } from "../../views/pages/sponsors";
import { NoSponsor, ObsSponsorPage, SponsorDisplay } from "../../views/partials/sponsor";
import { isCreator, type User } from "../accounts/model";
import type { Deps } from "../deps";
import { contextPlugin, type ReqCtx } from "../http/context";
import { notFoundPage, parseInteger, requireUser } from "../http/guards";
import { csvResponse, fragment, html, redirect } from "../http/respond";
import { serveStored } from "../http/uploads";
import { translator, type Lang } from "../i18n";
import { clientId } from "../insights/model";
import { getReplay } from "../media/storage";
import { listTiers } from "../memberships/memberships";
import { maskToken, overlayToken, roomForOverlayToken } from "../overlays/overlays";
import { getRoomById, getRoomBySlug, listRooms, listRoomsByOwner } from "../rooms/rooms";
import { createRateLimiter } from "../lib/rate-limit";
import { parseUtc, type FieldError, type Placement, type Slot, type SlotInput } from "./model";
import {
  canEdit, createSlot, deleteSlot, getSlot, listInstanceSlots, listSlotsOf, obsSlots, pickSlot, recordClick, recordImpression, reportCsv, revokeReport,
  saveSponsorImage, shareReport, slotBySecret, slotReport, SPONSOR_IMAGE_NAME, sponsorImagesDir, updateSlot, type SponsorEnv, type Viewer,
} from "./sponsors";

const formBody = t.Object({
  sponsor: t.String({ maxLength: 200 }), text: t.Optional(t.String({ maxLength: 1000 })), link: t.String({ maxLength: 2000 }),
  placement: t.String({ maxLength: 20 }), room: t.Optional(t.String({ maxLength: 100 })), starts: t.String({ maxLength: 40 }), ends: t.String({ maxLength: 40 }),
  cap: t.Optional(t.String({ maxLength: 10 })), skip: t.Optional(t.String({ maxLength: 10 })), exempt: t.Optional(t.String({ maxLength: 12 })),
  image: t.Optional(t.Any()), removeImage: t.Optional(t.String({ maxLength: 2 })), _csrf: t.Optional(t.String()),
});
type FormBody = typeof formBody.static;

const ID = /^\d{1,12}$/;
const DISPLAY = /^[A-Za-z0-9_-]{22}$/;
const TOKEN = /^[A-Za-z0-9_-]{32}$/;

export function viewerOf(ctx: ReqCtx, request: Request): Viewer {
  return { userId: ctx.user?.id ?? null, client: clientId(ctx.ip, request.headers.get("user-agent")) };
}

export function formValues(b: FormBody): SlotFormValues {
  return { sponsor: b.sponsor, text: b.text ?? "", link: b.link, placement: b.placement, room: b.room ?? "", starts: b.starts, ends: b.ends, cap: b.cap ?? "0", skip: b.skip ?? "5", exempt: b.exempt ?? "" };
}

/** The form's strings as a slot input ("*" in the room list: instance-wide). */
export function slotInput(v: SlotFormValues): SlotInput {
  const exempt = parseInteger(v.exempt);
  return {
    roomSlug: v.room && v.room !== "*" ? v.room : null, instance: v.room === "*", placement: v.placement, sponsor: v.sponsor, text: v.text, link: v.link,
    startsAt: parseUtc(v.starts), endsAt: parseUtc(v.ends), capPerDay: parseInteger(v.cap, 0), skipAfterSeconds: parseInteger(v.skip, 5), exemptTierId: exempt,
  };
}

/**
 * Sponsor displays one address may open per window. A viewer's page opens two (player and banner), a replay one;
 * past this the mounts come back empty, so a script reloading them cannot inflate a sponsor's impressions and
 * clicks, or fill the displays table (docs/sponsors.md).
 */
export const DISPLAYS_PER_ADDRESS = 120;
export const DISPLAY_WINDOW_MS = 10 * 60_000;

export function sponsorsRoutes(deps: Deps, env: SponsorEnv) {
  const { db } = deps;
  const displays = createRateLimiter({ max: DISPLAYS_PER_ADDRESS, windowMs: DISPLAY_WINDOW_MS }, { cluster: deps.cluster, name: "sponsor-displays" });
  /** A slot to show this viewer now, unless their address has opened its allowance of displays. */
  const pick = (ctx: ReqCtx, request: Request, placement: Placement, room: { id: number; ownerId: number }) =>
    pickSlot(env, placement, room, viewerOf(ctx, request), () => displays.hit(ctx.ip ?? "", deps.now()) === 0);
  const base = (request: Request) => deps.config.publicUrl.replace(/\/$/, "") || new URL(request.url).origin;

  function creator(ctx: ReqCtx): User | Response {
    const user = requireUser(ctx);
    if (user instanceof Response) return user;
    return isCreator(user) ? user : notFoundPage(ctx);
  }

  function formProps(ctx: ReqCtx, user: User, action: string, values: SlotFormValues, errors: readonly FieldError[], hasImage: boolean, submit: string): SlotFormProps {
    return { ctx, action, values, errors, rooms: user.role === "admin" ? listRooms(db, 500) : listRoomsByOwner(db, user.id), tiers: listTiers(db, user.id), admin: user.role === "admin", hasImage, submit };
  }

  function studio(ctx: ReqCtx, request: Request, user: User, values?: SlotFormValues, errors: readonly FieldError[] = [], status = 200): Response {
    const slots = user.role === "admin" ? [...new Map([...listSlotsOf(db, user.id), ...listInstanceSlots(db)].map((s) => [s.id, s])).values()] : listSlotsOf(db, user.id);
    const obs = listRoomsByOwner(db, user.id).map((r) => {
      const token = overlayToken(db, r.id, deps.now());
      return { title: r.title, url: `${base(request)}/overlay/${token}/sponsors`, masked: `${base(request)}/overlay/${maskToken(token)}/sponsors` };
    });
    const now = deps.now();
    const blank: SlotFormValues = { sponsor: "", text: "", link: "https://", placement: "player", room: "", starts: new Date(now).toISOString().slice(0, 16), ends: new Date(now + 7 * 86_400_000).toISOString().slice(0, 16), cap: "0", skip: "5", exempt: "" };
    return html(<SponsorsStudioPage ctx={ctx} slots={slots} obs={obs} form={formProps(ctx, user, "/studio/sponsors", values ?? blank, errors, false, ctx.t("sponsor.create"))} />, status);
  }

  function editPage(ctx: ReqCtx, request: Request, user: User, slot: Slot, over: { values?: SlotFormValues; errors?: readonly FieldError[]; status?: number; message?: string } = {}): Response {
    const shareUrl = slot.reportToken ? `${base(request)}/sponsor-report/${slot.id}/${slot.reportToken}` : null;
    const form = formProps(ctx, user, `/studio/sponsors/${slot.id}`, over.values ?? slotValues(slot), over.errors ?? [], slot.image !== null, ctx.t("sponsor.save"));
    return html(<SponsorEditPage ctx={ctx} slot={slot} report={slotReport(db, slot)} shareUrl={shareUrl} form={form} message={over.message} />, over.status ?? 200);
  }

  /** The slot the signed-in user may edit, or the response to send instead (404 for someone else's). */
  function ownSlot(ctx: ReqCtx, id: string): { user: User; slot: Slot } | Response {
    const user = creator(ctx);
    if (user instanceof Response) return user;
    const slot = ID.test(id) ? getSlot(db, Number(id)) : null;
    return slot && canEdit(user, slot) ? { user, slot } : notFoundPage(ctx);
  }

  /** Stores an uploaded image (if any): the new name, null for none, or the field error. */
  async function upload(b: FormBody): Promise<string | null | FieldError> {
    const file = b.image instanceof Blob && b.image.size > 0 ? b.image : null;
    if (!file) return null;
    const r = await saveSponsorImage(deps.config.dataDir, file);
    return r.ok ? r.name : r.error;
  }

  function mount(ctx: ReqCtx, request: Request, slug: string, placement: Placement): Response {
    const id = `sponsor-${placement}`;
    const room = getRoomBySlug(db, slug);
    const shown = room ? pick(ctx, request, placement, room) : null;
    return fragment(shown ? <SponsorDisplay t={ctx.t} id={id} shown={shown} /> : <NoSponsor id={id} />, 200, { "cache-control": "no-store" });
  }

  function report(id: string, token: string): Slot | null {
    return ID.test(id) && TOKEN.test(token) ? slotBySecret(db, Number(id), token) : null;
  }

  return new Elysia({ name: "livehouse.sponsors" })
    .use(contextPlugin(deps))
    .get("/studio/sponsors", ({ ctx, request }) => {
      const user = creator(ctx);
      return user instanceof Response ? user : studio(ctx, request, user);
    })
    .post("/studio/sponsors", async ({ ctx, request, body }) => {
      const user = creator(ctx);
      if (user instanceof Response) return user;
      const values = formValues(body);
      const image = await upload(body);
      if (image !== null && typeof image === "object") return studio(ctx, request, user, values, [image], 422);
      const r = createSlot(env, user, slotInput(values), image);
      if (!r.ok) return studio(ctx, request, user, values, r.errors, r.status);
      return redirect(`/studio/sponsors/${r.slot.id}`, ctx.isHtmx);
    }, { body: formBody })
    .get("/studio/sponsors/:id", ({ ctx, request, params }) => {
      const own = ownSlot(ctx, params.id);
      return own instanceof Response ? own : editPage(ctx, request, own.user, own.slot);
    })
    .post("/studio/sponsors/:id", async ({ ctx, request, params, body }) => {
      const own = ownSlot(ctx, params.id);
      if (own instanceof Response) return own;
      const values = formValues(body);
      const image = await upload(body);
      if (image !== null && typeof image === "object") return editPage(ctx, request, own.user, own.slot, { values, errors: [image], status: 422 });
      const r = updateSlot(env, own.user, own.slot, slotInput(values), image ?? (body.removeImage === "1" ? "" : null));
      if (!r.ok) return editPage(ctx, request, own.user, own.slot, { values, errors: r.errors, status: r.status });
      return editPage(ctx, request, own.user, r.slot, { message: ctx.t("sponsor.saved") });
    }, { body: formBody })
    .post("/studio/sponsors/:id/delete", ({ ctx, params }) => {
      const own = ownSlot(ctx, params.id);
      if (own instanceof Response) return own;
      deleteSlot(db, own.user, own.slot);
      return redirect("/studio/sponsors", ctx.isHtmx);
    })
    .post("/studio/sponsors/:id/share", ({ ctx, params }) => {
      const own = ownSlot(ctx, params.id);
      if (own instanceof Response) return own;
      shareReport(db, own.slot);
      return redirect(`/studio/sponsors/${own.slot.id}`, ctx.isHtmx);
    })
    .post("/studio/sponsors/:id/unshare", ({ ctx, params }) => {
      const own = ownSlot(ctx, params.id);
      if (own instanceof Response) return own;
      revokeReport(db, own.slot);
      return redirect(`/studio/sponsors/${own.slot.id}`, ctx.isHtmx);
    })
    .get("/studio/sponsors/:id/report.csv", ({ ctx, params }) => {
      const own = ownSlot(ctx, params.id);
      return own instanceof Response ? own : csvResponse(`sponsor-${own.slot.id}`, reportCsv(slotReport(db, own.slot)));
    })
    // Public: the mounts, the beacon, the click redirect, images, the OBS page and the sponsor's report.
    .get("/r/:slug/sponsors/player", ({ ctx, request, params }) => mount(ctx, request, params.slug, "player"))
    .get("/r/:slug/sponsors/banner", ({ ctx, request, params }) => mount(ctx, request, params.slug, "banner"))
    .get("/replays/:id/sponsor", ({ ctx, request, params }) => {
      const b = ID.test(params.id) ? getReplay(db, Number(params.id)) : null;
      const room = b ? getRoomById(db, b.roomId) : null;
      const shown = room ? pick(ctx, request, "preroll", room) : null;
      return fragment(shown ? <SponsorDisplay t={ctx.t} id="sponsor-preroll" shown={shown} /> : <NoSponsor id="sponsor-preroll" />, 200, { "cache-control": "no-store" });
    })
    .post("/s/displays/:display/seen", ({ ctx, request, params }) => {
      const counted = DISPLAY.test(params.display) && recordImpression(env, params.display, viewerOf(ctx, request));
      return new Response(null, { status: 204, headers: { "x-counted": counted ? "1" : "0" } });
    })
    .get("/s/:id/click", ({ ctx, request, params, query }) => {
      const display = query.d && DISPLAY.test(query.d) ? query.d : null;
      const link = ID.test(params.id) ? recordClick(env, Number(params.id), display, viewerOf(ctx, request)) : null;
      if (!link) return notFoundPage(ctx);
      return new Response(null, { status: 302, headers: { location: link, "cache-control": "no-store", "referrer-policy": "no-referrer" } });
    }, { query: t.Object({ d: t.Optional(t.String({ maxLength: 40 })) }) })
    .get("/sponsors/images/:file", ({ params }) => serveStored(sponsorImagesDir(deps.config.dataDir), params.file, SPONSOR_IMAGE_NAME))
    .get("/overlay/:token/sponsors", ({ ctx, params, query }) => {
      const roomId = roomForOverlayToken(db, params.token);
      const room = roomId === null ? null : getRoomById(db, roomId);
      if (!room) return new Response("overlay not found", { status: 404 });
      const lang: Lang = query.lang === "en" || query.lang === "zh" ? query.lang : ctx.lang;
      return html(<ObsSponsorPage t={translator(lang)} lang={lang} slots={obsSlots(db, room, deps.now())} />, 200, { "cache-control": "no-store", "referrer-policy": "no-referrer" });
    }, { query: t.Object({ lang: t.Optional(t.String({ maxLength: 5 })) }) })
    .get("/sponsor-report/:id/:token", ({ ctx, params }) => {
      const slot = report(params.id, params.token);
      if (!slot) return notFoundPage(ctx);
      return html(<SponsorReportPage ctx={ctx} report={slotReport(db, slot)} csvUrl={`/sponsor-report/${slot.id}/${params.token}/csv`} />, 200, { "cache-control": "no-store", "referrer-policy": "no-referrer" });
    })
    .get("/sponsor-report/:id/:token/csv", ({ ctx, params }) => {
      const slot = report(params.id, params.token);
      return slot ? csvResponse(`sponsor-${slot.id}`, reportCsv(slotReport(db, slot))) : notFoundPage(ctx);
    });
}
