// Per-request context every route sees: language + translator, the signed-in user, the CSRF token.
// Also the one CSRF gate: every state-changing request authenticated by cookie must carry the token
// (form field `_csrf` or header `X-CSRF-Token`). Bearer-token API calls carry no ambient authority and skip it.
import { Elysia } from "elysia";
import { sameSecret } from "../lib/secrets";
import { loadSession, userForToken } from "../accounts/accounts";
import type { User } from "../accounts/model";
import { randomToken } from "../accounts/secrets";
import { pickLang, translator, type Lang, type Translate } from "../i18n";
import type { Deps } from "../deps";
import { jsonError, fragment } from "./respond";

export interface ReqCtx {
  lang: Lang;
  t: Translate;
  user: User | null;
  csrf: string;
  /** The raw session id from the cookie when it maps to a live session. */
  sessionId: string | null;
  viaToken: boolean;
  isHtmx: boolean;
  path: string;
  secure: boolean;
  /** The peer address (null when unknown, e.g. in app.handle tests). */
  ip: string | null;
}

export const SESSION_COOKIE = "lh_session";
const CSRF_COOKIE = "lh_csrf";
export const LANG_COOKIE = "lh_lang";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Paths whose callers authenticate by signature or secret instead of cookies: payment webhooks, and the one-click
 * unsubscribe (RFC 8058) a mail client POSTs with the secret token in the URL and no cookies.
 */
const CSRF_EXEMPT = [/^\/webhooks\//, /^\/unsubscribe\/[^/]+$/];


export function bearerToken(request: Request): string | null {
  const auth = request.headers.get("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim();
  return null;
}

export function contextPlugin(deps: Deps) {
  return new Elysia({ name: "livehouse.context" })
    .derive({ as: "global" }, ({ request, cookie, server }): { ctx: ReqCtx } => {
      const url = new URL(request.url);
      const lang = pickLang(cookie[LANG_COOKIE]?.value as string | undefined, request.headers.get("accept-language"));
      const secure = url.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https" || deps.config.publicUrl.startsWith("https:");
      let user: User | null = null;
      let sessionId: string | null = null;
      let csrf = "";
      const bearer = bearerToken(request) ?? (url.pathname.startsWith("/api/") ? url.searchParams.get("token") : null);
      if (bearer) {
        user = userForToken(deps.db, bearer, deps.now());
      } else {
        const sid = cookie[SESSION_COOKIE]?.value;
        if (typeof sid === "string" && sid) {
          const s = loadSession(deps.db, sid, deps.now());
          if (s) {
            user = s.user;
            sessionId = sid;
            csrf = s.csrf;
          }
        }
      }
      if (!csrf) {
        const c = cookie[CSRF_COOKIE]?.value;
        if (typeof c === "string" && /^[A-Za-z0-9_-]{32}$/.test(c)) csrf = c;
        else {
          csrf = randomToken(24);
          cookie[CSRF_COOKIE]!.set({ value: csrf, httpOnly: true, sameSite: "lax", path: "/", secure });
        }
      }
      return {
        ctx: {
          lang, t: translator(lang), user, csrf, sessionId, viaToken: !!bearer,
          isHtmx: request.headers.has("hx-request"), path: url.pathname, secure, ip: server?.requestIP(request)?.address ?? null,
        },
      };
    })
    .onBeforeHandle({ as: "global" }, ({ request, ctx, body }) => {
      if (SAFE_METHODS.has(request.method) || ctx.viaToken) return;
      if (CSRF_EXEMPT.some((re) => re.test(ctx.path))) return;
      const sent = request.headers.get("x-csrf-token") ?? (body && typeof body === "object" ? (body as Record<string, unknown>)._csrf : undefined);
      if (typeof sent === "string" && sameSecret(sent, ctx.csrf)) return;
      if (ctx.path.startsWith("/api/")) return jsonError(403, "missing or invalid CSRF token");
      return fragment(`<p class="error" role="alert">${ctx.t("error.csrf")}</p>`, 403);
    });
}
