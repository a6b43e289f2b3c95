// JSON API of sponsor slots (docs/sponsors.md): list, create, read, replace, delete, report, share link.
// Text slots only: images are uploaded in the Studio.
import { Elysia, t } from "elysia";
import type { User } from "../accounts/model";
import type { Deps } from "../deps";
import { contextPlugin, type ReqCtx } from "../http/context";
import { json, jsonError } from "../http/respond";
import { parseUtc, reportJson, slotJson, type Slot, type SlotInput } from "./model";
import { canEdit, createSlot, deleteSlot, getSlot, listInstanceSlots, listSlotsOf, revokeReport, shareReport, slotReport, updateSlot, type SponsorEnv } from "./sponsors";

const slotBody = t.Object({
  sponsor: t.String({ maxLength: 200 }), text: t.Optional(t.String({ maxLength: 1000 })), link: t.String({ maxLength: 2000 }),
  placement: t.String({ maxLength: 20 }), room: t.Optional(t.Union([t.String({ maxLength: 100 }), t.Null()])), instance: t.Optional(t.Boolean()),
  startsAt: t.String({ maxLength: 40 }), endsAt: t.String({ maxLength: 40 }), capPerDay: t.Optional(t.Integer()), skipAfterSeconds: t.Optional(t.Integer()),
  exemptTierId: t.Optional(t.Union([t.Integer(), t.Null()])),
});

export function apiInput(b: typeof slotBody.static): SlotInput {
  return {
    roomSlug: b.room ?? null, instance: b.instance ?? false, placement: b.placement, sponsor: b.sponsor, text: b.text ?? "", link: b.link,
    startsAt: parseUtc(b.startsAt), endsAt: parseUtc(b.endsAt), capPerDay: b.capPerDay ?? 0, skipAfterSeconds: b.skipAfterSeconds ?? 5, exemptTierId: b.exemptTierId ?? null,
  };
}

function refused(r: { status: number; errors: { field: string; message: string }[] }): Response {
  return json({ error: r.errors.map((e) => e.message).join("; "), fields: r.errors }, r.status);
}

export function sponsorsApi(deps: Deps, env: SponsorEnv) {
  const { db } = deps;
  const ID = /^\d{1,12}$/;

  function own(ctx: ReqCtx, id: string): { user: User; slot: Slot } | Response {
    if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
    const slot = ID.test(id) ? getSlot(db, Number(id)) : null;
    return slot && canEdit(ctx.user, slot) ? { user: ctx.user, slot } : jsonError(404, `no sponsor slot ${id}`);
  }

  return new Elysia({ name: "livehouse.sponsors.api" })
    .use(contextPlugin(deps))
    .get("/api/v1/sponsors", ({ ctx }) => {
      if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
      const slots = ctx.user.role === "admin" ? [...new Map([...listSlotsOf(db, ctx.user.id), ...listInstanceSlots(db)].map((s) => [s.id, s])).values()] : listSlotsOf(db, ctx.user.id);
      return json({ slots: slots.map(slotJson) });
    })
    .post("/api/v1/sponsors", ({ ctx, body }) => {
      if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
      const r = createSlot(env, ctx.user, apiInput(body), null);
      return r.ok ? json(slotJson(r.slot), 201) : refused(r);
    }, { body: slotBody })
    .get("/api/v1/sponsors/:id", ({ ctx, params }) => {
      const o = own(ctx, params.id);
      return o instanceof Response ? o : json(slotJson(o.slot));
    })
    .put("/api/v1/sponsors/:id", ({ ctx, params, body }) => {
      const o = own(ctx, params.id);
      if (o instanceof Response) return o;
      const r = updateSlot(env, o.user, o.slot, apiInput(body), null);
      return r.ok ? json(slotJson(r.slot)) : refused(r);
    }, { body: slotBody })
    .delete("/api/v1/sponsors/:id", ({ ctx, params }) => {
      const o = own(ctx, params.id);
      if (o instanceof Response) return o;
      deleteSlot(db, o.user, o.slot);
      return new Response(null, { status: 204 });
    })
    .get("/api/v1/sponsors/:id/report", ({ ctx, params }) => {
      const o = own(ctx, params.id);
      return o instanceof Response ? o : json(reportJson(slotReport(db, o.slot)));
    })
    .post("/api/v1/sponsors/:id/share", ({ ctx, params }) => {
      const o = own(ctx, params.id);
      if (o instanceof Response) return o;
      const token = shareReport(db, o.slot);
      return json({ url: `/sponsor-report/${o.slot.id}/${token}`, csv: `/sponsor-report/${o.slot.id}/${token}/csv` }, 201);
    })
    .delete("/api/v1/sponsors/:id/share", ({ ctx, params }) => {
      const o = own(ctx, params.id);
      if (o instanceof Response) return o;
      revokeReport(db, o.slot);
      return new Response(null, { status: 204 });
    });
}
