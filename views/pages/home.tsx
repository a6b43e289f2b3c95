import type { Room } from "../../server/rooms/model";
import type { ReqCtx } from "../../server/http/context";
import { Layout } from "../layout";
import { RoomCard } from "../partials/room-card";

export function HomePage({ ctx, rooms }: { ctx: ReqCtx; rooms: Room[] }): JSX.Element {
  const { t } = ctx;
  const live = rooms.filter((r) => r.liveSince);
  const rest = rooms.filter((r) => !r.liveSince);
  return (
    <Layout ctx={ctx} title={t("nav.home")}>
      <div id="for-you" hx-get="/insights/for-you" hx-trigger="load" hx-swap="outerHTML"></div>
      {live.length ? (
        <section>
          <h2 safe>{t("home.live")}</h2>
          <div class="grid">{live.map((room) => <RoomCard ctx={ctx} room={room} />)}</div>
        </section>
      ) : ""}
      <section>
        <h2 safe>{t("home.rooms")}</h2>
        {rest.length ? <div class="grid">{rest.map((room) => <RoomCard ctx={ctx} room={room} />)}</div> : live.length ? "" : <p class="muted" safe>{t("home.empty")}</p>}
      </section>
    </Layout>
  );
}
