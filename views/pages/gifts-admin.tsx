import { giftImageUrl, TIERS, type FieldError, type Gift } from "../../server/gifts/model";
import type { ReqCtx } from "../../server/http/context";
import { Csrf, FieldError as FieldErr, Layout } from "../layout";

function TierSelect({ ctx, value }: { ctx: ReqCtx; value?: number }): JSX.Element {
  return (
    <select name="tier" aria-label={ctx.t("gift.tier")}>
      <option value="" selected={value === undefined} safe>{ctx.t("gift.tierAuto")}</option>
      {TIERS.map((n) => <option value={String(n)} selected={n === value} safe>{ctx.t("gift.tierN", { n })}</option>)}
    </select>
  );
}

export function GiftsAdminPage({ ctx, gifts, errors = [], values }: { ctx: ReqCtx; gifts: Gift[]; errors?: FieldError[]; values?: { name: string; coins: string } }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("gift.admin")}>
      <p><a href="/admin" safe>← {t("admin.title")}</a> · <a href="/admin/wallet" safe>{t("wallet.admin")}</a></p>
      <h1 safe>{t("gift.admin")}</h1>
      <section class="card">
        <h2 safe>{t("gift.new")}</h2>
        <form class="stack" id="new-gift-form" method="post" action="/admin/gifts" enctype="multipart/form-data">
          <Csrf ctx={ctx} />
          <label><span safe>{t("gift.name")}</span><input name="name" required maxlength="40" value={values?.name ?? ""} /><FieldErr ctx={ctx} errors={errors} field="name" /></label>
          <label><span safe>{t("gift.coinsLabel")}</span><input name="coins" type="number" min="1" max="1000000" required value={values?.coins ?? ""} /><FieldErr ctx={ctx} errors={errors} field="coins" /></label>
          <label><span safe>{t("gift.tier")}</span><TierSelect ctx={ctx} /><FieldErr ctx={ctx} errors={errors} field="tier" /></label>
          <label><span safe>{t("gift.image")}</span><input name="image" type="file" accept="image/png,image/jpeg,image/webp" /><FieldErr ctx={ctx} errors={errors} field="image" /></label>
          <button class="primary" type="submit" safe>{t("gift.create")}</button>
        </form>
      </section>
      <section class="card">
        <h2 safe>{t("gift.catalogue")}</h2>
        <table>
          <tbody>
            {gifts.map((g) => (
              <tr id={`gift-${g.id}`}>
                <td>{g.image ? <img src={giftImageUrl(g.image)!} alt="" width="32" height="32" /> : ""}</td>
                <td colspan="5">
                  <form class="row" method="post" action={`/admin/gifts/${g.id}`} enctype="multipart/form-data">
                    <Csrf ctx={ctx} />
                    <input name="name" required maxlength="40" value={g.name} aria-label={t("gift.name")} />
                    <input name="coins" type="number" min="1" max="1000000" value={String(g.coins)} aria-label={t("gift.coinsLabel")} style="width:7rem" />
                    <TierSelect ctx={ctx} value={g.tier} />
                    <label class="inline"><input type="checkbox" name="active" value="1" checked={g.active} /> <span safe>{t("gift.active")}</span></label>
                    <input name="image" type="file" accept="image/png,image/jpeg,image/webp" aria-label={t("gift.image")} />
                    <button type="submit" safe>{t("gift.save")}</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {gifts.length ? "" : <p class="muted" safe>{t("gift.noneDefined")}</p>}
      </section>
    </Layout>
  );
}
