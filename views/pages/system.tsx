// Admin → System: versions, uptime, disk, database, snapshots, the last log lines and webhook deliveries.
import type { ReqCtx } from "../../server/http/context";
import type { SystemInfo } from "../../server/ops/model";
import type { Delivery } from "../../server/webhooks/model";
import { utcMinute } from "../format";
import { Layout } from "../layout";
import { WebhookLog } from "../partials/webhook-log";

function bytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) (v /= 1024), i++;
  return `${i ? v.toFixed(1) : v} ${units[i]}`;
}

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d ? d + "d " : ""}${h}h ${m}m ${s % 60}s`;
}

export function SystemPage({ ctx, info, logLines, deliveries }: { ctx: ReqCtx; info: SystemInfo; logLines: readonly string[]; deliveries: Delivery[] }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("system.title")}>
      <p><a href="/admin" safe>← {t("admin.title")}</a> · <a href="/admin/webhooks" safe>{t("webhook.title")}</a></p>
      <h1 safe>{t("system.title")}</h1>
      <section class="card">
        <table id="system-facts">
          <tbody>
            <tr><th safe>{t("system.version")}</th><td safe>{`Livehouse ${info.version} (${info.commit}) · Bun ${info.bun} · SQLite ${info.sqlite} · ffmpeg ${info.ffmpeg}`}</td></tr>
            <tr><th safe>{t("system.uptime")}</th><td safe>{`${duration(info.uptimeMs)} (${utcMinute(info.startedAt)} UTC)`}</td></tr>
            <tr><th safe>{t("system.live")}</th><td id="disk-live" safe>{bytes(info.disk.liveBytes)}</td></tr>
            <tr><th safe>{t("system.replays")}</th><td id="disk-replays" safe>{bytes(info.disk.replayBytes)}</td></tr>
            <tr><th safe>{t("system.disk")}</th><td safe>{`${bytes(info.disk.otherMediaBytes)} (covers, images) · ${info.dataDir}`}</td></tr>
            <tr><th safe>{t("system.database")}</th><td id="db-size" safe>{bytes(info.databaseBytes)}</td></tr>
            <tr><th safe>{t("system.wal")}</th><td safe>{bytes(info.walBytes)}</td></tr>
            <tr><th safe>{t("system.backups")}</th><td>{info.snapshots.length ? <ul id="snapshots">{info.snapshots.map((s) => <li safe>{`${s.file} (${bytes(s.bytes)})`}</li>)}</ul> : "–"}</td></tr>
          </tbody>
        </table>
      </section>
      <section class="card">
        <h2 safe>{t("system.log")}</h2>
        <pre id="system-log" safe>{logLines.join("\n")}</pre>
      </section>
      <section class="card">
        <h2 safe>{t("webhook.log")}</h2>
        <WebhookLog ctx={ctx} deliveries={deliveries} />
      </section>
    </Layout>
  );
}
