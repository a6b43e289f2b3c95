// Buyer-facing shop pages: a creator's catalogue, a product, the cart and checkout, an order (confirmation),
// "my orders" and buying coins.
import type { User } from "../../server/accounts/model";
import type { ReqCtx } from "../../server/http/context";
import type { CoinPack, CoinPurchase } from "../../server/payments/model";
import { formatMoney, stockOf, type FlashSale, type Order, type OrderEvent, type PinCard, type Product } from "../../server/shop/model";
import { assetUrl } from "../assets";
import { utcMinute } from "../format";
import type { ShareCard } from "../../server/sharing/model";
import { ShareButtons, ShareMeta } from "../partials/share";
import { Csrf, Layout } from "../layout";
import { BuyForm, imageUrl, OrderSummary, PriceTag, ProductCard, StatusBadge } from "../partials/shop";

type ProviderChoice = { name: string; label: string };

export function CataloguePage({ ctx, owner, products }: { ctx: ReqCtx; owner: User; products: Product[] }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("shop.catalogueOf", { name: owner.displayName })}>
      <h1 safe>{t("shop.catalogueOf", { name: owner.displayName })}</h1>
      {products.length ? <div class="grid">{products.map((p) => <ProductCard ctx={ctx} product={p} />)}</div> : <p class="muted" safe>{t("shop.noProducts")}</p>}
    </Layout>
  );
}

export function ProductPage({ ctx, product, sale, now, providers, message, share }: { ctx: ReqCtx; product: Product; sale: FlashSale | null; now: number; providers: ProviderChoice[]; message?: { ok: boolean; text: string }; share?: ShareCard }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={product.title} head={<><ShopScript />{share ? <ShareMeta card={share} /> : ""}</>}>
      <p><a href={`/shop/u/${product.ownerUsername}`} safe>← {t("shop.catalogueOf", { name: product.ownerName })}</a></p>
      <div class="product-layout">
        <div class="gallery">
          {product.images.map((img) => <a href={imageUrl(img)}><img src={imageUrl(img, true)} alt={product.title} /></a>)}
        </div>
        <div>
          <h1 safe>{product.title}</h1>
          <PriceTag t={t} product={product} sale={sale} now={now} />
          <p class="muted" safe>{stockOf(product) > 0 ? t("shop.inStock", { n: stockOf(product) }) : t("shop.soldOut")}</p>
          {product.description ? <p style="white-space:pre-wrap" safe>{product.description}</p> : ""}
          {share ? <ShareButtons ctx={ctx} card={share} /> : ""}
          <BuyForm ctx={ctx} product={product} sale={sale} now={now} providers={providers} message={message} />
          {ctx.user ? (
            <form method="post" action="/shop/cart" class="row">
              <Csrf ctx={ctx} />
              <input type="hidden" name="productId" value={String(product.id)} />
              {product.variants.length ? (
                <select name="variantId" aria-label={t("shop.variant")}>{product.variants.map((v) => <option value={String(v.id)} safe>{v.label}</option>)}</select>
              ) : ""}
              <input name="quantity" type="number" min="1" max="100" value="1" aria-label={t("shop.quantity")} style="width:5rem" />
              <button type="submit" safe>{t("shop.addToCart")}</button>
            </form>
          ) : ""}
          <div id="bought-together" hx-get={`/insights/products/${product.id}/together`} hx-trigger="load" hx-swap="outerHTML"></div>
        </div>
      </div>
    </Layout>
  );
}

export interface CartLine {
  product: Product;
  variantId: number | null;
  quantity: number;
}

export function CartPage({ ctx, lines, providers, errors = [] }: { ctx: ReqCtx; lines: CartLine[]; providers: ProviderChoice[]; errors?: string[] }): JSX.Element {
  const { t } = ctx;
  const physical = lines.some((l) => l.product.kind === "physical");
  return (
    <Layout ctx={ctx} title={t("shop.cart")}>
      <h1 safe>{t("shop.cart")}</h1>
      {errors.map((e) => <p class="error" role="alert" safe>{e}</p>)}
      {lines.length ? (
        <>
          <table>
            <tbody>
              {lines.map((l) => {
                const v = l.product.variants.find((x) => x.id === l.variantId);
                const unit = v?.priceMinor ?? l.product.priceMinor;
                return (
                  <tr>
                    <td><a href={`/shop/p/${l.product.id}`} safe>{l.product.title}</a>{v ? <span class="muted" safe>{` (${v.label})`}</span> : ""}</td>
                    <td safe>{`× ${l.quantity}`}</td>
                    <td safe>{formatMoney(unit * l.quantity, l.product.currency)}</td>
                    <td>
                      <form method="post" action="/shop/cart/remove">
                        <Csrf ctx={ctx} />
                        <input type="hidden" name="productId" value={String(l.product.id)} />
                        <input type="hidden" name="variantId" value={String(l.variantId ?? "")} />
                        <button class="link" type="submit" safe>{t("shop.remove")}</button>
                      </form>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h2 safe>{t("shop.checkout")}</h2>
          <form class="stack" method="post" action="/shop/checkout">
            <Csrf ctx={ctx} />
            <input type="hidden" name="idempotencyKey" value={crypto.randomUUID()} />
            <label>
              <span safe>{t("shop.payWith")}</span>
              <select name="provider">{providers.map((p) => <option value={p.name} safe>{p.label}</option>)}</select>
            </label>
            {physical ? (
              <label>
                <span safe>{t("shop.address")}</span>
                <textarea name="shippingAddress" maxlength="500" required rows="3"></textarea>
              </label>
            ) : ""}
            <button class="primary" type="submit" safe>{t("shop.placeOrder")}</button>
          </form>
        </>
      ) : <p class="muted" safe>{t("shop.cartEmpty")}</p>}
    </Layout>
  );
}

export function OrderPage({ ctx, order, events, payUrl, seller, justPlaced }: { ctx: ReqCtx; order: Order; events: OrderEvent[]; payUrl: string | null; seller: boolean; justPlaced?: boolean }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("shop.orderNo", { id: order.id })}>
      <p><a href={seller ? "/studio/shop/orders" : "/shop/orders"} safe>← {seller ? t("shop.backOffice.orders") : t("shop.myOrders")}</a></p>
      <h1 safe>{t("shop.orderNo", { id: order.id })}</h1>
      {justPlaced ? <p class="notice" role="status" safe>{t("shop.thanks")}</p> : ""}
      <div class="card">
        <p><OrderSummary t={t} order={order} /></p>
        <p class="muted" safe>{`${t(`shop.provider.${order.provider}`)} · ${utcMinute(order.createdAt)} UTC`}</p>
        {order.status === "pending" && order.provider === "manual" ? <p safe>{t("shop.manualInstructions")}</p> : ""}
        {order.status === "pending" && order.reservedUntil ? <p class="muted" safe>{t("shop.reservedUntil", { time: utcMinute(order.reservedUntil) + " UTC" })}</p> : ""}
        {payUrl ? <a class="button primary" href={payUrl} safe>{t("shop.payNow")}</a> : ""}
        {order.shippingAddress ? <p><span class="muted" safe>{t("shop.address")}:</span> <span style="white-space:pre-wrap" safe>{order.shippingAddress}</span></p> : ""}
        {order.tracking ? <p><span class="muted" safe>{t("shop.tracking")}:</span> <span safe>{order.tracking}</span></p> : ""}
        {!seller && order.status === "pending" ? (
          <form method="post" action={`/shop/orders/${order.id}/cancel`}><Csrf ctx={ctx} /><button type="submit" safe>{t("shop.cancelOrder")}</button></form>
        ) : ""}
        {!seller && order.status === "shipped" ? (
          <form method="post" action={`/shop/orders/${order.id}/received`}><Csrf ctx={ctx} /><button type="submit" safe>{t("shop.received")}</button></form>
        ) : ""}
      </div>
      <h2 safe>{t("shop.history")}</h2>
      <ul>{events.map((e) => <li><span safe>{new Date(e.at).toISOString().replace("T", " ").slice(0, 19)}</span> · <span safe>{t(`shop.event.${e.kind}`)}</span> <span class="muted" safe>{e.note}</span></li>)}</ul>
    </Layout>
  );
}

export function MyOrdersPage({ ctx, orders }: { ctx: ReqCtx; orders: Order[] }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("shop.myOrders")}>
      <h1 safe>{t("shop.myOrders")}</h1>
      <p><a href="/shop/cart" safe>{t("shop.cart")}</a> · <a href="/shop/coins" safe>{t("shop.coins.title")}</a></p>
      {orders.length ? (
        <ul class="orders">{orders.map((o) => <li><a href={`/shop/orders/${o.id}`} safe>{t("shop.orderNo", { id: o.id })}</a> · <OrderSummary t={t} order={o} /></li>)}</ul>
      ) : <p class="muted" safe>{t("shop.noOrders")}</p>}
    </Layout>
  );
}

export function CoinsPage({ ctx, packs, providers, purchases, message }: { ctx: ReqCtx; packs: readonly CoinPack[]; providers: ProviderChoice[]; purchases: CoinPurchase[]; message?: string }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("shop.coins.title")}>
      <h1 safe>{t("shop.coins.title")}</h1>
      {message ? <p class="notice" role="status" safe>{message}</p> : ""}
      <form class="stack card" method="post" action="/shop/coins">
        <Csrf ctx={ctx} />
        <input type="hidden" name="idempotencyKey" value={crypto.randomUUID()} />
        <label>
          <span safe>{t("shop.coins.pack")}</span>
          <select name="pack">{packs.map((p) => <option value={p.id} safe>{`${p.coins} coins — ${formatMoney(p.priceMinor, p.currency)}`}</option>)}</select>
        </label>
        <label>
          <span safe>{t("shop.payWith")}</span>
          <select name="provider">{providers.map((p) => <option value={p.name} safe>{p.label}</option>)}</select>
        </label>
        <button class="primary" type="submit" safe>{t("shop.coins.buy")}</button>
      </form>
      <h2 safe>{t("shop.coins.history")}</h2>
      <ul>{purchases.map((p) => <li safe>{`#${p.id} · ${p.coins} coins · ${formatMoney(p.priceMinor, p.currency)} · ${t(`shop.provider.${p.provider}`)} · ${t(`shop.coins.status.${p.status}`)}`}</li>)}</ul>
    </Layout>
  );
}

export function ShopScript(): JSX.Element {
  return <script src={assetUrl("shop.js")} defer></script>;
}

export { StatusBadge };

/** Admin: manual coin payments waiting for confirmation (the money arrived outside Livehouse). */
export function CoinAdminPage({ ctx, pending }: { ctx: ReqCtx; pending: CoinPurchase[] }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("shop.coins.pendingTitle")}>
      <h1 safe>{t("shop.coins.pendingTitle")}</h1>
      {pending.length ? (
        <table>
          <tbody>
            {pending.map((p) => (
              <tr>
                <td safe>{`#${p.id} · user ${p.userId} · ${p.coins} coins · ${formatMoney(p.priceMinor, p.currency)}`}</td>
                <td>
                  <form method="post" action={`/admin/coins/${p.id}/confirm`}>
                    <Csrf ctx={ctx} />
                    <button type="submit" class="primary" safe>{t("shop.confirmPaid")}</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p class="muted" safe>{t("shop.coins.nonePending")}</p>}
    </Layout>
  );
}

/** OBS browser source: the room's pinned products on a transparent page, kept current over the room socket. */
export function PinOverlayPage({ slug, title, pins }: { slug: string; title: string; pins: PinCard[] }): JSX.Element {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title safe>{title}</title>
        <link rel="stylesheet" href={assetUrl("app.css")} />
        <style>{"html,body{background:transparent!important;margin:0} .shop-pins{max-width:420px;padding:12px} .pin-card{background:rgba(0,0,0,.7);color:#fff}"}</style>
        <script src={assetUrl("shop.js")} defer></script>
      </head>
      <body data-pin-overlay={`/api/v1/rooms/${slug}/events`}>
        <div id="shop-pins" class="shop-pins">
          {pins.map((p) => (
            <div class="pin-card" data-pin={String(p.productId)}>
              {p.image ? <img src={p.image} alt="" width="56" height="56" /> : ""}
              <span><strong safe>{p.title}</strong><br /><span safe>{p.salePrice ?? p.price}</span></span>
            </div>
          ))}
        </div>
      </body>
    </html>
  );
}
