// Thin HTTP adapters for the wallet: the viewer's wallet page and API, redeeming codes, the admin's credit and codes.
import { Elysia, t } from "elysia";
import { WalletAdminPage } from "../../views/pages/wallet-admin";
import { RedeemForm, WalletPage } from "../../views/pages/wallet";
import { getUserByUsername } from "../accounts/accounts";

import { parseInteger, requireAdmin, requireUser } from "../http/guards";
import { contextPlugin } from "../http/context";
import type { Deps } from "../deps";
import { createRateLimiter } from "../lib/rate-limit";
import { fragment, html, json, jsonError } from "../http/respond";
import { createCodes, listCodes, redeemCode, validateCodeRequest } from "./redeem";
import { checkLedger, creditCoins, getBalance, ledgerSummary, MAX_COINS, walletHistory, WalletError } from "./wallet";


export function walletRoutes(deps: Deps) {
  const { moneyDb: db } = deps;
  // Codes are guessable only by brute force; this keeps that slow.
  const redeemLimiter = createRateLimiter({ max: 10, windowMs: 60_000 });
  const adminData = (check = false) => ({ codes: listCodes(db), summary: ledgerSummary(db), check: check ? checkLedger(db) : null });

  return new Elysia({ name: "livehouse.wallet" })
    .use(contextPlugin(deps))
    .get("/api/v1/me/wallet", ({ ctx, query }) => {
      if (!ctx.user) return jsonError(401, "sign in or send a bearer token");
      const before = query.before && /^\d+$/.test(query.before) ? Number(query.before) : null;
      return json({ coins: getBalance(db, ctx.user.id), history: walletHistory(db, ctx.user.id, 50, before) });
    })
    .get("/wallet", ({ ctx }) => {
      const me = requireUser(ctx);
      if (me instanceof Response) return me;
      return html(<WalletPage ctx={ctx} balance={getBalance(db, me.id)} history={walletHistory(db, me.id, 100)} />);
    })
    .post(
      "/wallet/redeem",
      ({ ctx, body }) => {
        const me = requireUser(ctx);
        if (me instanceof Response) return me;
        const respond = (message: string, ok: boolean, status: number) =>
          ctx.isHtmx
            ? fragment(<RedeemForm ctx={ctx} message={message} ok={ok} />, status)
            : html(<WalletPage ctx={ctx} balance={getBalance(db, me.id)} history={walletHistory(db, me.id, 100)} message={message} ok={ok} />, status);
        const wait = redeemLimiter.hit(String(me.id), deps.now());
        if (wait > 0) return respond(ctx.t("redeem.rateLimited", { seconds: wait }), false, 429);
        const r = redeemCode(db, me.id, body.code, deps.now());
        if (!r.ok) return respond(ctx.t(`redeem.error.${r.error}`), false, r.error === "unknown" ? 404 : 409);
        return respond(ctx.t("redeem.done", { coins: r.coins, balance: r.balance }), true, 200);
      },
      { body: t.Object({ code: t.String({ maxLength: 40 }), _csrf: t.Optional(t.String()) }) },
    )
    .get("/admin/wallet", ({ ctx, query }) => {
      const me = requireAdmin(ctx);
      return me instanceof Response ? me : html(<WalletAdminPage ctx={ctx} {...adminData(query.check === "1")} />);
    })
    .post(
      "/admin/wallet/credit",
      ({ ctx, body }) => {
        const me = requireAdmin(ctx);
        if (me instanceof Response) return me;
        const page = (message: string, ok: boolean, status: number) => html(<WalletAdminPage ctx={ctx} {...adminData()} message={message} ok={ok} />, status);
        const coins = parseInteger(body.coins) ?? NaN;
        if (!Number.isSafeInteger(coins) || coins < 1 || coins > MAX_COINS) return page(ctx.t("wallet.error.coins"), false, 422);
        const user = getUserByUsername(deps.db, body.username.trim());
        if (!user) return page(ctx.t("wallet.error.user", { username: body.username }), false, 404);
        const key = body.key && /^[A-Za-z0-9-]{8,64}$/.test(body.key) ? `admin-form:${body.key}` : undefined;
        try {
          const r = creditCoins(db, { userId: user.id, coins, reason: "admin_credit", ref: `admin:${me.id}`, idempotencyKey: key }, deps.now());
          const text = ctx.t(r.replay ? "wallet.creditRepeated" : "wallet.credited", { coins, username: user.username, balance: r.balance });
          return page(text, true, 200);
        } catch (err) {
          if (err instanceof WalletError) return page(ctx.t("wallet.creditConflict"), false, 409);
          throw err;
        }
      },
      { body: t.Object({ username: t.String({ maxLength: 64 }), coins: t.String({ maxLength: 12 }), key: t.Optional(t.String({ maxLength: 64 })), _csrf: t.Optional(t.String()) }) },
    )
    .post(
      "/admin/wallet/codes",
      ({ ctx, body }) => {
        const me = requireAdmin(ctx);
        if (me instanceof Response) return me;
        const days = parseInteger(body.expiresDays, 0) ?? NaN;
        const req = { coins: (parseInteger(body.coins) ?? NaN), maxUses: (parseInteger(body.maxUses, 1) ?? NaN), count: (parseInteger(body.count, 1) ?? NaN), note: body.note ?? "", expiresAt: days > 0 ? deps.now() + days * 86_400_000 : null };
        const errors = validateCodeRequest(req);
        if (!Number.isSafeInteger(days) || days < 0 || days > 3650) errors.push({ field: "expiresDays", message: "redeem.error.expires" });
        if (errors.length) return html(<WalletAdminPage ctx={ctx} {...adminData()} message={errors.map((e) => ctx.t(e.message)).join(" ")} ok={false} />, 422);
        const created = createCodes(db, me.id, req, deps.now());
        return html(<WalletAdminPage ctx={ctx} {...adminData()} created={created.map((c) => c.code)} message={ctx.t("redeem.created", { n: created.length })} ok />);
      },
      {
        body: t.Object({
          coins: t.String({ maxLength: 12 }), maxUses: t.Optional(t.String({ maxLength: 12 })), count: t.Optional(t.String({ maxLength: 4 })),
          note: t.Optional(t.String({ maxLength: 200 })), expiresDays: t.Optional(t.String({ maxLength: 6 })), _csrf: t.Optional(t.String()),
        }),
      },
    );
}
