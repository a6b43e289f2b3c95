// Thin HTTP adapters for chat: the room's chat panel, the bot API (post, moderate, like, follow), chat replay,
// emote images and the Studio chat settings page.
import { Elysia, t } from "elysia";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { ChatPanel, FollowButton, ReplayChat } from "../../views/partials/chat";
import { ChatSettingsPage, type ChatSettingsData } from "../../views/partials/chat-settings";

import { randomToken } from "../accounts/secrets";
import { managedRoom, notFoundPage, requireUser } from "../http/guards";
import type { User } from "../accounts/model";
import { contextPlugin, type ReqCtx } from "../http/context";
import type { Deps } from "../deps";
import { fragment, html, json, jsonError, redirect } from "../http/respond";
import { serveStored } from "../http/uploads";
import type { Room } from "../rooms/model";
import * as rooms from "../rooms/rooms";

import type { Chat } from "./chat";
import { EMOTE_FILE, emotesDir, saveEmoteFile } from "./emotes";
import type { MessageKey } from "../i18n";
import { COMMAND_NAME, EMOTE_NAME, type ModAction, type NoticeCode } from "./model";
import * as store from "./storage";

/** Lines rendered beside a replay; a longer chat shows its first part. */
const REPLAY_CHAT_LIMIT = 3000;

const modBody = t.Union([
  t.Object({ action: t.Literal("delete"), messageId: t.Integer({ minimum: 1 }) }),
  t.Object({ action: t.Literal("timeout"), username: t.String({ maxLength: 64 }), minutes: t.Integer({ minimum: 1, maximum: 10_080 }) }),
  t.Object({ action: t.Literal("ban"), username: t.String({ maxLength: 64 }), ip: t.Optional(t.Boolean()) }),
  t.Object({ action: t.Literal("unban"), username: t.String({ maxLength: 64 }) }),
  t.Object({ action: t.Literal("slow"), seconds: t.Integer({ minimum: 0, maximum: 3600 }) }),
  t.Object({ action: t.Literal("followers"), enabled: t.Boolean() }),
  t.Object({ action: t.Literal("mod"), username: t.String({ maxLength: 64 }) }),
  t.Object({ action: t.Literal("unmod"), username: t.String({ maxLength: 64 }) }),
]);

export function chatRoutes(deps: Deps & { chat: Chat; viewerCount: (roomId: number) => number }) {
  const { db, chat, config } = deps;

  function apiRoom(ctx: ReqCtx, slug: string): Room | Response {
    if (ctx.viaToken && !ctx.user) return jsonError(401, "invalid token");
    return rooms.getRoomBySlug(db, slug) ?? jsonError(404, `no room "${slug}"`);
  }

  function refusal(ctx: ReqCtx, r: { code: NoticeCode; status: number; vars?: Record<string, string | number> }): Response {
    return json({ error: ctx.t(`chat.notice.${r.code}`, r.vars), code: r.code }, r.status);
  }

  function settingsData(room: Room): ChatSettingsData & { viewers: number } {
    return {
      viewers: deps.viewerCount(room.id),
      settings: store.getSettings(db, room.id), moderators: store.listModerators(db, room.id), terms: store.listTerms(db, room.id),
      commands: store.listCommands(db, room.id), emotes: store.listEmotes(db, room.id), peaks: store.recentStats(db, room.id, 10),
    };
  }

  function settingsPage(ctx: ReqCtx, room: Room, outcome: { message?: MessageKey; error?: MessageKey }): Response {
    return html(<ChatSettingsPage ctx={ctx} room={room} data={settingsData(room)} {...outcome} />, outcome.error ? 422 : 200);
  }

  /**
   * A Studio chat-settings form: for a room the user manages, `apply` stores the change and returns nothing (back
   * to the page) or the key of an error to show on it.
   */
  async function settingsForm(ctx: ReqCtx, slug: string, apply: (room: Room, me: User) => MessageKey | void | Promise<MessageKey | void>): Promise<Response> {
    const me = requireUser(ctx);
    if (me instanceof Response) return me;
    const room = managedRoom(db, ctx, slug);
    if (room instanceof Response) return room;
    const error = await apply(room, me);
    return error ? settingsPage(ctx, room, { error }) : redirect(`/studio/rooms/${room.slug}/chat`);
  }

  return new Elysia({ name: "livehouse.chat" })
    .use(contextPlugin(deps))
    .get(
      "/replays/:id/chat",
      ({ ctx, params }) => fragment(<ReplayChat events={chat.replay(params.id, 0, Number.MAX_SAFE_INTEGER, REPLAY_CHAT_LIMIT)} t={ctx.t} />),
      { params: t.Object({ id: t.Numeric() }) },
    )
    .get("/r/:slug/chat", ({ ctx, params }) => {
      const room = rooms.getRoomBySlug(db, params.slug);
      if (!room) return notFoundPage(ctx, "room");
      const user = ctx.user;
      return fragment(
        <ChatPanel ctx={ctx} room={room} history={chat.history(room.id)} viewers={deps.viewerCount(room.id)} likes={chat.likeTotal(room.id)}
          following={!!user && store.isFollowing(db, user.id, room.ownerId)} followers={store.countFollowers(db, room.ownerId)}
          isMod={chat.isModerator(room, user)} canManage={rooms.canManage(user, room)} viewerId={randomToken(12)} />,
      );
    })
    .post(
      "/r/:slug/follow",
      ({ ctx, params, body }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        const room = rooms.getRoomBySlug(db, params.slug);
        if (!room) return notFoundPage(ctx, "room");
        const following = chat.follow(me, room, body.on === "1");
        const button = <FollowButton ctx={ctx} room={room} following={following} followers={store.countFollowers(db, room.ownerId)} />;
        return ctx.isHtmx ? fragment(button) : redirect(`/r/${room.slug}`);
      },
      { body: t.Object({ on: t.String({ maxLength: 1 }), _csrf: t.Optional(t.String()) }) },
    )
    .post(
      "/r/:slug/chat/:id/delete",
      ({ ctx, params }) => {
        if (!ctx.user) return jsonError(401, "log in first");
        const room = rooms.getRoomBySlug(db, params.slug);
        if (!room) return jsonError(404, `no room "${params.slug}"`);
        const r = chat.moderate(room, ctx.user, { action: "delete", messageId: params.id });
        return r.ok ? new Response(null, { status: 204 }) : refusal(ctx, r);
      },
      { params: t.Object({ slug: t.String(), id: t.Numeric() }) },
    )
    .post(
      "/api/v1/rooms/:slug/chat",
      async ({ ctx, params, body }) => {
        const room = apiRoom(ctx, params.slug);
        if (room instanceof Response) return room;
        const r = await chat.post(room, { user: ctx.user, ip: ctx.ip }, body.text);
        if (!r.ok) return refusal(ctx, r);
        return json(r.event ?? { ok: true }, 201);
      },
      { body: t.Object({ text: t.String({ maxLength: 4000 }) }) },
    )
    .post(
      "/api/v1/rooms/:slug/moderation",
      ({ ctx, params, body }) => {
        const room = apiRoom(ctx, params.slug);
        if (room instanceof Response) return room;
        if (!ctx.user) return jsonError(401, "log in or send a bearer token");
        const r = chat.moderate(room, ctx.user, body as ModAction);
        return r.ok ? json({ ok: true }) : refusal(ctx, r);
      },
      { body: modBody },
    )
    .post("/api/v1/rooms/:slug/likes", ({ ctx, params }) => {
      const room = apiRoom(ctx, params.slug);
      if (room instanceof Response) return room;
      const key = ctx.user ? `u${ctx.user.id}` : `ip${ctx.ip ?? "?"}`;
      return chat.like(room.id, key) ? json({ ok: true }, 202) : jsonError(429, "too many likes; slow down");
    })
    .post(
      "/api/v1/rooms/:slug/follow",
      ({ ctx, params, body }) => {
        const room = apiRoom(ctx, params.slug);
        if (room instanceof Response) return room;
        if (!ctx.user) return jsonError(401, "log in or send a bearer token");
        return json({ following: chat.follow(ctx.user, room, body.following) });
      },
      { body: t.Object({ following: t.Boolean() }) },
    )
    .get(
      "/api/v1/broadcasts/:id/chat",
      ({ params, query }) => {
        const stats = chat.stats(params.id);
        if (!stats) return jsonError(404, `no broadcast ${params.id}`);
        const from = query.from ?? 0;
        const to = query.to ?? Number.MAX_SAFE_INTEGER;
        if (to < from) return jsonError(422, "to must not be before from");
        return json({ broadcastId: stats.broadcastId, peakViewers: stats.peakViewers, likes: stats.likes, messages: chat.replay(params.id, from, to) });
      },
      { params: t.Object({ id: t.Numeric() }), query: t.Object({ from: t.Optional(t.Numeric({ minimum: 0 })), to: t.Optional(t.Numeric({ minimum: 0 })) }) },
    )
    .get("/emotes/:file", ({ params }) => serveStored(emotesDir(config.dataDir), params.file, EMOTE_FILE))
    .get("/studio/rooms/:slug/chat", ({ ctx, params }) => {
      const room = managedRoom(db, ctx, params.slug);
      return room instanceof Response ? room : settingsPage(ctx, room, {});
    })
    .post(
      "/studio/rooms/:slug/chat/modes",
      ({ ctx, params, body }) =>
        settingsForm(ctx, params.slug, (room, me) => {
          const seconds = Number(body.slowSeconds ?? "0");
          if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) return "error.invalid";
          const before = store.getSettings(db, room.id);
          const followersOnly = body.followersOnly === "1";
          if (before.slowSeconds !== seconds) chat.moderate(room, me, { action: "slow", seconds });
          if (before.followersOnly !== followersOnly) chat.moderate(room, me, { action: "followers", enabled: followersOnly });
        }),
      { body: t.Object({ slowSeconds: t.Optional(t.String({ maxLength: 6 })), followersOnly: t.Optional(t.String({ maxLength: 1 })), _csrf: t.Optional(t.String()) }) },
    )
    .post(
      "/studio/rooms/:slug/chat/moderators",
      ({ ctx, params, body }) =>
        settingsForm(ctx, params.slug, (room, me) => {
          const r = chat.moderate(room, me, { action: "mod", username: body.username.trim().replace(/^@/, "") });
          if (!r.ok) return "error.noSuchUser";
        }),
      { body: t.Object({ username: t.String({ maxLength: 64 }), _csrf: t.Optional(t.String()) }) },
    )
    .post(
      "/studio/rooms/:slug/chat/moderators/remove",
      ({ ctx, params, body }) =>
        settingsForm(ctx, params.slug, (room, me) => {
          chat.moderate(room, me, { action: "unmod", username: body.username });
        }),
      { body: t.Object({ username: t.String({ maxLength: 64 }), _csrf: t.Optional(t.String()) }) },
    )
    .post(
      "/studio/rooms/:slug/chat/terms",
      ({ ctx, params, body }) =>
        settingsForm(ctx, params.slug, (room, me) => {
          const term = body.term.trim();
          if (!term || term.length > 100) return "error.term";
          store.addTerm(db, room.id, term, deps.now());
        }),
      { body: t.Object({ term: t.String({ maxLength: 200 }), _csrf: t.Optional(t.String()) }) },
    )
    .post(
      "/studio/rooms/:slug/chat/terms/remove",
      ({ ctx, params, body }) =>
        settingsForm(ctx, params.slug, (room, me) => {
          store.removeTerm(db, room.id, body.term);
        }),
      { body: t.Object({ term: t.String({ maxLength: 200 }), _csrf: t.Optional(t.String()) }) },
    )
    .post(
      "/studio/rooms/:slug/chat/commands",
      ({ ctx, params, body }) =>
        settingsForm(ctx, params.slug, (room, me) => {
          const name = body.name.trim().replace(/^!/, "").toLowerCase();
          const reply = body.reply.trim();
          if (!COMMAND_NAME.test(name)) return "error.commandName";
          if (!reply || reply.length > 300) return "error.commandReply";
          store.saveCommand(db, room.id, name, reply);
        }),
      { body: t.Object({ name: t.String({ maxLength: 40 }), reply: t.String({ maxLength: 1000 }), _csrf: t.Optional(t.String()) }) },
    )
    .post(
      "/studio/rooms/:slug/chat/commands/remove",
      ({ ctx, params, body }) =>
        settingsForm(ctx, params.slug, (room, me) => {
          store.deleteCommand(db, room.id, body.name);
        }),
      { body: t.Object({ name: t.String({ maxLength: 40 }), _csrf: t.Optional(t.String()) }) },
    )
    .post(
      "/studio/rooms/:slug/chat/emotes",
      ({ ctx, params, body }) =>
        settingsForm(ctx, params.slug, async (room, me) => {
          const name = body.name.trim().toLowerCase();
          if (!EMOTE_NAME.test(name)) return "error.emoteName";
          const file = body.image instanceof Blob ? await saveEmoteFile(config.dataDir, room.id, body.image) : null;
          if (!file) return "error.emoteImage";
          store.saveEmote(db, room.id, name, file, deps.now());
          chat.forgetEmotes(room.id);
        }),
      { body: t.Object({ name: t.String({ maxLength: 40 }), image: t.Optional(t.Any()), _csrf: t.Optional(t.String()) }) },
    )
    .post(
      "/studio/rooms/:slug/chat/emotes/remove",
      ({ ctx, params, body }) =>
        settingsForm(ctx, params.slug, (room, me) => {
          const file = store.deleteEmote(db, room.id, body.name);
          // Other emotes may share the same image bytes (same hash name); only remove an orphaned file.
          if (file && !store.listEmotes(db, room.id).some((e) => e.file === file)) rmSync(join(emotesDir(config.dataDir), file), { force: true });
          chat.forgetEmotes(room.id);
        }),
      { body: t.Object({ name: t.String({ maxLength: 40 }), _csrf: t.Optional(t.String()) }) },
    );
}
