// The creator's back office: products (with variants, images, flash sales) and orders (filters, confirm a manual
// payment, ship with tracking, complete, cancel, refund, CSV export).
import type { ReqCtx } from "../../server/http/context";
import { CURRENCIES, formatMoney, ORDER_STATUSES, saleState, stockOf, type FieldError, type FlashSale, type Order, type OrderFilter, type Product } from "../../server/shop/model";
import { Csrf, FieldError as FieldErr, Layout } from "../layout";
import { Countdown, imageUrl, OrderSummary } from "../partials/shop";
import { ShopScript } from "./shop";

export interface ProductFormValues {
  title: string;
  description: string;
  price: string;
  currency: string;
  stock: string;
  kind: string;
  variants: string;
}

export function productFormValues(p: Product | null): ProductFormValues {
  if (!p) return { title: "", description: "", price: "", currency: "USD", stock: "0", kind: "physical", variants: "" };
  const exp = CURRENCIES[p.currency] ?? 2;
  const amount = (m: number) => (m / 10 ** exp).toFixed(exp);
  return {
    title: p.title, description: p.description, price: amount(p.priceMinor), currency: p.currency, stock: String(p.stock), kind: p.kind,
    variants: p.variants.map((v) => `${v.label} | ${v.priceMinor === null ? "" : amount(v.priceMinor)} | ${v.stock}`).join("\n"),
  };
}

export function ProductForm({ ctx, product, values, errors = [], saved }: { ctx: ReqCtx; product: Product | null; values: ProductFormValues; errors?: FieldError[]; saved?: boolean }): JSX.Element {
  const { t } = ctx;
  const action = product ? `/studio/shop/products/${product.id}` : "/studio/shop/products";
  return (
    <form class="stack" id="product-form" method="post" action={action} enctype="multipart/form-data">
      <Csrf ctx={ctx} />
      {saved ? <p class="notice" role="status" safe>{t("studio.saved")}</p> : ""}
      <label><span safe>{t("shop.form.title")}</span><input name="title" required maxlength="120" value={values.title} /><FieldErr ctx={ctx} errors={errors} field="title" /></label>
      <label><span safe>{t("shop.form.description")}</span><textarea name="description" maxlength="5000" safe>{values.description}</textarea><FieldErr ctx={ctx} errors={errors} field="description" /></label>
      <div class="row">
        <label><span safe>{t("shop.form.price")}</span><input name="price" required inputmode="decimal" value={values.price} /><FieldErr ctx={ctx} errors={errors} field="price" /></label>
        <label>
          <span safe>{t("shop.form.currency")}</span>
          <select name="currency">{Object.keys(CURRENCIES).map((c) => <option value={c} selected={c === values.currency} safe>{c}</option>)}</select>
          <FieldErr ctx={ctx} errors={errors} field="currency" />
        </label>
        <label><span safe>{t("shop.form.stock")}</span><input name="stock" type="number" min="0" value={values.stock} /><FieldErr ctx={ctx} errors={errors} field="stock" /></label>
        <label>
          <span safe>{t("shop.form.kind")}</span>
          <select name="kind">
            <option value="physical" selected={values.kind === "physical"} safe>{t("shop.kind.physical")}</option>
            <option value="digital" selected={values.kind === "digital"} safe>{t("shop.kind.digital")}</option>
          </select>
        </label>
      </div>
      <label><span safe>{t("shop.form.variants")}</span><textarea name="variants" rows="3" placeholder="M | 19.90 | 10" safe>{values.variants}</textarea><FieldErr ctx={ctx} errors={errors} field="variants" /></label>
      <label><span safe>{t("shop.form.images")}</span><input name="images" type="file" multiple accept="image/jpeg,image/png,image/webp" /><FieldErr ctx={ctx} errors={errors} field="images" /></label>
      <button class="primary" type="submit" safe>{product ? t("shop.form.save") : t("shop.form.create")}</button>
    </form>
  );
}

function StudioNav({ ctx }: { ctx: ReqCtx }): JSX.Element {
  return <p><a href="/studio" safe>{ctx.t("studio.title")}</a> · <a href="/studio/shop" safe>{ctx.t("shop.backOffice.products")}</a> · <a href="/studio/shop/orders" safe>{ctx.t("shop.backOffice.orders")}</a></p>;
}

export function StudioShopPage({ ctx, products, rooms = [], values, errors, status = 200 }: { ctx: ReqCtx; products: Product[]; rooms?: { slug: string; title: string }[]; values?: ProductFormValues; errors?: FieldError[]; status?: number }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("shop.backOffice.products")}>
      <StudioNav ctx={ctx} />
      <h1 safe>{t("shop.backOffice.products")}</h1>
      {status !== 200 ? <p class="error" role="alert" safe>{t("error.invalid")}</p> : ""}
      <section class="card">
        {products.length ? (
          <table>
            <tbody>
              {products.map((p) => (
                <tr>
                  <td><a href={`/studio/shop/products/${p.id}`} safe>{p.title}</a>{p.active ? "" : <> <span class="badge" safe>{t("shop.hidden")}</span></>}</td>
                  <td safe>{formatMoney(p.priceMinor, p.currency)}</td>
                  <td safe>{t("shop.inStock", { n: stockOf(p) })}</td>
                  <td><a href={`/shop/p/${p.id}`} safe>{t("shop.view")}</a></td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <p class="muted" safe>{t("shop.noProducts")}</p>}
      </section>
      {rooms.length ? (
        <section class="card">
          <h2 safe>{t("shop.overlay.title")}</h2>
          <p class="muted" safe>{t("shop.overlay.help")}</p>
          <ul>{rooms.map((r) => <li><span safe>{r.title}</span>: <span class="secret" safe>{`/shop/rooms/${r.slug}/overlay`}</span></li>)}</ul>
        </section>
      ) : ""}
      <section class="card">
        <h2 safe>{t("shop.newProduct")}</h2>
        <ProductForm ctx={ctx} product={null} values={values ?? productFormValues(null)} errors={errors} />
      </section>
    </Layout>
  );
}

export function ProductEditPage({ ctx, product, sale, now, values, errors, saleErrors = [], saved }: {
  ctx: ReqCtx; product: Product; sale: FlashSale | null; now: number; values?: ProductFormValues; errors?: FieldError[]; saleErrors?: FieldError[]; saved?: boolean;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={product.title} head={<ShopScript />}>
      <StudioNav ctx={ctx} />
      <h1 safe>{product.title}</h1>
      <section class="card">
        <div class="row">{product.images.map((img) => <img src={imageUrl(img, true)} alt="" width="120" />)}</div>
        <ProductForm ctx={ctx} product={product} values={values ?? productFormValues(product)} errors={errors} saved={saved} />
        <form method="post" action={`/studio/shop/products/${product.id}/active`} style="margin-top:1rem">
          <Csrf ctx={ctx} />
          <input type="hidden" name="active" value={product.active ? "0" : "1"} />
          <button type="submit" safe>{product.active ? t("shop.hide") : t("shop.show")}</button>
        </form>
      </section>
      <section class="card" id="flash-sale">
        <h2 safe>{t("shop.sale.title")}</h2>
        {sale ? (
          <div>
            <p>
              <strong safe>{formatMoney(sale.priceMinor, product.currency)}</strong> · <span safe>{t("shop.sale.left", { n: sale.remaining, limit: sale.perBuyerLimit })}</span> ·{" "}
              <span safe>{t(`shop.sale.state.${saleState(sale, now)}`)}</span>{" "}
              <Countdown t={t} endsAt={saleState(sale, now) === "upcoming" ? sale.startsAt : sale.endsAt} now={now} />
            </p>
            <form method="post" action={`/studio/shop/products/${product.id}/flash-sale/end`}>
              <Csrf ctx={ctx} />
              <button type="submit" safe>{t("shop.sale.end")}</button>
            </form>
          </div>
        ) : (
          <form class="stack" method="post" action={`/studio/shop/products/${product.id}/flash-sale`}>
            <Csrf ctx={ctx} />
            <label><span safe>{t("shop.sale.price")}</span><input name="salePrice" required inputmode="decimal" /><FieldErr ctx={ctx} errors={saleErrors} field="salePrice" /></label>
            <label><span safe>{t("shop.sale.quantity")}</span><input name="quantity" type="number" min="1" required /><FieldErr ctx={ctx} errors={saleErrors} field="saleQuantity" /></label>
            <label><span safe>{t("shop.sale.perBuyer")}</span><input name="perBuyerLimit" type="number" min="1" value="1" required /><FieldErr ctx={ctx} errors={saleErrors} field="perBuyerLimit" /></label>
            <label><span safe>{t("shop.sale.startsInMin")}</span><input name="startsInMinutes" type="number" min="0" value="0" required /></label>
            <label><span safe>{t("shop.sale.minutes")}</span><input name="minutes" type="number" min="1" max="10080" value="15" required /><FieldErr ctx={ctx} errors={saleErrors} field="endsAt" /><FieldErr ctx={ctx} errors={saleErrors} field="startsAt" /></label>
            <button class="primary" type="submit" safe>{t("shop.sale.start")}</button>
          </form>
        )}
      </section>
    </Layout>
  );
}

export function OrderActions({ ctx, order, message }: { ctx: ReqCtx; order: Order; message?: { ok: boolean; text: string } }): JSX.Element {
  const { t } = ctx;
  const base = `/studio/shop/orders/${order.id}`;
  const btn = (path: string, label: string, confirm?: string) => (
    <form method="post" action={`${base}/${path}`} hx-post={`${base}/${path}`} hx-target={`#order-${order.id}`} hx-swap="outerHTML" hx-confirm={confirm} style="display:inline">
      <Csrf ctx={ctx} />
      <button type="submit" data-action={path} safe>{label}</button>
    </form>
  );
  return (
    <tr id={`order-${order.id}`}>
      <td><a href={`/shop/orders/${order.id}`} safe>{`#${order.id}`}</a></td>
      <td><OrderSummary t={t} order={order} /><br /><span class="muted" safe>{`${order.buyerName} · ${t(`shop.provider.${order.provider}`)}`}</span>
        {order.shippingAddress ? <><br /><span class="muted" style="white-space:pre-wrap" safe>{order.shippingAddress}</span></> : ""}
        {order.tracking ? <><br /><span safe>{`${t("shop.tracking")}: ${order.tracking}`}</span></> : ""}
        {message ? <p class={message.ok ? "notice" : "error"} role={message.ok ? "status" : "alert"} safe>{message.text}</p> : ""}
      </td>
      <td class="row">
        {order.status === "pending" && order.provider === "manual" ? btn("confirm", t("shop.confirmPaid")) : ""}
        {order.status === "paid" && order.shippingAddress !== null ? (
          <form method="post" action={`${base}/ship`} hx-post={`${base}/ship`} hx-target={`#order-${order.id}`} hx-swap="outerHTML" class="row">
            <Csrf ctx={ctx} />
            <input name="tracking" required maxlength="60" placeholder={t("shop.tracking")} aria-label={t("shop.tracking")} style="width:9rem" />
            <button type="submit" data-action="ship" safe>{t("shop.ship")}</button>
          </form>
        ) : ""}
        {order.status === "paid" || order.status === "shipped" ? btn("complete", t("shop.complete")) : ""}
        {order.status === "pending" ? btn("cancel", t("shop.cancelOrder"), t("shop.confirmCancel")) : ""}
        {order.status === "paid" || order.status === "shipped" || order.status === "completed" ? btn("refund", t("shop.refund"), t("shop.confirmRefund")) : ""}
      </td>
    </tr>
  );
}

export function StudioOrdersPage({ ctx, orders, filter, products, query }: { ctx: ReqCtx; orders: Order[]; filter: OrderFilter; products: Product[]; query: string }): JSX.Element {
  const { t } = ctx;
  const day = (ms: number | null) => (ms === null ? "" : new Date(ms).toISOString().slice(0, 10));
  return (
    <Layout ctx={ctx} title={t("shop.backOffice.orders")}>
      <StudioNav ctx={ctx} />
      <h1 safe>{t("shop.backOffice.orders")}</h1>
      <form class="row card" method="get" action="/studio/shop/orders">
        <select name="status" aria-label={t("shop.filter.status")}>
          <option value="" safe>{t("shop.filter.any")}</option>
          {ORDER_STATUSES.map((s) => <option value={s} selected={filter.status === s} safe>{t(`shop.status.${s}`)}</option>)}
        </select>
        <select name="product" aria-label={t("shop.filter.product")}>
          <option value="" safe>{t("shop.filter.anyProduct")}</option>
          {products.map((p) => <option value={String(p.id)} selected={filter.productId === p.id} safe>{p.title}</option>)}
        </select>
        <input type="date" name="from" value={day(filter.from)} aria-label={t("shop.filter.from")} />
        <input type="date" name="to" value={day(filter.to)} aria-label={t("shop.filter.to")} />
        <input name="q" value={filter.q ?? ""} placeholder={t("shop.filter.search")} aria-label={t("shop.filter.search")} />
        <button type="submit" safe>{t("shop.filter.apply")}</button>
        <a class="button" href={`/studio/shop/orders.csv${query}`} safe>{t("shop.exportCsv")}</a>
      </form>
      {orders.length ? <table><tbody>{orders.map((o) => <OrderActions ctx={ctx} order={o} />)}</tbody></table> : <p class="muted" safe>{t("shop.noOrders")}</p>}
    </Layout>
  );
}
