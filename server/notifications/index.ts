// The notifications domain's surface for server/app.tsx: the bell (per-user sockets), the go-live listener, the
// mail sweep that sends queued go-live mail in batches, and the routes.
import { baseUrl } from "../config";
import type { Deps, Service } from "../deps";
import { countUnreadNotices } from "../classes/notices";
import type { Mailer } from "../mail/smtp";
import { createBell } from "./bell";
import { onLive, sendQueuedMails, type GoLiveEnv } from "./golive";
import { notificationsRoutes } from "./routes";

export const MAIL_SWEEP_MS = 2_000;
/** With several processes a user's bell sockets may be on any of them: a changed count is announced to all. */
const CH_BELL = "bell:push";

export function createNotifications(deps: Deps, parts: { mailer: Mailer }) {
  const bell = createBell((userId) => countUnreadNotices(deps.db, userId), deps.log);
  const env: GoLiveEnv = {
    db: deps.db, now: deps.now, mailer: parts.mailer, baseUrl: baseUrl(deps.config),
    mailWindowMs: deps.config.goLiveMailMinutes * 60_000, bus: deps.bus, log: deps.log,
  };
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<unknown> | null = null;
  function sweep(): void {
    if (running || !parts.mailer.enabled) return; // a slow SMTP server must not stack sweeps
    running = sendQueuedMails(env)
      .catch((err) => deps.log(`go-live mail sweep: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => (running = null));
  }
  const mailer: Service = {
    name: "notifications.mail",
    start() {
      timer = setInterval(sweep, MAIL_SWEEP_MS);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
  const sockets: Service = { name: "notifications.bell", start() {}, beforeStop: () => bell.closeAll(), stop() {} };
  const cluster = deps.cluster?.shared ? deps.cluster : null;
  const push = (userId: number): void => {
    bell.push(userId);
    cluster?.publish(CH_BELL, { u: userId });
  };
  return {
    bell,
    services: [sockets, mailer],
    listen: (): (() => void)[] => [
      deps.bus.on("broadcast.started", (f) => {
        onLive(env, f);
        sweep(); // the first batch goes out now, not at the next tick
      }),
      // Any new notice (go-live, class reminder, membership) updates the user's bell at once.
      deps.bus.on("notice.added", ({ userId }) => push(userId)),
      deps.bus.on("notices.read", ({ userId }) => push(userId)),
      ...(cluster
        ? [cluster.on(CH_BELL, (msg) => {
            const u = (msg as { u?: unknown }).u;
            if (typeof u === "number") bell.push(u);
          })]
        : []),
    ],
    routes: () => notificationsRoutes(deps, bell),
  };
}
