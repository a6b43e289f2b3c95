// Thin HTTP adapters for gifts: catalogue API, sending, the room's gift bar and board, the creator's goal and
// earnings, the admin catalogue, and gift images.
import { Elysia, t } from "elysia";
import { GiftsAdminPage } from "../../views/pages/gifts-admin";
import { EarningsPage } from "../../views/pages/wallet-earnings";
import { GiftBar, GoalBar, TopGifters } from "../../views/partials/gift-room";
import { GoalForm } from "../../views/partials/gift-studio";
import { isCreator, type User } from "../accounts/model";
import type { Room } from "../rooms/model";
import { forbidden, managedRoom, notFoundPage, requireAdmin, requireUser } from "../http/guards";
import { bannedFrom } from "../chat/chat";
import { contextPlugin } from "../http/context";
import type { Deps } from "../deps";
import { createRateLimiter } from "../lib/rate-limit";
import { fragment, html, json, jsonError, redirect } from "../http/respond";
import { serveStored } from "../http/uploads";
import * as rooms from "../rooms/rooms";

import { getBalance, receivedSince } from "../wallet/wallet";
import { createComboCounter } from "./combo";
import { publishGift, publishGoal } from "./events";
import * as gifts from "./gifts";
import { checkGiftImage, GIFT_IMAGE_NAME, giftImagesDir, saveGiftImage } from "./images";
import { giftImageUrl, type FieldError, type Gift } from "./model";

const giftForm = t.Object({
  name: t.String({ maxLength: 200 }),
  coins: t.String({ maxLength: 12 }),
  tier: t.Optional(t.String({ maxLength: 2 })),
  active: t.Optional(t.String()),
  image: t.Optional(t.Any()),
  _csrf: t.Optional(t.String()),
});

function giftJson(g: Gift) {
  return { id: g.id, name: g.name, coins: g.coins, tier: g.tier, image: giftImageUrl(g.image) };
}

export function giftsRoutes(deps: Deps & { canWatch: (room: Room, user: User | null) => boolean }) {
  const { moneyDb: db, config } = deps;
  const limiter = createRateLimiter({ max: config.giftRatePerMinute, windowMs: 60_000 }, { cluster: deps.cluster, name: "gifts" });
  const combos = createComboCounter();

  /** Parses the admin form; returns the values or field errors (image checked by its bytes). */
  async function readGiftForm(body: typeof giftForm.static): Promise<{ input: gifts.SaveGiftInput; errors: FieldError[] }> {
    const coins = /^\d{1,9}$/.test(body.coins.trim()) ? Number(body.coins) : NaN;
    const input: gifts.SaveGiftInput = { name: body.name, coins, tier: body.tier ? Number(body.tier) : undefined, active: body.active === "1" };
    const errors = gifts.validateGift(input);
    const file = body.image instanceof Blob && body.image.size > 0 ? body.image : null;
    if (file) {
      const img = await checkGiftImage(file);
      if (img.ok) input.image = await saveGiftImage(config.dataDir, img);
      else errors.push({ field: "image", message: img.message });
    }
    return { input, errors };
  }

  return new Elysia({ name: "livehouse.gifts" })
    .use(contextPlugin(deps))
    .get("/api/v1/gifts", () => json({ gifts: gifts.listGifts(db, true).map(giftJson) }))
    .post(
      "/api/v1/rooms/:slug/gifts",
      ({ ctx, params, body }) => {
        if (!ctx.user) return jsonError(401, "sign in or send a bearer token to send gifts");
        if (!body.idempotencyKey) return jsonError(422, "idempotencyKey is required: a unique string per send, reused only to retry that send");
        const room = rooms.getRoomBySlug(deps.db, params.slug);
        if (!room) return jsonError(404, `no room "${params.slug}"`);
        if (bannedFrom(deps.db, room.id, ctx.user.id, ctx.ip, deps.now())) return jsonError(403, "you are banned from this room");
        if (!deps.canWatch(room, ctx.user)) return jsonError(403, "only viewers with access to this room can send gifts");
        const wait = limiter.hit(String(ctx.user.id), deps.now());
        if (wait > 0) return json({ error: `too many gifts: try again in ${wait} s`, retryAfter: wait }, 429, { "retry-after": String(wait) });
        const r = gifts.sendGift(db, {
          sender: ctx.user, room, giftId: body.giftId, count: body.count ?? 1, idempotencyKey: body.idempotencyKey,
          creatorSharePercent: config.giftCreatorSharePercent,
        }, deps.now());
        if (!r.ok) {
          if (r.error === "invalid") return jsonError(422, r.message);
          if (r.error === "gift_not_found") return jsonError(404, `no gift ${body.giftId}`);
          if (r.error === "conflict") return jsonError(409, "this idempotencyKey was already used for a different request");
          const price = r.gift!.coins * (body.count ?? 1);
          const balance = getBalance(db, ctx.user.id);
          return json({ error: `not enough coins: this costs ${price} coins and your balance is ${balance}`, price, balance }, 402);
        }
        if (!r.replay) {
          const combo = combos.hit(`${room.id}:${ctx.user.id}:${r.gift.id}`, r.send.count, deps.now());
          publishGift(db, deps.bus, { room, sender: ctx.user, gift: r.gift, send: r.send, combo });
        }
        return json({
          id: r.send.id, gift: giftJson(r.gift), count: r.send.count, coins: r.send.coins, balance: r.balance, replay: r.replay,
        }, 201);
      },
      { body: t.Object({ giftId: t.Integer({ minimum: 1 }), count: t.Optional(t.Integer()), idempotencyKey: t.Optional(t.String({ maxLength: 200 })) }) },
    )
    .get("/gifts/img/:file", ({ params }) => serveStored(giftImagesDir(config.dataDir), params.file, GIFT_IMAGE_NAME))
    // Room page pieces, loaded by the room page (hx-trigger="load") so the room view stays the rooms domain's.
    .get("/r/:slug/gifts/bar", ({ ctx, params }) => {
      const room = rooms.getRoomBySlug(deps.db, params.slug);
      if (!room) return fragment("", 404);
      const balance = ctx.user ? getBalance(db, ctx.user.id) : null;
      return fragment(<GiftBar t={ctx.t} slug={room.slug} gifts={gifts.listGifts(db, true)} balance={balance} signedIn={!!ctx.user} />);
    })
    .get("/r/:slug/gifts/side", ({ ctx, params }) => {
      const room = rooms.getRoomBySlug(deps.db, params.slug);
      if (!room) return fragment("", 404);
      return fragment(
        <div id="gift-side">
          <GoalBar t={ctx.t} goal={gifts.goalFor(db, room.id)} />
          <TopGifters t={ctx.t} top={gifts.board(db, room)} />
        </div>,
      );
    })
    .get("/studio/rooms/:slug/goal", ({ ctx, params }) => {
      const room = managedRoom(deps.db, ctx, params.slug);
      if (room instanceof Response) return room;
      return fragment(<GoalForm ctx={ctx} room={room} goal={gifts.goalFor(db, room.id)} />);
    })
    .post(
      "/studio/rooms/:slug/goal",
      ({ ctx, params, body }) => {
        const room = managedRoom(deps.db, ctx, params.slug);
        if (room instanceof Response) return room;
        const target = /^\d{1,10}$/.test(body.target.trim()) ? Number(body.target) : NaN;
        const r = gifts.setGoal(db, room.id, { title: body.title ?? "", target }, deps.now());
        if (!r.ok) return fragment(<GoalForm ctx={ctx} room={room} goal={gifts.goalFor(db, room.id)} errors={r.errors} />, 422);
        publishGoal(deps.bus, room.id, r.value);
        return ctx.isHtmx ? fragment(<GoalForm ctx={ctx} room={room} goal={r.value} saved />) : redirect(`/studio/rooms/${room.slug}`);
      },
      { body: t.Object({ title: t.Optional(t.String({ maxLength: 200 })), target: t.String({ maxLength: 20 }), _csrf: t.Optional(t.String()) }) },
    )
    .get("/studio/earnings", ({ ctx }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      if (!isCreator(ctx.user)) return forbidden(ctx);
      const now = deps.now();
      const uid = ctx.user.id;
      return html(
        <EarningsPage
          ctx={ctx} balance={getBalance(db, uid)} last30={receivedSince(db, uid, "gift", now - 30 * 86_400_000)} allTime={receivedSince(db, uid, "gift", 0)}
          rooms={gifts.earningsByRoom(db, uid, 0)} recent={gifts.recentReceived(db, uid, 50)}
        />,
      );
    })
    .get("/admin/gifts", ({ ctx }) => {
      const me = requireAdmin(ctx);
      return me instanceof Response ? me : html(<GiftsAdminPage ctx={ctx} gifts={gifts.listGifts(db, false)} />);
    })
    .post(
      "/admin/gifts",
      async ({ ctx, body }) => {
        const me = requireAdmin(ctx);
        if (me instanceof Response) return me;
        const { input, errors } = await readGiftForm(body);
        const r = errors.length ? null : gifts.createGift(db, input, deps.now());
        if (!r?.ok) return html(<GiftsAdminPage ctx={ctx} gifts={gifts.listGifts(db, false)} errors={r && !r.ok ? r.errors : errors} values={{ name: body.name, coins: body.coins }} />, 422);
        return redirect("/admin/gifts");
      },
      { body: giftForm },
    )
    .post(
      "/admin/gifts/:id",
      async ({ ctx, params, body }) => {
        const me = requireAdmin(ctx);
        if (me instanceof Response) return me;
        const gift = gifts.getGift(db, params.id);
        if (!gift) return notFoundPage(ctx);
        const { input, errors } = await readGiftForm(body);
        const r = errors.length ? null : gifts.editGift(db, gift, input);
        if (!r?.ok) return html(<GiftsAdminPage ctx={ctx} gifts={gifts.listGifts(db, false)} errors={r && !r.ok ? r.errors : errors} />, 422);
        return redirect("/admin/gifts");
      },
      { params: t.Object({ id: t.Numeric() }), body: giftForm },
    );
}
