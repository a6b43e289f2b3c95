// The viewer's side of pay-per-view (views/pages/replay-access.tsx): a replay's price and the buy form, linked
// from the replay player when it is refused. Buying goes through buyReplay like the API.
import { Elysia, t } from "elysia";
import { ReplayAccessPage } from "../../views/pages/replay-access";
import type { Deps } from "../deps";
import { contextPlugin, type ReqCtx } from "../http/context";
import { notFoundPage, requireUser } from "../http/guards";
import { html, redirect } from "../http/respond";
import { getReplay } from "../media/storage";
import { getRoomById } from "../rooms/rooms";
import { TICKET_PROVIDERS } from "./model";
import { buyReplay, getReplayPrice, heldPurchase } from "./ppv";
import { providerProblem, type PaidEnv } from "./tickets";

export function ppvRoutes(deps: Deps, env: PaidEnv) {
  const { db } = deps;
  const idParam = { params: t.Object({ id: t.Numeric() }) };

  function page(ctx: ReqCtx, id: number, message?: string, status = 200): Response {
    const b = getReplay(db, id);
    const room = b ? getRoomById(db, b.roomId) : null;
    if (!b || !room) return notFoundPage(ctx);
    const price = getReplayPrice(env.db, id);
    const providers = price ? TICKET_PROVIDERS.filter((p) => providerProblem(env, p, price.currency) === null) : [];
    const held = ctx.user ? heldPurchase(env.db, id, ctx.user.id) : null;
    const owner = !!ctx.user && (ctx.user.id === room.ownerId || ctx.user.role === "admin");
    return html(<ReplayAccessPage ctx={ctx} id={id} roomSlug={room.slug} roomTitle={room.title} price={price} held={held} owner={owner} providers={providers} message={message} />, status);
  }

  return new Elysia({ name: "livehouse.ppv" })
    .use(contextPlugin(deps))
    .get("/replays/:id/access", ({ ctx, params }) => page(ctx, params.id), idParam)
    .post(
      "/replays/:id/access",
      ({ ctx, params, body }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        const r = buyReplay(env, { broadcastId: params.id, userId: me.id, provider: body.provider, idempotencyKey: body.idempotencyKey });
        if (!r.ok) return page(ctx, params.id, r.refusal.message, r.refusal.status);
        if (r.purchase.status === "pending" && r.purchase.provider === "stripe") return redirect(`/replays/purchases/${r.purchase.id}/pay`);
        return redirect(r.purchase.status === "paid" ? `/replays/${params.id}` : `/replays/${params.id}/access`);
      },
      { ...idParam, body: t.Object({ provider: t.String({ maxLength: 20 }), idempotencyKey: t.String({ maxLength: 200 }), _csrf: t.Optional(t.String()) }) },
    );
}
