// Payment endpoints: the Stripe webhook (signature-verified, CSRF-exempt by path), the redirect to Stripe
// Checkout for a pending order, and buying coins (page, API, admin confirmation of manual payments).
import { Elysia, t } from "elysia";
import { MessagePage } from "../../views/pages/message";
import { CoinAdminPage, CoinsPage } from "../../views/pages/shop";

import { requireAdmin, requireUser } from "../http/guards";
import type { User } from "../accounts/model";
import { contextPlugin, type ReqCtx } from "../http/context";
import type { Deps } from "../deps";
import { html, json, jsonError, redirect } from "../http/respond";
import { getOrder } from "../shop/orders";
import type { Shop } from "../shop/service";
import { COIN_PACKS, fulfilCoinPurchase, getCoinPurchase, listCoinPurchases, startCoinPurchase } from "./coins";
import type { CoinPurchase } from "./model";
import { applyStripeEvent, startOrderCheckout, type StripeGateway } from "./stripe";

const MAX_WEBHOOK_BYTES = 256 * 1024;

export function paymentRoutes(deps: Deps, shop: Shop, stripe: StripeGateway) {
  const db = shop.env.db;

  function coinsPage(ctx: ReqCtx, me: User, message?: string, status = 200): Response {
    const providers = (["manual", "stripe"] as const).filter((n) => shop.providers[n].enabled()).map((name) => ({ name, label: ctx.t(`shop.provider.${name}`) }));
    return html(<CoinsPage ctx={ctx} packs={COIN_PACKS} providers={providers} purchases={listCoinPurchases(db, { userId: me.id, status: null })} message={message} />, status);
  }

  function message(ctx: ReqCtx, text: string, status: number): Response {
    return html(<MessagePage ctx={ctx} title={ctx.t("shop.coins.title")} text={text} status={status} />, status);
  }

  function coinCheckout(p: CoinPurchase): Promise<string> {
    return stripe.checkout({ kind: "coins", id: p.id, title: `${p.coins} coins`, unitMinor: p.priceMinor, quantity: 1, currency: p.currency, backUrl: "/shop/coins" });
  }

  return new Elysia({ name: "livehouse.payments" })
    .use(contextPlugin(deps))
    // Raw body: the signature covers the exact bytes, so the body must not be parsed first.
    .post("/webhooks/stripe", async ({ request }) => {
      if (!stripe.enabled()) return jsonError(404, "stripe is not configured");
      const signature = request.headers.get("stripe-signature");
      const body = await request.text();
      if (!signature || body.length > MAX_WEBHOOK_BYTES) return jsonError(400, "missing signature or body too large");
      let event;
      try {
        event = await stripe.verify(body, signature);
      } catch (err) {
        deps.log(`stripe webhook refused: ${err instanceof Error ? err.message.split("\n")[0] : "bad signature"}`);
        return jsonError(400, "invalid signature");
      }
      const outcome = applyStripeEvent(shop.env, event);
      return json({ received: true, outcome });
    }, { parse: "none" })
    .get(
      "/shop/orders/:id/pay",
      async ({ ctx, params }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        const o = getOrder(db, params.id);
        if (!o || o.buyerId !== me.id) return message(ctx, ctx.t("shop.notFound"), 404);
        if (o.provider !== "stripe" || o.status !== "pending" || !stripe.enabled()) return redirect(`/shop/orders/${o.id}`);
        try {
          return redirect(await startOrderCheckout(stripe, o));
        } catch (err) {
          deps.log(`stripe checkout for order ${o.id} failed: ${err instanceof Error ? err.message : String(err)}`);
          return message(ctx, ctx.t("shop.error.providerDown"), 502);
        }
      },
      { params: t.Object({ id: t.Numeric() }) },
    )
    .get("/shop/coins", ({ ctx }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      return coinsPage(ctx, me);
    })
    .post(
      "/shop/coins",
      async ({ ctx, body }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        if (!shop.providers[body.provider].enabled()) return message(ctx, ctx.t("shop.error.providerOff"), 422);
        const r = startCoinPurchase(db, { userId: me.id, packId: body.pack, provider: body.provider, key: body.idempotencyKey }, deps.now());
        if (!r.ok) return message(ctx, r.message, r.status);
        if (body.provider === "stripe") {
          try {
            return redirect(await coinCheckout(r.purchase));
          } catch {
            return message(ctx, ctx.t("shop.error.providerDown"), 502);
          }
        }
        return coinsPage(ctx, me, ctx.t("shop.coins.manualPending", { id: r.purchase.id }), 201);
      },
      { body: t.Object({ pack: t.String({ maxLength: 20 }), provider: t.Union([t.Literal("manual"), t.Literal("stripe")]), idempotencyKey: t.String({ maxLength: 200 }), _csrf: t.Optional(t.String()) }) },
    )
    .post(
      "/api/v1/me/coins/purchases",
      ({ ctx, body }) => {
        if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
        if (!shop.providers[body.provider].enabled()) return jsonError(422, `payment provider "${body.provider}" is not enabled on this server`);
        const r = startCoinPurchase(db, { userId: ctx.user.id, packId: body.pack, provider: body.provider, key: body.idempotencyKey }, deps.now());
        if (!r.ok) return jsonError(r.status, r.message);
        const p = r.purchase;
        return json({ id: p.id, status: p.status, coins: p.coins, price: { minor: p.priceMinor, currency: p.currency }, provider: p.provider }, 201);
      },
      { body: t.Object({ pack: t.String({ maxLength: 20 }), provider: t.Union([t.Literal("manual"), t.Literal("stripe")]), idempotencyKey: t.String({ maxLength: 200 }) }) },
    )
    .get("/admin/coins", ({ ctx }) => {
      const me = requireAdmin(ctx);
      if (me instanceof Response) return me;
      const pending = listCoinPurchases(db, { userId: null, status: "pending" }).filter((p) => p.provider === "manual");
      return html(<CoinAdminPage ctx={ctx} pending={pending} />);
    })
    .post(
      "/admin/coins/:id/confirm",
      ({ ctx, params }) => {
        if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
        if (ctx.user.role !== "admin") return jsonError(403, "only an admin confirms coin payments");
        const p = getCoinPurchase(db, params.id);
        if (!p || p.provider !== "manual") return jsonError(404, `no manual coin purchase ${params.id}`);
        const credited = fulfilCoinPurchase(db, p.id, `admin:${ctx.user.id}`, deps.now());
        if (!ctx.viaToken) return redirect("/admin/coins", ctx.isHtmx);
        return json({ id: p.id, credited, status: getCoinPurchase(db, p.id)!.status });
      },
      { params: t.Object({ id: t.Numeric() }) },
    );
}
