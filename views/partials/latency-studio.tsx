// The Studio's latency-mode select (standard HLS or LL-HLS), saved with htmx; applies from the next publish.
import type { ReqCtx } from "../../server/http/context";
import { LATENCY_MODES, type LatencyMode, type Room } from "../../server/rooms/model";
import { Csrf } from "../layout";

export function LatencyForm({ ctx, room, instanceDefault, saved, error }: { ctx: ReqCtx; room: Room; instanceDefault: LatencyMode; saved?: boolean; error?: boolean }): JSX.Element {
  const { t } = ctx;
  const action = `/studio/rooms/${room.slug}/latency`;
  return (
    <section class="card" id="latency">
      <h2 safe>{t("latency.title")}</h2>
      <form class="stack" method="post" action={action} hx-post={action} hx-target="#latency" hx-swap="outerHTML">
        <Csrf ctx={ctx} />
        {saved ? <p class="notice" role="status" safe>{t("studio.saved")}</p> : ""}
        {error ? <p class="error" role="alert" safe>{t("latency.invalid")}</p> : ""}
        <label>
          <span safe>{t("latency.mode")}</span>
          <select name="mode" id="latency-mode">
            <option value="default" selected={room.latency === null} safe>{t("latency.default", { mode: t(`latency.${instanceDefault}`) })}</option>
            {LATENCY_MODES.map((m) => <option value={m} selected={room.latency === m} safe>{t(`latency.${m}`)}</option>)}
          </select>
        </label>
        <p class="muted" safe>{t("latency.help")}</p>
        <button type="submit" safe>{t("latency.save")}</button>
      </form>
    </section>
  );
}
