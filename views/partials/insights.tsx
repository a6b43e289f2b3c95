// Public recommendation fragments, mounted with hx-get by the product page, the shop bag, the room and home pages.
import type { ReqCtx } from "../../server/http/context";
import type { BoughtTogether, SimilarReason, SimilarRoom } from "../../server/insights/model";

export function BoughtTogetherList({ ctx, items }: { ctx: ReqCtx; items: BoughtTogether[] }): JSX.Element {
  if (!items.length) return <div class="bought-together empty"></div>;
  return (
    <section class="bought-together">
      <h3 safe>{ctx.t("insights.boughtTogether")}</h3>
      <ul>
        {items.map((i) => (
          <li data-product={String(i.productId)}>
            <a href={`/shop/p/${i.productId}`} safe>{i.title}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function reasonText(ctx: ReqCtx, r: SimilarReason): string {
  if (r.kind === "coviewing") return ctx.t("insights.reason.coviewing", { shared: r.shared, room: r.room });
  if (r.kind === "watched") return ctx.t("insights.reason.watched", { room: r.room });
  return ctx.t("insights.reason.popular", { category: ctx.t(`category.${r.category}`) });
}

export function SimilarRoomsList({ ctx, rooms }: { ctx: ReqCtx; rooms: SimilarRoom[] }): JSX.Element {
  if (!rooms.length) return <div class="similar-rooms empty"></div>;
  return (
    <section class="similar-rooms">
      <h3 safe>{ctx.t("insights.similar")}</h3>
      <ul>
        {rooms.map((r) => (
          <li data-room={r.slug}>
            <a href={`/r/${r.slug}`} safe>{r.title}</a>
            {r.live ? <span class="badge live" safe>{ctx.t("insights.live")}</span> : ""}
            <span class="muted reason" safe>{reasonText(ctx, r.reason)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
