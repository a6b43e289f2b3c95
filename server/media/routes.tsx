// HLS over HTTP from our own routes (DESIGN.md §3): live under /live/<slug>/, replays under /replays/<id>/,
// plus the replay page and the room's replay list fragment.
import { Elysia } from "elysia";
import { join } from "node:path";
import { ReplayList, ReplayPage } from "../../views/partials/player";
import { contextPlugin } from "../http/context";
import type { Deps } from "../http/deps";
import { fragment, html } from "../http/respond";
import { getRoomById, getRoomBySlug } from "../rooms/rooms";
import { NAMES, notFound, serveFile } from "./files";
import { broadcastDir, type Media } from "./lifecycle";
import * as store from "./storage";

const LIVE_PLAYLIST = "no-cache";
const REPLAY_PLAYLIST = "public, max-age=300";
const SEGMENT = "public, max-age=31536000, immutable";

export function mediaRoutes(deps: Deps, media: Media) {
  const { db } = deps;

  function liveDir(slug: string): string | Response {
    if (!NAMES.slug.test(slug) || !getRoomBySlug(db, slug)) return notFound("room");
    return media.liveDir(slug) ?? notFound("live stream");
  }

  function replayDir(id: string): string | Response {
    if (!NAMES.broadcast.test(id)) return notFound("replay");
    const b = store.getBroadcast(db, Number(id));
    return b && b.endedAt !== null && b.durationMs > 0 ? broadcastDir(deps, b.id) : notFound("replay");
  }

  function rungFile(dir: string, rung: string, file: string, playlistName: string, playlistCache: string, request: Request): Response {
    if (!NAMES.rung.test(rung)) return notFound("rendition");
    if (file === "index.m3u8") return serveFile(join(dir, rung, playlistName), "playlist", playlistCache, request);
    if (NAMES.segment.test(file)) return serveFile(join(dir, rung, file), "segment", SEGMENT, request);
    return notFound("file");
  }

  return new Elysia({ name: "livehouse.media" })
    .get("/live/:slug/index.m3u8", ({ params, request }) => {
      const dir = liveDir(params.slug);
      return typeof dir === "string" ? serveFile(join(dir, "index.m3u8"), "playlist", LIVE_PLAYLIST, request) : dir;
    })
    .get("/live/:slug/poster.jpg", ({ params, request }) => {
      const dir = liveDir(params.slug);
      return typeof dir === "string" ? serveFile(join(dir, "poster.jpg"), "poster", "public, max-age=5", request) : dir;
    })
    .get("/live/:slug/:rung/:file", ({ params, request }) => {
      const dir = liveDir(params.slug);
      return typeof dir === "string" ? rungFile(dir, params.rung, params.file, "index.m3u8", LIVE_PLAYLIST, request) : dir;
    })
    .get("/replays/:id/index.m3u8", ({ params, request }) => {
      const dir = replayDir(params.id);
      return typeof dir === "string" ? serveFile(join(dir, "index.m3u8"), "playlist", REPLAY_PLAYLIST, request) : dir;
    })
    .get("/replays/:id/poster.jpg", ({ params, request }) => {
      const dir = replayDir(params.id);
      return typeof dir === "string" ? serveFile(join(dir, "poster.jpg"), "poster", "public, max-age=3600", request) : dir;
    })
    .get("/replays/:id/:rung/:file", ({ params, request }) => {
      const dir = replayDir(params.id);
      return typeof dir === "string" ? rungFile(dir, params.rung, params.file, "replay.m3u8", REPLAY_PLAYLIST, request) : dir;
    })
    .use(contextPlugin(deps))
    .get("/replays/:id", ({ ctx, params, set }) => {
      const b = NAMES.broadcast.test(params.id) ? store.getBroadcast(db, Number(params.id)) : null;
      const room = b && b.endedAt !== null && b.durationMs > 0 ? getRoomById(db, b.roomId) : null;
      if (!b || !room) {
        set.status = 404;
        return html(<ReplayPage ctx={ctx} room={null} broadcast={null} />, 404);
      }
      return html(<ReplayPage ctx={ctx} room={room} broadcast={b} />);
    })
    .get("/r/:slug/replays", ({ ctx, params }) => {
      const room = getRoomBySlug(db, params.slug);
      if (!room) return fragment(<div id="replays"></div>, 404);
      return fragment(<ReplayList ctx={ctx} replays={store.listReplays(db, room.id, 12)} />);
    });
}
