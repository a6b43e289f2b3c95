// Unpaid orders hold their stock until reserved_until; the sweeper expires them and returns the stock.
// Time comes from env.now (tests pass a controllable clock and call sweep() themselves); the timer only decides
// how often to look. releaseOrder's conditional status move makes a double sweep harmless.
import type { Service } from "../deps";
import { releaseOrder, type ShopEnv } from "./orders";
import { listExpiredReservations } from "./storage";

export function sweepReservations(env: ShopEnv, batch = 200): number {
  let released = 0;
  for (;;) {
    const ids = listExpiredReservations(env.db, env.now(), batch);
    for (const id of ids) if (releaseOrder(env, id, "expired", "reservation timeout")) released++;
    if (ids.length < batch) return released;
  }
}

export function reservationSweeper(env: ShopEnv, opts: { everyMs: number; log: (m: string) => void }): Service {
  let timer: ReturnType<typeof setInterval> | null = null;
  return {
    name: "shop.reservations",
    start() {
      sweepReservations(env);
      timer = setInterval(() => {
        try {
          const n = sweepReservations(env);
          if (n) opts.log(`shop: ${n} unpaid order(s) expired, stock returned`);
        } catch (err) {
          opts.log(`shop: reservation sweep failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }, opts.everyMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
