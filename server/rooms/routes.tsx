// Thin HTTP adapters for rooms: home, room page, Studio (create/edit/cover/stream key), covers, room API.
import { Elysia, t } from "elysia";
import { MessagePage } from "../../views/pages/message";
import { HomePage } from "../../views/pages/home";
import { RoomPage } from "../../views/pages/room";
import { RoomForm, StreamKeyBox, StudioPage, StudioRoomPage, StudioStatus, type RoomFormValues } from "../../views/pages/studio";
import { countUsers } from "../accounts/accounts";
import { isCreator } from "../accounts/model";
import { baseUrl, rtmpServerUrl } from "../config";
import { roomCard } from "../sharing/cards";
import { forbidden, managedRoom, notFoundPage, requireUser } from "../http/guards";
import { contextPlugin } from "../http/context";
import type { Deps } from "../deps";
import { fragment, html, json, jsonError, redirect } from "../http/respond";
import { serveStored } from "../http/uploads";
import { PING_EVERY_MS } from "../realtime/viewers";
import type { Access } from "../access/access";
import { roomJson } from "./api";
import { checkCover, COVER_NAME, coversDir, saveCover } from "./covers";
import { LatencyForm } from "../../views/partials/latency-studio";
import { isLatencyMode, latencyOf } from "./model";
import * as rooms from "./rooms";

const roomBody = t.Object({
  title: t.String({ maxLength: 200 }),
  description: t.Optional(t.String({ maxLength: 5000 })),
  category: t.Optional(t.String({ maxLength: 40 })),
  tags: t.Optional(t.String({ maxLength: 1000 })),
  cover: t.Optional(t.Any()),
  _csrf: t.Optional(t.String()),
});

type RoomBody = typeof roomBody.static;

function formValues(body: RoomBody): RoomFormValues {
  return { title: body.title, description: body.description ?? "", category: body.category ?? "other", tags: body.tags ?? "" };
}

export type RoomAccessView = Pick<Access, "roomAccess" | "canWatchRoom">;

export function roomsRoutes(deps: Deps & { viewers: (roomId: number) => number; access: RoomAccessView }) {
  const { db, config } = deps;

  /** The room form's values, its checked cover (if one was uploaded) and every field error, writing nothing. */
  async function readRoomForm(body: RoomBody) {
    const values = formValues(body);
    const file = body.cover instanceof Blob && body.cover.size > 0 ? body.cover : null;
    const cover = file ? await checkCover(file) : null;
    const errors = rooms.validateRoomInput(values);
    if (cover && !cover.ok) errors.push({ field: "cover", message: cover.message });
    return { values, cover: cover?.ok ? cover : null, errors };
  }

  return new Elysia({ name: "livehouse.rooms" })
    .use(contextPlugin(deps))
    .get("/", ({ ctx }) => {
      if (countUsers(db) === 0) return redirect("/setup");
      return html(<HomePage ctx={ctx} rooms={rooms.listRooms(db, 100)} />);
    })
    .get("/r/:slug", ({ ctx, params, request }) =>
      // One read transaction for the page's queries: each query on its own pays SQLite's read-lock round trip
      // (two fcntl calls on the -shm file and an fstat, ~6 µs here), about a fifth of the page.
      db.transaction(() => {
        const room = rooms.getRoomBySlug(db, params.slug);
        if (!room) return notFoundPage(ctx, "room");
        const { mode } = deps.access.roomAccess(room.id);
        const paywall = deps.access.canWatchRoom(room, ctx.user, request.headers.get("cookie")) ? undefined : { mode };
        const playback = mode === "public" ? undefined : `/api/v1/rooms/${room.slug}/playback`;
        return html(<RoomPage ctx={ctx} room={room} pingMs={PING_EVERY_MS} latency={latencyOf(room, config.latencyMode)} paywall={paywall} playback={playback} share={roomCard(db, baseUrl(config), ctx.t, room)} />);
      })(),
    )
    .get("/covers/:file", ({ params }) => serveStored(coversDir(config.dataDir), params.file, COVER_NAME))
    .get("/studio", ({ ctx }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      if (!isCreator(ctx.user)) return html(<MessagePage ctx={ctx} title={ctx.t("studio.title")} text={ctx.t("studio.notCreator")} status={403} />, 403);
      return html(<StudioPage ctx={ctx} rooms={rooms.listRoomsByOwner(db, ctx.user.id)} />);
    })
    .post(
      "/studio/rooms",
      async ({ ctx, body }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        if (!isCreator(ctx.user)) return forbidden(ctx);
        const { values, cover, errors } = await readRoomForm(body);
        const r = errors.length ? null : rooms.createRoom(db, ctx.user, values, deps.now());
        if (!r?.ok) {
          const form = { values, errors: r && !r.ok ? r.errors : errors };
          return ctx.isHtmx ? fragment(<RoomForm ctx={ctx} {...form} />, 422) : html(<StudioPage ctx={ctx} rooms={rooms.listRoomsByOwner(db, ctx.user.id)} form={form} />, 422);
        }
        if (cover) rooms.setCover(db, r.value.id, await saveCover(config.dataDir, r.value.id, cover), deps.now());
        return redirect(`/studio/rooms/${r.value.slug}`, ctx.isHtmx);
      },
      { body: roomBody },
    )
    .get("/studio/rooms/:slug", ({ ctx, params }) => {
      const room = managedRoom(db, ctx, params.slug);
      if (room instanceof Response) return room;
      const key = rooms.getStreamKey(db, room.id)!;
      return html(<StudioRoomPage ctx={ctx} room={room} streamKey={key} masked={rooms.maskKey(key)} serverUrl={rtmpServerUrl(config)} viewers={deps.viewers(room.id)} latencyDefault={config.latencyMode} />);
    })
    .post(
      "/studio/rooms/:slug",
      async ({ ctx, params, body }) => {
        const room = managedRoom(db, ctx, params.slug);
        if (room instanceof Response) return room;
        const { values, cover, errors } = await readRoomForm(body);
        if (errors.length) return fragment(<RoomForm ctx={ctx} room={room} values={values} errors={errors} />, 422);
        const r = rooms.editRoom(db, room, values, deps.now());
        if (!r.ok) return fragment(<RoomForm ctx={ctx} room={room} values={values} errors={r.errors} />, 422);
        if (cover) rooms.setCover(db, room.id, await saveCover(config.dataDir, room.id, cover), deps.now());
        deps.bus.emit("room.updated", { roomId: room.id, slug: room.slug });
        const updated = rooms.getRoomById(db, room.id)!;
        return ctx.isHtmx ? fragment(<RoomForm ctx={ctx} room={updated} saved />) : redirect(`/studio/rooms/${room.slug}`);
      },
      { body: roomBody },
    )
    .post(
      "/studio/rooms/:slug/latency",
      ({ ctx, params, body }) => {
        const room = managedRoom(db, ctx, params.slug);
        if (room instanceof Response) return room;
        if (body.mode !== "default" && !isLatencyMode(body.mode)) return fragment(<LatencyForm ctx={ctx} room={room} instanceDefault={config.latencyMode} error />, 422);
        rooms.setLatencyMode(db, room.id, body.mode === "default" ? null : body.mode, deps.now());
        const updated = rooms.getRoomById(db, room.id)!;
        return ctx.isHtmx ? fragment(<LatencyForm ctx={ctx} room={updated} instanceDefault={config.latencyMode} saved />) : redirect(`/studio/rooms/${room.slug}`);
      },
      { body: t.Object({ mode: t.String({ maxLength: 20 }), _csrf: t.Optional(t.String()) }) },
    )
    .get("/studio/rooms/:slug/status", ({ ctx, params }) => {
      const room = managedRoom(db, ctx, params.slug);
      return room instanceof Response ? room : fragment(<StudioStatus ctx={ctx} room={room} viewers={deps.viewers(room.id)} />);
    })
    .post("/studio/rooms/:slug/key/rotate", ({ ctx, params }) => {
      const room = managedRoom(db, ctx, params.slug);
      if (room instanceof Response) return room;
      const key = rooms.rotateStreamKey(db, room.id, deps.now());
      return ctx.isHtmx ? fragment(<StreamKeyBox ctx={ctx} room={room} streamKey={key} masked={rooms.maskKey(key)} rotated />) : redirect(`/studio/rooms/${room.slug}`);
    })
    .get("/api/v1/rooms/:slug", ({ ctx, params, request }) => {
      const room = rooms.getRoomBySlug(db, params.slug);
      if (!room) return jsonError(404, `no room "${params.slug}"`);
      const access = deps.access.roomAccess(room.id).mode;
      return json({ ...roomJson(room, deps.viewers(room.id)), access, entitled: deps.access.canWatchRoom(room, ctx.user, request.headers.get("cookie")) });
    });
}
