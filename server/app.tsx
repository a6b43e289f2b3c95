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
import { createBus, type Facts } from "./events/bus";
import { localCluster, type Cluster } from "./events/cluster";
import { createRedisCluster } from "./events/redis";
import { openBroadcasts } from "./media/storage";
import { getRoomById } from "./rooms/rooms";
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
import { createObjects } from "./objects";
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
import { createAuctions } from "./auctions";
import { auctionRenderers } from "./auctions/renderers";
import { createSmtpMailer } from "./mail/smtp";
import { createSponsors } from "./sponsors";
import { createNotifications } from "./notifications";
import { createSharing } from "./sharing";

/** Lines kept for Admin → System. */
const LOG_LINES = 200;

/**
 * Services only the ingest owner (`serve --role all`) runs: RTMP ingest, transcoding and every scheduler. A `--role
 * web` process runs the rest (sockets, viewer counting, chat's like batching, checkout's group commit, insights
 * capture, attendance of its own sockets, metrics of its own process). Auctions' clocks run everywhere: an auction
 * started on any process ends on time there, and endAuction's conditional status move makes a second ending a
 * no-op (server/auctions/clock.ts).
 */
const OWNER_ONLY = new Set(["media", "rtmp-ingest", "replay-uploads", "shop.reservations", "accounts.sessions", "memberships.scheduler", "classes.scheduler", "insights-schedule", "webhooks", "backups", "sponsors", "notifications.mail"]);

/** Facts of the ingest owner that web processes replay as remote facts (server/events/bus.ts). */
const OWNER_FACTS = ["broadcast.started", "broadcast.ended"] as const;
const OWNER_KEY = "owner";
const OWNER_TTL_MS = 15_000;

export interface AppOptions {
  now?: () => number;
  log?: (msg: string) => void;
  /** Defaults to Redis when config.redisUrl is set, else to this process alone. */
  cluster?: Cluster;
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
  // A crash leaves rooms flagged live; nothing is live before ingest starts (a web process starts beside it).
  if (config.role === "all") clearAllLive(db);
  await loadAssets();
  const cluster = opts.cluster ?? (config.redisUrl ? await createRedisCluster(config.redisUrl, log) : localCluster());
  const deps: Deps = { config, db, moneyDb, bus: createBus(log), now: opts.now ?? Date.now, log, cluster };
  const owner = config.role === "all";

  // Every domain, built once. Order matters only where one needs another's parts.
  // Access first: media, chat, gifts, realtime and rooms all ask it who may watch; tickets, memberships and
  // pay-per-view purchases are what entitle a viewer.
  const access = createAccessDomain(deps, { ticket: hasTicketForRoom, membership: hasMembership, replay: hasReplayPurchase }, { get: getReplayPrice, set: setPrice });
  const canWatch = access.access.canWatchRoom;
  // Replays on object storage (off without --s3-endpoint); what an anonymous caller may play is public.
  const objects = createObjects(deps, {
    isOpen: (id) => {
      const p = access.access.playback({ kind: "replay", id }, null);
      return p.ok && !p.previewMinutes && !p.hls.includes("?");
    },
  });
  const live = createLive(deps, { gate: access.access.gate, remote: objects.remote, owner: () => cluster.getValue(OWNER_KEY).catch(() => null) });
  // Every domain's HTML rendering of its room events, in one typed table handed to the hub.
  const hub = createHub({
    ...deps, renderers: { ...realtimeRenderers, ...chatRenderers, ...mediaRenderers, ...giftRenderers, ...shopRenderers, ...classesRenderers, ...auctionRenderers },
    onRemote: (roomId, event) => realtime.forgetHistory({ roomId, event }),
  });
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
  // Only the owner delivers webhooks; a web process's new outbox rows wake it over the cluster.
  const webhookEnv = { db, now: deps.now, own, kick: owner ? dispatcher.kick : () => cluster.publish("webhooks:kick", 1) };
  const backups = createBackupScheduler({ db, dataDir: config.dataDir, everyMs: config.backupEveryMs, keep: config.backupKeep, now: deps.now, log });

  const mailer = createSmtpMailer(config.smtpUrl, config.smtpFrom);
  const classes = createClasses(deps, { stripe: payments.stripe, mailer, presence: { rooms: hub.roomIds, users: hub.userIds } });
  const memberships = createMemberships(deps, classes.env);

  const insights = createInsights(deps);
  const sponsors = createSponsors(deps);
  const auctions = createAuctions(deps, { shop: shop.shop, canWatch });
  const notifications = createNotifications(deps, { mailer });
  // Embedding sites send no cookies of ours, so only a public room's player plays in an embed.
  const sharing = createSharing(deps, { isPublic: (room) => access.access.roomAccess(room.id).mode === "public" });

  // Every service with a lifecycle: started in this order, stopped in reverse.
  const allServices: Service[] = [...live.services, ...objects.services, ...realtime.services, overlays.service, ...accounts.services, ...shop.services, ...classes.services, ...memberships.services, ...insights.services, ...sponsors.services, ...auctions.services, ...notifications.services, metrics.service, dispatcher.service, backups];
  const services = owner ? allServices : allServices.filter((s) => !OWNER_ONLY.has(s.name));
  if (cluster.shared) services.push(owner ? ownerBeacon(cluster, config) : replayOwnerFacts(deps, cluster));

  // Every bus listener kept by the app for its whole life; each is unsubscribed on stop. (Services that subscribe
  // while running — chat stats, the hub's fan-out, shop pins and notices — unsubscribe in their own stop.)
  const listeners: (() => void)[] = [
    ...gifts.listen(),
    ...objects.listen(),
    ...notifications.listen(),
    ...metrics.listeners,
    ...subscribeFacts(webhookEnv, deps.bus),
    deps.bus.on("room.event", realtime.forgetHistory),
    // A site-wide suspension (admin) closes the account's sockets in every room.
    deps.bus.on("user.suspended", ({ userId }) => hub.disconnectUser(userId)),
    ...(cluster.shared && owner
      ? [
          ...OWNER_FACTS.map((name) => deps.bus.on(name, (fact) => cluster.publish(`fact:${name}`, fact))),
          cluster.on("webhooks:kick", () => dispatcher.kick()),
        ]
      : []),
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
      // Overlay and sponsor-report URLs carry their secret in the path: never write it to the log.
      log(`http ${request.method} ${path.replace(/^\/overlay\/[^/]+/, "/overlay/***").replace(/^(\/sponsor-report\/[^/]+\/)[^/]+/, "$1***")}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
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
    .use(auctions.routes())
    .use(realtime.routes(auctions.actions))
    .use(chat.routes(realtime.viewerCount))
    .use(insights.routes())
    .use(sponsors.api())
    .use(sponsors.routes())
    .use(notifications.routes())
    .use(sharing.routes());

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
    await cluster.close();
    closeDatabases(db, moneyDb);
  }

  return { app, deps, services, start, beforeStop, stop, classes, insights };
}

export type LivehouseApp = Awaited<ReturnType<typeof createApp>>;

/** The owner's HTTP address for web processes' relays (low-latency parts), refreshed well within its lifetime. */
function ownerBeacon(cluster: Cluster, config: Config): Service {
  const host = config.host === "0.0.0.0" || config.host === "::" || config.host === "" ? "127.0.0.1" : config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host}:${config.httpPort}`;
  let timer: ReturnType<typeof setInterval> | null = null;
  const beat = () => void cluster.setValue(OWNER_KEY, url, OWNER_TTL_MS).catch(() => {});
  return {
    name: "cluster.owner",
    start() {
      beat();
      timer = setInterval(beat, OWNER_TTL_MS / 3);
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

/**
 * A web process keeps chat, pins and insights capture in step with the owner's broadcasts: those live now (from the database, at
 * start) and each one that starts or ends later (from the owner, over the cluster), as remote facts.
 */
function replayOwnerFacts(deps: Deps, cluster: Cluster): Service {
  const offs: (() => void)[] = [];
  return {
    name: "cluster.facts",
    start() {
      for (const b of openBroadcasts(deps.db)) {
        const room = getRoomById(deps.db, b.roomId);
        if (room?.liveSince) deps.bus.emit("broadcast.started", { roomId: b.roomId, slug: room.slug, broadcastId: b.id, at: b.startedAt }, { remote: true });
      }
      for (const name of OWNER_FACTS) offs.push(cluster.on(`fact:${name}`, (fact) => deps.bus.emit(name, fact as Facts[typeof name], { remote: true })));
    },
    stop() {
      for (const off of offs.splice(0)) off();
    },
  };
}
