import { ROLES, type User } from "../../server/accounts/model";
import type { ReqCtx } from "../../server/http/context";
import { Csrf, Layout } from "../layout";

export function UserRow({ ctx, user }: { ctx: ReqCtx; user: User }): JSX.Element {
  const { t } = ctx;
  return (
    <tr id={`user-${user.id}`}>
      <td safe>{user.username}</td>
      <td safe>{user.displayName}</td>
      <td>
        <form class="row" method="post" action={`/admin/users/${user.id}/role`} hx-post={`/admin/users/${user.id}/role`} hx-target={`#user-${user.id}`} hx-swap="outerHTML">
          <Csrf ctx={ctx} />
          <select name="role" aria-label={t("admin.role")}>
            {ROLES.map((r) => (
              <option value={r} selected={r === user.role} safe>{t(`role.${r}`)}</option>
            ))}
          </select>
          <button type="submit" safe>{t("admin.setRole")}</button>
        </form>
      </td>
      <td>
        <form class="row" method="post" action={`/admin/users/${user.id}/suspend`} hx-post={`/admin/users/${user.id}/suspend`} hx-target={`#user-${user.id}`} hx-swap="outerHTML">
          <Csrf ctx={ctx} />
          {user.disabled ? <span class="muted" safe>{t("admin.suspended")}</span> : ""}
          <input type="hidden" name="suspended" value={user.disabled ? "0" : "1"} />
          <button type="submit" safe>{t(user.disabled ? "admin.unsuspend" : "admin.suspend")}</button>
        </form>
      </td>
    </tr>
  );
}

export function AdminPage({ ctx, users }: { ctx: ReqCtx; users: User[] }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("admin.title")}>
      <h1 safe>{t("admin.title")}</h1>
      <p class="row" id="admin-money-links"><a class="button" href="/admin/wallet" safe>{t("wallet.admin")}</a> <a class="button" href="/admin/gifts" safe>{t("gift.admin")}</a> <a class="button" href="/admin/coins" safe>{t("shop.coins.pendingTitle")}</a> <a class="button" href="/admin/webhooks" safe>{t("webhook.title")}</a> <a class="button" href="/admin/system" safe>{t("system.title")}</a> <a class="button" href="/admin/insights" id="admin-insights-link" safe>{t("insights.adminTitle")}</a></p>
      <section class="card">
        <h2 safe>{t("admin.users")}</h2>
        <table>
          <tbody>
            {users.map((u) => <UserRow ctx={ctx} user={u} />)}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}
