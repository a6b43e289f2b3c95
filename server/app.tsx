// The one place that wires the process: every domain is built here once from its create<Domain>(deps), and every
// route, service and bus listener is visible below. stop() drops the listeners, stops the services in reverse
// order and closes the database last. Imported only by server/main.ts and test helpers.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Elysia, ValidationError } from "elysia";
import { MessagePage } from "../views/pages/message";
import type { Config } from "./config";
import { migrate } from "./db/migrate";
import { openDb } from "./db/open";
import { SCHEMAS } from "./db/schema";
import type { AppDb, Deps, MoneyDb, Service } from "./deps";
import { createBus } from "./events/bus";
import { createAccessDomain } from "./access";
import { hasReplayPurchase, hasTicketForRoom } from "./classes/access";
import { getReplayPrice, setPrice } from "./classes/ppv";
import { hasMembership } from "./memberships/access";
import { createAccounts } from "./accounts";
import { createChat } from "./chat";
import { createGifts } from "./gifts";
import { bodyLimitPlugin } from "./http/body-limit";
import { notFoundPage } from "./http/guards";
import { assetRoutes, loadAssets } from "./http/assets";
import { contextPlugin, type ReqCtx } from "./http/context";
import { securityHeadersPlugin } from "./http/security-headers";
import { createLog } from "./log";
import { healthRoutes } from "./http/health";
import { html, jsonError } from "./http/respond";
import { createLive } from "./media";
import { createOverlays } from "./overlays";
import { createPayments } from "./payments";
import { createRealtime, websocketConfig } from "./realtime";
import { createInsights } from "./insights";
import { createHub } from "./realtime/hub";
import { createRooms } from "./rooms";
import { clearAllLive } from "./rooms/rooms";
import { createShop } from "./shop";
import { createWallet } from "./wallet";
import { closeDatabases } from "./db/close";
import { createMetrics } from "./metrics/metrics";
import { httpMetrics, metricsRoutes } from "./metrics/routes";
import { createBackupScheduler } from "./ops/backups";
import { createLogRing } from "./ops/logs";
import { systemRoutes } from "./ops/routes";
import { createSystemInfo } from "./ops/system";
import { createDispatcher } from "./webhooks/dispatcher";
import { webhooksRoutes } from "./webhooks/routes";
import { subscribeFacts } from "./webhooks/webhooks";
import { realtimeRenderers } from "./realtime/renderers";
import { chatRenderers, renderChatHistory } from "./chat/renderers";
import { mediaRenderers } from "./media/renderers";
import { giftRenderers } from "./gifts/renderers";
import { shopRenderers } from "./shop/renderers";
import { createClasses } from "./classes";
import { classesRenderers } from "./classes/renderers";
import { createMemberships } from "./memberships";
import { createSmtpMailer } from "./mail/smtp";

/** Lines kept for Admin → System. */
const LOG_LINES = 200;

export interface AppOptions {
  now?: () => number;
  log?: (msg: string) => void;
}

export function openDatabase(config: Config): { db: AppDb; moneyDb: MoneyDb } {
  mkdirSync(join(config.dataDir, "media"), { recursive: true });
  const path = join(config.dataDir, "livehouse.db");
  const db = openDb(path, "app");
  migrate(db, SCHEMAS);
  return { db, moneyDb: openDb(path, "money") };
}

export async function createApp(config: Config, opts: AppOptions = {}) {
  const logs = createLogRing(LOG_LINES);
  const print = opts.log ?? ((msg: string) => console.log(`${new Date().toISOString()} ${msg}`));
  // Escaped once (server/log.ts), then kept for Admin → System and printed.
  const log = createLog((msg) => {
    logs.push(`${new Date().toISOString()} ${msg}`);
    print(msg);
  });
  const { db, moneyDb } = openDatabase(config);
  // A crash leaves rooms flagged live; nothing is live before ingest starts.
  clearAllLive(db);
  await loadAssets();
  const deps: Deps = { config, db, moneyDb, bus: createBus(log), now: opts.now ?? Date.now, log };

  // Every domain, built once. Order matters only where one needs another's parts.
  // Access first: media, chat, gifts, realtime and rooms all ask it who may watch; tickets, memberships and
  // pay-per-view purchases are what entitle a viewer.
  const access = createAccessDomain(deps, { ticket: hasTicketForRoom, membership: hasMembership, replay: hasReplayPurchase }, { get: getReplayPrice, set: setPrice });
  const canWatch = access.access.canWatchRoom;
  const live = createLive(deps, { gate: access.access.gate });
  // Every domain's HTML rendering of its room events, in one typed table handed to the hub.
  const hub = createHub({ ...deps, renderers: { ...realtimeRenderers, ...chatRenderers, ...mediaRenderers, ...giftRenderers, ...shopRenderers, ...classesRenderers } });
  const chat = createChat(deps, { toUser: hub.toUser, disconnectUser: hub.disconnectUser, canWatch });
  const realtime = createRealtime(deps, { hub, chat: chat.chat, history: renderChatHistory, canWatch });
  const accounts = createAccounts(deps);
  const wallet = createWallet(deps);
  const gifts = createGifts(deps, { canWatch });
  const overlays = createOverlays(deps);
  const rooms = createRooms(deps, { viewers: realtime.viewerCount, access: access.access });
  const payments = createPayments(deps);
  const shop = createShop(deps, payments.providers);
  const metrics = createMetrics({ bus: deps.bus, db, dataDir: config.dataDir, viewers: realtime.viewerCount, sockets: hub, log });
  const own = { httpPort: config.httpPort, publicUrl: config.publicUrl };
  const dispatcher = createDispatcher({ db, now: deps.now, log, own, retryBaseMs: config.webhookRetryBaseMs });
  const webhookEnv = { db, now: deps.now, own, kick: dispatcher.kick };
  const backups = createBackupScheduler({ db, dataDir: config.dataDir, everyMs: config.backupEveryMs, keep: config.backupKeep, now: deps.now, log });

  const classes = createClasses(deps, { stripe: payments.stripe, mailer: createSmtpMailer(config.smtpUrl, config.smtpFrom), presence: { rooms: hub.roomIds, users: hub.userIds } });
  const memberships = createMemberships(deps, classes.env);

  const insights = createInsights(deps);

  // Every service with a lifecycle: started in this order, stopped in reverse.
  const services: Service[] = [...live.services, ...realtime.services, overlays.service, ...accounts.services, ...shop.services, ...classes.services, ...memberships.services, ...insights.services, metrics.service, dispatcher.service, backups];

  // Every bus listener kept by the app for its whole life; each is unsubscribed on stop. (Services that subscribe
  // while running — chat stats, the hub's fan-out, shop pins and notices — unsubscribe in their own stop.)
  const listeners: (() => void)[] = [
    ...gifts.listen(),
    ...metrics.listeners,
    ...subscribeFacts(webhookEnv, deps.bus),
    deps.bus.on("room.event", realtime.forgetHistory),
    // A site-wide suspension (admin) closes the account's sockets in every room.
    deps.bus.on("user.suspended", ({ userId }) => hub.disconnectUser(userId)),
  ];

  // Every route: the HLS routes come before the context (players send no cookies to look up).
  const app = new Elysia({ websocket: websocketConfig })
    .use(securityHeadersPlugin(config))
    .use(bodyLimitPlugin())
    .use(httpMetrics(metrics))
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
        return notFoundPage(ctx);
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
    .use(metricsRoutes(deps, metrics))
    .use(webhooksRoutes(deps, webhookEnv))
    .use(systemRoutes(deps, { info: createSystemInfo({ db, dataDir: config.dataDir, now: Date.now }), logs }))
    .use(accounts.routes())
    .use(wallet.routes())
    .use(gifts.routes())
    .use(overlays.routes())
    .use(live.routes())
    .use(access.routes())
    .use(rooms.routes())
    .use(shop.api())
    .use(shop.routes())
    .use(classes.api())
    .use(classes.routes())
    .use(memberships.api())
    .use(memberships.routes())
    .use(payments.routes(shop.shop, { ...classes.stripeFulfillers, ...memberships.stripeFulfillers }))
    .use(realtime.routes())
    .use(chat.routes(realtime.viewerCount))
    .use(insights.routes());

  async function start(): Promise<void> {
    for (const s of services) await s.start();
  }

  /** Closes long-lived sockets (room pages, overlays) so the HTTP server's stop does not wait for them. */
  function beforeStop(): void {
    for (const s of services) s.beforeStop?.();
  }

  async function stop(): Promise<void> {
    for (const off of listeners.splice(0)) off();
    for (const s of [...services].reverse()) {
      try {
        await s.stop();
      } catch (err) {
        log(`stop ${s.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    closeDatabases(db, moneyDb);
  }

  return { app, deps, services, start, beforeStop, stop, classes, insights };
}

export type LivehouseApp = Awaited<ReturnType<typeof createApp>>;
