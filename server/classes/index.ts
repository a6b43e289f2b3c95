// The classes domain's surface for server/app.tsx: the paid-access environment (shared with memberships), its
// services (ticket reservation sweeper and reminders, attendance), the JSON API, the pages, the Stripe
// fulfillers for tickets and replays, and the Q&A room-event renderers.
import { baseUrl } from "../config";
import type { Deps, Service } from "../deps";
import type { Mailer } from "../mail/smtp";
import { classesApi } from "./api";
import { attendanceService } from "./attendance";
import { settlePurchase } from "./ppv";
import { sendDueReminders } from "./reminders";
import { ppvRoutes } from "./ppv-routes";
import { classesRoutes } from "./routes";
import { releaseTicket, settleTicket, sweepExpiredTickets, type CheckoutGateway, type PaidEnv } from "./tickets";
import type { StripeFulfiller } from "../payments/stripe";

/** The webhook log's words for a settlement: refusals (wrong amount or currency) say so. */
export function outcome(r: { ok: boolean; message: string }): string {
  return r.ok ? r.message : `refused: ${r.message}`;
}

export const SCHEDULER_EVERY_MS = 2_000;
export const ATTENDANCE_EVERY_MS = 10_000;

export function createClasses(deps: Deps, parts: { stripe: CheckoutGateway; mailer: Mailer; presence: { rooms(): number[]; users(roomId: number): number[] } }) {
  const env: PaidEnv = { db: deps.moneyDb, bus: deps.bus, now: deps.now, sharePercent: deps.config.paidCreatorSharePercent, reservationMs: deps.config.orderReservationMs, stripe: parts.stripe };
  const reminderEnv = { db: deps.db, bus: deps.bus, now: deps.now, leadMs: deps.config.classReminderMinutes * 60_000, mailer: parts.mailer, baseUrl: baseUrl(deps.config), log: deps.log };
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<unknown> | null = null;
  const scheduler: Service = {
    name: "classes.scheduler",
    start() {
      timer = setInterval(() => {
        if (running) return; // a slow SMTP server must not stack sweeps
        running = (async () => {
          sweepExpiredTickets(env);
          await sendDueReminders(reminderEnv);
        })()
          .catch((err) => deps.log(`classes scheduler: ${err instanceof Error ? err.message : String(err)}`))
          .finally(() => (running = null));
      }, SCHEDULER_EVERY_MS);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
  const attendance = attendanceService({ db: deps.db, now: deps.now, everyMs: ATTENDANCE_EVERY_MS, rooms: parts.presence.rooms, users: parts.presence.users, log: deps.log });
  const stripeFulfillers: Record<string, StripeFulfiller> = {
    ticket: (id, r) => (r.paid ? outcome(settleTicket(env, id, { by: "stripe", ref: r.ref, paid: r })) : releaseTicket(env, id, true) ? "ticket cancelled" : "stale"),
    ppv: (id, r) => (r.paid ? outcome(settlePurchase(env, id, { ref: r.ref, paid: r })) : "ignored"),
  };
  return {
    env,
    services: [scheduler, attendance],
    stripeFulfillers,
    remindNow: () => sendDueReminders(reminderEnv),
    api: () => classesApi(deps, env),
    routes: () => classesRoutes(deps, env).use(ppvRoutes(deps, env)),
  };
}
