// HLS over HTTP from our own routes (paths and cache headers: docs/urls.md): live under /live/<slug>/, replays under /replays/<id>/,
// plus the replay page and the room's replay list fragment.
import { Elysia } from "elysia";
import type { GateResult } from "../access/access";
import type { MediaScope } from "../access/model";
import { previewPlaylist, type Preview } from "../access/preview";
import { createPlaylistSigner } from "../access/tokens";
import { join } from "node:path";
import { ReplayList, ReplayPage } from "../../views/partials/player";
import { contextPlugin } from "../http/context";
import type { Deps } from "../deps";
import { fragment, html } from "../http/respond";
import { getRoomById, getRoomBySlug } from "../rooms/rooms";
import { baseUrl } from "../config";
import { replayCard } from "../sharing/cards";
import { readFileSync } from "node:fs";
import { badHlsRequest, NAMES, notFound, notInTime, serveFile, servePlaylistText } from "./files";
import { createPlaylistGzip } from "./playlist-gzip";
import { broadcastDir, type Media } from "./lifecycle";
import { LL_NAMES, parseHlsQuery } from "./llhls";
import { pointPlaylistAt, type RemoteReplay, type ReplayRemote } from "../objects/model";
import { serveLowLatency } from "./llhls-routes";
import * as store from "./storage";

const LIVE_PLAYLIST = "no-cache";
const REPLAY_PLAYLIST = "public, max-age=300";
const SEGMENT = "public, max-age=31536000, immutable";
/** A signed playlist's URIs carry one viewer's token: no shared cache may hand it to another. */
const SIGNED_PLAYLIST = "private, no-cache";

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

/** Access on the media (server/access): public media passes; other media needs a signed URL for its path. */
export type HlsGate = (scope: MediaScope, url: string) => GateResult;

/**
 * HLS files. Mounted ahead of the session/CSRF context: these requests are the hot path (every viewer, every
 * second) and need no user; the gate checks the signed URL, and playlists carry its query onto every URI.
 */
/**
 * remoteOf: replays in object storage (server/objects). relay: a `--role web` process hands what only the ingest
 * owner holds (low-latency parts, blocking reloads) to the owner (view.ts).
 */
export function hlsRoutes(deps: Deps, media: Media, gate: HlsGate, remoteOf?: ReplayRemote, relay?: (slug: string, rung: string, file: string, request: Request) => Promise<Response> | null) {
  const { db } = deps;
  const replayCache = replayLookup(deps);

  /**
   * The token's query for this request, or the refusal. Posters (request null) pass: like a paid platform's
   * thumbnails they show what one would pay for.
   */
  function admit(scope: MediaScope, request: Request | null): { query: string; previewMs: number } | Response {
    if (!request) return { query: "", previewMs: 0 };
    const g = gate(scope, request.url);
    if (g.ok) return { query: g.query, previewMs: g.previewMs ?? 0 };
    return g.status === 404 ? notFound("media") : denied(g.check);
  }

  const denied = (check: string) => Response.json({ error: `access denied (${check} token)` }, { status: 403, headers: { "cache-control": "no-cache" } });

  function liveDir(slug: string, request: Request | null): { dir: string; query: string } | Response {
    if (!NAMES.slug.test(slug) || !getRoomBySlug(db, slug)) return notFound("room");
    const a = admit({ kind: "live", slug }, request);
    if (a instanceof Response) return a;
    const dir = media.liveDir(slug);
    return dir ? { dir, query: a.query } : notFound("live stream");
  }

  function replayDir(id: string, request: Request | null): { dir: string; query: string; previewMs: number } | Response {
    if (!NAMES.broadcast.test(id)) return notFound("replay");
    const dir = replayCache(id);
    if (!dir) return notFound("replay");
    const a = admit({ kind: "replay", id: Number(id) }, request);
    return a instanceof Response ? a : { dir, ...a };
  }

  const sign = createPlaylistSigner();
  const gzip = createPlaylistGzip();
  /** A playlist, signed with the request's token when it has one, gzipped when the client takes it. */
  function sendPlaylist(text: string, query: string, cacheControl: string, request: Request): Response {
    const z = gzip(query ? sign(text, query) : text, request);
    return servePlaylistText(z.body, query ? SIGNED_PLAYLIST : cacheControl, z.gzip);
  }

  // Finished replays never change: their playlists are kept in memory once read.
  const replayTexts = new Map<string, string>();
  function replayText(path: string): string | null {
    let text = replayTexts.get(path);
    if (text === undefined) {
      try {
        text = readFileSync(path, "utf8");
      } catch {
        return null;
      }
      if (replayTexts.size > 2000) replayTexts.clear();
      replayTexts.set(path, text);
    }
    return text;
  }

  function replayPlaylist(path: string, query: string, request: Request): Response {
    const text = replayText(path);
    return text === null ? notFound("playlist") : sendPlaylist(text, query, REPLAY_PLAYLIST, request);
  }

  /**
   * A replay moved to object storage (server/objects): Livehouse keeps its playlists and who may watch; the
   * segments come from the bucket — the public URL for an open replay, presigned URLs (per request, after the
   * gate) for any other. Presigned URIs take no signature of ours: S3 would refuse a query it did not sign.
   */
  function remotePlaylist(remote: RemoteReplay, rung: string, text: string | null, open: boolean): Response {
    if (text === null) return notFound("playlist");
    return servePlaylistText(pointPlaylistAt(text, (name) => remote.url(`${rung}/${name}`, open)), open ? REPLAY_PLAYLIST : SIGNED_PLAYLIST);
  }

  const toBucket = (url: string) => new Response(null, { status: 302, headers: { location: url, "cache-control": "private, no-cache", "access-control-allow-origin": "*" } });

  /** Without a signature, a replay with a free preview serves its first minutes: a cut playlist and its segments. */
  const previews = new Map<string, Preview>();
  function preview(dir: string, rung: string, file: string, ms: number, request: Request, remote: RemoteReplay | null): Response {
    if (!NAMES.rung.test(rung)) return notFound("rendition");
    const path = join(dir, rung, "replay.m3u8");
    let p = previews.get(`${ms}:${path}`);
    if (!p) {
      const text = replayText(path);
      if (text === null) return notFound("playlist");
      if (previews.size > 2000) previews.clear();
      previews.set(`${ms}:${path}`, (p = previewPlaylist(text, ms)));
    }
    if (remote) {
      if (file === "index.m3u8") return remotePlaylist(remote, rung, p.text, false);
      return p.names.has(file) ? toBucket(remote.url(`${rung}/${file}`, false)) : denied("missing");
    }
    if (file === "index.m3u8") return sendPlaylist(p.text, "", REPLAY_PLAYLIST, request);
    return p.names.has(file) ? segment(dir, rung, file, request) : denied("missing");
  }

  function segment(dir: string, rung: string, file: string, request: Request): Response {
    if (!NAMES.rung.test(rung)) return notFound("rendition");
    if (NAMES.segment.test(file)) return serveFile(join(dir, rung, file), "segment", SEGMENT, request);
    // Low-latency broadcasts record fMP4: an init segment per ffmpeg run and whole segments.
    if (LL_NAMES.segment.test(file) || LL_NAMES.init.test(file)) return serveFile(join(dir, rung, file), "fmp4", SEGMENT, request);
    return notFound("file");
  }

  function livePlaylist(slug: string, rung: string | null, query: string, request: Request): Response {
    if (rung !== null && !NAMES.rung.test(rung)) return notFound("rendition");
    const text = media.livePlaylist(slug, rung);
    return text === null ? notFound("playlist") : sendPlaylist(text, query, LIVE_PLAYLIST, request);
  }

  /**
   * A standard rendition playlist with a blocking reload (_HLS_msn; _HLS_part waits for the whole segment, these
   * playlists have no parts): answered as soon as that segment is listed, 400 beyond the next one, 503 after three
   * target durations. Without _HLS_msn, at once (docs/live.md).
   */
  async function blockingLivePlaylist(slug: string, rung: string, query: string, request: Request): Promise<Response> {
    const q = parseHlsQuery(new URL(request.url).search);
    if ("error" in q) return badHlsRequest(q.error);
    const out = media.standard(slug);
    const last = out && NAMES.rung.test(rung) ? out.lastMsn(rung) : null;
    if (q.msn !== null && out && last !== null && q.msn > last) {
      if (q.msn > last + 2) return badHlsRequest(`_HLS_msn ${q.msn} is more than two past the newest segment (${last})`);
      if (!(await out.waitForSegment(rung, q.msn))) return notInTime(`segment ${q.msn}`);
    }
    return livePlaylist(slug, rung, query, request);
  }

  /** Serves from the folder, or passes its 403/404 on. */
  const inDir = <A extends { dir: string; query: string }, R extends Response | Promise<Response>>(at: A | Response, serve: (dir: string, query: string, at: A) => R): R | Response =>
    at instanceof Response ? at : serve(at.dir, at.query, at);

  return new Elysia({ name: "livehouse.hls" })
    .get("/live/:slug/index.m3u8", ({ params, request }) => inDir(liveDir(params.slug, request), (_dir, q) => livePlaylist(params.slug, null, q, request)))
    .get("/live/:slug/poster.jpg", ({ params, request }) =>
      inDir(liveDir(params.slug, null), (dir) => serveFile(join(dir, "poster.jpg"), "poster", "public, max-age=5", request)))
    .get("/live/:slug/:rung/:file", ({ params, request }) =>
      inDir(liveDir(params.slug, request), (dir, q) => {
        // Low-latency playlists copy the request's query (the token) onto every URI themselves.
        const relayed = relay?.(params.slug, params.rung, params.file, request);
        if (relayed) return relayed;
        const ll = media.lowLatency(params.slug);
        if (ll) return serveLowLatency(ll, dir, params.rung, params.file, request);
        return params.file === "index.m3u8" ? blockingLivePlaylist(params.slug, params.rung, q, request) : segment(dir, params.rung, params.file, request);
      }))
    .get("/replays/:id/index.m3u8", ({ params, request }) =>
      inDir(replayDir(params.id, request), (dir, q, { previewMs }) => {
        // A public replay in a bucket with a public URL plays entirely from there.
        const bucket = remoteOf?.(Number(params.id))?.master(!q && !previewMs);
        return bucket ? toBucket(bucket) : replayPlaylist(join(dir, "index.m3u8"), q, request);
      }))
    .get("/replays/:id/poster.jpg", ({ params, request }) =>
      inDir(replayDir(params.id, null), (dir) => serveFile(join(dir, "poster.jpg"), "poster", "public, max-age=3600", request)))
    .get("/replays/:id/:rung/:file", ({ params, request }) =>
      inDir(replayDir(params.id, request), (dir, q, { previewMs }) => {
        const remote = remoteOf?.(Number(params.id)) ?? null;
        if (previewMs) return preview(dir, params.rung, params.file, previewMs, request, remote);
        if (!NAMES.rung.test(params.rung)) return notFound("rendition");
        if (remote) {
          if (params.file === "index.m3u8") return remotePlaylist(remote, params.rung, replayText(join(dir, params.rung, "replay.m3u8")), !q);
          return NAMES.segment.test(params.file) || LL_NAMES.segment.test(params.file) || LL_NAMES.init.test(params.file)
            ? toBucket(remote.url(`${params.rung}/${params.file}`, !q))
            : notFound("file");
        }
        if (params.file !== "index.m3u8") return segment(dir, params.rung, params.file, request);
        return replayPlaylist(join(dir, params.rung, "replay.m3u8"), q, request);
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
      return html(<ReplayPage ctx={ctx} room={room} broadcast={b} share={replayCard(baseUrl(deps.config), ctx.t, b, room)} />);
    })
    .get("/r/:slug/replays", ({ ctx, params }) => {
      const room = getRoomBySlug(db, params.slug);
      if (!room) return fragment(<div id="replays"></div>, 404);
      return fragment(<ReplayList ctx={ctx} replays={store.listReplays(db, room.id, 12)} />);
    });
}
