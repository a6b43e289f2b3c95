// The Studio's membership tiers (views/pages/memberships-studio.tsx): create, edit, archive, restore. htmx swaps one
// card (or the list after a create); without htmx each POST answers the whole page.
import { Elysia, t } from "elysia";
import { TierCard, TiersStudio, TiersStudioPage, valuesOf, type TierEdit, type TierFormValues } from "../../views/pages/memberships-studio";
import { isCreator, type FieldError, type User } from "../accounts/model";
import type { Deps } from "../deps";
import { contextPlugin, type ReqCtx } from "../http/context";
import { forbidden, notFoundPage, parseInteger, requireUser } from "../http/guards";
import { fragment, html, redirect } from "../http/respond";
import { createTier, getTier, listAllTiers, setTierArchived, updateTier } from "./memberships";

const TIER_BODY = t.Object({
  name: t.String({ maxLength: 200 }), price: t.String({ maxLength: 20 }), currency: t.Optional(t.String({ maxLength: 10 })),
  perks: t.Optional(t.String({ maxLength: 4000 })), badge: t.Optional(t.String({ maxLength: 40 })), _csrf: t.Optional(t.String()),
});

export function membershipsStudioRoutes(deps: Deps) {
  const { db } = deps;

  function creator(ctx: ReqCtx): User | Response {
    const me = requireUser(ctx);
    if (me instanceof Response) return me;
    return isCreator(me) ? me : forbidden(ctx);
  }

  const formValues = (b: { name: string; price: string; currency?: string; perks?: string; badge?: string }): TierFormValues =>
    ({ name: b.name, price: b.price, currency: b.currency ?? "", perks: b.perks ?? "", badge: b.badge ?? "" });
  /** A blank or malformed price is a price error, not a crash: -1 fails the domain's check. */
  const priceOf = (raw: string) => parseInteger(raw) ?? -1;

  function page(ctx: ReqCtx, me: User, status = 200, form: { values?: TierFormValues; errors?: FieldError[]; edit?: TierEdit } = {}): Response {
    return html(<TiersStudioPage ctx={ctx} tiers={listAllTiers(db, me.id)} {...form} />, status);
  }

  return new Elysia({ name: "livehouse.memberships.studio" })
    .use(contextPlugin(deps))
    .get("/studio/memberships", ({ ctx }) => {
      const me = creator(ctx);
      return me instanceof Response ? me : page(ctx, me);
    })
    .post("/studio/memberships", ({ ctx, body }) => {
      const me = creator(ctx);
      if (me instanceof Response) return me;
      const values = formValues(body);
      const r = createTier(db, me, { name: values.name, priceMinor: priceOf(values.price), currency: values.currency, perks: values.perks, badge: values.badge }, deps.now());
      if (!r.ok) return ctx.isHtmx ? fragment(<TiersStudio ctx={ctx} tiers={listAllTiers(db, me.id)} values={values} errors={r.errors} />, r.status) : page(ctx, me, r.status, { values, errors: r.errors });
      return ctx.isHtmx ? fragment(<TiersStudio ctx={ctx} tiers={listAllTiers(db, me.id)} />, 201) : redirect("/studio/memberships");
    }, { body: TIER_BODY })
    .post("/studio/memberships/:id", ({ ctx, params, body }) => {
      const me = creator(ctx);
      if (me instanceof Response) return me;
      const values = formValues(body);
      const id = parseInteger(params.id) ?? 0;
      const r = updateTier(db, me, id, { name: values.name, priceMinor: priceOf(values.price), perks: values.perks, badge: values.badge });
      if (!r.ok && r.status === 404) return notFoundPage(ctx);
      if (!r.ok) {
        const edit = { id, values: { ...values, currency: getTier(db, id)!.currency }, errors: r.errors };
        return ctx.isHtmx ? fragment(<TierCard ctx={ctx} tier={getTier(db, id)!} values={edit.values} errors={edit.errors} />, r.status) : page(ctx, me, r.status, { edit });
      }
      return ctx.isHtmx ? fragment(<TierCard ctx={ctx} tier={r.tier} values={valuesOf(r.tier)} saved />) : redirect("/studio/memberships");
    }, { body: TIER_BODY })
    .post("/studio/memberships/:id/:action", ({ ctx, params }) => {
      const me = creator(ctx);
      if (me instanceof Response) return me;
      if (params.action !== "archive" && params.action !== "restore") return notFoundPage(ctx);
      const tier = setTierArchived(db, me, parseInteger(params.id) ?? 0, params.action === "archive");
      if (!tier) return notFoundPage(ctx);
      return ctx.isHtmx ? fragment(<TierCard ctx={ctx} tier={tier} />) : redirect("/studio/memberships");
    }, { body: t.Object({ _csrf: t.Optional(t.String()) }) });
}
