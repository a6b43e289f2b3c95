// The room's live auction panel: the state every viewer sees (price, leader, countdown on the server's clock —
// shop.js ticks every .countdown), the bid form, the host's start/end controls, and the HTML renderings of the
// "auction" and "bid_result" room events (hx-swap-oob fragments pushed over the room socket).
import type { ReqCtx } from "../../server/http/context";
import type { Translate } from "../../server/i18n";
import type { AuctionEvent, AuctionView, BidResultEvent } from "../../server/auctions/model";
import { formatMoney, type Product } from "../../server/shop/model";
import { Csrf } from "../layout";
import { Countdown } from "./shop";

function Outcome({ t, a }: { t: Translate; a: AuctionView }): JSX.Element {
  if (!a.outcome) return "";
  const text = a.outcome === "sold" ? t("auction.outcome.sold", { winner: a.winner ?? "", price: a.price }) : t(`auction.outcome.${a.outcome}`);
  return <p class="auction-outcome" data-outcome={a.outcome}><strong safe>{t("auction.ended")}</strong> · <span safe>{text}</span></p>;
}

/** What every viewer sees; replaced as a whole by each "auction" event. */
export function AuctionState({ t, a, oob }: { t: Translate; a: AuctionView | null; oob?: boolean }): JSX.Element {
  if (!a) return <div id="auction-state" hx-swap-oob={oob ? "outerHTML" : undefined}><p class="muted" safe>{t("auction.none")}</p></div>;
  const running = a.status === "running";
  return (
    <div id="auction-state" class="auction-state" hx-swap-oob={oob ? "outerHTML" : undefined} data-auction={String(a.id)} data-status={a.status} data-price={String(a.priceMinor)} data-min-next={String(a.minNextMinor)}>
      <strong safe>{a.title}</strong>
      <p class="price">
        <span class="muted" safe>{a.bids ? t("auction.price") : t("auction.startsAt")}</span> <strong class="auction-price" safe>{a.price}</strong>{" "}
        <span class="muted" safe>{t("auction.bids", { n: a.bids })}</span>
        {a.reserveMet === null ? "" : <> <span class="badge" data-reserve={a.reserveMet ? "met" : "not-met"} safe>{a.reserveMet ? t("auction.reserveMet") : t("auction.reserveNotMet")}</span></>}
      </p>
      <p class="auction-leader" safe>{a.leader ? t("auction.leader", { name: a.leader }) : t("auction.noBids")}</p>
      {running ? <p><Countdown t={t} endsAt={a.endsAt} now={a.serverNow} label={t("auction.endsIn")} />{a.suddenDeath ? <> <span class="badge" safe>{t("auction.suddenDeath")}</span></> : ""}</p> : <Outcome t={t} a={a} />}
    </div>
  );
}

export interface AuctionPanelProps {
  ctx: ReqCtx;
  slug: string;
  auction: AuctionView | null;
  host: boolean;
  /** The room's shop bag, for the host's start form. */
  products: Product[];
  /** The answer to the last bid or host action sent from this panel. */
  message?: { ok: boolean; text: string };
  physical: boolean;
}

/** The whole panel; every form swaps the panel, so each bid gets a fresh idempotency key. */
export function AuctionPanel(p: AuctionPanelProps): JSX.Element {
  const { ctx, slug, auction: a } = p;
  const { t } = ctx;
  const running = a?.status === "running";
  const base = `/r/${slug}/auctions`;
  return (
    <section class="card auction" id="auction">
      <h2 safe>{t("auction.title")}</h2>
      <AuctionState t={t} a={a} />
      <p id="auction-status" class={p.message ? (p.message.ok ? "notice" : "error") : "muted"} role="status" aria-live="polite" safe>{p.message?.text ?? ""}</p>
      {running && !p.host ? (ctx.user ? (
        <form class="stack auction-bid" hx-post={`${base}/${a.id}/bid`} action={`${base}/${a.id}/bid`} method="post" hx-target="#auction" hx-swap="outerHTML">
          <Csrf ctx={ctx} />
          <input type="hidden" name="idempotencyKey" value={crypto.randomUUID()} />
          <label><span safe>{t("auction.amount")}</span> <input name="amount" type="number" min="1" step="1" inputmode="numeric" /></label>
          <label><span safe>{t("auction.max")}</span> <input name="max" type="number" min="1" step="1" inputmode="numeric" /></label>
          {p.physical ? <label><span safe>{t("auction.address")}</span> <textarea name="shippingAddress" maxlength="500" rows="2" required></textarea></label> : ""}
          <div class="row">
            <button class="primary" type="submit" data-bid safe>{t("auction.bid")}</button>
            <button type="submit" name="quick" value="1" data-bid-min safe>{t("auction.bidMin")}</button>
          </div>
        </form>
      ) : <p><a href={`/login?next=/r/${slug}`} safe>{t("auction.login")}</a></p>) : ""}
      {p.host && running ? (
        <div class="row">
          <form hx-post={`${base}/${a.id}/end`} action={`${base}/${a.id}/end`} method="post" hx-target="#auction" hx-swap="outerHTML">
            <Csrf ctx={ctx} />
            <button type="submit" data-end safe>{t("auction.endNow")}</button>
          </form>
          <form hx-post={`${base}/${a.id}/end`} action={`${base}/${a.id}/end`} method="post" hx-target="#auction" hx-swap="outerHTML">
            <Csrf ctx={ctx} />
            <input type="hidden" name="noSale" value="1" />
            <button type="submit" data-cancel safe>{t("auction.cancel")}</button>
          </form>
        </div>
      ) : ""}
      {p.host && !running && p.products.length ? (
        <form class="stack auction-start" hx-post={base} action={base} method="post" hx-target="#auction" hx-swap="outerHTML">
          <Csrf ctx={ctx} />
          <strong safe>{t("auction.start")}</strong>
          <label><span safe>{t("auction.product")}</span>
            <select name="item">
              {p.products.flatMap((pr) => pr.variants.length
                ? pr.variants.map((v) => <option value={`${pr.id}:${v.id}`} safe>{`${pr.title} (${v.label}) · ${formatMoney(v.priceMinor ?? pr.priceMinor, pr.currency)}`}</option>)
                : [<option value={String(pr.id)} safe>{`${pr.title} · ${formatMoney(pr.priceMinor, pr.currency)}`}</option>])}
            </select>
          </label>
          <label><span safe>{t("auction.startPrice")}</span> <input name="startMinor" type="number" min="1" required /></label>
          <label><span safe>{t("auction.seconds")}</span> <input name="seconds" type="number" min="1" max="3600" value="30" required /></label>
          <label><span safe>{t("auction.reserve")}</span> <input name="reserveMinor" type="number" min="1" /></label>
          <label><span safe>{t("auction.extend")}</span> <input name="extendSeconds" type="number" min="0" max="120" value="10" /></label>
          <label class="toggle"><input type="checkbox" name="suddenDeath" value="1" /> <span safe>{t("auction.suddenDeathOpt")}</span></label>
          <button class="primary" type="submit" data-start safe>{t("auction.start")}</button>
        </form>
      ) : ""}
    </section>
  );
}

/** The room page's include: the panel loads itself; live state arrives over the room socket. */
export function AuctionMount({ slug }: { slug: string }): JSX.Element {
  return <div id="auction" hx-get={`/r/${slug}/auction`} hx-trigger="load" hx-swap="outerHTML"></div>;
}

/**
 * A bid or extension replaces the state only. A start or an end swaps the whole panel for a loader that fetches
 * each page's own panel (the bid form carries the viewer's session; the host's controls change).
 */
export function renderAuctionEvent(e: AuctionEvent, t: Translate): string {
  if (e.action === "bid" || e.action === "extended") return AuctionState({ t, a: e.auction, oob: true }) as string;
  return (
    <section class="card auction" id="auction" hx-swap-oob="outerHTML" hx-get={`/r/${e.auction.room}/auction`} hx-trigger="load" hx-swap="outerHTML">
      <h2 safe>{t("auction.title")}</h2>
      <AuctionState t={t} a={e.auction} />
    </section>
  ) as string;
}

export function renderBidResult(e: BidResultEvent, t: Translate): string {
  const text = e.ok && e.auction ? t("auction.bidOk", { price: e.auction.price }) : e.message;
  return <p id="auction-status" class={e.ok ? "notice" : "error"} role="status" hx-swap-oob="true" data-code={e.code} safe>{text}</p> as string;
}
