import type { EarningRow, ReceivedRow } from "../../server/gifts/model";
import type { ReqCtx } from "../../server/http/context";
import { utcMinute } from "../format";
import { Layout } from "../layout";

export interface EarningsProps {
  ctx: ReqCtx;
  balance: number;
  last30: number;
  allTime: number;
  rooms: EarningRow[];
  recent: ReceivedRow[];
}

export function EarningsPage({ ctx, balance, last30, allTime, rooms, recent }: EarningsProps): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("earnings.title")}>
      <p><a href="/studio" safe>← {t("studio.title")}</a></p>
      <h1 safe>{t("earnings.title")}</h1>
      <section class="card">
        <div class="row stats">
          <div><div class="muted" safe>{t("earnings.balance")}</div><strong id="earn-balance" safe>{String(balance)}</strong></div>
          <div><div class="muted" safe>{t("earnings.last30")}</div><strong id="earn-30" safe>{String(last30)}</strong></div>
          <div><div class="muted" safe>{t("earnings.allTime")}</div><strong id="earn-all" safe>{String(allTime)}</strong></div>
        </div>
        <p class="muted" safe>{t("earnings.note")}</p>
      </section>
      <section class="card">
        <h2 safe>{t("earnings.byRoom")}</h2>
        <table>
          <thead><tr><th safe>{t("earnings.room")}</th><th safe>{t("earnings.sends")}</th><th safe>{t("earnings.gross")}</th><th safe>{t("earnings.yours")}</th></tr></thead>
          <tbody>
            {rooms.map((r) => (
              <tr><td><a href={`/r/${r.roomSlug}`} safe>{r.roomTitle}</a></td><td safe>{String(r.sends)}</td><td safe>{String(r.coins)}</td><td safe>{String(r.creatorCoins)}</td></tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="card">
        <h2 safe>{t("earnings.recent")}</h2>
        <table id="earnings-recent">
          <tbody>
            {recent.map((r) => (
              <tr>
                <td><time datetime={new Date(r.createdAt).toISOString()} safe>{utcMinute(r.createdAt)}</time></td>
                <td safe>{r.sender}</td>
                <td safe>{`${r.giftName} ×${r.count}`}</td>
                <td safe>{r.roomTitle}</td>
                <td safe>{`+${r.creatorCoins}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {recent.length ? "" : <p class="muted" safe>{t("gift.noneYet")}</p>}
      </section>
    </Layout>
  );
}
