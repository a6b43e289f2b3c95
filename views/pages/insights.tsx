// Studio → Insights (and Admin → Insights): a period overview and one broadcast, charts as server-drawn SVG.
import type { ReqCtx } from "../../server/http/context";
import type { BroadcastStats, BroadcastSummary, Forecast, Money, PeriodStats, PropensityReport, Totals } from "../../server/insights/model";
import { Layout } from "../layout";
import { utcMinute } from "../format";
import { BarChart, Funnel, LineChart } from "../partials/insights-charts";

export type Fmt = (m: Money) => string;

type MetricKey = BroadcastColumn | "gmv";

/** Sortable columns of the broadcasts table (also the CSV's columns). */
export const BROADCAST_COLUMNS = [
  "startedAt", "minutes", "peakViewers", "avgViewers", "uniqueViewers", "watchSeconds", "chatMessages", "likes", "follows", "giftCoins",
  "productImpressions", "productClicks", "carts", "orders", "paidOrders", "units", "ctr", "cvr",
] as const;
export type BroadcastColumn = (typeof BROADCAST_COLUMNS)[number];

export function columnValue(b: BroadcastSummary, c: BroadcastColumn, now: number): number | null {
  if (c === "minutes") return Math.round(((b.endedAt ?? now) - b.startedAt) / 60_000);
  return b[c];
}

const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 1000) / 10} %`);

function TotalsGrid({ ctx, s, fmt }: { ctx: ReqCtx; s: Totals; fmt: Fmt }): JSX.Element {
  const { t } = ctx;
  const cells: [MetricKey, string][] = [
    ["peakViewers", String(s.peakViewers)], ["avgViewers", String(s.avgViewers)], ["uniqueViewers", String(s.uniqueViewers)],
    ["watchSeconds", `${Math.round(s.watchSeconds / 60)} min`], ["chatMessages", String(s.chatMessages)], ["likes", String(s.likes)],
    ["follows", String(s.follows)], ["giftCoins", String(s.giftCoins)], ["ctr", pct(s.ctr)], ["cvr", pct(s.cvr)],
    ["gmv", s.gmv.length ? s.gmv.map(fmt).join(" · ") : "—"],
  ];
  return (
    <dl class="stats-grid" id="totals">
      {cells.map(([k, v]) => (
        <div class="stat" data-metric={k}>
          <dt safe>{t(`insights.m.${k}`)}</dt>
          <dd safe>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function FunnelOf({ ctx, s }: { ctx: ReqCtx; s: Totals }): JSX.Element {
  const { t } = ctx;
  const rate = (a: number, b: number) => (b === 0 ? "" : `(${pct(a / b)})`);
  return (
    <Funnel steps={[
      { label: t("insights.m.productImpressions"), n: s.productImpressions, rate: "" },
      { label: t("insights.m.productClicks"), n: s.productClicks, rate: rate(s.productClicks, s.productImpressions) },
      { label: t("insights.m.carts"), n: s.carts, rate: rate(s.carts, s.productClicks) },
      { label: t("insights.m.orders"), n: s.orders, rate: rate(s.orders, s.carts) },
      { label: t("insights.m.paidOrders"), n: s.paidOrders, rate: rate(s.paidOrders, s.orders) },
    ]} />
  );
}

export interface PeriodView {
  base: string;
  query: string;
  days: number | null;
  from: string;
  to: string;
  sort: BroadcastColumn;
  dir: "asc" | "desc";
  rooms: { slug: string; title: string }[];
  room: string | null;
  now: number;
}

function PeriodForm({ ctx, v }: { ctx: ReqCtx; v: PeriodView }): JSX.Element {
  const { t } = ctx;
  return (
    <div class="row" id="period">
      {[7, 30, 90].map((d) => (
        <a class={v.days === d ? "button primary" : "button"} href={`${v.base}?days=${d}${v.room ? `&room=${encodeURIComponent(v.room)}` : ""}`} safe>{t("insights.days", { n: d })}</a>
      ))}
      <form class="row" method="get" action={v.base}>
        {v.room ? <input type="hidden" name="room" value={v.room} /> : ""}
        <label><span safe>{t("insights.from")}</span> <input type="date" name="from" value={v.from} /></label>
        <label><span safe>{t("insights.to")}</span> <input type="date" name="to" value={v.to} /></label>
        <button type="submit" safe>{t("insights.apply")}</button>
      </form>
      {v.rooms.length > 1 ? (
        <form class="row" method="get" action={v.base}>
          <input type="hidden" name="from" value={v.from} />
          <input type="hidden" name="to" value={v.to} />
          <select name="room" onchange="this.form.submit()">
            <option value="" safe>{t("insights.allRooms")}</option>
            {v.rooms.map((r) => <option value={r.slug} selected={r.slug === v.room} safe>{r.title}</option>)}
          </select>
          <noscript><button type="submit" safe>{t("insights.apply")}</button></noscript>
        </form>
      ) : ""}
    </div>
  );
}

function BroadcastTable({ ctx, list, v, fmt }: { ctx: ReqCtx; list: BroadcastSummary[]; v: PeriodView; fmt: Fmt }): JSX.Element {
  const { t } = ctx;
  if (!list.length) return <p class="muted" safe>{t("insights.noBroadcasts")}</p>;
  const href = (c: BroadcastColumn) => `${v.base}?${v.query}&sort=${c}&dir=${v.sort === c && v.dir === "desc" ? "asc" : "desc"}`;
  return (
    <div class="table-scroll">
      <table id="broadcasts" class="sortable">
        <thead>
          <tr>
            {BROADCAST_COLUMNS.map((c) => (
              <th aria-sort={v.sort === c ? (v.dir === "asc" ? "ascending" : "descending") : undefined}>
                <a href={href(c)} safe>{t(`insights.m.${c}`)}</a>
              </th>
            ))}
            <th safe>{t("insights.m.gmv")}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((b) => (
            <tr>
              {BROADCAST_COLUMNS.map((c) => c === "startedAt"
                ? <td><a href={`${v.base}/b/${b.broadcastId}`} safe>{utcMinute(b.startedAt)}</a></td>
                : <td safe>{c === "ctr" || c === "cvr" ? pct(b[c]) : String(columnValue(b, c, v.now) ?? "—")}</td>)}
              <td safe>{b.gmv.map(fmt).join(" · ") || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ForecastResult({ ctx, result }: { ctx: ReqCtx; result: Forecast | { error: string } | null }): JSX.Element {
  const { t } = ctx;
  if (!result) return <div id="forecast-result"></div>;
  if ("error" in result) return <div id="forecast-result"><p class="notice" role="status" safe>{result.error}</p></div>;
  return (
    <div id="forecast-result">
      <p class="forecast" role="status" safe>{t("insights.forecast.result", { units: result.units, low: result.low, high: result.high, r2: result.r2, n: result.n })}</p>
    </div>
  );
}

function ForecastForm({ ctx }: { ctx: ReqCtx }): JSX.Element {
  const { t } = ctx;
  return (
    <section class="card" id="forecast">
      <h2 safe>{t("insights.forecast.title")}</h2>
      <p class="muted" safe>{t("insights.forecast.intro")}</p>
      <form class="row" method="get" action="/studio/insights/forecast" hx-get="/studio/insights/forecast" hx-target="#forecast-result" hx-swap="outerHTML">
        <label><span safe>{t("insights.forecast.viewers")}</span> <input type="number" name="viewers" min="0" max="10000000" required /></label>
        <label><span safe>{t("insights.forecast.price")}</span> <input type="number" name="price" min="0" max="100000000" required /></label>
        <label><span safe>{t("insights.forecast.minutes")}</span> <input type="number" name="minutes" min="1" max="1440" required /></label>
        <button class="primary" type="submit" safe>{t("insights.forecast.submit")}</button>
      </form>
      <ForecastResult ctx={ctx} result={null} />
    </section>
  );
}

function Propensity({ ctx, report }: { ctx: ReqCtx; report: PropensityReport }): JSX.Element {
  const { t } = ctx;
  return (
    <section class="card" id="propensity">
      <h2 safe>{t("insights.propensity.title")}</h2>
      <p class="muted" safe>{report.auc === null ? t("insights.propensity.noAuc", { train: report.trainN, test: report.testN }) : t("insights.propensity.auc", { auc: report.auc, train: report.trainN, test: report.testN })}</p>
      {report.scores.length ? (
        <table id="propensity-table">
          <tbody>{report.scores.map((s) => <tr><td safe>{s.title}</td><td safe>{pct(s.score)}</td></tr>)}</tbody>
        </table>
      ) : ""}
    </section>
  );
}

export function InsightsPeriodPage({ ctx, title, stats, v, fmt, propensity, forecast }: {
  ctx: ReqCtx; title: string; stats: PeriodStats; v: PeriodView; fmt: Fmt; propensity: PropensityReport | null; forecast: boolean;
}): JSX.Element {
  const { t } = ctx;
  const csv = (table: string) => `${v.base}/export.csv?${v.query}&table=${table}`;
  return (
    <Layout ctx={ctx} title={title}>
      <h1 safe>{title}</h1>
      <PeriodForm ctx={ctx} v={v} />
      <p class="muted" safe>{`${utcMinute(stats.from)} — ${utcMinute(stats.to)} UTC`}</p>
      <section class="card">
        <h2 safe>{t("insights.totals")}</h2>
        <TotalsGrid ctx={ctx} s={stats} fmt={fmt} />
        <FunnelOf ctx={ctx} s={stats} />
        <p safe>{t("insights.audience", { fresh: stats.newViewers, returning: stats.returningViewers })}</p>
      </section>
      <section class="card">
        <h2 class="row"><span safe>{t("insights.broadcasts")}</span> <a class="button" href={csv("broadcasts")}>CSV</a></h2>
        <BroadcastTable ctx={ctx} list={stats.broadcasts} v={v} fmt={fmt} />
      </section>
      <section class="card">
        <h2 class="row"><span safe>{t("insights.bestHours")}</span> <a class="button" href={csv("hours")}>CSV</a></h2>
        <BarChart id="hours-chart" label={t("insights.bestHours")} bars={stats.hours.map((h) => ({
          label: String(h.hour).padStart(2, "0"), v: h.avgViewers, title: t("insights.hourTitle", { hour: h.hour, minutes: h.liveMinutes, viewers: h.avgViewers, paid: h.paidOrders }),
        }))} />
      </section>
      {propensity ? <Propensity ctx={ctx} report={propensity} /> : ""}
      {forecast ? <ForecastForm ctx={ctx} /> : ""}
    </Layout>
  );
}

export function InsightsBroadcastPage({ ctx, stats, roomTitle, base, fmt }: { ctx: ReqCtx; stats: BroadcastStats; roomTitle: string; base: string; fmt: Fmt }): JSX.Element {
  const { t } = ctx;
  const csv = (table: string) => `${base}/b/${stats.broadcastId}/export.csv?table=${table}`;
  return (
    <Layout ctx={ctx} title={t("insights.broadcastTitle", { room: roomTitle })}>
      <p><a href={base} safe>{`← ${t("insights.title")}`}</a></p>
      <h1 safe>{t("insights.broadcastTitle", { room: roomTitle })}</h1>
      <p class="muted" safe>{`${utcMinute(stats.startedAt)} — ${stats.endedAt ? utcMinute(stats.endedAt) : t("insights.stillLive")} UTC`}</p>
      <section class="card">
        <h2 class="row"><span safe>{t("insights.viewersChart")}</span> <a class="button" href={csv("timeline")}>CSV</a></h2>
        <LineChart id="viewers-chart" label={t("insights.viewersChart")} points={stats.timeline.map((p) => ({ t: p.t, v: p.viewers }))}
          markers={stats.pins.map((p) => ({ t: p.t, label: t("insights.pinned", { title: p.title }) }))} />
        {stats.pins.length ? (
          <ul class="pins" id="pin-list">{stats.pins.map((p) => <li safe>{`${utcMinute(p.t)} ${t("insights.pinned", { title: p.title })}`}</li>)}</ul>
        ) : ""}
      </section>
      <section class="card">
        <h2 safe>{t("insights.totals")}</h2>
        <TotalsGrid ctx={ctx} s={stats} fmt={fmt} />
        <p class="muted" safe>{t("insights.watchDetail", { avg: stats.avgWatchSeconds ?? 0, chat: stats.chatPerMinute })}</p>
      </section>
      <section class="card">
        <h2 class="row"><span safe>{t("insights.funnel")}</span> <a class="button" href={csv("funnel")}>CSV</a></h2>
        <FunnelOf ctx={ctx} s={stats} />
      </section>
      <section class="card">
        <h2 class="row"><span safe>{t("insights.retention")}</span> <a class="button" href={csv("retention")}>CSV</a></h2>
        <BarChart id="retention-chart" label={t("insights.retention")} bars={stats.retention.map((r) => ({
          label: `${r.minutes}′`, v: r.viewers, title: t("insights.stillWatching", { n: r.minutes, viewers: r.viewers }),
        }))} />
      </section>
      <section class="card">
        <h2 class="row"><span safe>{t("insights.topGifters")}</span> <a class="button" href={csv("gifters")}>CSV</a></h2>
        {stats.topGifters.length ? (
          <ol id="top-gifters">{stats.topGifters.map((g) => <li><span safe>{g.name}</span> <span class="muted" safe>{`${g.coins}`}</span></li>)}</ol>
        ) : <p class="muted">—</p>}
      </section>
      <section class="card">
        <h2 class="row"><span safe>{t("insights.revenue")}</span> <a class="button" href={csv("revenue")}>CSV</a></h2>
        <table id="revenue">
          <tbody>
            <tr><td safe>{t("insights.m.giftCoins")}</td><td safe>{String(stats.giftCoins)}</td></tr>
            {stats.revenue.map((r) => <tr><td safe>{t(`insights.kind.${r.kind}`)}</td><td safe>{`${fmt(r)} (${r.count})`}</td></tr>)}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}
