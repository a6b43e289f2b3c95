// The room's chat panel and every chat-related fragment pushed over the socket (rendered once per language).
// All user-written strings go through `safe` children or attributes (escaped); see test/realtime-xss.test.ts.
import Html from "@kitajs/html";
import type { Translate } from "../../server/i18n";
import type { ReqCtx } from "../../server/http/context";
import type { ChatEvent, Part } from "../../server/chat/model";
import { MAX_MESSAGE_LENGTH } from "../../server/chat/model";
import type { Room } from "../../server/rooms/model";
import { assetUrl } from "../assets";

export function Parts({ parts }: { parts: Part[] }): JSX.Element {
  return (
    <>
      {parts.map((p) =>
        p.t === "text" ? Html.escapeHtml(p.v)
        : p.t === "emote" ? <img class="emote" src={p.url} alt={`:${p.name}:`} title={`:${p.name}:`} loading="lazy" />
        : p.t === "mention" ? <span class="mention" data-mention={p.v.toLowerCase()} safe>@{p.v}</span>
        : <a href={p.v} rel="nofollow noopener noreferrer ugc" target="_blank" safe>{p.v}</a>,
      )}
    </>
  );
}

/** One chat line. Kept small (it is sent to every viewer): room.js adds the moderators' delete button. */
export function ChatLine({ e, t, history }: { e: ChatEvent; t: Translate; history?: boolean }): JSX.Element {
  return (
    <li id={`m-${e.id}`} class={e.bot ? "msg bot" : "msg"} data-user={e.user?.username.toLowerCase()} data-h={history ? "1" : undefined} data-offset={e.offsetMs === null ? undefined : String(e.offsetMs)}>
      {e.bot ? <b class="who bot" safe>{t("chat.bot")}</b> : <b class="who" safe>{e.user?.displayName ?? ""}</b>}
      <span class="text"><Parts parts={e.parts} /></span>
    </li>
  );
}

/**
 * A broadcast's chat beside its replay: every line is rendered (escaped) here and starts hidden; replay.js shows
 * the lines whose offset the video has reached, so the chat plays back in sync and follows seeks.
 */
export function ReplayChat({ events, t }: { events: ChatEvent[]; t: Translate }): JSX.Element {
  return (
    <section class="chat card" id="replay-chat">
      <h2 safe>{t("replays.chat")}</h2>
      {events.length ? (
        <ul class="chat-list" data-replay-chat>{events.map((e) => <ChatLine e={e} t={t} history />)}</ul>
      ) : <p class="muted" safe>{t("replays.noChat")}</p>}
    </section>
  );
}

export function SystemLine({ text }: { text: string }): JSX.Element {
  return (
    <ul id="chat-list" hx-swap-oob="beforeend">
      <li class="msg system" safe>{text}</li>
    </ul>
  );
}

/** A new message: appended to the list; room.js also flies it across the video as danmaku (live lines only). */
export function ChatFragment({ e, t }: { e: ChatEvent; t: Translate }): JSX.Element {
  return <ul id="chat-list" hx-swap-oob="beforeend"><ChatLine e={e} t={t} /></ul>;
}

export function HistoryFragment({ events, t }: { events: ChatEvent[]; t: Translate }): JSX.Element {
  return <ul id="chat-list" hx-swap-oob="innerHTML">{events.map((e) => <ChatLine e={e} t={t} history />)}</ul>;
}

export function NoticeFragment({ text, code }: { text: string; code: string }): JSX.Element {
  return <p id="chat-notice" class="chat-notice" role="alert" data-code={code} hx-swap-oob="true" safe>{text}</p>;
}

export function LikeFragment({ count, total }: { count: number; total: number }): JSX.Element {
  return (
    <>
      <span id="like-count" hx-swap-oob="true" safe>{String(total)}</span>
      <div id="hearts" hx-swap-oob="beforeend"><i class="burst" data-n={String(Math.min(count, 20))}></i></div>
    </>
  );
}

export function ViewersFragment({ count }: { count: number }): JSX.Element {
  return <span id="viewer-count" hx-swap-oob="true" safe>{String(count)}</span>;
}

export function FollowButton({ ctx, room, following, followers }: { ctx: ReqCtx; room: Room; following: boolean; followers: number }): JSX.Element {
  const { t } = ctx;
  if (!ctx.user) return <a class="button" id="follow" href={`/login?next=/r/${room.slug}`} safe>{t("chat.follow")}</a>;
  if (ctx.user.id === room.ownerId) return <span id="follow" class="muted" safe>{t("chat.followers", { n: followers })}</span>;
  return (
    <button id="follow" class={following ? "" : "primary"} hx-post={`/r/${room.slug}/follow`} hx-vals={JSON.stringify({ on: following ? "0" : "1" })} hx-target="this" hx-swap="outerHTML" safe>
      {following ? t("chat.following") : t("chat.follow")}
    </button>
  );
}

/** Danmaku lane and heart layer laid over the video stage. */
export function StageOverlays(): JSX.Element {
  return (
    <>
      <div class="danmaku" id="danmaku" aria-hidden="true"></div>
      <div class="hearts" id="hearts" aria-hidden="true"></div>
    </>
  );
}

/** Where the room page loads its chat panel (by htmx, so the room page itself stays cacheable per user). */
export function ChatMount({ room }: { room: Room }): JSX.Element {
  return <div id="chat-mount" hx-get={`/r/${room.slug}/chat`} hx-trigger="load" hx-swap="outerHTML"></div>;
}

export function ChatScripts(): JSX.Element {
  return (
    <>
      <script src={assetUrl("hx-ws.js")} defer></script>
      <script src={assetUrl("room.js")} defer></script>
    </>
  );
}

export interface ChatPanelProps {
  ctx: ReqCtx;
  room: Room;
  history: ChatEvent[];
  viewers: number;
  likes: number;
  following: boolean;
  followers: number;
  isMod: boolean;
  canManage: boolean;
  viewerId: string;
}

export function ChatPanel(p: ChatPanelProps): JSX.Element {
  const { ctx, room } = p;
  const { t } = ctx;
  return (
    <section class="chat card" id="chat" hx-ws:connect={`/r/${room.slug}/ws?v=${p.viewerId}`} data-slug={room.slug} data-viewer={p.viewerId}
      data-me={ctx.user?.username.toLowerCase() ?? ""} data-mod={p.isMod ? "1" : undefined} data-del-label={t("chat.delete")}>
      <div class="chat-head row">
        <strong safe>{t("chat.title")}</strong>
        <span class="muted"><span id="viewer-count" safe>{String(p.viewers)}</span> <span safe>{t("chat.watching")}</span></span>
        <FollowButton ctx={ctx} room={room} following={p.following} followers={p.followers} />
        {p.canManage ? <a class="muted" href={`/studio/rooms/${room.slug}/chat`} safe>{t("chatSettings.open")}</a> : ""}
      </div>
      <ul id="chat-list" class="chat-list" aria-live="polite">{p.history.map((e) => <ChatLine e={e} t={t} history />)}</ul>
      <p id="chat-notice" class="chat-notice" role="alert"></p>
      {ctx.user ? (
        <form class="chat-form row" hx-ws:send>
          <input type="hidden" name="_csrf" value={ctx.csrf} />
          <input name="text" maxlength={String(MAX_MESSAGE_LENGTH)} autocomplete="off" required placeholder={p.isMod ? t("chat.modPlaceholder") : t("chat.placeholder")} aria-label={t("chat.placeholder")} />
          <button class="primary" type="submit" safe>{t("chat.send")}</button>
        </form>
      ) : (
        <p class="muted"><a href={`/login?next=/r/${room.slug}`} safe>{t("chat.loginToChat")}</a></p>
      )}
      <div class="row chat-tools">
        <button type="button" class="like" hx-ws:send hx-vals={JSON.stringify({ action: "like" })} aria-label={t("chat.like")}>
          ♥ <span id="like-count" safe>{String(p.likes)}</span>
        </button>
        <label class="toggle"><input type="checkbox" id="danmaku-toggle" checked /> <span safe>{t("chat.danmaku")}</span></label>
      </div>
    </section>
  );
}
