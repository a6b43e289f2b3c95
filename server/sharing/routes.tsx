// Sharing over HTTP (contract, docs/sharing.md):
//   GET /embed/<slug>              the player-only page; CSP frame-ancestors = the creator's allow-list
//   GET /oembed?url=…              oEmbed 1.0 JSON (type "video"); 400 bad request, 404 not ours, 501 not JSON
//   GET /u/<username>/feed.xml     a creator's Atom feed of upcoming classes, lives and replays
//   GET|POST /studio/rooms/<slug>/embed   the allow-list (owner), an htmx fragment
import { Elysia, t } from "elysia";
import { EmbedPage } from "../../views/pages/embed";
import { EmbedStudio } from "../../views/partials/embed-studio";
import { getUserByUsername } from "../accounts/accounts";
import { isCreator } from "../accounts/model";
import { baseUrl } from "../config";
import type { Deps } from "../deps";
import { contextPlugin } from "../http/context";
import { managedRoom, notFoundPage, parseInteger } from "../http/guards";
import { fragment, html, json, jsonError } from "../http/respond";
import { contentSecurityPolicy } from "../http/security-headers";
import { getRoomBySlug } from "../rooms/rooms";
import { latencyOf, type Room } from "../rooms/model";
import { feedUrl, roomImage } from "./cards";
import { listOrigins, parseOrigins, setOrigins } from "./embed";
import { atomFeed, feedEntries } from "./feed";
import { embedSize, frameAncestors, xmlEscape } from "./model";

const ROOM_PATH = /^\/(?:r|embed)\/([A-Za-z0-9_-]{1,80})\/?$/;

export function sharingRoutes(deps: Deps, parts: { isPublic: (room: Room) => boolean }) {
  const { db, config } = deps;
  const base = baseUrl(config);

  /** The room an oEmbed url names: ours (the public URL or the host the consumer used) and a room or embed path. */
  function roomOfUrl(raw: string, request: Request): Room | null | "foreign" {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return "foreign";
    }
    const ours = new Set([new URL(base).origin, new URL(request.url).origin]);
    if (!ours.has(u.origin)) return "foreign";
    const m = ROOM_PATH.exec(u.pathname);
    return m ? getRoomBySlug(db, m[1]!) : null;
  }

  function studio(ctx: Parameters<typeof EmbedStudio>[0]["ctx"], room: Room, error?: string, origins = listOrigins(db, room.id)): Response {
    return fragment(<EmbedStudio ctx={ctx} slug={room.slug} origins={origins} embedUrl={`${base}/embed/${room.slug}`} error={error} />, error ? 422 : 200);
  }

  return new Elysia({ name: "livehouse.sharing" })
    .use(contextPlugin(deps))
    .get("/embed/:slug", ({ ctx, params, set }) => {
      const room = getRoomBySlug(db, params.slug);
      if (!room) return notFoundPage(ctx, "room");
      // Replaces the site-wide "frame-ancestors 'none'" + X-Frame-Options DENY (server/http/security-headers.ts).
      set.headers["content-security-policy"] = contentSecurityPolicy(config, frameAncestors(listOrigins(db, room.id)));
      delete set.headers["x-frame-options"];
      return html(<EmbedPage ctx={ctx} room={room} roomUrl={`${base}/r/${room.slug}`} latency={latencyOf(room, config.latencyMode)} open={parts.isPublic(room)} />);
    })
    .get("/oembed", ({ query, request }) => {
      if (query.format !== undefined && query.format !== "json") return jsonError(501, `format "${query.format}" is not supported; only json`);
      if (!query.url) return jsonError(400, "url is required");
      const maxWidth = query.maxwidth === undefined ? null : parseInteger(query.maxwidth);
      const maxHeight = query.maxheight === undefined ? null : parseInteger(query.maxheight);
      if ((query.maxwidth !== undefined && (maxWidth === null || maxWidth < 1)) || (query.maxheight !== undefined && (maxHeight === null || maxHeight < 1))) {
        return jsonError(400, "maxwidth and maxheight must be positive integers");
      }
      const room = roomOfUrl(query.url, request);
      if (room === "foreign") return jsonError(404, "not a URL of this site");
      if (!room) return jsonError(404, "no room at that URL");
      const { width, height } = embedSize(maxWidth, maxHeight);
      const src = `${base}/embed/${room.slug}`;
      const thumb = roomImage(db, base, room);
      return json({
        version: "1.0", type: "video", provider_name: "Livehouse", provider_url: `${base}/`,
        title: room.title, author_name: room.ownerName, author_url: feedUrl(base, room.ownerUsername),
        width, height,
        html: `<iframe src="${xmlEscape(src)}" width="${width}" height="${height}" title="${xmlEscape(room.title)}" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>`,
        ...(thumb ? { thumbnail_url: thumb, thumbnail_width: 1280, thumbnail_height: 720 } : {}),
        cache_age: 60,
      });
    }, { query: t.Object({ url: t.Optional(t.String({ maxLength: 2000 })), format: t.Optional(t.String({ maxLength: 20 })), maxwidth: t.Optional(t.String({ maxLength: 20 })), maxheight: t.Optional(t.String({ maxLength: 20 })) }) })
    .get("/u/:username/feed.xml", ({ params }) => {
      const owner = getUserByUsername(db, params.username);
      if (!owner || owner.disabled || !isCreator(owner)) return new Response(`no creator "${params.username}"\n`, { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
      const now = deps.now();
      return new Response(atomFeed(owner, base, feedEntries(db, owner, base, now), now), { headers: { "content-type": "application/atom+xml; charset=utf-8", "cache-control": "public, max-age=60" } });
    })
    .get("/studio/rooms/:slug/embed", ({ ctx, params }) => {
      const room = managedRoom(db, ctx, params.slug);
      return room instanceof Response ? room : studio(ctx, room);
    })
    .post("/studio/rooms/:slug/embed", ({ ctx, params, body }) => {
      const room = managedRoom(db, ctx, params.slug);
      if (room instanceof Response) return room;
      const r = parseOrigins(body.origins);
      if (!r.ok) return studio(ctx, room, r.tooMany ? ctx.t("share.embedTooMany") : ctx.t("share.embedBadOrigin", { line: r.line.slice(0, 100) }), listOrigins(db, room.id));
      setOrigins(db, room.id, r.origins, deps.now());
      return studio(ctx, room);
    }, { body: t.Object({ _csrf: t.Optional(t.String()), origins: t.String({ maxLength: 5000 }) }) });
}
