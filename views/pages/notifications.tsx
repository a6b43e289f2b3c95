// The notification centre: every notice (go-live, class reminders, memberships), unread first marked, with
// "mark read" per notice and for all, and the address go-live e-mails go to.
import type { Notice } from "../../server/classes/model";
import type { ReqCtx } from "../../server/http/context";
import { utcMinute } from "../format";
import { Csrf, Layout } from "../layout";

export function NotificationsPage({ ctx, notices, email, error }: { ctx: ReqCtx; notices: readonly Notice[]; email: string | null; error?: boolean }): JSX.Element {
  const { t } = ctx;
  const unread = notices.filter((n) => n.readAt === null).length;
  return (
    <Layout ctx={ctx} title={t("notifications.title")}>
      <h1 safe>{t("notifications.title")}</h1>
      {unread ? (
        <form method="post" action="/me/notifications/read">
          <Csrf ctx={ctx} />
          <button type="submit" id="mark-all-read" safe>{t("notifications.markAllRead")}</button>
        </form>
      ) : ""}
      <ul id="notifications" class="notifications">
        {notices.map((n) => (
          <li class={n.readAt === null ? "unread" : ""} data-kind={n.kind}>
            <time datetime={new Date(n.createdAt).toISOString()} safe>{utcMinute(n.createdAt)}</time> <a href={n.url} safe>{t(n.textKey, n.vars)}</a>
            {n.readAt === null ? (
              <form method="post" action="/me/notifications/read" style="display:inline">
                <Csrf ctx={ctx} />
                <input type="hidden" name="id" value={String(n.id)} />
                <button class="link" type="submit" safe>{t("notifications.markRead")}</button>
              </form>
            ) : ""}
          </li>
        ))}
      </ul>
      {notices.length ? "" : <p class="muted" safe>{t("notices.empty")}</p>}
      <section class="card" id="golive-email">
        <h2 safe>{t("notifications.email")}</h2>
        <p class="muted" safe>{t("notifications.emailHelp")}</p>
        <form method="post" action="/me/notifications/email">
          <Csrf ctx={ctx} />
          <label><span safe>{t("notifications.emailLabel")}</span> <input name="email" type="email" maxlength="254" value={email ?? ""} aria-invalid={error ? "true" : undefined} /></label>
          {error ? <p class="field-error" role="alert" safe>{t("notifications.emailInvalid")}</p> : ""}
          <button type="submit" safe>{t("notifications.save")}</button>
        </form>
      </section>
    </Layout>
  );
}
