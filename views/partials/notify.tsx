// "Notify me" for a scheduled live (room page) or class (class page), loaded into a mount point with hx-get and
// swapped in place when pressed. The room's owner sees the form that announces the next live instead.
import type { ReqCtx } from "../../server/http/context";
import { utcMinute } from "../format";

export interface NotifyState {
  /** The form's target, e.g. /notify/rooms/<slug>. */
  action: string;
  /** When the live or class starts; null: nothing scheduled. */
  at: number | null;
  wanted: boolean;
  /** The room's owner: edits the schedule instead. */
  owner: boolean;
  error?: boolean;
}

export function NotifyBox({ ctx, s }: { ctx: ReqCtx; s: NotifyState }): JSX.Element {
  const { t } = ctx;
  return (
    <div id="notify-me" class="card notify-me">
      {s.at !== null ? (
        <p><span class="muted" safe>{t("notifications.nextLive")}</span> <time datetime={new Date(s.at).toISOString()} safe>{`${utcMinute(s.at)} UTC`}</time></p>
      ) : ""}
      {s.owner ? (
        <form hx-post={`${s.action}/schedule`} hx-target="#notify-me" hx-swap="outerHTML">
          <input type="hidden" name="_csrf" value={ctx.csrf} />
          <label><span safe>{t("notifications.scheduleLabel")}</span> <input type="datetime-local" name="at" value={s.at !== null ? new Date(s.at).toISOString().slice(0, 16) : ""} /></label>
          {s.error ? <p class="field-error" role="alert" safe>{t("notifications.scheduleInvalid")}</p> : ""}
          <button type="submit" safe>{t("notifications.save")}</button>
        </form>
      ) : s.at === null ? "" : !ctx.user ? (
        <p><a href={`/login?next=${encodeURIComponent(ctx.path)}`} safe>{t("notifications.notifyMe")}</a></p>
      ) : (
        <form hx-post={s.action} hx-target="#notify-me" hx-swap="outerHTML">
          <input type="hidden" name="_csrf" value={ctx.csrf} />
          <input type="hidden" name="on" value={s.wanted ? "0" : "1"} />
          <button type="submit" aria-pressed={s.wanted ? "true" : "false"} safe>{s.wanted ? t("notifications.notifying") : t("notifications.notifyMe")}</button>
        </form>
      )}
    </div>
  );
}
