// Membership pages: a creator's tiers (join, cancel), "my memberships", the studio's tiers and members, and the
// paid-revenue table mounted in the earnings page.
import type { ReqCtx } from "../../server/http/context";
import type { RevenueRow } from "../../server/classes/model";
import type { Membership, Tier } from "../../server/memberships/model";
import { formatMoney } from "../../server/shop/model";
import { Layout } from "../layout";

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function status(ctx: ReqCtx, m: Membership, now: number): string {
  if (m.status === "expired" || m.periodEnd <= now) return ctx.t("memberships.expired");
  return m.status === "cancelled" ? ctx.t("memberships.cancelledUntil", { date: day(m.periodEnd) }) : ctx.t("memberships.activeUntil", { date: day(m.periodEnd) });
}

export function CreatorMembershipsPage({ ctx, creator, tiers, mine, now, message }: { ctx: ReqCtx; creator: string; tiers: readonly Tier[]; mine: Membership | null; now: number; message?: string }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={`${t("memberships.title")} · ${creator}`}>
      <h1 safe>{`${t("memberships.title")} · ${creator}`}</h1>
      {message ? <p class="flash" role="status" safe>{message}</p> : ""}
      {mine ? (
        <section class="card" id="my-membership">
          <p><strong safe>{mine.tierName}</strong> <span safe>{mine.badge}</span> · <span safe>{status(ctx, mine, now)}</span></p>
          {mine.status === "active" ? (
            <form method="post" action={`/c/${creator}/memberships/cancel`}>
              <input type="hidden" name="_csrf" value={ctx.csrf} />
              <button type="submit" safe>{t("memberships.cancel")}</button>
            </form>
          ) : ""}
        </section>
      ) : ""}
      <ul class="tiers" id="tiers">
        {tiers.map((tr) => (
          <li class="card">
            <h2><span safe>{tr.badge}</span> <span safe>{tr.name}</span></h2>
            <p safe>{t("memberships.perMonth", { price: formatMoney(tr.priceMinor, tr.currency) })}</p>
            {tr.perks ? <p style="white-space:pre-wrap" safe>{tr.perks}</p> : ""}
            {ctx.user && ctx.user.username !== creator ? (
              <form method="post" action={`/c/${creator}/memberships`}>
                <input type="hidden" name="_csrf" value={ctx.csrf} />
                <input type="hidden" name="tierId" value={String(tr.id)} />
                <input type="hidden" name="idempotencyKey" value={`web-${crypto.randomUUID()}`} />
                <input type="hidden" name="provider" value={tr.currency === "COIN" ? "wallet" : "manual"} />
                {tr.currency === "COIN" ? <label><input type="checkbox" name="autoRenew" value="1" /> <span safe>{t("memberships.autoRenew")}</span></label> : ""}
                <button type="submit" safe>{t("memberships.join")}</button>
              </form>
            ) : ""}
          </li>
        ))}
      </ul>
      {tiers.length ? "" : <p class="muted" safe>{t("memberships.none")}</p>}
    </Layout>
  );
}

export function MyMembershipsPage({ ctx, memberships, now, creators }: { ctx: ReqCtx; memberships: readonly Membership[]; now: number; creators: ReadonlyMap<number, string> }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("memberships.mine")}>
      <h1 safe>{t("memberships.mine")}</h1>
      <ul id="memberships">
        {memberships.map((m) => (
          <li><a href={`/c/${creators.get(m.creatorId) ?? ""}/memberships`} safe>{`${m.badge} ${m.tierName}`}</a> · <span safe>{status(ctx, m, now)}</span></li>
        ))}
      </ul>
      {memberships.length ? "" : <p class="muted" safe>{t("memberships.mineEmpty")}</p>}
    </Layout>
  );
}

export function PaidEarnings({ ctx, rows, share }: { ctx: ReqCtx; rows: readonly RevenueRow[]; share: number }): JSX.Element {
  const { t } = ctx;
  return (
    <section class="card" id="paid-earnings">
      <h2 safe>{t("earnings.paid")}</h2>
      <p class="muted" safe>{t("earnings.paidNote", { share })}</p>
      <table>
        <thead><tr><th safe>{t("earnings.kind")}</th><th safe>{t("earnings.count")}</th><th safe>{t("earnings.gross")}</th><th safe>{t("earnings.yours")}</th><th safe>{t("earnings.platform")}</th></tr></thead>
        <tbody>
          {rows.map((r) => {
            const mine = Math.floor((r.grossMinor * share) / 100);
            return (
              <tr data-kind={r.kind} data-currency={r.currency}>
                <td safe>{t(`earnings.kind.${r.kind}`)}</td><td safe>{String(r.count)}</td><td safe>{formatMoney(r.grossMinor, r.currency)}</td>
                <td safe>{formatMoney(mine, r.currency)}</td><td safe>{formatMoney(r.grossMinor - mine, r.currency)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
