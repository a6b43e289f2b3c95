// HLS over HTTP from our own routes (paths and cache headers: docs/urls.md): live under /live/<slug>/, replays under /replays/<id>/,
// plus the replay page and the room's replay list fragment.
import { Elysia } from "elysia";
import { join } from "node:path";
import { ReplayList, ReplayPage } from "../../views/partials/player";
import { contextPlugin } from "../http/context";
import type { Deps } from "../deps";
import { fragment, html } from "../http/respond";
import { getRoomById, getRoomBySlug } from "../rooms/rooms";
import { readFileSync } from "node:fs";
import { NAMES, notFound, serveFile, servePlaylistText } from "./files";
import { broadcastDir, type Media } from "./lifecycle";
import * as store from "./storage";

const LIVE_PLAYLIST = "no-cache";
const REPLAY_PLAYLIST = "public, max-age=300";
const SEGMENT = "public, max-age=31536000, immutable";

/** Replay folder by broadcast id, cached briefly: every segment request would otherwise query the database. */
function replayLookup(deps: Deps): (id: string) => string | null {
  const cache = new Map<string, { dir: string | null; until: number }>();
  return (id) => {
    const now = Date.now();
    const hit = cache.get(id);
    if (hit && hit.until > now) return hit.dir;
    const b = store.getReplay(deps.db, Number(id));
    const dir = b ? broadcastDir(deps, b.id) : null;
    if (cache.size > 10_000) cache.clear();
    cache.set(id, { dir, until: now + 5000 });
    return dir;
  };
}

/**
 * HLS files. Mounted ahead of the session/CSRF context: these requests are the hot path (every viewer, every
 * second) and need no user; access rules for private rooms belong in liveDir/replayDir.
 */
export function hlsRoutes(deps: Deps, media: Media) {
  const { db } = deps;
  const replayCache = replayLookup(deps);

  function liveDir(slug: string): string | Response {
    if (!NAMES.slug.test(slug) || !getRoomBySlug(db, slug)) return notFound("room");
    return media.liveDir(slug) ?? notFound("live stream");
  }

  function replayDir(id: string): string | Response {
    if (!NAMES.broadcast.test(id)) return notFound("replay");
    return replayCache(id) ?? notFound("replay");
  }

  // Finished replays never change: their playlists are kept in memory once read.
  const replayTexts = new Map<string, string>();
  function replayPlaylist(path: string): Response {
    let text = replayTexts.get(path);
    if (text === undefined) {
      try {
        text = readFileSync(path, "utf8");
      } catch {
        return notFound("playlist");
      }
      if (replayTexts.size > 2000) replayTexts.clear();
      replayTexts.set(path, text);
    }
    return servePlaylistText(text, REPLAY_PLAYLIST);
  }

  function segment(dir: string, rung: string, file: string, request: Request): Response {
    if (!NAMES.rung.test(rung)) return notFound("rendition");
    return NAMES.segment.test(file) ? serveFile(join(dir, rung, file), "segment", SEGMENT, request) : notFound("file");
  }

  function livePlaylist(slug: string, rung: string | null): Response {
    if (rung !== null && !NAMES.rung.test(rung)) return notFound("rendition");
    const text = media.livePlaylist(slug, rung);
    return text === null ? notFound("playlist") : servePlaylistText(text, LIVE_PLAYLIST);
  }

  /** Serves from the folder, or passes its 404 on. */
  const inDir = (dir: string | Response, serve: (dir: string) => Response): Response => (typeof dir === "string" ? serve(dir) : dir);

  return new Elysia({ name: "livehouse.hls" })
    .get("/live/:slug/index.m3u8", ({ params }) => inDir(liveDir(params.slug), () => livePlaylist(params.slug, null)))
    .get("/live/:slug/poster.jpg", ({ params, request }) =>
      inDir(liveDir(params.slug), (dir) => serveFile(join(dir, "poster.jpg"), "poster", "public, max-age=5", request)))
    .get("/live/:slug/:rung/:file", ({ params, request }) =>
      inDir(liveDir(params.slug), (dir) =>
        params.file === "index.m3u8" ? livePlaylist(params.slug, params.rung) : segment(dir, params.rung, params.file, request)))
    .get("/replays/:id/index.m3u8", ({ params }) => inDir(replayDir(params.id), (dir) => replayPlaylist(join(dir, "index.m3u8"))))
    .get("/replays/:id/poster.jpg", ({ params, request }) =>
      inDir(replayDir(params.id), (dir) => serveFile(join(dir, "poster.jpg"), "poster", "public, max-age=3600", request)))
    .get("/replays/:id/:rung/:file", ({ params, request }) =>
      inDir(replayDir(params.id), (dir) => {
        if (params.file !== "index.m3u8") return segment(dir, params.rung, params.file, request);
        return NAMES.rung.test(params.rung) ? replayPlaylist(join(dir, params.rung, "replay.m3u8")) : notFound("rendition");
      }));
}

/** The replay page and the room page's replay list. */
export function replayPageRoutes(deps: Deps) {
  const { db } = deps;
  return new Elysia({ name: "livehouse.replays" })
    .use(contextPlugin(deps))
    .get("/replays/:id", ({ ctx, params }) => {
      const b = NAMES.broadcast.test(params.id) ? store.getReplay(db, Number(params.id)) : null;
      const room = b ? getRoomById(db, b.roomId) : null;
      if (!b || !room) return html(<ReplayPage ctx={ctx} room={null} broadcast={null} />, 404);
      return html(<ReplayPage ctx={ctx} room={room} broadcast={b} />);
    })
    .get("/r/:slug/replays", ({ ctx, params }) => {
      const room = getRoomBySlug(db, params.slug);
      if (!room) return fragment(<div id="replays"></div>, 404);
      return fragment(<ReplayList ctx={ctx} replays={store.listReplays(db, room.id, 12)} />);
    });
}
