// The hls.js light player (native HLS on Safari) used on the room page (live) and the replay page (VOD).
import type { Broadcast } from "../../server/media/model";
import type { ReqCtx } from "../../server/http/context";
import { assetUrl } from "../assets";
import type { LatencyMode, Room } from "../../server/rooms/model";
import type { ShareCard } from "../../server/sharing/model";
import { ShareButtons, ShareMeta } from "./share";
import { Layout } from "../layout";
import { utcMinute } from "../format";
import { ReplayShopMount } from "./shop";
import { SponsorScripts } from "./sponsor";

export function PlayerScripts(): JSX.Element {
  return (
    <>
      <script src={assetUrl("hls.js")} defer></script>
      <script src={assetUrl("player.js")} defer></script>
    </>
  );
}

/**
 * mode "live": follows the room's live state (API poll + realtime badge) and reloads the stream on/offline.
 * latency "low": the room broadcasts LL-HLS and player.js uses hls.js's low-latency settings.
 * playback: the playback API that hands out (and refreshes) the signed URL of a room or replay that is not public.
 * accessUrl: where a viewer without access learns how to get it (a replay's price or its room's paywall).
 */
export function Player({ ctx, src, mode, slug, live, poster, latency = "standard", playback, accessUrl }: { ctx: ReqCtx; src: string; mode: "live" | "vod"; slug?: string; live: boolean; poster?: string; latency?: LatencyMode; playback?: string; accessUrl?: string }): JSX.Element {
  const { t } = ctx;
  return (
    <div class="player" id="player" data-mode={mode} data-src={src} data-playback={playback} data-text-denied={t("access.denied")} data-access-url={accessUrl} data-text-access={accessUrl ? t("replays.buy.how") : undefined} data-slug={slug ?? ""} data-live={live ? "1" : "0"} data-latency={latency} data-text-live={t("room.live")} data-text-offline={t("room.offline")} hidden={!live}>
      <video id="video" {...{ playsinline: true }} muted autoplay controls poster={poster}></video>
      <div class="player-bar">
        <label class="inline">
          <span safe>{t("player.quality")}</span>{" "}
          <select id="quality" aria-label={t("player.quality")}>
            <option value="-1" safe>{t("player.auto")}</option>
          </select>
        </label>
        {mode === "live" ? <button type="button" id="go-live" safe>{t("player.goLive")}</button> : ""}
      </div>
    </div>
  );
}

export function ReplayList({ ctx, replays }: { ctx: ReqCtx; replays: Broadcast[] }): JSX.Element {
  const { t } = ctx;
  const fmt = (ms: number) => {
    const s = Math.round(ms / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  };
  return (
    <div id="replays" class="card" style="margin-top:1rem">
      <h2 style="margin-top:0" safe>{t("replays.title")}</h2>
      {replays.length === 0 ? (
        <p class="muted" safe>{t("replays.none")}</p>
      ) : (
        <ul class="replays">
          {replays.map((b) => (
            <li>
              <a href={`/replays/${b.id}`} safe>{utcMinute(b.startedAt)} UTC</a>{" "}
              <span class="muted" safe>{fmt(b.durationMs)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function ReplayPage({ ctx, room, broadcast, share }: { ctx: ReqCtx; room: Room | null; broadcast: Broadcast | null; share?: ShareCard }): JSX.Element {
  const { t } = ctx;
  if (!room || !broadcast) {
    return (
      <Layout ctx={ctx} title={t("replays.notFound")}>
        <h1 safe>{t("replays.notFound")}</h1>
      </Layout>
    );
  }
  return (
    <Layout ctx={ctx} title={room.title} head={<><PlayerScripts /><script src={assetUrl("replay.js")} defer></script><SponsorScripts />{share ? <ShareMeta card={share} /> : ""}</>}>
      <div class="room-layout">
        <section>
          <div class="stage" id="stage">
            <div id="sponsor-preroll" hx-get={`/replays/${broadcast.id}/sponsor`} hx-trigger="load" hx-swap="outerHTML"></div>
            <Player ctx={ctx} src={`/replays/${broadcast.id}/index.m3u8`} mode="vod" live={true} poster={`/replays/${broadcast.id}/poster.jpg`} playback={`/api/v1/replays/${broadcast.id}/playback`} accessUrl={`/replays/${broadcast.id}/access`} />
          </div>
          <div class="card" style="margin-top:1rem">
            <h1 style="margin:0" safe>{room.title}</h1>
            <p class="muted">
              <span safe>{t("replays.recorded")}</span> <span safe>{utcMinute(broadcast.startedAt)} UTC</span> ·{" "}
              <a href={`/r/${room.slug}`} safe>{t("replays.backToRoom")}</a>
            </p>
            {share ? <ShareButtons ctx={ctx} card={share} /> : ""}
          </div>
        </section>
        <aside id="side">
          <ReplayShopMount t={t} broadcastId={broadcast.id} />
          <section id="replay-chat" hx-get={`/replays/${broadcast.id}/chat`} hx-trigger="load" hx-swap="outerHTML"></section>
        </aside>
      </div>
    </Layout>
  );
}
