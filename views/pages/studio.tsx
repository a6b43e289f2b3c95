import type { FieldError } from "../../server/accounts/model";
import { CATEGORIES, type Room } from "../../server/rooms/model";
import type { ReqCtx } from "../../server/http/context";
import { Csrf, FieldError as FieldErr, Layout } from "../layout";
import { LiveBadge } from "../partials/live-badge";
import { GoalMount } from "../partials/gift-studio";
import { OverlayMount } from "../partials/overlay-studio";
import { StreamHealthMount } from "../partials/stream-health";
import { LatencyForm } from "../partials/latency-studio";
import type { LatencyMode } from "../../server/rooms/model";
import { AccessMount, ReplayOffersMount } from "../partials/access";

export interface RoomFormValues {
  title: string;
  description: string;
  category: string;
  tags: string;
}

export function RoomForm({ ctx, room, values, errors = [], saved }: { ctx: ReqCtx; room?: Room; values?: RoomFormValues; errors?: FieldError[]; saved?: boolean }): JSX.Element {
  const { t } = ctx;
  const v: RoomFormValues = values ?? (room ? { title: room.title, description: room.description, category: room.category, tags: room.tags.join(", ") } : { title: "", description: "", category: "just-chatting", tags: "" });
  const action = room ? `/studio/rooms/${room.slug}` : "/studio/rooms";
  return (
    <form class="stack" id={room ? "room-form" : "new-room-form"} method="post" action={action} hx-post={action} hx-target="this" hx-swap="outerHTML" enctype="multipart/form-data" hx-encoding="multipart/form-data">
      <Csrf ctx={ctx} />
      {saved ? <p class="notice" role="status" safe>{t("studio.saved")}</p> : ""}
      <label>
        <span safe>{t("room.form.title")}</span>
        <input name="title" required maxlength="100" value={v.title} />
        <FieldErr ctx={ctx} errors={errors} field="title" />
      </label>
      <label>
        <span safe>{t("room.form.description")}</span>
        <textarea name="description" maxlength="2000" safe>{v.description}</textarea>
        <FieldErr ctx={ctx} errors={errors} field="description" />
      </label>
      <label>
        <span safe>{t("room.form.category")}</span>
        <select name="category">
          {CATEGORIES.map((c) => <option value={c} selected={c === v.category} safe>{t(`category.${c}`)}</option>)}
        </select>
        <FieldErr ctx={ctx} errors={errors} field="category" />
      </label>
      <label>
        <span safe>{t("room.form.tags")}</span>
        <input name="tags" maxlength="300" value={v.tags} />
        <FieldErr ctx={ctx} errors={errors} field="tags" />
      </label>
      <label>
        <span safe>{t("room.form.cover")}</span>
        <input name="cover" type="file" accept="image/jpeg,image/png,image/webp" />
        <FieldErr ctx={ctx} errors={errors} field="cover" />
      </label>
      <button class="primary" type="submit" safe>{room ? t("room.form.save") : t("room.form.create")}</button>
    </form>
  );
}

export function StreamKeyBox({ ctx, room, streamKey, masked, rotated }: { ctx: ReqCtx; room: Room; streamKey: string; masked: string; rotated?: boolean }): JSX.Element {
  const { t } = ctx;
  return (
    <div id="stream-key-box">
      {rotated ? <p class="notice" role="status" safe>{t("studio.rotated")}</p> : ""}
      <div class="row">
        <span class="secret" id="stream-key" data-secret={streamKey} data-masked={masked} data-shown="0" safe>{masked}</span>
        <button type="button" data-reveal="stream-key" data-label-reveal={t("studio.reveal")} data-label-hide={t("studio.hide")} safe>{t("studio.reveal")}</button>
        <button type="button" data-copy="stream-key" data-label-done={t("studio.copied")} safe>{t("studio.copy")}</button>
        <button type="button" id="rotate-key" hx-post={`/studio/rooms/${room.slug}/key/rotate`} hx-target="#stream-key-box" hx-swap="outerHTML" hx-confirm={t("studio.rotateConfirm")} safe>{t("studio.rotate")}</button>
      </div>
    </div>
  );
}

export function StudioPage({ ctx, rooms, form }: { ctx: ReqCtx; rooms: Room[]; form?: { values: RoomFormValues; errors: FieldError[] } }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("studio.title")}>
      <h1 safe>{t("studio.title")}</h1>
      <p class="row"><a class="button" href="/studio/earnings" id="earnings-link" safe>{t("earnings.title")}</a> <a class="button" href="/studio/insights" id="insights-link" safe>{t("insights.link")}</a> <a class="button" href="/studio/memberships" id="tiers-link" safe>{t("memberships.studio.title")}</a> <a class="button" href="/studio/sponsors" id="sponsors-link" safe>{t("sponsor.studio")}</a></p>
      <section class="card">
        <h2 safe>{t("studio.yourRooms")}</h2>
        {rooms.length ? (
          <ul>
            {rooms.map((r) => (
              <li>
                <a href={`/studio/rooms/${r.slug}`} safe>{r.title}</a> {r.liveSince ? <LiveBadge live t={t} /> : ""}
              </li>
            ))}
          </ul>
        ) : <p class="muted" safe>{t("studio.noRooms")}</p>}
      </section>
      <section class="card">
        <h2 safe>{t("studio.newRoom")}</h2>
        <RoomForm ctx={ctx} {...form} />
      </section>
    </Layout>
  );
}

/** Live state and viewer count; refreshes itself every few seconds while the creator keeps the Studio open. */
export function StudioStatus({ ctx, room, viewers }: { ctx: ReqCtx; room: Room; viewers: number }): JSX.Element {
  const { t } = ctx;
  return (
    <p class="row" id="studio-status" hx-get={`/studio/rooms/${room.slug}/status`} hx-trigger="every 5s" hx-swap="outerHTML">
      <LiveBadge live={!!room.liveSince} t={t} />
      <span class="muted" id="studio-viewers" safe>{`${viewers} ${t("chat.watching")}`}</span>
    </p>
  );
}

export function StudioRoomPage({ ctx, room, streamKey, masked, serverUrl, viewers, latencyDefault }: { ctx: ReqCtx; room: Room; streamKey: string; masked: string; serverUrl: string; viewers: number; latencyDefault: LatencyMode }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={room.title}>
      <p><a href="/studio" safe>← {t("studio.title")}</a></p>
      <h1 safe>{room.title}</h1>
      <StudioStatus ctx={ctx} room={room} viewers={viewers} />
      <StreamHealthMount slug={room.slug} />
      <div id="embed-studio" hx-get={`/studio/rooms/${room.slug}/embed`} hx-trigger="load" hx-swap="outerHTML"></div>
      <nav class="row" id="studio-links">
        <a class="button" href={`/r/${room.slug}`} safe>{t("studio.openRoom")}</a>
        <a class="button" href={`/studio/rooms/${room.slug}/chat`} safe>{t("chatSettings.title")}</a>
        <a class="button" href="/studio/shop" safe>{t("shop.backOffice.products")}</a>
        <a class="button" href="/studio/shop/orders" safe>{t("shop.backOffice.orders")}</a>
        <a class="button" href="/studio/earnings" safe>{t("earnings.title")}</a>
      </nav>
      <section class="card" id="obs">
        <h2 safe>{t("studio.obs")}</h2>
        <p>
          <span safe>{t("studio.server")}</span>: <span class="secret" id="server-url" safe>{serverUrl}</span>{" "}
          <button type="button" data-copy="server-url" data-label-done={t("studio.copied")} safe>{t("studio.copy")}</button>
        </p>
        <p safe>{t("studio.streamKey")}:</p>
        <StreamKeyBox ctx={ctx} room={room} streamKey={streamKey} masked={masked} />
        <h2 safe>{t("studio.checklist")}</h2>
        <ol class="checklist">
          <li safe>{t("studio.check1")}</li>
          <li safe>{t("studio.check2")}</li>
          <li safe>{t("studio.check3")}</li>
          <li safe>{t("studio.check4")}</li>
        </ol>
      </section>
      <AccessMount slug={room.slug} />
      <ReplayOffersMount slug={room.slug} />
      <OverlayMount slug={room.slug} />
      <GoalMount slug={room.slug} />
      <LatencyForm ctx={ctx} room={room} instanceDefault={latencyDefault} />
      <section class="card">
        <h2 safe>{t("studio.edit")}</h2>
        <RoomForm ctx={ctx} room={room} />
      </section>
    </Layout>
  );
}
