// The Studio's membership tiers: create, edit (name, price, perks, badge), archive and restore. Each tier is its
// own htmx card; the forms also work without JavaScript (full page).
import type { FieldError } from "../../server/accounts/model";
import type { ReqCtx } from "../../server/http/context";
import type { Tier } from "../../server/memberships/model";
import { CURRENCIES, formatMoney } from "../../server/shop/model";
import { Csrf, FieldError as FieldErr, Layout } from "../layout";

export interface TierFormValues { name: string; price: string; currency: string; perks: string; badge: string }

export const valuesOf = (tr: Tier): TierFormValues => ({ name: tr.name, price: String(tr.priceMinor), currency: tr.currency, perks: tr.perks, badge: tr.badge });

function TierFields({ ctx, values, errors, currency }: { ctx: ReqCtx; values: TierFormValues; errors: readonly FieldError[]; currency: "choose" | "fixed" }): JSX.Element {
  const { t } = ctx;
  return (
    <>
      <label><span safe>{t("memberships.field.name")}</span> <input name="name" required maxlength="60" value={values.name} /><FieldErr ctx={ctx} errors={[...errors]} field="name" /></label>
      <label><span safe>{t("memberships.field.price")}</span> <input name="price" required inputmode="numeric" value={values.price} /><FieldErr ctx={ctx} errors={[...errors]} field="price" /></label>
      {currency === "choose" ? (
        <label>
          <span safe>{t("memberships.field.currency")}</span>
          <select name="currency">{Object.keys(CURRENCIES).map((c) => <option value={c} selected={c === values.currency} safe>{c}</option>)}</select>
          <FieldErr ctx={ctx} errors={[...errors]} field="currency" />
        </label>
      ) : (
        <p class="muted"><span safe>{t("memberships.field.currency")}</span>: <span safe>{values.currency}</span></p>
      )}
      <label><span safe>{t("memberships.field.perks")}</span> <textarea name="perks" rows="3" maxlength="2000" safe>{values.perks}</textarea><FieldErr ctx={ctx} errors={[...errors]} field="perks" /></label>
      <label><span safe>{t("memberships.field.badge")}</span> <input name="badge" maxlength="16" value={values.badge} /><FieldErr ctx={ctx} errors={[...errors]} field="badge" /></label>
    </>
  );
}

export function TierCard({ ctx, tier, values = valuesOf(tier), errors = [], saved }: { ctx: ReqCtx; tier: Tier; values?: TierFormValues; errors?: readonly FieldError[]; saved?: boolean }): JSX.Element {
  const { t } = ctx;
  const id = `tier-${tier.id}`;
  const action = `/studio/memberships/${tier.id}`;
  return (
    <li class="card" id={id} data-active={tier.active ? "1" : "0"}>
      <h3><span safe>{tier.badge}</span> <span safe>{tier.name}</span> · <span safe>{t("memberships.perMonth", { price: formatMoney(tier.priceMinor, tier.currency) })}</span></h3>
      {tier.active ? "" : <p class="muted" safe>{t("memberships.studio.archived")}</p>}
      {saved ? <p class="notice" role="status" safe>{t("studio.saved")}</p> : ""}
      <form class="stack" method="post" action={action} hx-post={action} hx-target={`#${id}`} hx-swap="outerHTML">
        <Csrf ctx={ctx} />
        <TierFields ctx={ctx} values={values} errors={errors} currency="fixed" />
        <button type="submit" safe>{t("memberships.studio.save")}</button>
      </form>
      <form method="post" action={`${action}/${tier.active ? "archive" : "restore"}`} hx-post={`${action}/${tier.active ? "archive" : "restore"}`} hx-target={`#${id}`} hx-swap="outerHTML">
        <Csrf ctx={ctx} />
        <button type="submit" class="secondary" safe>{tier.active ? t("memberships.studio.archive") : t("memberships.studio.restore")}</button>
      </form>
    </li>
  );
}

export function NewTierForm({ ctx, values, errors = [] }: { ctx: ReqCtx; values: TierFormValues; errors?: readonly FieldError[] }): JSX.Element {
  const { t } = ctx;
  return (
    <section class="card" id="new-tier">
      <h2 safe>{t("memberships.studio.new")}</h2>
      <form class="stack" method="post" action="/studio/memberships" hx-post="/studio/memberships" hx-target="#tiers-studio" hx-swap="outerHTML">
        <Csrf ctx={ctx} />
        <TierFields ctx={ctx} values={values} errors={errors} currency="choose" />
        <button type="submit" safe>{t("memberships.studio.create")}</button>
      </form>
    </section>
  );
}

export const EMPTY_TIER: TierFormValues = { name: "", price: "", currency: "COIN", perks: "", badge: "" };

/** A tier whose edit was refused, shown with the values sent and the errors (the page without htmx). */
export interface TierEdit { id: number; values: TierFormValues; errors: readonly FieldError[] }

/** The list and the new-tier form, swapped together after a create. */
export function TiersStudio({ ctx, tiers, values = EMPTY_TIER, errors = [], edit }: { ctx: ReqCtx; tiers: readonly Tier[]; values?: TierFormValues; errors?: readonly FieldError[]; edit?: TierEdit }): JSX.Element {
  const { t } = ctx;
  const card = (tr: Tier) => (edit?.id === tr.id ? <TierCard ctx={ctx} tier={tr} values={edit.values} errors={edit.errors} /> : <TierCard ctx={ctx} tier={tr} />);
  return (
    <div id="tiers-studio">
      {tiers.length ? <ul class="tiers" id="studio-tiers">{tiers.map(card)}</ul> : <p class="muted" safe>{t("memberships.studio.none")}</p>}
      <NewTierForm ctx={ctx} values={values} errors={errors} />
    </div>
  );
}

export function TiersStudioPage({ ctx, tiers, values, errors, edit }: { ctx: ReqCtx; tiers: readonly Tier[]; values?: TierFormValues; errors?: readonly FieldError[]; edit?: TierEdit }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("memberships.studio.title")}>
      <h1 safe>{t("memberships.studio.title")}</h1>
      <p class="muted" safe>{t("memberships.studio.help")}</p>
      <p><a href={`/c/${ctx.user?.username ?? ""}/memberships`} safe>{t("memberships.studio.page")}</a></p>
      <TiersStudio ctx={ctx} tiers={tiers} values={values} errors={errors} edit={edit} />
    </Layout>
  );
}
