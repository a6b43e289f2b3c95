import type { ReqCtx } from "../../server/http/context";
import type { HistoryEntry } from "../../server/wallet/model";
import { utcMinute } from "../format";
import { Csrf, Layout } from "../layout";


export function RedeemForm({ ctx, message, ok }: { ctx: ReqCtx; message?: string; ok?: boolean }): JSX.Element {
  const { t } = ctx;
  return (
    <form class="row" id="redeem-form" method="post" action="/wallet/redeem" hx-post="/wallet/redeem" hx-target="this" hx-swap="outerHTML">
      <Csrf ctx={ctx} />
      <input name="code" required maxlength="40" autocomplete="off" placeholder="XXXX-XXXX-XXXX" aria-label={t("redeem.code")} />
      <button type="submit" safe>{t("redeem.submit")}</button>
      {message ? <p class={ok ? "notice" : "error"} role="status" safe>{message}</p> : ""}
    </form>
  );
}

export function WalletPage({ ctx, balance, history, message, ok }: { ctx: ReqCtx; balance: number; history: HistoryEntry[]; message?: string; ok?: boolean }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("wallet.title")}>
      <h1 safe>{t("wallet.title")}</h1>
      <section class="card">
        <p><span class="muted" safe>{t("wallet.balance")}</span> <strong id="wallet-balance" class="big" safe>{String(balance)}</strong> <span safe>{t("wallet.coins")}</span></p>
        <h2 safe>{t("redeem.title")}</h2>
        <RedeemForm ctx={ctx} message={message} ok={ok} />
      </section>
      <section class="card">
        <h2 safe>{t("wallet.history")}</h2>
        {history.length ? (
          <table id="wallet-history">
            <tbody>
              {history.map((h) => (
                <tr>
                  <td><time datetime={new Date(h.createdAt).toISOString()} safe>{utcMinute(h.createdAt)}</time></td>
                  <td safe>{t(`wallet.reason.${h.reason}`)}</td>
                  <td class={h.amount < 0 ? "minus" : "plus"} safe>{h.amount > 0 ? `+${h.amount}` : String(h.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <p class="muted" safe>{t("wallet.empty")}</p>}
      </section>
    </Layout>
  );
}
