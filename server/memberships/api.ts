// JSON API of memberships (docs/api.md): a creator's tiers, joining (wallet, manual, Stripe), cancelling, the
// caller's memberships, and the creator's confirmation of a manual payment.
import { Elysia, t } from "elysia";
import { getUserByUsername } from "../accounts/accounts";
import type { PaidEnv } from "../classes/tickets";
import { contextPlugin } from "../http/context";
import type { Deps } from "../deps";
import { json, jsonError } from "../http/respond";
import { canManage, getRoomBySlug } from "../rooms/rooms";
import { cancelMembership, createTier, getMembership, getPayment, joinMembership, listMembers, listMembershipsOf, listTiers, membersOnlyChat, setMembersOnlyChat, settleMembershipPayment } from "./memberships";
import type { Membership, MembershipPayment, Tier } from "./model";

export function tierJson(tr: Tier) {
  return { id: tr.id, creator: tr.creatorUsername, name: tr.name, price: { minor: tr.priceMinor, currency: tr.currency }, perks: tr.perks, badge: tr.badge };
}

export function membershipJson(m: Membership) {
  return { id: m.id, creatorId: m.creatorId, member: m.username, tierId: m.tierId, tier: m.tierName, badge: m.badge, status: m.status, autoRenew: m.autoRenew, provider: m.provider, periodEnd: new Date(m.periodEnd).toISOString() };
}

function paymentJson(p: MembershipPayment) {
  return { id: p.id, status: p.status, tierId: p.tierId, provider: p.provider, price: { minor: p.priceMinor, currency: p.currency }, payUrl: p.status === "pending" && p.provider === "stripe" ? `/memberships/payments/${p.id}/pay` : null };
}

export function membershipsApi(deps: Deps, env: PaidEnv) {
  const { db } = deps;
  return new Elysia({ name: "livehouse.memberships.api" })
    .use(contextPlugin(deps))
    .get("/api/v1/creators/:username/memberships", ({ ctx, params }) => {
      const creator = getUserByUsername(db, params.username);
      if (!creator) return jsonError(404, `no creator "${params.username}"`);
      const mine = ctx.user ? getMembership(db, creator.id, ctx.user.id) : null;
      return json({ creator: creator.username, tiers: listTiers(db, creator.id).map(tierJson), membership: mine ? membershipJson(mine) : null });
    })
    .post(
      "/api/v1/creators/:username/memberships",
      ({ ctx, params, body }) => {
        if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
        const creator = getUserByUsername(db, params.username);
        if (!creator) return jsonError(404, `no creator "${params.username}"`);
        const r = joinMembership(env, { creatorId: creator.id, userId: ctx.user.id, tierId: body.tierId, provider: body.provider, idempotencyKey: body.idempotencyKey, autoRenew: body.autoRenew ?? false });
        if (!r.ok) return jsonError(r.refusal.status, r.refusal.message);
        return json({ ...paymentJson(r.payment), membership: r.membership ? membershipJson(r.membership) : null, replay: r.replay }, 201);
      },
      { body: t.Object({ tierId: t.Integer({ minimum: 1 }), provider: t.String({ maxLength: 20 }), idempotencyKey: t.String({ maxLength: 200 }), autoRenew: t.Optional(t.Boolean()) }) },
    )
    .delete("/api/v1/creators/:username/memberships", ({ ctx, params }) => {
      if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
      const creator = getUserByUsername(db, params.username);
      if (!creator) return jsonError(404, `no creator "${params.username}"`);
      const m = cancelMembership(db, creator.id, ctx.user.id, deps.now());
      return m ? json(membershipJson(m)) : jsonError(409, "no active membership to cancel");
    })
    .post(
      "/api/v1/creators/:username/tiers",
      ({ ctx, params, body }) => {
        if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
        if (ctx.user.username !== params.username && ctx.user.role !== "admin") return jsonError(403, "you can only add tiers to your own page");
        const creator = getUserByUsername(db, params.username);
        if (!creator) return jsonError(404, `no creator "${params.username}"`);
        const r = createTier(db, creator, { name: body.name, priceMinor: body.price, currency: body.currency, perks: body.perks ?? "", badge: body.badge ?? "" }, deps.now());
        return r.ok ? json(tierJson(r.tier), 201) : jsonError(r.status, r.message);
      },
      { body: t.Object({ name: t.String({ maxLength: 100 }), price: t.Integer(), currency: t.String({ maxLength: 10 }), perks: t.Optional(t.String({ maxLength: 4000 })), badge: t.Optional(t.String({ maxLength: 40 })) }) },
    )
    .get("/api/v1/creators/:username/members", ({ ctx, params }) => {
      if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
      if (ctx.user.username !== params.username && ctx.user.role !== "admin") return jsonError(403, "only the creator sees their members");
      const creator = getUserByUsername(db, params.username);
      if (!creator) return jsonError(404, `no creator "${params.username}"`);
      return json({ members: listMembers(db, creator.id).map(membershipJson) });
    })
    .put(
      "/api/v1/rooms/:slug/chat/members-only",
      ({ ctx, params, body }) => {
        if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
        const room = getRoomBySlug(db, params.slug);
        if (!room) return jsonError(404, `no room "${params.slug}"`);
        if (!canManage(ctx.user, room)) return jsonError(403, "only the host sets the chat mode");
        setMembersOnlyChat(db, room.id, body.enabled);
        return json({ room: room.slug, membersOnly: membersOnlyChat(db, room.id) });
      },
      { body: t.Object({ enabled: t.Boolean() }) },
    )
    .get("/api/v1/me/memberships", ({ ctx }) => {
      if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
      return json({ memberships: listMembershipsOf(db, ctx.user.id).map(membershipJson) });
    })
    .post(
      "/api/v1/membership-payments/:id/confirm",
      ({ ctx, params }) => {
        if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
        const p = getPayment(db, params.id);
        if (!p || (p.creatorId !== ctx.user.id && ctx.user.role !== "admin")) return jsonError(404, `no membership payment ${params.id}`);
        if (p.provider !== "manual") return jsonError(409, "only manual payments are confirmed by hand");
        const r = settleMembershipPayment(env, p.id, { ref: `confirmed:${ctx.user.id}` });
        if (!r.ok) return jsonError(409, r.message);
        const m = getMembership(db, p.creatorId, p.userId);
        return json({ ...paymentJson(getPayment(db, p.id)!), membership: m ? membershipJson(m) : null });
      },
      { params: t.Object({ id: t.Numeric() }) },
    );
}
