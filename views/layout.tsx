import type { Children } from "@kitajs/html";
import type { ReqCtx } from "../server/http/context";
import type { MessageKey } from "../server/i18n";
import { assetUrl } from "./assets";
import { isCreator } from "../server/accounts/model";

export interface LayoutProps {
  ctx: ReqCtx;
  title: string;
  children?: Children;
  /** Extra tags for <head> (page-specific scripts), already trusted markup. */
  head?: Children;
}

export function Layout({ ctx, title, children, head }: LayoutProps): JSX.Element {
  const { t, user } = ctx;
  return (
    <html lang={ctx.lang === "zh" ? "zh-CN" : "en"}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content={ctx.csrf} />
        <link rel="icon" href="data:," />
        <title safe>{title} · Livehouse</title>
        <link rel="stylesheet" href={assetUrl("app.css")} />
        <script src={assetUrl("htmx.js")} defer></script>
        <script src={assetUrl("app.js")} defer></script>
        {user ? <script src={assetUrl("bell.js")} defer></script> : ""}
        {head}
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">Livehouse</a>
          <nav>
            <a href="/" safe>{t("nav.home")}</a>
            {isCreator(user) ? (
              <>
                <a href="/studio" safe>{t("nav.studio")}</a>
                <a href="/studio/shop" safe>{t("shop.backOffice.products")}</a>
              </>
            ) : ""}
            {user?.role === "admin" ? <a href="/admin" safe>{t("nav.admin")}</a> : ""}
            {user ? (
              <>
                <a id="bell" class="bell" href="/me/notifications" data-ws="/me/notifications/ws" aria-label={t("notifications.title")} title={t("notifications.title")}>
                  <span aria-hidden="true">🔔</span> <span id="bell-count" class="bell-count" hidden></span>
                </a>
                <a href="/shop/orders" safe>{t("shop.myOrders")}</a>
                <a href="/wallet" safe>{t("wallet.title")}</a>
                <a href="/settings" safe>{t("nav.settings")}</a>
                <span class="muted" safe>{user.displayName}</span>
                <form method="post" action="/logout" style="display:inline">
                  <input type="hidden" name="_csrf" value={ctx.csrf} />
                  <button class="link" type="submit" safe>{t("nav.logout")}</button>
                </form>
              </>
            ) : (
              <>
                <a href="/login" safe>{t("nav.login")}</a>
                <a href="/signup" safe>{t("nav.signup")}</a>
              </>
            )}
            <form method="post" action="/lang" style="display:inline" aria-label={t("nav.language")}>
              <input type="hidden" name="_csrf" value={ctx.csrf} />
              <input type="hidden" name="back" value={ctx.path} />
              <button class="link" type="submit" name="lang" value={ctx.lang === "zh" ? "en" : "zh"}>
                {ctx.lang === "zh" ? "English" : "中文"}
              </button>
            </form>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}

/** Hidden CSRF input for plain forms (htmx requests also get the header from app.js). */
export function Csrf({ ctx }: { ctx: ReqCtx }): JSX.Element {
  return <input type="hidden" name="_csrf" value={ctx.csrf} />;
}

export function FieldError({ ctx, errors, field }: { ctx: ReqCtx; errors: { field: string; message: MessageKey }[]; field: string }): JSX.Element {
  const e = errors.find((x) => x.field === field);
  return e ? <p class="field-error" role="alert" id={`err-${field}`} safe>{ctx.t(e.message)}</p> : "";
}
