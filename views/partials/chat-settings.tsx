// Studio page for a room's chat: modes, moderators, banned terms, auto-replies, emotes, broadcast peaks.
import type { ReqCtx } from "../../server/http/context";
import type { MessageKey } from "../../server/i18n";
import { utcMinute } from "../format";
import type { ChatSettings } from "../../server/chat/model";
import type { Room } from "../../server/rooms/model";
import { Csrf, Layout } from "../layout";

export interface ChatSettingsData {
  settings: ChatSettings;
  moderators: { username: string; displayName: string }[];
  terms: { id: number; term: string }[];
  commands: { name: string; reply: string }[];
  emotes: { name: string; file: string }[];
  peaks: { broadcastId: number; startedAt: number; peakViewers: number; likes: number; messages: number }[];
}

function RemoveButton({ ctx, action, name, value }: { ctx: ReqCtx; action: string; name: string; value: string }): JSX.Element {
  return (
    <form method="post" action={action} style="display:inline">
      <Csrf ctx={ctx} />
      <input type="hidden" name={name} value={value} />
      <button class="link" type="submit" safe>{ctx.t("chatSettings.remove")}</button>
    </form>
  );
}

export function ChatSettingsPage({ ctx, room, data, message, error }: { ctx: ReqCtx; room: Room; data: ChatSettingsData & { viewers: number }; message?: MessageKey; error?: MessageKey }): JSX.Element {
  const { t } = ctx;
  const base = `/studio/rooms/${room.slug}/chat`;
  return (
    <Layout ctx={ctx} title={t("chatSettings.title")}>
      <p><a href={`/studio/rooms/${room.slug}`} safe>← {room.title}</a></p>
      <h1 safe>{t("chatSettings.title")}</h1>
      <p><strong id="viewer-count" safe>{String(data.viewers)}</strong> <span class="muted" safe>{t("chat.watching")}</span></p>
      {message ? <p class="notice" role="status" safe>{t(message)}</p> : ""}
      {error ? <p class="error" role="alert" safe>{t(error)}</p> : ""}
      <section class="card">
        <h2 safe>{t("chatSettings.modes")}</h2>
        <form class="stack" method="post" action={`${base}/modes`}>
          <Csrf ctx={ctx} />
          <label><span safe>{t("chatSettings.slow")}</span><input name="slowSeconds" type="number" min="0" max="3600" value={String(data.settings.slowSeconds)} /></label>
          <label class="row" style="flex-direction:row"><input type="checkbox" name="followersOnly" value="1" checked={data.settings.followersOnly} /> <span safe>{t("chatSettings.followersOnly")}</span></label>
          <button class="primary" type="submit" safe>{t("chatSettings.save")}</button>
        </form>
      </section>
      <section class="card">
        <h2 safe>{t("chatSettings.moderators")}</h2>
        <ul>{data.moderators.map((m) => <li><span safe>{m.displayName}</span> <span class="muted" safe>@{m.username}</span> <RemoveButton ctx={ctx} action={`${base}/moderators/remove`} name="username" value={m.username} /></li>)}</ul>
        <form class="row" method="post" action={`${base}/moderators`}>
          <Csrf ctx={ctx} />
          <input name="username" required maxlength="32" placeholder={t("chatSettings.username")} aria-label={t("chatSettings.username")} />
          <button type="submit" safe>{t("chatSettings.appoint")}</button>
        </form>
      </section>
      <section class="card">
        <h2 safe>{t("chatSettings.terms")}</h2>
        <p class="muted" safe>{t("chatSettings.termsHelp")}</p>
        <ul>{data.terms.map((x) => <li><span safe>{x.term}</span> <RemoveButton ctx={ctx} action={`${base}/terms/remove`} name="term" value={x.term} /></li>)}</ul>
        <form class="row" method="post" action={`${base}/terms`}>
          <Csrf ctx={ctx} />
          <input name="term" required maxlength="100" placeholder={t("chatSettings.term")} aria-label={t("chatSettings.term")} />
          <button type="submit" safe>{t("chatSettings.add")}</button>
        </form>
      </section>
      <section class="card">
        <h2 safe>{t("chatSettings.commands")}</h2>
        <p class="muted" safe>{t("chatSettings.commandsHelp")}</p>
        <ul>{data.commands.map((c) => <li><strong safe>!{c.name}</strong> → <span safe>{c.reply}</span> <RemoveButton ctx={ctx} action={`${base}/commands/remove`} name="name" value={c.name} /></li>)}</ul>
        <form class="stack" method="post" action={`${base}/commands`}>
          <Csrf ctx={ctx} />
          <label><span safe>{t("chatSettings.command")}</span><input name="name" required maxlength="24" pattern="[a-z0-9_]{1,24}" /></label>
          <label><span safe>{t("chatSettings.reply")}</span><input name="reply" required maxlength="300" /></label>
          <button type="submit" safe>{t("chatSettings.add")}</button>
        </form>
      </section>
      <section class="card">
        <h2 safe>{t("chatSettings.emotes")}</h2>
        <p class="muted" safe>{t("chatSettings.emotesHelp")}</p>
        <div class="row">{data.emotes.map((e) => <span class="row"><img class="emote" src={`/emotes/${e.file}`} alt={`:${e.name}:`} /> <code safe>:{e.name}:</code> <RemoveButton ctx={ctx} action={`${base}/emotes/remove`} name="name" value={e.name} /></span>)}</div>
        <form class="stack" method="post" action={`${base}/emotes`} enctype="multipart/form-data">
          <Csrf ctx={ctx} />
          <label><span safe>{t("chatSettings.emoteName")}</span><input name="name" required maxlength="24" pattern="[a-z0-9_]{2,24}" /></label>
          <label><span safe>{t("chatSettings.emoteImage")}</span><input name="image" type="file" required accept="image/png,image/gif,image/webp" /></label>
          <button type="submit" safe>{t("chatSettings.upload")}</button>
        </form>
      </section>
      {data.peaks.length ? (
        <section class="card">
          <h2 safe>{t("chatSettings.peak")}</h2>
          <table>
            {data.peaks.map((p) => <tr><td safe>{utcMinute(p.startedAt)}</td><td safe>{String(p.peakViewers)}</td><td safe>♥ {String(p.likes)}</td><td safe>💬 {String(p.messages)}</td></tr>)}
          </table>
        </section>
      ) : ""}
    </Layout>
  );
}
