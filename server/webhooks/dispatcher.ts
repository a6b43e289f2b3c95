// Delivers the outbox: due rows are POSTed signed (model.signatureHeader); a 2xx marks them delivered, anything
// else is logged with its status and retried with exponential backoff until 24 h after the event. Each delivery
// is one attempt at a time; a slow receiver never blocks the others beyond the batch's timeout.
import type { Database } from "bun:sqlite";
import { checkTargetUrl, nextAttemptAt, signatureHeader, type Delivery } from "./model";
import * as store from "./storage";

const BATCH = 20;
const TIMEOUT_MS = 5_000;
const IDLE_POLL_MS = 1_000;

export interface DispatcherEnv {
  db: Database;
  now: () => number;
  log: (msg: string) => void;
  own: { httpPort: number; publicUrl: string };
  /** First retry delay; doubles per attempt (capped at 1 h). */
  retryBaseMs: number;
}

export function createDispatcher(env: DispatcherEnv) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;

  async function deliver(d: Delivery): Promise<void> {
    const t0 = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    const target = checkTargetUrl(d.url, env.own);
    if ("error" in target) error = target.error;
    else {
      try {
        const res = await fetch(target.url, {
          method: "POST",
          body: d.body,
          redirect: "manual",
          signal: AbortSignal.timeout(TIMEOUT_MS),
          headers: {
            "content-type": "application/json",
            "user-agent": "Livehouse-Webhooks/1",
            "livehouse-event-id": d.eventId,
            "livehouse-event-type": d.eventType,
            "livehouse-signature": signatureHeader(store.getWebhook(env.db, d.webhookId)?.secret ?? "", d.body, Math.floor(env.now() / 1000)),
          },
        });
        statusCode = res.status;
        await res.body?.cancel().catch(() => {});
        if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}`;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
    }
    const now = env.now();
    const next = error ? nextAttemptAt(d.createdAt, d.attempts + 1, now, env.retryBaseMs) : null;
    const status = !error ? "delivered" : next === null ? "failed" : "pending";
    store.recordAttempt(env.db, { deliveryId: d.id, at: now, statusCode, error, durationMs: performance.now() - t0, status, nextAt: next ?? now });
    if (status === "failed") env.log(`webhooks: giving up on ${d.eventType} ${d.eventId} to webhook ${d.webhookId} after ${d.attempts + 1} attempts (${error})`);
  }

  function schedule(): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    const due = store.nextDueAt(env.db);
    const wait = due === null ? IDLE_POLL_MS : Math.max(0, Math.min(IDLE_POLL_MS, due - env.now()));
    timer = setTimeout(tick, wait);
  }

  function tick(): void {
    timer = null;
    if (running || stopped) return;
    running = (async () => {
      try {
        for (;;) {
          const batch = store.dueDeliveries(env.db, env.now(), BATCH);
          if (!batch.length) break;
          await Promise.all(batch.map(deliver));
        }
      } catch (err) {
        env.log(`webhooks: delivery failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    })().finally(() => {
      running = null;
      schedule();
    });
  }

  return {
    /** New work is due now. */
    kick(): void {
      if (!stopped && !running) {
        if (timer) clearTimeout(timer);
        timer = setTimeout(tick, 0);
      }
    },
    service: {
      name: "webhooks",
      start() {
        stopped = false;
        schedule();
      },
      async stop() {
        stopped = true;
        if (timer) clearTimeout(timer);
        await running;
      },
    },
  };
}
