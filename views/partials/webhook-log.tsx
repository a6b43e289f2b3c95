// The webhook delivery log: shared by Admin → Webhooks and Admin → System.
import type { ReqCtx } from "../../server/http/context";
import type { Delivery } from "../../server/webhooks/model";
import { utcMinute } from "../format";

export function WebhookLog({ ctx, deliveries }: { ctx: ReqCtx; deliveries: Delivery[] }): JSX.Element {
  const { t } = ctx;
  if (!deliveries.length) return <p id="webhook-log" class="muted" safe>{t("webhook.logEmpty")}</p>;
  return (
    <table id="webhook-log">
      <thead>
        <tr><th safe>{t("webhook.when")}</th><th safe>{t("webhook.event")}</th><th safe>{t("webhook.url")}</th><th safe>{t("webhook.status")}</th><th safe>{t("webhook.attempts")}</th><th safe>{t("webhook.lastResult")}</th></tr>
      </thead>
      <tbody>
        {deliveries.map((d) => (
          <tr data-status={d.status}>
            <td safe>{utcMinute(d.createdAt)}</td>
            <td><code safe>{d.eventType}</code> <small safe>{d.eventId}</small></td>
            <td safe>{d.url}</td>
            <td safe>{t(`webhook.status.${d.status}`)}</td>
            <td safe>{String(d.attempts)}</td>
            <td safe>{d.lastStatus !== null ? `HTTP ${d.lastStatus}` : d.lastError ?? "–"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
