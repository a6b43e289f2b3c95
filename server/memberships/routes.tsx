// Membership pages (views/pages/memberships.tsx) and the paid-revenue fragment of the earnings page.
import { Elysia, t } from "elysia";
import { CreatorMembershipsPage, MyMembershipsPage, PaidEarnings } from "../../views/pages/memberships";
import { getUserById, getUserByUsername } from "../accounts/accounts";
import { isCreator } from "../accounts/model";
import { revenue } from "../classes/classes";
import type { PaidEnv } from "../classes/tickets";
import type { Deps } from "../deps";
import { contextPlugin, type ReqCtx } from "../http/context";
import { forbidden, notFoundPage, requireUser } from "../http/guards";
import { fragment, html, redirect } from "../http/respond";
import { cancelMembership, getMembership, getPayment, getTier, joinMembership, listMembershipsOf, listTiers, membershipRevenue } from "./memberships";

export function membershipsRoutes(deps: Deps, env: PaidEnv) {
  const { db } = deps;

  function page(ctx: ReqCtx, username: string, message?: string, status = 200): Response {
    const creator = getUserByUsername(db, username);
    if (!creator) return notFoundPage(ctx);
    const mine = ctx.user ? getMembership(db, creator.id, ctx.user.id) : null;
    return html(<CreatorMembershipsPage ctx={ctx} creator={creator.username} tiers={listTiers(db, creator.id)} mine={mine} now={deps.now()} message={message} />, status);
  }

  return new Elysia({ name: "livehouse.memberships" })
    .use(contextPlugin(deps))
    .get("/c/:username/memberships", ({ ctx, params }) => page(ctx, params.username))
    .post(
      "/c/:username/memberships",
      ({ ctx, params, body }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        const creator = getUserByUsername(db, params.username);
        if (!creator) return notFoundPage(ctx);
        const tierId = Number(body.tierId);
        const r = joinMembership(env, { creatorId: creator.id, userId: me.id, tierId: Number.isSafeInteger(tierId) ? tierId : 0, provider: body.provider, idempotencyKey: body.idempotencyKey, autoRenew: body.autoRenew === "1" });
        if (!r.ok) return page(ctx, creator.username, r.refusal.message, r.refusal.status);
        return redirect(`/c/${creator.username}/memberships`);
      },
      { body: t.Object({ tierId: t.String({ maxLength: 12 }), provider: t.String({ maxLength: 20 }), idempotencyKey: t.String({ maxLength: 200 }), autoRenew: t.Optional(t.String({ maxLength: 2 })), _csrf: t.Optional(t.String()) }) },
    )
    .post("/c/:username/memberships/cancel", ({ ctx, params }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      const creator = getUserByUsername(db, params.username);
      if (!creator) return notFoundPage(ctx);
      cancelMembership(db, creator.id, me.id, deps.now());
      return redirect(`/c/${creator.username}/memberships`);
    })
    .get("/memberships/payments/:id/pay", async ({ ctx, params }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      const p = getPayment(db, params.id);
      if (!p || p.userId !== me.id) return notFoundPage(ctx);
      const creator = getUserById(db, p.creatorId);
      const back = `/c/${creator?.username ?? ""}/memberships`;
      if (p.status !== "pending" || p.provider !== "stripe" || !env.stripe.enabled()) return redirect(back);
      try {
        return redirect(await env.stripe.checkout({ kind: "membership", id: p.id, title: `${getTier(db, p.tierId)?.name ?? "Membership"} (${creator?.username ?? ""})`, unitMinor: p.priceMinor, quantity: 1, currency: p.currency, backUrl: back }));
      } catch (err) {
        deps.log(`stripe checkout for membership payment ${p.id} failed: ${err instanceof Error ? err.message : String(err)}`);
        return notFoundPage(ctx);
      }
    }, { params: t.Object({ id: t.Numeric() }) })
    .get("/me/memberships", ({ ctx }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      const list = listMembershipsOf(db, me.id);
      const creators = new Map(list.map((m) => [m.creatorId, getUserById(db, m.creatorId)?.username ?? ""]));
      return html(<MyMembershipsPage ctx={ctx} memberships={list} now={deps.now()} creators={creators} />);
    })
    .get("/studio/earnings/paid", ({ ctx }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      if (!isCreator(me)) return forbidden(ctx);
      const rows = [...revenue(db, me.id), ...membershipRevenue(db, me.id).map((r) => ({ kind: "membership" as const, ...r }))];
      return fragment(<PaidEarnings ctx={ctx} rows={rows} share={deps.config.paidCreatorSharePercent} />);
    });
}
