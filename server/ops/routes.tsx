// Admin → System.
import { Elysia } from "elysia";
import { SystemPage } from "../../views/pages/system";
import { requireAdmin } from "../accounts/routes";
import { contextPlugin } from "../http/context";
import type { Deps } from "../http/deps";
import { html } from "../http/respond";
import { recentDeliveries } from "../webhooks/storage";
import type { LogRing } from "./logs";
import type { SystemInfo } from "./system";

const WEBHOOK_ROWS = 50;

export function systemRoutes(deps: Deps, env: { info: () => SystemInfo; logs: LogRing }) {
  return new Elysia({ name: "livehouse.system" })
    .use(contextPlugin(deps))
    .get("/admin/system", ({ ctx }) => requireAdmin(ctx) ?? html(<SystemPage ctx={ctx} info={env.info()} logLines={env.logs.lines()} deliveries={recentDeliveries(deps.db, WEBHOOK_ROWS)} />));
}
