// The live pipeline as a `--role web` process sees it: it runs no ingest and no ffmpeg, and serves what the ingest
// owner writes into the shared data directory. Standard HLS is all on disk (master and rendition playlists are
// written atomically, segments are immutable), so a web process serves it itself. Low-latency parts and their
// blocking playlists live in the owner's memory (llhls-output.ts), so those requests are relayed to the owner over
// loopback HTTP: its address is a shared value it refreshes (server/app.tsx), and the blocking wait happens there.
// Stream health is measured by the owner's ingest and transcoder, so health requests are relayed the same way,
// with the caller's credentials: the owner checks them again.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Deps } from "../deps";
import { getRoomBySlug } from "../rooms/rooms";
import { NAMES } from "./files";
import { broadcastDir, type Media } from "./lifecycle";
import { LL_NAMES } from "./llhls";
import * as store from "./storage";

/** How long a slug → live folder answer is reused: every player asks every second or two. */
const DIR_TTL_MS = 500;

export interface MediaView extends Media {
  /** Answers a request this process cannot answer from disk by asking the owner; null when it can. */
  relay(slug: string, rung: string, file: string, request: Request): Promise<Response> | null;
  /** Asks the owner, as the caller (cookie or bearer token), for a live room's stream health. */
  relayHealth(request: Request): Promise<Response>;
}

/** What a health request needs to be answered as its caller: who (cookie, token) and how (language, htmx). */
const CALLER_HEADERS = ["cookie", "authorization", "accept-language", "hx-request"];

export function createMediaView(deps: Deps, owner: () => Promise<string | null>): MediaView {
  const dirs = new Map<string, { dir: string | null; until: number }>();

  function liveDir(slug: string): string | null {
    const now = Date.now();
    const hit = dirs.get(slug);
    if (hit && hit.until > now) return hit.dir;
    let dir: string | null = null;
    const room = getRoomBySlug(deps.db, slug);
    if (room?.liveSince) {
      const open = store.openBroadcasts(deps.db).filter((b) => b.roomId === room.id).sort((a, b) => b.id - a.id)[0];
      if (open && existsSync(join(broadcastDir(deps, open.id), "index.m3u8"))) dir = broadcastDir(deps, open.id);
    }
    if (dirs.size > 10_000) dirs.clear();
    dirs.set(slug, { dir, until: now + DIR_TTL_MS });
    return dir;
  }

  async function forward(request: Request, asCaller = false): Promise<Response> {
    const base = await owner();
    if (!base) return Response.json({ error: "the ingest process is not reachable" }, { status: 503, headers: { "cache-control": "no-cache", "retry-after": "1" } });
    const url = new URL(request.url);
    const asked: Record<string, string> = { "user-agent": "livehouse-web-relay" };
    if (asCaller) {
      for (const h of CALLER_HEADERS) {
        const v = request.headers.get(h);
        if (v !== null) asked[h] = v;
      }
    }
    try {
      const res = await fetch(base + url.pathname + url.search, { headers: asked });
      const headers = new Headers();
      for (const h of ["content-type", "cache-control", "content-length", "access-control-allow-origin", "retry-after"]) {
        const v = res.headers.get(h);
        if (v !== null) headers.set(h, v);
      }
      return new Response(res.body, { status: res.status, headers });
    } catch (err) {
      deps.log(`media: relay to the ingest process failed: ${err instanceof Error ? err.message : String(err)}`);
      return Response.json({ error: "the ingest process is not reachable" }, { status: 502, headers: { "cache-control": "no-cache" } });
    }
  }

  function readText(path: string): string | null {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return null;
    }
  }

  return {
    onPublish() {},
    onResume() {},
    onUnpublish() {},
    liveDir,
    livePlaylist(slug, rung) {
      const dir = liveDir(slug);
      return dir ? readText(rung === null ? join(dir, "index.m3u8") : join(dir, rung, "index.m3u8")) : null;
    },
    health: () => null,
    lowLatency: () => null,
    standard: () => null,
    relay(slug, rung, file, request) {
      const dir = liveDir(slug);
      if (!dir || !NAMES.rung.test(rung)) return null;
      // A rendition playlist on disk is standard HLS, served from here unless it is a blocking reload (_HLS_msn,
      // which waits on the owner's output); a low-latency rung keeps its playlist and parts in memory.
      if (file === "index.m3u8") return existsSync(join(dir, rung, "index.m3u8")) && !new URL(request.url).searchParams.has("_HLS_msn") ? null : forward(request);
      return LL_NAMES.part.test(file) ? forward(request) : null;
    },
    relayHealth: (request) => forward(request, true),
    recover() {},
    sweep() {},
    async stopAll() {},
  };
}
