import type { ReqCtx } from "../../server/http/context";
import { WEBHOOK_EVENTS, type Delivery, type Webhook } from "../../server/webhooks/model";
import { Csrf, Layout } from "../layout";
import { WebhookLog } from "../partials/webhook-log";

export interface WebhooksAdminProps {
  ctx: ReqCtx;
  webhooks: Webhook[];
  deliveries: Delivery[];
  /** Shown once, right after creation. */
  created?: { id: number; secret: string };
  error?: string;
  notice?: string;
}

export function WebhooksAdminPage({ ctx, webhooks, deliveries, created, error, notice }: WebhooksAdminProps): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("webhook.title")}>
      <p><a href="/admin" safe>← {t("admin.title")}</a> · <a href="/admin/system" safe>{t("system.title")}</a></p>
      <h1 safe>{t("webhook.title")}</h1>
      {created ? (
        <p class="card notice" id="webhook-secret" role="status">
          <span safe>{t("webhook.secretOnce")}</span> <code safe>{created.secret}</code>
        </p>
      ) : ""}
      {notice ? <p class="notice" role="status" safe>{notice}</p> : ""}
      {error ? <p class="error" role="alert" safe>{error}</p> : ""}
      <section class="card">
        <h2 safe>{t("webhook.new")}</h2>
        <form class="stack" id="new-webhook-form" method="post" action="/admin/webhooks">
          <Csrf ctx={ctx} />
          <label><span safe>{t("webhook.url")}</span><input name="url" type="url" required maxlength="2000" placeholder="https://example.com/hooks/livehouse" /></label>
          <fieldset>
            <legend safe>{t("webhook.events")}</legend>
            {WEBHOOK_EVENTS.map((e) => (
              <label class="row"><input type="checkbox" name={`event:${e}`} value="1" checked={e === "room.live" || e === "room.offline"} /> <code>{e}</code></label>
            ))}
          </fieldset>
          <button class="primary" type="submit" safe>{t("webhook.create")}</button>
        </form>
      </section>
      <section class="card">
        <h2 safe>{t("webhook.list")}</h2>
        <table id="webhooks">
          <tbody>
            {webhooks.map((w) => (
              <tr id={`webhook-${w.id}`}>
                <td safe>{w.url}</td>
                <td safe>{w.events.join(", ")}</td>
                <td><code safe>{`${w.secret.slice(0, 10)}…`}</code></td>
                <td>
                  <form method="post" action={`/admin/webhooks/${w.id}/test`}><Csrf ctx={ctx} /><button type="submit" safe>{t("webhook.sendTest")}</button></form>
                  <form method="post" action={`/admin/webhooks/${w.id}/delete`}><Csrf ctx={ctx} /><button type="submit" safe>{t("webhook.delete")}</button></form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="card">
        <h2 safe>{t("webhook.log")}</h2>
        <WebhookLog ctx={ctx} deliveries={deliveries} />
      </section>
    </Layout>
  );
}
