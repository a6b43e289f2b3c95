// Admin → System.
import { Elysia } from "elysia";
import { SystemPage } from "../../views/pages/system";
import { contextPlugin } from "../http/context";
import type { Deps } from "../deps";
import { requireAdmin } from "../http/guards";
import { html } from "../http/respond";
import { recentDeliveries } from "../webhooks/storage";
import type { LogRing } from "./logs";
import type { SystemInfo } from "./model";

const WEBHOOK_ROWS = 50;

export function systemRoutes(deps: Deps, env: { info: () => SystemInfo; logs: LogRing }) {
  return new Elysia({ name: "livehouse.system" })
    .use(contextPlugin(deps))
    .get("/admin/system", ({ ctx }) => {
      const admin = requireAdmin(ctx);
      if (admin instanceof Response) return admin;
      return html(<SystemPage ctx={ctx} info={env.info()} logLines={env.logs.lines()} deliveries={recentDeliveries(deps.db, WEBHOOK_ROWS)} />);
    });
}
