// Stream health for the room's owner (and admins): the Studio partial, polled every few seconds while the
// Studio page is open, and the same data as JSON for scripts (docs/live.md).
import { Elysia } from "elysia";
import { StreamHealthBox } from "../../views/partials/stream-health";
import { contextPlugin } from "../http/context";
import type { Deps } from "../deps";
import { fragment, json, jsonError } from "../http/respond";
import { canManage, getRoomBySlug } from "../rooms/rooms";
import { managedRoom } from "../http/guards";
import type { Media } from "./lifecycle";

export function healthRoutes(deps: Deps, media: Media) {
  const { db } = deps;
  return new Elysia({ name: "livehouse.health" })
    .use(contextPlugin(deps))
    .get("/studio/rooms/:slug/health", ({ ctx, params }) => {
      const room = managedRoom(db, ctx, params.slug);
      if (room instanceof Response) return room;
      return fragment(<StreamHealthBox ctx={ctx} slug={room.slug} health={media.health(room.slug)} />, 200, { "cache-control": "no-store" });
    })
    .get("/api/v1/rooms/:slug/health", ({ ctx, params }) => {
      if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
      const room = getRoomBySlug(db, params.slug);
      if (!room) return jsonError(404, `no room "${params.slug}"`);
      if (!canManage(ctx.user, room)) return jsonError(403, "only the room's owner or an admin sees its stream health");
      return json(media.health(room.slug) ?? { slug: room.slug, live: false, publishedAt: null, startMs: null, input: null, transcode: null, latencySeconds: null, advice: [] }, 200, { "cache-control": "no-store" });
    });
}
