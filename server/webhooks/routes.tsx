// Admin → Webhooks: register receivers (the secret is shown once), send a test event, delete, see deliveries.
import { Elysia, t } from "elysia";
import { WebhooksAdminPage } from "../../views/pages/webhooks-admin";
import { contextPlugin, type ReqCtx } from "../http/context";
import type { Deps } from "../deps";
import { notFoundPage, requireAdmin } from "../http/guards";
import { html, redirect } from "../http/respond";
import * as store from "./storage";
import { createWebhook, sendTest, type WebhookEnv } from "./webhooks";

const LOG_ROWS = 100;

export function webhooksRoutes(deps: Deps, env: WebhookEnv) {
  const { db } = deps;
  const page = (ctx: ReqCtx, extra: { created?: { id: number; secret: string }; error?: string; notice?: string } = {}, status = 200) =>
    html(<WebhooksAdminPage ctx={ctx} webhooks={store.listWebhooks(db)} deliveries={store.recentDeliveries(db, LOG_ROWS)} {...extra} />, status);
  const id = { params: t.Object({ id: t.Numeric() }) };
  return new Elysia({ name: "livehouse.webhooks" })
    .use(contextPlugin(deps))
    .get("/admin/webhooks", ({ ctx, query }) => {
      const admin = requireAdmin(ctx);
      if (admin instanceof Response) return admin;
      return page(ctx, query.sent ? { notice: ctx.t("webhook.testQueued") } : {});
    }, { query: t.Object({ sent: t.Optional(t.String({ maxLength: 10 })) }) })
    .post(
      "/admin/webhooks",
      ({ ctx, body }) => {
        const admin = requireAdmin(ctx);
        if (admin instanceof Response) return admin;
        const fields = body as Record<string, unknown>;
        const events = Object.keys(fields).filter((k) => k.startsWith("event:") && fields[k]).map((k) => k.slice(6)).join(",");
        const r = createWebhook(env, { url: String(fields.url ?? ""), events });
        if (!r.ok) return page(ctx, { error: r.error.replace(/^--\w+: /, "") }, 422);
        return page(ctx, { created: { id: r.id, secret: r.secret } }, 201);
      },
      { body: t.Object({ url: t.String({ maxLength: 2000 }) }, { additionalProperties: true }) },
    )
    .post("/admin/webhooks/:id/test", ({ ctx, params }) => {
      const admin = requireAdmin(ctx);
      if (admin instanceof Response) return admin;
      return sendTest(env, params.id) ? redirect("/admin/webhooks?sent=1") : notFoundPage(ctx, "page");
    }, id)
    .post("/admin/webhooks/:id/delete", ({ ctx, params }) => {
      const admin = requireAdmin(ctx);
      if (admin instanceof Response) return admin;
      return store.deleteWebhook(db, params.id) ? redirect("/admin/webhooks") : notFoundPage(ctx, "page");
    }, id);
}
