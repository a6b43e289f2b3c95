// Thin HTTP adapters for the accounts domain: first-run setup, sign-up, login/logout, settings, admin users.
import { Elysia, t, type Cookie } from "elysia";
import { AdminPage, UserRow } from "../../views/pages/admin";
import { AuthForm, AuthPage, type AuthFormProps } from "../../views/pages/auth";
import { SettingsPage, TokenList } from "../../views/pages/settings";
import { forbidden, requireAdmin, requireUser } from "../http/guards";
import { contextPlugin, LANG_COOKIE, SESSION_COOKIE, type ReqCtx } from "../http/context";
import type { Deps } from "../deps";
import { createRateLimiter } from "../lib/rate-limit";
import { fragment, html, json, jsonError, redirect } from "../http/respond";
import * as accounts from "./accounts";
import { ROLES, type Role } from "./model";

const credentials = t.Object({
  username: t.String({ maxLength: 64 }),
  password: t.String({ maxLength: 256 }),
  displayName: t.Optional(t.String({ maxLength: 100 })),
  _csrf: t.Optional(t.String()),
});

/** Renders the auth form alone for htmx, the whole page otherwise. */
function authView(props: AuthFormProps, status: number): Response {
  return props.ctx.isHtmx ? fragment(<AuthForm {...props} />, status) : html(<AuthPage {...props} />, status);
}

function safeNext(next: unknown): string {
  return typeof next === "string" && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : "/";
}

export function accountsRoutes(deps: Deps) {
  const { db } = deps;
  // Per ip+username and per ip: slows guessing one account and spraying many.
  const loginByAccount = createRateLimiter({ max: 5, windowMs: 60_000 }, { cluster: deps.cluster, name: "login-account" });
  const loginByIp = createRateLimiter({ max: 30, windowMs: 60_000 }, { cluster: deps.cluster, name: "login-ip" });
  const signupByIp = createRateLimiter({ max: deps.config.signupsPerIpPerHour, windowMs: 3600_000 }, { cluster: deps.cluster, name: "signup-ip" });

  /** Starts a new session (killing the visitor's previous one, so the id rotates) and sets its cookie. */
  function signIn(ctx: ReqCtx, cookie: Record<string, Cookie<unknown>>, userId: number): void {
    const id = accounts.startSession(db, userId, ctx.sessionId, deps.now());
    accounts.setMailLang(db, userId, ctx.lang);
    cookie[SESSION_COOKIE]!.set({ value: id, httpOnly: true, sameSite: "lax", path: "/", secure: ctx.secure, maxAge: accounts.SESSION_TTL_MS / 1000 });
  }

  return new Elysia({ name: "livehouse.accounts" })
    .use(contextPlugin(deps))
    .get("/setup", ({ ctx }) => {
      if (accounts.countUsers(db) > 0) return redirect("/login");
      return html(<AuthPage ctx={ctx} kind="setup" />);
    })
    .post(
      "/setup",
      async ({ ctx, body, cookie }) => {
        const r = await accounts.createFirstAdmin(db, body);
        if (!r.ok) return authView({ ctx, kind: "setup", values: body, errors: r.errors }, 422);
        signIn(ctx, cookie, r.value.id);
        return redirect("/admin", ctx.isHtmx);
      },
      { body: credentials },
    )
    .get("/login", ({ ctx }) => (ctx.user ? redirect("/") : html(<AuthPage ctx={ctx} kind="login" />)))
    .post(
      "/login",
      async ({ ctx, body, cookie, query }) => {
        const ip = ctx.ip ?? "local";
        const account = `${ip}|${accounts.loginKey(body.username)}`;
        const wait = Math.max(loginByIp.hit(ip), loginByAccount.hit(account));
        if (wait > 0) {
          return authView({ ctx, kind: "login", values: body, message: ctx.t("auth.rateLimited", { seconds: wait }) }, 429);
        }
        const user = await accounts.verifyLogin(db, body.username, body.password);
        if (!user) return authView({ ctx, kind: "login", values: body, message: ctx.t("auth.badLogin") }, 401);
        loginByAccount.reset(account);
        signIn(ctx, cookie, user.id);
        return redirect(safeNext(query.next), ctx.isHtmx);
      },
      { body: credentials },
    )
    .get("/signup", ({ ctx }) => (ctx.user ? redirect("/") : html(<AuthPage ctx={ctx} kind="signup" />)))
    .post(
      "/signup",
      async ({ ctx, body, cookie }) => {
        if (accounts.countUsers(db) === 0) return redirect("/setup", ctx.isHtmx);
        const wait = signupByIp.hit(ctx.ip ?? "local", deps.now());
        if (wait > 0) return authView({ ctx, kind: "signup", values: body, message: ctx.t("auth.rateLimited", { seconds: wait }) }, 429);
        const r = await accounts.createUser(db, { ...body, role: "viewer" }, deps.now());
        if (!r.ok) return authView({ ctx, kind: "signup", values: body, errors: r.errors }, 422);
        deps.bus.emit("user.created", { userId: r.value.id, username: r.value.username });
        signIn(ctx, cookie, r.value.id);
        return redirect("/", ctx.isHtmx);
      },
      { body: credentials },
    )
    .post("/logout", ({ ctx, cookie }) => {
      if (ctx.sessionId) accounts.endSession(db, ctx.sessionId);
      cookie[SESSION_COOKIE]!.remove();
      return redirect("/", ctx.isHtmx);
    })
    .post(
      "/lang",
      ({ ctx, body, cookie }) => {
        cookie[LANG_COOKIE]!.set({ value: body.lang, path: "/", sameSite: "lax", maxAge: 365 * 24 * 3600, secure: ctx.secure });
        if (ctx.user) accounts.setMailLang(db, ctx.user.id, body.lang);
        return redirect(safeNext(body.back), ctx.isHtmx);
      },
      { body: t.Object({ lang: t.Union([t.Literal("en"), t.Literal("zh")]), back: t.Optional(t.String({ maxLength: 500 })), _csrf: t.Optional(t.String()) }) },
    )
    .get("/settings", ({ ctx }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      return html(<SettingsPage ctx={ctx} tokens={accounts.listTokens(db, me.id)} />);
    })
    .post(
      "/settings/tokens",
      ({ ctx, body }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        const { token } = accounts.createAccessToken(db, me.id, body.name, deps.now());
        const list = <TokenList ctx={ctx} tokens={accounts.listTokens(db, me.id)} created={token} />;
        return ctx.isHtmx ? fragment(list) : html(<SettingsPage ctx={ctx} tokens={accounts.listTokens(db, me.id)} />);
      },
      { body: t.Object({ name: t.String({ maxLength: 60 }), _csrf: t.Optional(t.String()) }) },
    )
    .post(
      "/settings/tokens/:id/revoke",
      ({ ctx, params }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        accounts.deleteToken(db, me.id, params.id);
        return ctx.isHtmx ? fragment(<TokenList ctx={ctx} tokens={accounts.listTokens(db, me.id)} />) : redirect("/settings");
      },
      { params: t.Object({ id: t.Numeric() }) },
    )
    .get("/api/v1/me", ({ ctx }) => {
      if (!ctx.user) return jsonError(401, "a valid bearer token (or session) is required");
      const { id, username, displayName, role } = ctx.user;
      return json({ id, username, displayName, role });
    })
    .get("/admin", ({ ctx }) => {
      const me = requireAdmin(ctx);
      return me instanceof Response ? me : html(<AdminPage ctx={ctx} users={accounts.listUsers(db)} />);
    })
    .post(
      "/admin/users/:id/role",
      ({ ctx, params, body }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        if (!accounts.changeRole(db, me, params.id, body.role as Role)) return forbidden(ctx);
        const user = accounts.getUserById(db, params.id)!;
        return ctx.isHtmx ? fragment(<UserRow ctx={ctx} user={user} />) : redirect("/admin");
      },
      { params: t.Object({ id: t.Numeric() }), body: t.Object({ role: t.Union(ROLES.map((r) => t.Literal(r))), _csrf: t.Optional(t.String()) }) },
    )
    .post(
      "/admin/users/:id/suspend",
      ({ ctx, params, body }) => {
        if (!ctx.user) return requireUser(ctx);
        const suspended = body.suspended === "1";
        if (!accounts.setSuspended(db, ctx.user, params.id, suspended)) return forbidden(ctx);
        if (suspended) deps.bus.emit("user.suspended", { userId: params.id });
        const user = accounts.getUserById(db, params.id)!;
        return ctx.isHtmx ? fragment(<UserRow ctx={ctx} user={user} />) : redirect("/admin");
      },
      { params: t.Object({ id: t.Numeric() }), body: t.Object({ suspended: t.Union([t.Literal("1"), t.Literal("0")]), _csrf: t.Optional(t.String()) }) },
    );
}
