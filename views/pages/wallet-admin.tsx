import type { ReqCtx } from "../../server/http/context";
import type { CodeRow, LedgerCheck, LedgerSummary } from "../../server/wallet/model";
import { Csrf, Layout } from "../layout";

export interface WalletAdminProps {
  ctx: ReqCtx;
  codes: CodeRow[];
  summary: LedgerSummary;
  /** Only when asked for: the check reads every entry, and SQLite calls block the server while they run. */
  check: LedgerCheck | null;
  message?: string;
  ok?: boolean;
  created?: string[];
}

export function WalletAdminPage({ ctx, codes, summary, check, message, ok, created = [] }: WalletAdminProps): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("wallet.admin")}>
      <p><a href="/admin" safe>← {t("admin.title")}</a> · <a href="/admin/gifts" safe>{t("gift.admin")}</a></p>
      <h1 safe>{t("wallet.admin")}</h1>
      {message ? <p class={ok ? "notice" : "error"} role="status" id="admin-wallet-msg" safe>{message}</p> : ""}
      <section class="card" id="ledger">
        <div class="row stats">
          <div><div class="muted" safe>{t("wallet.issued")}</div><strong safe>{String(summary.issued)}</strong></div>
          <div><div class="muted" safe>{t("wallet.inWallets")}</div><strong safe>{String(summary.inWallets)}</strong></div>
          <div><div class="muted" safe>{t("wallet.platform")}</div><strong safe>{String(summary.platform)}</strong></div>
        </div>
        {!check ? <p><a class="button" href="/admin/wallet?check=1" id="ledger-check" safe>{t("wallet.checkLedger")}</a></p>
          : check.ok ? <p class="notice" id="ledger-ok" safe>{t("wallet.ledgerOk")}</p> : (
          <>
            <p class="error" role="alert" safe>{t("wallet.ledgerBroken")}</p>
            <ul>{check.problems.map((p) => <li safe>{p}</li>)}</ul>
          </>
        )}
      </section>
      <section class="card">
        <h2 safe>{t("wallet.credit")}</h2>
        <form class="row" method="post" action="/admin/wallet/credit" id="credit-form">
          <Csrf ctx={ctx} />
          {/* One key per rendered form: submitting it twice (reload, double click) credits once. */}
          <input type="hidden" name="key" value={crypto.randomUUID()} />
          <input name="username" required maxlength="64" placeholder={t("wallet.username")} aria-label={t("wallet.username")} />
          <input name="coins" type="number" min="1" required placeholder={t("wallet.coins")} aria-label={t("wallet.coins")} style="width:8rem" />
          <button class="primary" type="submit" safe>{t("wallet.creditSubmit")}</button>
        </form>
      </section>
      <section class="card">
        <h2 safe>{t("redeem.admin")}</h2>
        <form class="row" method="post" action="/admin/wallet/codes" id="codes-form">
          <Csrf ctx={ctx} />
          <label><span safe>{t("wallet.coins")}</span><input name="coins" type="number" min="1" required style="width:7rem" /></label>
          <label><span safe>{t("redeem.uses")}</span><input name="maxUses" type="number" min="1" value="1" style="width:6rem" /></label>
          <label><span safe>{t("redeem.count")}</span><input name="count" type="number" min="1" max="100" value="1" style="width:6rem" /></label>
          <label><span safe>{t("redeem.expiresDays")}</span><input name="expiresDays" type="number" min="1" max="3650" style="width:6rem" /></label>
          <label><span safe>{t("redeem.note")}</span><input name="note" maxlength="100" /></label>
          <button type="submit" safe>{t("redeem.create")}</button>
        </form>
        {created.length ? <pre class="secret" id="new-codes" safe>{created.join("\n")}</pre> : ""}
        <table id="codes">
          <tbody>
            {codes.map((c) => (
              <tr>
                <td class="secret" safe>{c.code}</td><td safe>{String(c.coins)}</td><td safe>{`${c.uses} / ${c.maxUses}`}</td><td safe>{c.note}</td>
                <td class="muted" safe>{c.expiresAt === null ? "" : t("redeem.expires", { date: new Date(c.expiresAt).toISOString().slice(0, 10) })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}
