// Access: the Studio's access card (mode, password, minimum tier, preview), its replays card (access and price per
// replay) and the room page's paywall.
import type { FieldError } from "../../server/accounts/model";
import { ACCESS_MODES, MAX_PREVIEW_MINUTES, REPLAY_MODES, type AccessMode, type ReplayOffer, type RoomAccess } from "../../server/access/model";
import { CURRENCIES } from "../../server/shop/model";
import type { ReqCtx } from "../../server/http/context";
import { Csrf, FieldError as FieldErr } from "../layout";

export function AccessMount({ slug }: { slug: string }): JSX.Element {
  return <div id="access-card" hx-get={`/studio/rooms/${slug}/access`} hx-trigger="load" hx-swap="outerHTML"></div>;
}

export function AccessForm({ ctx, slug, access, errors = [], saved }: { ctx: ReqCtx; slug: string; access: RoomAccess; errors?: FieldError[]; saved?: boolean }): JSX.Element {
  const { t } = ctx;
  const action = `/studio/rooms/${slug}/access`;
  return (
    <section class="card" id="access-card">
      <h2 safe>{t("access.title")}</h2>
      <form class="stack" method="post" action={action} hx-post={action} hx-target="#access-card" hx-swap="outerHTML">
        <Csrf ctx={ctx} />
        {saved ? <p class="notice" role="status" safe>{t("studio.saved")}</p> : ""}
        <label>
          <span safe>{t("access.mode")}</span>
          <select name="mode">
            {ACCESS_MODES.map((m) => <option value={m} selected={m === access.mode} safe>{t(`access.mode.${m}`)}</option>)}
          </select>
          <FieldErr ctx={ctx} errors={errors} field="mode" />
        </label>
        <label>
          <span safe>{t("access.password")}</span>
          <input name="password" type="password" autocomplete="new-password" maxlength="200" placeholder={access.hasPassword ? t("access.passwordKeep") : ""} />
          <small class="muted" safe>{t("access.passwordHelp")}</small>
          <FieldErr ctx={ctx} errors={errors} field="password" />
        </label>
        <label>
          <span safe>{t("access.minTier")}</span>
          <input name="minTier" inputmode="numeric" value={access.minTierId === null ? "" : String(access.minTierId)} />
          <small class="muted" safe>{t("access.minTierHelp")}</small>
          <FieldErr ctx={ctx} errors={errors} field="minTier" />
        </label>
        <label>
          <span safe>{t("access.preview")}</span>
          <input name="previewMinutes" type="number" min="0" max={String(MAX_PREVIEW_MINUTES)} value={String(access.previewMinutes)} />
          <FieldErr ctx={ctx} errors={errors} field="previewMinutes" />
        </label>
        <button type="submit" safe>{t("access.save")}</button>
      </form>
    </section>
  );
}

/** Shown instead of the player (and the chat and gifts) to a viewer without access. */
export function Paywall({ ctx, slug, mode, error, retryIn }: { ctx: ReqCtx; slug: string; mode: AccessMode; error?: boolean; retryIn?: number }): JSX.Element {
  const { t } = ctx;
  const login = `/login?next=${encodeURIComponent(`/r/${slug}`)}`;
  const signIn = <p><a class="button" href={login} safe>{t("access.paywall.login")}</a></p>;
  return (
    <div class="paywall card" id="paywall" data-mode={mode}>
      <strong safe>{t(`access.paywall.${mode}`)}</strong>
      {mode === "password" ? (
        // Anyone may enter the passphrase: a visitor without an account gets a pass cookie for this room.
        <form class="row" method="post" action={`/r/${slug}/access/password`}>
          <Csrf ctx={ctx} />
          <input name="password" type="password" required maxlength="200" aria-label={t("access.password")} autocomplete="off" aria-describedby="paywall-error" />
          <button type="submit" safe>{t("access.paywall.enter")}</button>
          {retryIn ? <p class="field-error" id="paywall-error" role="alert" safe>{t("auth.rateLimited", { seconds: retryIn })}</p>
            : error ? <p class="field-error" id="paywall-error" role="alert" safe>{t("access.paywall.wrong")}</p> : ""}
        </form>
      ) : !ctx.user ? (
        signIn
      ) : (
        <p class="muted" safe>{t("access.paywall.howTo")}</p>
      )}
    </div>
  );
}

export function ReplayOffersMount({ slug }: { slug: string }): JSX.Element {
  return <div id="replay-offers" hx-get={`/studio/rooms/${slug}/replays`} hx-trigger="load" hx-swap="outerHTML"></div>;
}

/** One replay's access and price; the price fields matter for pay per view only. */
export function ReplayOfferRow({ ctx, offer, values, errors = [], saved }: { ctx: ReqCtx; offer: ReplayOffer; values?: { mode: string; price: string; currency: string }; errors?: readonly FieldError[]; saved?: boolean }): JSX.Element {
  const { t } = ctx;
  const v = values ?? { mode: offer.mode, price: offer.price ? String(offer.price.priceMinor) : "", currency: offer.price?.currency ?? "COIN" };
  const id = `replay-offer-${offer.id}`;
  const action = `/studio/replays/${offer.id}/access`;
  const errs = [...errors];
  return (
    <li id={id}>
      <form class="row" method="post" action={action} hx-post={action} hx-target={`#${id}`} hx-swap="outerHTML">
        <Csrf ctx={ctx} />
        <a href={`/replays/${offer.id}`} safe>{`#${offer.id} · ${new Date(offer.startedAt).toISOString().slice(0, 16).replace("T", " ")} UTC · ${Math.round(offer.durationMs / 60_000)} min`}</a>
        <label>
          <span safe>{t("replays.access.mode")}</span>
          <select name="mode">{REPLAY_MODES.map((m) => <option value={m} selected={m === v.mode} safe>{t(`replays.access.mode.${m}`)}</option>)}</select>
          <FieldErr ctx={ctx} errors={errs} field="mode" />
        </label>
        <label>
          <span safe>{t("replays.access.price")}</span>
          <input name="price" inputmode="numeric" size="8" value={v.price} />
          <FieldErr ctx={ctx} errors={errs} field="price" />
        </label>
        <label>
          <span safe>{t("replays.access.currency")}</span>
          <select name="currency">{Object.keys(CURRENCIES).map((c) => <option value={c} selected={c === v.currency} safe>{c}</option>)}</select>
          <FieldErr ctx={ctx} errors={errs} field="currency" />
        </label>
        <button type="submit" safe>{t("replays.access.save")}</button>
        {saved ? <span class="notice" role="status" safe>{t("studio.saved")}</span> : ""}
      </form>
    </li>
  );
}

export function ReplayOffers({ ctx, offers }: { ctx: ReqCtx; offers: readonly ReplayOffer[] }): JSX.Element {
  const { t } = ctx;
  return (
    <section class="card" id="replay-offers">
      <h2 safe>{t("replays.access.title")}</h2>
      {offers.length ? <ul class="replay-offers">{offers.map((o) => <ReplayOfferRow ctx={ctx} offer={o} />)}</ul> : <p class="muted" safe>{t("replays.access.none")}</p>}
    </section>
  );
}
