import type { LatencyMode, Room } from "../../server/rooms/model";
import type { ReqCtx } from "../../server/http/context";
import { Layout } from "../layout";
import { GiftBarMount, GiftFx, GiftSideMount } from "../partials/gift-room";
import { Player, PlayerScripts } from "../partials/player";
import { ChatMount, ChatScripts, StageOverlays } from "../partials/chat";
import { ShopMount } from "../partials/shop";
import { AuctionMount } from "../partials/auction";
import { LiveBadge } from "../partials/live-badge";
import { Paywall } from "../partials/access";
import type { AccessMode } from "../../server/access/model";
import { SponsorScripts } from "../partials/sponsor";
import type { ShareCard } from "../../server/sharing/model";
import { ShareButtons, ShareMeta } from "../partials/share";

/**
 * `pingMs`: how often an HLS-only viewer pings to be counted (the server's PING_EVERY_MS; room.js reads it).
 * `paywall`: shown instead of the player, chat and gifts to a viewer without access; `playback`: the API the
 * player gets its signed URL from (rooms that are not public). `share`: the Open Graph card (server/sharing).
 */
export function RoomPage({ ctx, room, pingMs, latency = "standard", paywall, playback, share }: { ctx: ReqCtx; room: Room; pingMs: number; latency?: LatencyMode; paywall?: { mode: AccessMode; error?: boolean; retryIn?: number }; playback?: string; share?: ShareCard }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={room.title} head={<><ChatScripts /><SponsorScripts />{share ? <ShareMeta card={share} /> : ""}</>}>
      <div class="room-layout" data-room={room.slug} data-ping-ms={String(pingMs)}>
        <section>
          <div class="stage" id="stage" data-live={room.liveSince ? "1" : "0"}>
            <GiftFx />
            <StageOverlays />
            <div id="qa-pinned" class="qa-pinned" hidden></div>
            {paywall ? "" : <div id="sponsor-player" hx-get={`/r/${room.slug}/sponsors/player`} hx-trigger="load" hx-swap="outerHTML"></div>}
            <div class="offline" id="offline" hidden={!!room.liveSince}>
              <strong safe>{t("room.offline")}</strong>
              <span safe>{t("room.offlineText")}</span>
            </div>
            {paywall ? <Paywall ctx={ctx} slug={room.slug} mode={paywall.mode} error={paywall.error} retryIn={paywall.retryIn} /> : <><Player ctx={ctx} mode="live" src={`/live/${room.slug}/index.m3u8`} slug={room.slug} live={!!room.liveSince} latency={latency} playback={playback} /><PlayerScripts /></>}
          </div>
          {paywall ? "" : <GiftBarMount slug={room.slug} />}
          <div id="sponsor-banner" hx-get={`/r/${room.slug}/sponsors/banner`} hx-trigger="load" hx-swap="outerHTML"></div>
          <div class="card" style="margin-top:1rem">
            <div class="row">
              <LiveBadge live={!!room.liveSince} t={t} id="live-badge" />
              <h1 style="margin:0" safe>{room.title}</h1>
            </div>
            <p class="muted">
              <span safe>{t("room.by")}</span> <span safe>{room.ownerName}</span> · <span safe>{t(`category.${room.category}`)}</span>
            </p>
            {room.description ? <p style="white-space:pre-wrap" safe>{room.description}</p> : ""}
            {room.tags.length ? <div class="tags">{room.tags.map((tag) => <span class="tag" safe>#{tag}</span>)}</div> : ""}
            {share ? <ShareButtons ctx={ctx} card={share} /> : ""}
          </div>
          <div id="notify-me" hx-get={`/notify/rooms/${room.slug}`} hx-trigger="load" hx-swap="outerHTML"></div>
          <div id="replays" hx-get={`/r/${room.slug}/replays`} hx-trigger="load" hx-swap="outerHTML"></div>
          <div id="similar-rooms" hx-get={`/insights/rooms/${room.slug}/similar`} hx-trigger="load" hx-swap="outerHTML"></div>
        </section>
        <aside id="side">
          {paywall ? "" : <><GiftSideMount slug={room.slug} /><ChatMount room={room} /></>}
          <div id="qa-mount" hx-get={`/r/${room.slug}/qa`} hx-trigger="load" hx-swap="outerHTML"></div>
          <div id="class-reminder"></div>
          {paywall ? "" : <AuctionMount slug={room.slug} />}
          <ShopMount slug={room.slug} />
        </aside>
      </div>
    </Layout>
  );
}
