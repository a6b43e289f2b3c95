// How a viewer gets a replay they cannot watch: its pay-per-view price and the buy form, or its room's paywall.
import type { PayProvider, ReplayPurchase } from "../../server/classes/model";
import type { ReqCtx } from "../../server/http/context";
import { formatMoney } from "../../server/shop/model";
import { Csrf, Layout } from "../layout";

export interface ReplayAccessProps {
  ctx: ReqCtx;
  id: number;
  roomSlug: string;
  roomTitle: string;
  price: { priceMinor: number; currency: string } | null;
  held: ReplayPurchase | null;
  owner: boolean;
  providers: readonly PayProvider[];
  message?: string;
}

export function ReplayAccessPage({ ctx, id, roomSlug, roomTitle, price, held, owner, providers, message }: ReplayAccessProps): JSX.Element {
  const { t } = ctx;
  const watch = <a class="button" href={`/replays/${id}`} safe>{t("replays.buy.watch")}</a>;
  return (
    <Layout ctx={ctx} title={`${t("replays.buy.title")} · ${roomTitle}`}>
      <h1 safe>{`${t("replays.buy.title")} · ${roomTitle}`}</h1>
      {message ? <p class="flash" role="alert" safe>{message}</p> : ""}
      <section class="card" id="replay-access">
        {owner || held?.status === "paid" ? (
          <p><span safe>{t("replays.buy.owned")}</span> {watch}</p>
        ) : held ? (
          <p safe>{t("replays.buy.pending")}</p>
        ) : price ? (
          <>
            <p safe>{t("replays.buy.price", { price: formatMoney(price.priceMinor, price.currency) })}</p>
            {ctx.user ? (
              <form method="post" action={`/replays/${id}/access`} id="replay-buy">
                <Csrf ctx={ctx} />
                <input type="hidden" name="idempotencyKey" value={`web-${crypto.randomUUID()}`} />
                <label><span safe>{t("classes.provider")}</span>
                  <select name="provider">{providers.map((p) => <option value={p} safe>{t(`shop.provider.${p}`)}</option>)}</select>
                </label>
                <button type="submit" safe>{t("replays.buy.buy")}</button>
              </form>
            ) : (
              <p><a class="button" href={`/login?next=${encodeURIComponent(`/replays/${id}/access`)}`} safe>{t("access.paywall.login")}</a></p>
            )}
          </>
        ) : (
          <p><span safe>{t("replays.buy.follows")}</span> <a href={`/r/${roomSlug}`} safe>{t("replays.buy.room")}</a></p>
        )}
      </section>
    </Layout>
  );
}
