// Thin HTTP adapters for the shop pages: catalogue, product, buy, cart/checkout, orders, the room's shop bag and
// pins, and the creator's back office. Domain rules live in products.ts / orders.ts / pins.ts.
import { Elysia, t } from "elysia";
import { MessagePage } from "../../views/pages/message";
import { CartPage, CataloguePage, MyOrdersPage, OrderPage, PinOverlayPage, ProductPage, type CartLine } from "../../views/pages/shop";
import { OrderActions, ProductEditPage, StudioOrdersPage, StudioShopPage, type ProductFormValues } from "../../views/pages/shop-studio";
import { BuyForm, ShopBag } from "../../views/partials/shop";
import { getUserByUsername } from "../accounts/accounts";
import { isCreator, type User } from "../accounts/model";
import { forbidden, managedRoom, notFoundPage, parseInteger, requireUser } from "../http/guards";
import { contextPlugin, type ReqCtx } from "../http/context";
import type { Deps } from "../deps";
import { csvResponse, fragment, html, redirect } from "../http/respond";
import { clientId } from "../insights/model";
import { rankProducts } from "../insights/recommend";
import { serveStored } from "../http/uploads";
import { canManage, getRoomBySlug, listRoomsByOwner } from "../rooms/rooms";
import { baseUrl } from "../config";
import { productCard } from "../sharing/cards";

import { orderBody, refusalStatus, toOrderInput } from "./api";
import { ordersCsv } from "./csv";
import { createFlashSale, currentFlashSale, endFlashSale } from "./flash-sales";
import { checkImage, IMAGE_NAME, imagesDir, MAX_IMAGES, saveImage } from "./images";
import { ORDER_STATUSES, PROVIDERS, parseAmount, type FieldError, type FlashSale, type OrderStatus, type Product, type ProductInput, type ProviderName } from "./model";
import { canSeeOrder, canSellOrder, getOrder, listOrderEvents, listOrdersByBuyer, listOrdersBySeller, markCompleted, markPaid, markShipped, releaseOrder } from "./orders";
import { activePinCards, pinProduct, unpinProduct } from "./pins";
import * as products from "./products";
import type { Shop } from "./service";
import * as store from "./storage";
import { validateTracking } from "./validate";

const form = { _csrf: t.Optional(t.String()) };

function badDateFilter(ctx: ReqCtx): Response {
  return html(<MessagePage ctx={ctx} title={ctx.t("error.invalid")} text={ctx.t("shop.error.dateFilter")} status={422} />, 422);
}

function productInput(v: ProductFormValues): { input: ProductInput; errors: FieldError[] } {
  const currency = v.currency.trim().toUpperCase();
  const priceMinor = parseAmount(v.price, currency);
  const variants = products.parseVariantLines(v.variants, (s) => parseAmount(s, currency));
  const errors: FieldError[] = [];
  if (priceMinor === null) errors.push({ field: "price", message: "shop.error.price" });
  if (variants === null) errors.push({ field: "variants", message: "shop.error.variants" });
  const stock = parseInteger(v.stock);
  return {
    input: { title: v.title, description: v.description, priceMinor: priceMinor ?? -1, currency, stock: stock ?? -1, kind: v.kind === "digital" ? "digital" : "physical", variants: variants ?? [] },
    errors,
  };
}

const productBody = t.Object({
  title: t.String({ maxLength: 200 }), description: t.Optional(t.String({ maxLength: 6000 })), price: t.String({ maxLength: 30 }),
  currency: t.String({ maxLength: 10 }), stock: t.Optional(t.String({ maxLength: 10 })), kind: t.Optional(t.String({ maxLength: 10 })),
  variants: t.Optional(t.String({ maxLength: 4000 })), images: t.Optional(t.Any()), ...form,
});

function formValues(b: typeof productBody.static): ProductFormValues {
  return { title: b.title, description: b.description ?? "", price: b.price, currency: b.currency, stock: b.stock || "0", kind: b.kind ?? "physical", variants: b.variants ?? "" };
}

function files(v: unknown): Blob[] {
  const list = Array.isArray(v) ? v : [v];
  return list.filter((f): f is Blob => f instanceof Blob && f.size > 0);
}

export function shopRoutes(deps: Deps, shop: Shop) {
  const { db, config } = deps;
  const label = (ctx: ReqCtx) => (name: ProviderName) => ({ name, label: ctx.t(`shop.provider.${name}`) });
  const saleOf = (p: Product): FlashSale | null => currentFlashSale(db, p.id, deps.now());

  function ownProduct(ctx: ReqCtx, id: number): Product | Response {
    const me = requireUser(ctx);
    if (me instanceof Response) return me;
    const p = products.getProduct(db, id);
    if (!p) return notFoundPage(ctx, "shop");
    return products.canManageProduct(ctx.user, p) ? p : forbidden(ctx);
  }

  /** The order when the signed-in user bought it, else the response to send instead. */
  function buyerOrder(ctx: ReqCtx, id: number) {
    const me = requireUser(ctx);
    if (me instanceof Response) return me;
    const o = getOrder(shop.env.db, id);
    return o && o.buyerId === me.id ? o : notFoundPage(ctx, "shop");
  }

  function sellerOrder(ctx: ReqCtx, id: number) {
    const me = requireUser(ctx);
    if (me instanceof Response) return me;
    const o = getOrder(shop.env.db, id);
    if (!o || !canSellOrder(ctx.user, o)) return notFoundPage(ctx, "shop");
    return o;
  }

  async function addImages(ctx: ReqCtx, p: Product, upload: unknown): Promise<FieldError | null> {
    const list = files(upload);
    if (p.images.length + list.length > MAX_IMAGES) return { field: "images", message: "shop.error.imageCount" };
    const names = [...p.images];
    for (const f of list) {
      const c = await checkImage(f);
      if (!c.ok) return { field: "images", message: c.message };
      const name = await saveImage(config.dataDir, p.id, c);
      if (!name) return { field: "images", message: "shop.error.imageType" };
      names.push(name);
    }
    if (list.length) products.setProductImages(db, p.id, names, deps.now());
    return null;
  }

  function bag(ctx: ReqCtx, slug: string, request: Request): Response {
    const room = getRoomBySlug(db, slug);
    if (!room) return notFoundPage(ctx, "shop");
    const now = deps.now();
    const list = rankProducts(db, room.ownerId, products.listProductsByOwner(db, room.ownerId, { activeOnly: true }));
    deps.bus.emit("shop.bag.shown", { roomId: room.id, productIds: list.map((p) => p.id), userId: ctx.user?.id ?? null, client: clientId(ctx.ip, request.headers.get("user-agent")), at: now });
    return fragment(
      <ShopBag ctx={ctx} slug={slug} pins={activePinCards(db, room.id, now)} products={list} sales={new Map(list.map((p) => [p.id, saleOf(p)]))}
        now={now} providers={(p) => shop.choices(p).map(label(ctx))} host={canManage(ctx.user, room)} />,
    );
  }

  /** null when a date filter is not a real YYYY-MM-DD day (e.g. 9999-99-99): the caller answers 422. */
  function studioFilter(q: Record<string, string | undefined>) {
    const day = (s: string | undefined) => {
      if (!s) return null;
      const ms = /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(s + "T00:00:00Z") : NaN;
      return Number.isFinite(ms) && new Date(ms).toISOString().startsWith(s) ? ms : NaN;
    };
    const from = day(q.from);
    const to = day(q.to);
    if (Number.isNaN(from) || Number.isNaN(to)) return null;
    return {
      status: ORDER_STATUSES.includes(q.status as OrderStatus) ? (q.status as OrderStatus) : null, productId: parseInteger(q.product),
      from, to: to === null ? null : to + 86_400_000, q: q.q?.trim().slice(0, 100) || null,
    };
  }

  return new Elysia({ name: "livehouse.shop" })
    .use(contextPlugin(deps))
    .get("/shop/images/:file", ({ params }) => serveStored(imagesDir(config.dataDir), params.file, IMAGE_NAME))
    .get("/shop/u/:username", ({ ctx, params }) => {
      const owner = getUserByUsername(db, params.username);
      if (!owner || !isCreator(owner)) return notFoundPage(ctx, "shop");
      return html(<CataloguePage ctx={ctx} owner={owner} products={products.listProductsByOwner(db, owner.id, { activeOnly: true })} />);
    })
    .get(
      "/shop/p/:id",
      ({ ctx, params, request }) => {
        const p = products.getProduct(db, params.id);
        if (!p || (!p.active && !products.canManageProduct(ctx.user, p))) return notFoundPage(ctx, "shop");
        deps.bus.emit("product.viewed", { productId: p.id, userId: ctx.user?.id ?? null, client: clientId(ctx.ip, request.headers.get("user-agent")), at: deps.now() });
        return html(<ProductPage ctx={ctx} product={p} sale={saleOf(p)} now={deps.now()} providers={shop.choices(p).map(label(ctx))} share={productCard(baseUrl(config), p)} />);
      },
      { params: t.Object({ id: t.Numeric() }) },
    )
    .post(
      "/shop/buy",
      async ({ ctx, body }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        const productId = parseInteger(body.productId) ?? 0;
        const p = products.getProduct(db, productId);
        if (!p) return notFoundPage(ctx, "shop");
        const render = (status: number, message: { ok: boolean; text: string; orderId?: number }) =>
          !ctx.isHtmx ? html(<ProductPage ctx={ctx} product={products.getProduct(db, p.id)!} sale={saleOf(p)} now={deps.now()} providers={shop.choices(p).map(label(ctx))} message={message} />, status) : fragment(<BuyForm ctx={ctx} product={products.getProduct(db, p.id)!} sale={saleOf(p)} now={deps.now()} providers={shop.choices(p).map(label(ctx))} room={body.room} compact={body.quantity === "1" && !!body.room} message={message} />, status);
        if (shop.checkoutLimit.hit(String(me.id), deps.now()) > 0) return render(429, { ok: false, text: ctx.t("shop.error.rateLimited") });
        const fields = {
          productId, variantId: body.variantId ? parseInteger(body.variantId) : null, quantity: parseInteger(body.quantity) ?? 0, provider: body.provider,
          idempotencyKey: body.idempotencyKey, flashSaleId: body.flashSaleId ? parseInteger(body.flashSaleId) : null,
          unitPrice: body.unitPrice ? parseInteger(body.unitPrice) : null, currency: body.currency, shippingAddress: body.shippingAddress, room: body.room || undefined,
        } satisfies Partial<typeof orderBody.static>;
        const input = toOrderInput(deps, me.id, fields);
        const r = "kind" in input ? { ok: false as const, refusal: input } : await shop.checkout(input);
        if (!r.ok) return render(refusalStatus(r.refusal), { ok: false, text: r.refusal.message });
        const next = shop.providers[r.order.provider].payUrl(r.order);
        if (!ctx.isHtmx) return redirect(next ?? `/shop/orders/${r.order.id}?placed=1`);
        if (next) return redirect(next, true);
        return render(201, { ok: true, text: ctx.t(r.order.status === "paid" ? "shop.boughtPaid" : "shop.boughtPending", { id: r.order.id }), orderId: r.order.id });
      },
      {
        body: t.Object({
          productId: t.String({ maxLength: 20 }), variantId: t.Optional(t.String({ maxLength: 20 })), quantity: t.String({ maxLength: 10 }),
          provider: t.String({ maxLength: 20 }), idempotencyKey: t.String({ maxLength: 200 }), flashSaleId: t.Optional(t.String({ maxLength: 20 })),
          unitPrice: t.Optional(t.String({ maxLength: 20 })), currency: t.Optional(t.String({ maxLength: 10 })),
          shippingAddress: t.Optional(t.String({ maxLength: 1000 })), room: t.Optional(t.String({ maxLength: 100 })), ...form,
        }),
      },
    )
    .get("/shop/cart", ({ ctx }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      return cartPage(ctx, me);
    })
    .post(
      "/shop/cart",
      ({ ctx, body }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        const p = products.getProduct(db, parseInteger(body.productId) ?? 0);
        const q = parseInteger(body.quantity ?? "1");
        const variantId = body.variantId ? parseInteger(body.variantId) : null;
        if (!p || !p.active || q === null || q < 1 || q > 100 || (p.variants.length > 0) !== (variantId !== null) || (variantId !== null && !p.variants.some((v) => v.id === variantId))) {
          return html(<MessagePage ctx={ctx} title={ctx.t("error.invalid")} text={ctx.t("shop.error.cartItem")} status={422} />, 422);
        }
        store.upsertCartItem(db, me.id, p.id, variantId, q, deps.now());
        deps.bus.emit("cart.added", { productId: p.id, userId: me.id, quantity: q, at: deps.now() });
        return redirect("/shop/cart", ctx.isHtmx);
      },
      { body: t.Object({ productId: t.String({ maxLength: 20 }), variantId: t.Optional(t.String({ maxLength: 20 })), quantity: t.Optional(t.String({ maxLength: 10 })), ...form }) },
    )
    .post(
      "/shop/cart/remove",
      ({ ctx, body }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        store.removeCartItem(db, me.id, parseInteger(body.productId) ?? 0, body.variantId ? parseInteger(body.variantId) : null);
        return redirect("/shop/cart", ctx.isHtmx);
      },
      { body: t.Object({ productId: t.String({ maxLength: 20 }), variantId: t.Optional(t.String({ maxLength: 20 })), ...form }) },
    )
    .post(
      "/shop/checkout",
      async ({ ctx, body }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        if (shop.checkoutLimit.hit(String(me.id), deps.now()) > 0) return cartPage(ctx, me, [ctx.t("shop.error.rateLimited")], 429);
        const lines = cartLines(me.id);
        const placed: number[] = [];
        const errors: string[] = [];
        // One order per line; each line's key derives from the form's key so a resubmitted form repeats nothing.
        for (const [i, l] of lines.entries()) {
          const r = await shop.checkout({
            buyerId: me.id, productId: l.product.id, variantId: l.variantId, quantity: l.quantity, provider: body.provider as "manual",
            idempotencyKey: `${body.idempotencyKey}.${i}`, flashSaleId: null, expectedUnitPriceMinor: null, currency: l.product.currency,
            shippingAddress: body.shippingAddress ?? null, roomId: null,
          });
          if (r.ok) {
            placed.push(r.order.id);
            store.removeCartItem(db, me.id, l.product.id, l.variantId);
          } else errors.push(`${l.product.title}: ${r.refusal.message}`);
        }
        if (errors.length) return cartPage(ctx, me, errors, 409);
        return redirect(placed.length === 1 ? `/shop/orders/${placed[0]}?placed=1` : "/shop/orders", ctx.isHtmx);
      },
      { body: t.Object({ provider: t.Union(PROVIDERS.map((p) => t.Literal(p))), idempotencyKey: t.String({ minLength: 8, maxLength: 90 }), shippingAddress: t.Optional(t.String({ maxLength: 1000 })), ...form }) },
    )
    .get("/shop/orders", ({ ctx }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      return html(<MyOrdersPage ctx={ctx} orders={listOrdersByBuyer(shop.env.db, me.id)} />);
    })
    .get(
      "/shop/orders/:id",
      ({ ctx, params, query }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        const o = getOrder(shop.env.db, params.id);
        if (!o || !canSeeOrder(ctx.user, o)) return notFoundPage(ctx, "shop");
        const buyer = o.buyerId === me.id;
        return html(<OrderPage ctx={ctx} order={o} events={listOrderEvents(shop.env.db, o.id)} payUrl={buyer ? shop.providers[o.provider].payUrl(o) : null} seller={!buyer} justPlaced={query.placed === "1" || query.paid === "1"} />);
      },
      { params: t.Object({ id: t.Numeric() }) },
    )
    .post(
      "/shop/orders/:id/cancel",
      ({ ctx, params }) => {
        const o = buyerOrder(ctx, params.id);
        if (o instanceof Response) return o;
        releaseOrder(shop.env, o.id, "cancelled", "buyer");
        return redirect(`/shop/orders/${o.id}`, ctx.isHtmx);
      },
      { params: t.Object({ id: t.Numeric() }) },
    )
    .post(
      "/shop/orders/:id/received",
      ({ ctx, params }) => {
        const o = buyerOrder(ctx, params.id);
        if (o instanceof Response) return o;
        if (o.status === "shipped") markCompleted(shop.env, o, "buyer");
        return redirect(`/shop/orders/${o.id}`, ctx.isHtmx);
      },
      { params: t.Object({ id: t.Numeric() }) },
    )
    .get("/shop/rooms/:slug/bag", ({ ctx, params, request }) => bag(ctx, params.slug, request))
    .get("/shop/rooms/:slug/overlay", ({ ctx, params }) => {
      const room = getRoomBySlug(db, params.slug);
      if (!room) return notFoundPage(ctx, "shop");
      return html(<PinOverlayPage slug={room.slug} title={room.title} pins={activePinCards(db, room.id, deps.now())} />);
    })
    .post(
      "/shop/rooms/:slug/pins",
      ({ ctx, params, body, request }) => {
        const room = managedRoom(db, ctx, params.slug);
        if (room instanceof Response) return room;
        const id = parseInteger(body.productId) ?? 0;
        const r = body.action === "unpin" ? unpinProduct(db, deps.bus, shop.live, room, id, deps.now()) : pinProduct(db, deps.bus, shop.live, room, id, deps.now());
        if (!r.ok) return fragment(<p class="error" role="alert" safe>{r.message}</p>, r.status);
        return ctx.isHtmx ? bag(ctx, room.slug, request) : redirect(`/r/${room.slug}`);
      },
      { body: t.Object({ productId: t.String({ maxLength: 20 }), action: t.Optional(t.Union([t.Literal("pin"), t.Literal("unpin")])), ...form }) },
    )
    // ---- back office
    .get("/studio/shop", ({ ctx }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      if (!isCreator(ctx.user)) return forbidden(ctx);
      return html(<StudioShopPage ctx={ctx} products={products.listProductsByOwner(db, ctx.user.id, { activeOnly: false })} rooms={listRoomsByOwner(db, ctx.user.id)} />);
    })
    .post(
      "/studio/shop/products",
      async ({ ctx, body }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        if (!isCreator(ctx.user)) return forbidden(ctx);
        const values = formValues(body);
        const { input, errors } = productInput(values);
        const r = errors.length ? null : products.createProduct(deps.moneyDb, ctx.user, input, deps.now());
        if (!r?.ok) {
          const all = [...errors, ...(r && !r.ok ? r.errors : [])];
          return html(<StudioShopPage ctx={ctx} products={products.listProductsByOwner(db, ctx.user.id, { activeOnly: false })} values={values} errors={all} status={422} />, 422);
        }
        const imgErr = await addImages(ctx, r.value, body.images);
        if (imgErr) return html(<ProductEditPage ctx={ctx} product={products.getProduct(db, r.value.id)!} sale={null} now={deps.now()} errors={[imgErr]} />, 422);
        return redirect(`/studio/shop/products/${r.value.id}`, ctx.isHtmx);
      },
      { body: productBody },
    )
    .get(
      "/studio/shop/products/:id",
      ({ ctx, params }) => {
        const p = ownProduct(ctx, params.id);
        if (p instanceof Response) return p;
        return html(<ProductEditPage ctx={ctx} product={p} sale={saleOf(p)} now={deps.now()} />);
      },
      { params: t.Object({ id: t.Numeric() }) },
    )
    .post(
      "/studio/shop/products/:id",
      async ({ ctx, params, body }) => {
        const p = ownProduct(ctx, params.id);
        if (p instanceof Response) return p;
        const values = formValues(body);
        const { input, errors } = productInput(values);
        const r = errors.length ? null : products.editProduct(deps.moneyDb, p, input, deps.now());
        if (!r?.ok) return html(<ProductEditPage ctx={ctx} product={p} sale={saleOf(p)} now={deps.now()} values={values} errors={[...errors, ...(r && !r.ok ? r.errors : [])]} />, 422);
        const imgErr = await addImages(ctx, r.value, body.images);
        const fresh = products.getProduct(db, p.id)!;
        return html(<ProductEditPage ctx={ctx} product={fresh} sale={saleOf(fresh)} now={deps.now()} errors={imgErr ? [imgErr] : []} saved={!imgErr} />, imgErr ? 422 : 200);
      },
      { params: t.Object({ id: t.Numeric() }), body: productBody },
    )
    .post(
      "/studio/shop/products/:id/active",
      ({ ctx, params, body }) => {
        const p = ownProduct(ctx, params.id);
        if (p instanceof Response) return p;
        products.setProductActive(db, p.id, body.active === "1", deps.now());
        return redirect(`/studio/shop/products/${p.id}`, ctx.isHtmx);
      },
      { params: t.Object({ id: t.Numeric() }), body: t.Object({ active: t.String({ maxLength: 1 }), ...form }) },
    )
    .post(
      "/studio/shop/products/:id/flash-sale",
      ({ ctx, params, body }) => {
        const p = ownProduct(ctx, params.id);
        if (p instanceof Response) return p;
        const now = deps.now();
        const start = now + (parseInteger(body.startsInMinutes) ?? 0) * 60_000;
        const r = createFlashSale(deps.moneyDb, p, {
          priceMinor: parseAmount(body.salePrice, p.currency) ?? -1, quantity: parseInteger(body.quantity) ?? 0, perBuyerLimit: parseInteger(body.perBuyerLimit) ?? 0,
          startsAt: start, endsAt: start + (parseInteger(body.minutes) ?? 0) * 60_000,
        }, now);
        if (!r.ok) return html(<ProductEditPage ctx={ctx} product={p} sale={saleOf(p)} now={now} saleErrors={r.errors} />, 422);
        return redirect(`/studio/shop/products/${p.id}`, ctx.isHtmx);
      },
      {
        params: t.Object({ id: t.Numeric() }),
        body: t.Object({ salePrice: t.String({ maxLength: 30 }), quantity: t.String({ maxLength: 10 }), perBuyerLimit: t.String({ maxLength: 10 }), startsInMinutes: t.String({ maxLength: 10 }), minutes: t.String({ maxLength: 10 }), ...form }),
      },
    )
    .post(
      "/studio/shop/products/:id/flash-sale/end",
      ({ ctx, params }) => {
        const p = ownProduct(ctx, params.id);
        if (p instanceof Response) return p;
        const sale = saleOf(p);
        if (sale) endFlashSale(deps.moneyDb, sale.id, deps.now());
        return redirect(`/studio/shop/products/${p.id}`, ctx.isHtmx);
      },
      { params: t.Object({ id: t.Numeric() }) },
    )
    .get("/studio/shop/orders", ({ ctx, query, request }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      if (!isCreator(ctx.user)) return forbidden(ctx);
      const filter = studioFilter(query);
      if (!filter) return badDateFilter(ctx);
      return html(<StudioOrdersPage ctx={ctx} orders={listOrdersBySeller(shop.env.db, ctx.user.id, filter, 500)} filter={filter} products={products.listProductsByOwner(db, ctx.user.id, { activeOnly: false })} query={new URL(request.url).search} />);
    })
    .get("/studio/shop/orders.csv", ({ ctx, query }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      if (!isCreator(ctx.user)) return forbidden(ctx);
      const filter = studioFilter(query);
      if (!filter) return badDateFilter(ctx);
      return csvResponse(`orders-${new Date(deps.now()).toISOString().slice(0, 10)}`, ordersCsv(listOrdersBySeller(shop.env.db, ctx.user.id, filter, 100_000)));
    })
    .post(
      "/studio/shop/orders/:id/:action",
      async ({ ctx, params, body }) => {
        const o = sellerOrder(ctx, params.id);
        if (o instanceof Response) return o;
        let problem: string | null = null;
        if (params.action === "confirm") {
          if (o.provider !== "manual") problem = ctx.t("shop.error.notManual");
          else {
            const r = markPaid(shop.env, o.id, { by: "creator" });
            if (!r.ok || !r.changed) problem = ctx.t("shop.error.notPending");
          }
        } else if (params.action === "ship") {
          if (validateTracking(body?.tracking ?? "")) problem = ctx.t("shop.error.tracking");
          else if (!markShipped(shop.env, o, body!.tracking!)) problem = ctx.t("shop.error.notPaid");
        } else if (params.action === "complete") {
          if (!markCompleted(shop.env, o, "creator")) problem = ctx.t("shop.error.notPaid");
        } else if (params.action === "cancel") {
          if (!releaseOrder(shop.env, o.id, "cancelled", "creator")) problem = ctx.t("shop.error.notPending");
        } else {
          const r = await shop.refund(o);
          if (!r.ok) problem = r.message;
        }
        const fresh = getOrder(shop.env.db, o.id)!;
        const message = { ok: problem === null, text: problem ?? ctx.t("shop.done") };
        if (ctx.isHtmx) return fragment(<OrderActions ctx={ctx} order={fresh} message={message} />, problem ? 409 : 200);
        return problem ? html(<MessagePage ctx={ctx} title={ctx.t("error.invalid")} text={problem} status={409} />, 409) : redirect("/studio/shop/orders");
      },
      {
        params: t.Object({ id: t.Numeric(), action: t.Union(["confirm", "ship", "complete", "cancel", "refund"].map((a) => t.Literal(a))) }),
        body: t.Optional(t.Object({ tracking: t.Optional(t.String({ maxLength: 100 })), ...form })),
      },
    );

  function cartLines(userId: number): CartLine[] {
    return store.listCart(db, userId).flatMap((l) => {
      const product = products.getProduct(db, l.productId);
      return product && product.active ? [{ product, variantId: l.variantId, quantity: l.quantity }] : [];
    });
  }

  /** The cart page; the providers offered are those every line accepts. */
  function cartPage(ctx: ReqCtx, me: User, errors?: string[], status = 200): Response {
    const lines = cartLines(me.id);
    const providers = PROVIDERS.filter((n) => lines.every((l) => shop.choices(l.product).includes(n))).map(label(ctx));
    return html(<CartPage ctx={ctx} lines={lines} providers={providers} errors={errors} />, status);
  }
}
