// JSON API of the shop (docs/api.md): room products, pins, orders. Bearer token or cookie (+CSRF) auth;
// errors are { error } with 401/402/403/404/409/422/429.
import { Elysia, t } from "elysia";
import { contextPlugin } from "../http/context";
import type { Deps } from "../deps";
import { json, jsonError } from "../http/respond";
import { getRoomBySlug } from "../rooms/rooms";
import { canManage } from "../rooms/rooms";
import { currentFlashSale } from "./flash-sales";
import { PROVIDER_WORDS, saleState, stockOf, type Order, type OrderRefusal, type PlaceOrderInput, type Product, type ProviderName } from "./model";
import { canSeeOrder, getOrder, listOrderEvents } from "./orders";
import { activePinCards, pinProduct, replayPins, unpinProduct } from "./pins";
import { getProduct, listProductsByOwner } from "./products";
import type { Shop } from "./service";
import { validateProvider } from "./validate";

export function refusalStatus(r: OrderRefusal): number {
  switch (r.kind) {
    case "invalid": return 422;
    case "not_found": return 404;
    case "payment": return r.status;
    default: return 409;
  }
}

export function orderJson(o: Order, shop: Shop, withEvents = false) {
  return {
    id: o.id, status: o.status, productId: o.productId, variantId: o.variantId, flashSaleId: o.flashSaleId, title: o.title,
    quantity: o.quantity, unitPrice: { minor: o.unitPriceMinor, currency: o.currency }, total: { minor: o.totalMinor, currency: o.currency },
    provider: o.provider, buyer: o.buyerName, tracking: o.tracking, reservedUntil: o.reservedUntil, createdAt: o.createdAt,
    payUrl: shop.providers[o.provider].payUrl(o), url: `/shop/orders/${o.id}`,
    ...(withEvents ? { events: listOrderEvents(shop.env.db, o.id) } : {}),
  };
}

export function productJson(p: Product, shop: Shop, now: number) {
  const sale = currentFlashSale(shop.env.db, p.id, now);
  return {
    id: p.id, title: p.title, description: p.description, price: { minor: p.priceMinor, currency: p.currency }, stock: stockOf(p),
    kind: p.kind, url: `/shop/p/${p.id}`, images: p.images.map((i) => `/shop/images/${i}`), providers: shop.choices(p),
    variants: p.variants.map((v) => ({ id: v.id, label: v.label, price: { minor: v.priceMinor ?? p.priceMinor, currency: p.currency }, stock: v.stock })),
    flashSale: sale ? { id: sale.id, state: saleState(sale, now), price: { minor: sale.priceMinor, currency: p.currency }, remaining: sale.remaining, perBuyerLimit: sale.perBuyerLimit, startsAt: sale.startsAt, endsAt: sale.endsAt } : null,
  };
}

export const orderBody = t.Object({
  productId: t.Integer({ minimum: 1 }),
  variantId: t.Optional(t.Union([t.Integer({ minimum: 1 }), t.Null()])),
  quantity: t.Integer(),
  provider: t.String({ maxLength: 20 }),
  idempotencyKey: t.String({ maxLength: 200 }),
  flashSaleId: t.Optional(t.Union([t.Integer({ minimum: 1 }), t.Null()])),
  unitPrice: t.Optional(t.Union([t.Integer(), t.Null()])),
  currency: t.Optional(t.String({ maxLength: 10 })),
  shippingAddress: t.Optional(t.String({ maxLength: 1000 })),
  room: t.Optional(t.String({ maxLength: 100 })),
});

/** Shared by the API and the HTML buy form: turns request fields into a domain input or a refusal. */
export function toOrderInput(deps: Deps, buyerId: number, b: typeof orderBody.static): PlaceOrderInput | OrderRefusal {
  if (!validateProvider(b.provider)) return { kind: "invalid", field: "provider", message: `provider must be ${PROVIDER_WORDS}` };
  const room = b.room ? getRoomBySlug(deps.db, b.room) : null;
  if (b.room && !room) return { kind: "not_found", message: `no room "${b.room}"` };
  // Purchase notices go to this room: only the room's own products may name it.
  if (room && getProduct(deps.db, b.productId)?.ownerId !== room.ownerId) return { kind: "invalid", field: "room", message: `product ${b.productId} is not sold in room "${room.slug}"` };
  return {
    buyerId, productId: b.productId, variantId: b.variantId ?? null, quantity: b.quantity, provider: b.provider as ProviderName,
    idempotencyKey: b.idempotencyKey, flashSaleId: b.flashSaleId ?? null, expectedUnitPriceMinor: b.unitPrice ?? null,
    currency: b.currency ?? null, shippingAddress: b.shippingAddress ?? null, roomId: room?.id ?? null,
  };
}

export function shopApi(deps: Deps, shop: Shop) {
  const { db } = deps;

  return new Elysia({ name: "livehouse.shop.api" })
    .use(contextPlugin(deps))
    .get("/api/v1/rooms/:slug/products", ({ params }) => {
      const room = getRoomBySlug(db, params.slug);
      if (!room) return jsonError(404, `no room "${params.slug}"`);
      const now = deps.now();
      return json({
        room: room.slug, pins: activePinCards(db, room.id, now),
        products: listProductsByOwner(db, room.ownerId, { activeOnly: true }).map((p) => productJson(p, shop, now)),
      });
    })
    .post(
      "/api/v1/rooms/:slug/pins",
      ({ ctx, params, body }) => {
        if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
        const room = getRoomBySlug(db, params.slug);
        if (!room) return jsonError(404, `no room "${params.slug}"`);
        if (!canManage(ctx.user, room)) return jsonError(403, "only the host can pin products");
        const r = pinProduct(db, deps.bus, shop.live, room, body.productId, deps.now());
        return r.ok ? json({ pins: r.event.pins }, 201) : jsonError(r.status, r.message);
      },
      { body: t.Object({ productId: t.Integer({ minimum: 1 }) }) },
    )
    .delete(
      "/api/v1/rooms/:slug/pins/:productId",
      ({ ctx, params }) => {
        if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
        const room = getRoomBySlug(db, params.slug);
        if (!room) return jsonError(404, `no room "${params.slug}"`);
        if (!canManage(ctx.user, room)) return jsonError(403, "only the host can unpin products");
        const r = unpinProduct(db, deps.bus, shop.live, room, params.productId, deps.now());
        return r.ok ? json({ pins: r.event.pins }) : jsonError(r.status, r.message);
      },
      { params: t.Object({ slug: t.String(), productId: t.Numeric() }) },
    )
    .get(
      "/api/v1/broadcasts/:id/pins",
      ({ params }) => json({ broadcastId: params.id, pins: replayPins(db, params.id) }),
      { params: t.Object({ id: t.Numeric() }) },
    )
    .post(
      "/api/v1/orders",
      async ({ ctx, body }) => {
        if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
        const wait = shop.checkoutLimit.hit(String(ctx.user.id), deps.now());
        if (wait > 0) return json({ error: `too many checkouts; try again in ${wait} s` }, 429, { "retry-after": String(wait) });
        const input = toOrderInput(deps, ctx.user.id, body);
        if ("kind" in input) return jsonError(refusalStatus(input), input.message);
        const r = await shop.checkout(input);
        if (!r.ok) return jsonError(refusalStatus(r.refusal), r.refusal.message);
        return json({ ...orderJson(r.order, shop), replay: r.replay }, 201);
      },
      { body: orderBody },
    )
    .get(
      "/api/v1/orders/:id",
      ({ ctx, params }) => {
        if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
        const o = getOrder(shop.env.db, params.id);
        // Someone else's order looks exactly like a missing one.
        if (!o || !canSeeOrder(ctx.user, o)) return jsonError(404, `no order ${params.id}`);
        return json(orderJson(o, shop, true));
      },
      { params: t.Object({ id: t.Numeric() }) },
    );
}
