import type { AccessToken } from "../../server/accounts/model";
import type { ReqCtx } from "../../server/http/context";
import { Csrf, Layout } from "../layout";
import { utcMinute } from "../format";

export function TokenList({ ctx, tokens, created }: { ctx: ReqCtx; tokens: AccessToken[]; created?: string }): JSX.Element {
  const { t } = ctx;
  return (
    <div id="tokens">
      {created ? (
        <div class="card">
          <p safe>{t("settings.newToken")}</p>
          <p class="secret" id="new-token" safe>{created}</p>
        </div>
      ) : ""}
      {tokens.length === 0 ? <p class="muted" safe>{t("settings.noTokens")}</p> : (
        <table>
          <tbody>
            {tokens.map((tok) => (
              <tr>
                <td safe>{tok.name}</td>
                <td class="muted">
                  <span safe>{`${t("settings.lastUsed")}: ${tok.lastUsedAt ? utcMinute(tok.lastUsedAt) : t("settings.never")}`}</span>
                </td>
                <td>
                  <button hx-post={`/settings/tokens/${tok.id}/revoke`} hx-target="#tokens" hx-swap="outerHTML" safe>{t("settings.revoke")}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function SettingsPage({ ctx, tokens }: { ctx: ReqCtx; tokens: AccessToken[] }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("settings.title")}>
      <h1 safe>{t("settings.title")}</h1>
      <section class="card">
        <h2 safe>{t("settings.tokens")}</h2>
        <p class="muted" safe>{t("settings.tokensIntro")}</p>
        <form class="row" method="post" action="/settings/tokens" hx-post="/settings/tokens" hx-target="#tokens" hx-swap="outerHTML">
          <Csrf ctx={ctx} />
          <input name="name" maxlength="60" placeholder={t("settings.tokenName")} required />
          <button class="primary" type="submit" safe>{t("settings.createToken")}</button>
        </form>
        <TokenList ctx={ctx} tokens={tokens} />
      </section>
      <section class="card" id="my-data">
        <h2 safe>{t("settings.data")}</h2>
        <p class="muted" safe>{t("settings.dataIntro")}</p>
        <div class="row">
          <a class="button" href="/api/v1/me/data" download="livehouse-data.json" safe>{t("settings.dataDownload")}</a>
          <form method="post" action="/settings/data/delete" hx-post="/settings/data/delete" hx-confirm={t("settings.dataDeleteConfirm")} hx-target="this" hx-swap="outerHTML">
            <Csrf ctx={ctx} />
            <button type="submit" class="danger" safe>{t("settings.dataDelete")}</button>
          </form>
        </div>
      </section>
    </Layout>
  );
}
