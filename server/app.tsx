// Builds every dependency once and wires the HTTP app. Services with a lifecycle (RTMP ingest, transcoders,
// realtime hub) register here; stop() stops them in reverse order and closes the database last.
import type { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Elysia, ValidationError } from "elysia";
import { MessagePage } from "../views/pages/admin";
import type { Config } from "./config";
import { migrate } from "./db/migrate";
import { openDb } from "./db/open";
import { SCHEMAS } from "./db/schema";
import { createBus } from "./events/bus";
import { accountsRoutes, pageNotFound } from "./accounts/routes";
import { assetRoutes, loadAssets } from "./http/assets";
import { contextPlugin, type ReqCtx } from "./http/context";
import type { Deps } from "./http/deps";
import { healthRoutes } from "./http/health";
import { html, jsonError } from "./http/respond";
import { clearAllLive } from "./rooms/rooms";
import { roomsRoutes } from "./rooms/routes";
import { paymentRoutes } from "./payments/routes";
import { shopApi } from "./shop/api";
import { shopRoutes } from "./shop/routes";
import { createShop } from "./shop/service";
import { giftsRoutes } from "./gifts/routes";
import { overlaysRoutes } from "./overlays/routes";
import { walletRoutes } from "./wallet/routes";
import { createLive } from "./media";
import { createRealtime, websocketConfig } from "./realtime";
import { createInsights } from "./insights";

export interface Service {
  name: string;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export interface AppOptions {
  now?: () => number;
  log?: (msg: string) => void;
}

export function openDatabase(config: Config): { db: Database; moneyDb: Database } {
  mkdirSync(join(config.dataDir, "media"), { recursive: true });
  const path = join(config.dataDir, "livehouse.db");
  const db = openDb(path, "app");
  migrate(db, SCHEMAS);
  return { db, moneyDb: openDb(path, "money") };
}

export async function createApp(config: Config, opts: AppOptions = {}) {
  const log = opts.log ?? ((msg: string) => console.log(`${new Date().toISOString()} ${msg}`));
  const { db, moneyDb } = openDatabase(config);
  // A crash leaves rooms flagged live; nothing is live before ingest starts.
  clearAllLive(db);
  await loadAssets();
  const deps: Deps = { config, db, moneyDb, bus: createBus(log), now: opts.now ?? Date.now, log };
  const services: Service[] = [];
  const live = createLive(deps);
  services.push(...live.services);
  const realtime = createRealtime(deps);
  services.push(realtime.service);
  const viewers = realtime.viewerCount;
  const shop = createShop(deps);
  services.push(...shop.services);
  const insights = createInsights(deps);
  services.push(...insights.services);

  const app = new Elysia({ websocket: websocketConfig })
    .use(live.hlsRoutes())
    .use(contextPlugin(deps))
    .onError((c) => {
      const { code, error, request } = c;
      // ctx is missing when the error happened before the context was derived (e.g. a body parse error).
      const ctx = (c as { ctx?: ReqCtx }).ctx;
      const path = new URL(request.url).pathname;
      const api = path.startsWith("/api/");
      if (code === "NOT_FOUND") {
        if (api || !ctx) return jsonError(404, `no route ${request.method} ${path}`);
        return pageNotFound(ctx);
      }
      if (error instanceof ValidationError || code === "VALIDATION" || code === "PARSE") {
        if (api || !ctx) return jsonError(code === "PARSE" ? 400 : 422, "invalid request: " + (error instanceof ValidationError ? error.valueError?.message ?? "validation failed" : "could not parse body"));
        return html(<MessagePage ctx={ctx} title={ctx.t("error.invalid")} text={ctx.t("error.invalid")} status={422} />, 422);
      }
      // Overlay URLs carry their secret in the path: never write it to the log.
      log(`http ${request.method} ${path.replace(/^\/overlay\/[^/]+/, "/overlay/***")}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      if (api || !ctx) return jsonError(500, "internal error");
      return html(<MessagePage ctx={ctx} title={ctx.t("error.generic")} text={ctx.t("error.generic")} status={500} />, 500);
    })
    .use(assetRoutes())
    .use(healthRoutes(deps))
    .use(accountsRoutes(deps))
    .use(walletRoutes(deps))
    .use(giftsRoutes(deps))
    .use(overlaysRoutes(deps))
    .use(live.routes())
    .use(roomsRoutes({ ...deps, viewers }))
    .use(shopApi(deps, shop))
    .use(shopRoutes(deps, shop))
    .use(paymentRoutes(deps, shop))
    .use(insights.routes())
    .use(realtime.routes());

  async function start(): Promise<void> {
    for (const s of services) await s.start();
  }

  async function stop(): Promise<void> {
    for (const s of [...services].reverse()) {
      try {
        await s.stop();
      } catch (err) {
        log(`stop ${s.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    moneyDb.close();
    db.close();
  }

  return { app, deps, services, start, stop, insights };
}

export type LivehouseApp = Awaited<ReturnType<typeof createApp>>;
