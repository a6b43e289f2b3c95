// The player-only page other sites put in an iframe (/embed/<slug>): no header, no chat, a link back to the room.
// A room that is not public shows that link instead of a player (embedding sites send no cookies of ours).
import type { ReqCtx } from "../../server/http/context";
import type { LatencyMode, Room } from "../../server/rooms/model";
import { assetUrl } from "../assets";
import { Player, PlayerScripts } from "../partials/player";

export function EmbedPage({ ctx, room, roomUrl, latency, open }: { ctx: ReqCtx; room: Room; roomUrl: string; latency: LatencyMode; open: boolean }): JSX.Element {
  const { t } = ctx;
  return (
    <html lang={ctx.lang === "zh" ? "zh-CN" : "en"}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <link rel="icon" href="data:," />
        <title safe>{room.title} · Livehouse</title>
        <link rel="stylesheet" href={assetUrl("app.css")} />
        {open ? <PlayerScripts /> : ""}
      </head>
      <body class="embed">
        {open ? (
          <>
            <div class="offline" id="offline" hidden={!!room.liveSince}>
              <strong safe>{t("room.offline")}</strong>
            </div>
            <Player ctx={ctx} mode="live" src={`/live/${room.slug}/index.m3u8`} slug={room.slug} live={!!room.liveSince} latency={latency} />
          </>
        ) : <p class="muted" safe>{t("share.embedLocked")}</p>}
        <p class="embed-link"><a href={roomUrl} target="_blank" rel="noopener" safe>{t("share.watchOn", { room: room.title })}</a></p>
      </body>
    </html>
  );
}
