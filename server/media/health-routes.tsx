// Stream health for the room's owner (and admins): the Studio partial, polled every few seconds while the
// Studio page is open, and the same data as JSON for scripts (docs/live.md). A `--role web` process has no
// numbers of its own: it relays a live room's health requests to the ingest owner (server/media/view.ts).
import { Elysia } from "elysia";
import { StreamHealthBox } from "../../views/partials/stream-health";
import { contextPlugin } from "../http/context";
import type { Deps } from "../deps";
import { fragment, json, jsonError } from "../http/respond";
import { canManage, getRoomBySlug } from "../rooms/rooms";
import { managedRoom } from "../http/guards";
import type { Room } from "../rooms/model";
import type { Media } from "./lifecycle";

export function healthRoutes(deps: Deps, media: Media, relay?: (request: Request) => Promise<Response>) {
  const { db } = deps;
  // Only a web process passes relay, and its media has no health of its own.
  const fromOwner = (room: Room, request: Request): Promise<Response> | null => (relay && room.liveSince !== null ? relay(request) : null);
  return new Elysia({ name: "livehouse.health" })
    .use(contextPlugin(deps))
    .get("/studio/rooms/:slug/health", ({ ctx, params, request }) => {
      const room = managedRoom(db, ctx, params.slug);
      if (room instanceof Response) return room;
      return fromOwner(room, request) ?? fragment(<StreamHealthBox ctx={ctx} slug={room.slug} health={media.health(room.slug)} />, 200, { "cache-control": "no-store" });
    })
    .get("/api/v1/rooms/:slug/health", ({ ctx, params, request }) => {
      if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
      const room = getRoomBySlug(db, params.slug);
      if (!room) return jsonError(404, `no room "${params.slug}"`);
      if (!canManage(ctx.user, room)) return jsonError(403, "only the room's owner or an admin sees its stream health");
      return fromOwner(room, request) ?? json(media.health(room.slug) ?? { slug: room.slug, live: false, publishedAt: null, startMs: null, input: null, transcode: null, latencySeconds: null, advice: [] }, 200, { "cache-control": "no-store" });
    });
}
