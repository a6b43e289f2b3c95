// Shop pieces shared by pages and the room: product cards, the buy form, the room's shop bag (pins, notices,
// products), flash-sale countdowns, order rows and the HTML rendering of live "pin" / "purchase" room events.
import { assetUrl } from "../assets";
import { Csrf } from "../layout";
import type { ReqCtx } from "../../server/http/context";
import type { Translate } from "../../server/i18n";
import { formatMoney, saleState, stockOf, thumbName, type FlashSale, type Order, type OrderStatus, type PinCard, type PinEvent, type Product, type PurchaseEvent } from "../../server/shop/model";

export function imageUrl(name: string, thumb = false): string {
  return `/shop/images/${thumb ? thumbName(name) : name}`;
}

export function Countdown({ t, endsAt, now, label }: { t: Translate; endsAt: number; now: number; label?: string }): JSX.Element {
  const secs = Math.max(0, Math.ceil((endsAt - now) / 1000));
  const text = `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, "0")}`;
  return (
    <span class="countdown" data-ends-at={String(endsAt)} data-server-now={String(now)} data-done={t("shop.sale.ended")}>
      {label ? <span safe>{label}</span> : ""} <time safe>{text}</time>
    </span>
  );
}

export function PriceTag({ t, product, sale, now }: { t: Translate; product: Product; sale: FlashSale | null; now: number }): JSX.Element {
  const state = sale ? saleState(sale, now) : null;
  if (sale && state === "live") {
    return (
      <p class="price">
        <strong class="sale-price" safe>{formatMoney(sale.priceMinor, product.currency)}</strong> <s class="muted" safe>{formatMoney(product.priceMinor, product.currency)}</s>{" "}
        <span class="badge live" safe>{t("shop.sale.flash")}</span> <Countdown t={t} endsAt={sale.endsAt} now={now} label={t("shop.sale.endsIn")} />{" "}
        <span class="muted" safe>{t("shop.sale.left", { n: sale.remaining, limit: sale.perBuyerLimit })}</span>
      </p>
    );
  }
  return (
    <p class="price">
      <strong safe>{formatMoney(product.priceMinor, product.currency)}</strong>
      {sale && state === "upcoming" ? <> <span class="badge" safe>{t("shop.sale.soon", { price: formatMoney(sale.priceMinor, product.currency) })}</span> <Countdown t={t} endsAt={sale.startsAt} now={now} label={t("shop.sale.startsIn")} /></> : ""}
      {sale && state === "sold_out" ? <> <span class="badge" safe>{t("shop.sale.soldOut")}</span></> : ""}
    </p>
  );
}

export function ProductCard({ ctx, product }: { ctx: ReqCtx; product: Product }): JSX.Element {
  const img = product.images[0];
  return (
    <a class="room-card product-card" href={`/shop/p/${product.id}`}>
      <div class="thumb" style={img ? `background-image:url('${imageUrl(img, true)}')` : ""}></div>
      <div class="body">
        <div class="title" safe>{product.title}</div>
        <div class="muted">
          <span safe>{formatMoney(product.priceMinor, product.currency)}</span> · <span safe>{stockOf(product) > 0 ? ctx.t("shop.inStock", { n: stockOf(product) }) : ctx.t("shop.soldOut")}</span>
        </div>
      </div>
    </a>
  );
}

export interface BuyFormProps {
  ctx: ReqCtx;
  product: Product;
  sale: FlashSale | null;
  now: number;
  providers: { name: string; label: string }[];
  room?: string;
  /** Compact one-click form for the room bag. */
  compact?: boolean;
  message?: { ok: boolean; text: string; orderId?: number };
}

/** The buy form carries what the buyer saw (price, currency, sale) so the server can refuse a changed or tampered price. */
export function BuyForm({ ctx, product, sale, now, providers, room, compact, message }: BuyFormProps): JSX.Element {
  const { t } = ctx;
  const live = sale && saleState(sale, now) === "live" ? sale : null;
  const price = live ? live.priceMinor : product.priceMinor;
  const id = `buy-${product.id}`;
  const out = stockOf(product) === 0;
  return (
    <form class={compact ? "buy compact" : "stack buy"} id={id} method="post" action="/shop/buy" hx-post="/shop/buy" hx-target="this" hx-swap="outerHTML">
      <Csrf ctx={ctx} />
      <input type="hidden" name="productId" value={String(product.id)} />
      <input type="hidden" name="idempotencyKey" value={crypto.randomUUID()} />
      <input type="hidden" name="unitPrice" value={product.variants.length ? "" : String(price)} />
      <input type="hidden" name="currency" value={product.currency} />
      {live ? <input type="hidden" name="flashSaleId" value={String(live.id)} /> : ""}
      {room ? <input type="hidden" name="room" value={room} /> : ""}
      {product.variants.length ? (
        <label>
          <span safe>{t("shop.variant")}</span>
          <select name="variantId" required>
            {product.variants.map((v) => (
              <option value={String(v.id)} disabled={v.stock === 0} safe>{`${v.label} — ${formatMoney(live ? live.priceMinor : v.priceMinor ?? product.priceMinor, product.currency)}${v.stock === 0 ? " · " + t("shop.soldOut") : ""}`}</option>
            ))}
          </select>
        </label>
      ) : ""}
      {compact ? <input type="hidden" name="quantity" value="1" /> : (
        <label>
          <span safe>{t("shop.quantity")}</span>
          <input name="quantity" type="number" min="1" max="100" value="1" required />
        </label>
      )}
      {providers.length > 1 ? (
        <label>
          <span safe>{t("shop.payWith")}</span>
          <select name="provider">{providers.map((p) => <option value={p.name} safe>{p.label}</option>)}</select>
        </label>
      ) : <input type="hidden" name="provider" value={providers[0]?.name ?? "manual"} />}
      {product.kind === "physical" ? (
        <label>
          <span safe>{t("shop.address")}</span>
          <textarea name="shippingAddress" maxlength="500" required rows="2"></textarea>
        </label>
      ) : ""}
      {message ? (
        <p class={message.ok ? "notice" : "error"} role={message.ok ? "status" : "alert"}>
          <span safe>{message.text}</span> {message.orderId ? <a href={`/shop/orders/${message.orderId}`} safe>{t("shop.viewOrder")}</a> : ""}
        </p>
      ) : ""}
      {ctx.user ? (
        <button class="primary" type="submit" disabled={out} data-buy={String(product.id)} safe>{out ? t("shop.soldOut") : compact ? t("shop.buyFor", { price: formatMoney(price, product.currency) }) : t("shop.buy")}</button>
      ) : <a class="button" href="/login" safe>{t("shop.loginToBuy")}</a>}
    </form>
  );
}

export function PinList({ t, pins, oob }: { t: Translate; pins: PinCard[]; oob?: boolean }): JSX.Element {
  return (
    <div id="shop-pins" class="shop-pins" hx-swap-oob={oob ? "outerHTML" : undefined} aria-live="polite">
      {pins.map((p) => (
        <a class="pin-card" href={p.url} data-pin={String(p.productId)}>
          {p.image ? <img src={p.image} alt="" width="56" height="56" /> : ""}
          <span>
            <strong safe>{p.title}</strong>
            <br />
            {p.salePrice ? <><span class="sale-price" safe>{p.salePrice}</span> <s class="muted" safe>{p.price}</s></> : <span safe>{p.price}</span>}
            {p.saleEndsAt ? <> <Countdown t={t} endsAt={p.saleEndsAt} now={Date.now()} /></> : ""}
            {p.stock === 0 ? <> <span class="badge" data-sold-out safe>{t("shop.soldOut")}</span></> : ""}
          </span>
        </a>
      ))}
    </div>
  );
}

export function PurchaseNotice({ t, buyer, product }: { t: Translate; buyer: string; product: string }): JSX.Element {
  return <li class="purchase-notice" safe>{t("shop.justBought", { buyer, product })}</li>;
}

export function ShopBag({ ctx, slug, pins, products, sales, now, providers, host }: {
  ctx: ReqCtx; slug: string; pins: PinCard[]; products: Product[]; sales: Map<number, FlashSale | null>; now: number;
  providers: (p: Product) => { name: string; label: string }[]; host: boolean;
}): JSX.Element {
  const { t } = ctx;
  const pinned = new Set(pins.map((p) => p.productId));
  return (
    <section class="card shop-bag" id="shop-bag">
      <h2 safe>{t("shop.bag")}</h2>
      <PinList t={t} pins={pins} />
      <ul id="shop-notices" class="shop-notices"></ul>
      {products.length ? (
        <ul class="bag-items">
          {products.map((p) => (
            <li id={`bag-${p.id}`}>
              <a href={`/shop/p/${p.id}`} safe>{p.title}</a>
              <PriceTag t={t} product={p} sale={sales.get(p.id) ?? null} now={now} />
              <BuyForm ctx={ctx} product={p} sale={sales.get(p.id) ?? null} now={now} providers={providers(p)} room={slug} compact />
              {host ? (
                <form method="post" action={`/shop/rooms/${slug}/pins`} hx-post={`/shop/rooms/${slug}/pins`} hx-target="#shop-bag" hx-swap="outerHTML">
                  <Csrf ctx={ctx} />
                  <input type="hidden" name="productId" value={String(p.id)} />
                  <input type="hidden" name="action" value={pinned.has(p.id) ? "unpin" : "pin"} />
                  <button type="submit" data-pin-action={String(p.id)} safe>{pinned.has(p.id) ? t("shop.unpin") : t("shop.pin")}</button>
                </form>
              ) : ""}
            </li>
          ))}
        </ul>
      ) : <p class="muted" safe>{t("shop.noProducts")}</p>}
      {pins[0] ? <div class="bag-together" hx-get={`/insights/products/${pins[0].productId}/together`} hx-trigger="load" hx-swap="outerHTML"></div> : ""}
    </section>
  );
}

export function StatusBadge({ t, status }: { t: Translate; status: OrderStatus }): JSX.Element {
  return <span class={`badge status-${status}`} data-status={status} safe>{t(`shop.status.${status}`)}</span>;
}

export function OrderSummary({ t, order }: { t: Translate; order: Order }): JSX.Element {
  return (
    <span>
      <span safe>{order.title}</span>
      {order.variantLabel ? <span class="muted" safe>{` (${order.variantLabel})`}</span> : ""} × <span safe>{String(order.quantity)}</span> ·{" "}
      <strong safe>{formatMoney(order.totalMinor, order.currency)}</strong> <StatusBadge t={t} status={order.status} />
    </span>
  );
}

/** Live room events rendered for pages: the pin list replaces itself; purchase notices are prepended. */
export function renderPinEvent(event: PinEvent, t: Translate): string {
  return PinList({ t, pins: event.pins, oob: true }) as string;
}

export function renderPurchaseEvent(event: PurchaseEvent, t: Translate): string {
  return (
    <ul id="shop-notices" hx-swap-oob="afterbegin">
      <PurchaseNotice t={t} buyer={event.buyer} product={event.product} />
    </ul>
  ) as string;
}

/** The room page's include: the shop bag loads itself beside the player (live pins arrive over the room socket). */
export function ShopMount({ slug }: { slug: string }): JSX.Element {
  return (
    <>
      <div id="shop-bag" hx-get={`/shop/rooms/${slug}/bag`} hx-trigger="load" hx-swap="outerHTML"></div>
      <script src={assetUrl("shop.js")} defer></script>
    </>
  );
}

/**
 * Shoppable replay: for the replay page beside its #video. Shows the products that were pinned at the current
 * playback moment (offsets into the broadcast from /api/v1/broadcasts/<id>/pins).
 */
export function ReplayShopMount({ t, broadcastId }: { t: Translate; broadcastId: number }): JSX.Element {
  return (
    <>
      <section class="card" id="replay-shop" data-replay-pins={`/api/v1/broadcasts/${broadcastId}/pins`} hidden>
        <h2 safe>{t("shop.bag")}</h2>
        <div class="shop-pins"></div>
      </section>
      <script src={assetUrl("shop.js")} defer></script>
    </>
  );
}
