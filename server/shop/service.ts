// Builds the shop once per app: the order environment on the money connection, the payment providers' choices, broadcast
// tracking for pins, purchase notices and the reservation sweeper.
import type { Deps, Service } from "../deps";
import { createRateLimiter, type RateLimiter } from "../lib/rate-limit";
import type { Order, OrderRefusal, PlaceOrderInput, Product, ProviderName } from "./model";
import { PROVIDERS } from "./model";
import { quickRefusal, refundOrder, type PlaceResult, type ShopEnv } from "./orders";
import { announcePurchases, refreshPinsOnStock, trackBroadcasts, type LiveBroadcasts } from "./pins";
import { providerProblem, type Providers } from "./providers";
import { getProduct } from "./storage";
import { reservationSweeper } from "./reservations";
import { createCheckoutQueue } from "./checkout-queue";

export interface Shop {
  env: ShopEnv;
  providers: Providers;
  live: LiveBroadcasts;
  services: Service[];
  /** Places an order through the group-commit queue; resolves after the order is durable (or refused). */
  checkout(input: PlaceOrderInput): Promise<PlaceResult>;
  refund(order: Order): Promise<{ ok: true } | { ok: false; message: string }>;
  /** One per-user checkout limit shared by the API and the pages. */
  checkoutLimit: RateLimiter;
  /** Providers a buyer may choose for this product, in display order. */
  choices(p: Product): ProviderName[];
}

/** `providers` come from server/payments (built by app.tsx), so the shop never imports payments. */
export function createShop(deps: Deps, providers: Providers): Shop {
  const env: ShopEnv = { db: deps.moneyDb, bus: deps.bus, now: deps.now, reservationMs: deps.config.orderReservationMs, maxUnpaidPerProduct: deps.config.maxUnpaidPerProduct };
  const live = trackBroadcasts(deps.bus, deps.db, deps.now);
  let offPurchases: (() => void) | null = null;
  const queue = createCheckoutQueue(env);
  const services: Service[] = [
    queue.service,
    reservationSweeper(env, { everyMs: Math.max(250, Math.min(5_000, Math.floor(deps.config.orderReservationMs / 4) || 250)), log: deps.log }),
    {
      name: "shop.notices",
      start() {
        const offs = [announcePurchases(deps.bus), refreshPinsOnStock(deps.bus, deps.db, deps.now)];
        offPurchases = () => offs.forEach((off) => off());
      },
      stop() {
        offPurchases?.();
        live.stop();
      },
    },
  ];
  return {
    env, providers, live, services,
    // Generous enough for a real buyer hammering "buy" in a flash sale, tight enough to stop a script.
    checkoutLimit: createRateLimiter({ max: 60, windowMs: 60_000 }, { cluster: deps.cluster, name: "checkout" }),
    async checkout(input) {
      const product = getProduct(env.db, input.productId);
      if (product) {
        const problem = providerProblem(providers[input.provider], product.currency);
        if (problem) return { ok: false, refusal: { kind: "invalid", field: "provider", message: problem } satisfies OrderRefusal };
      }
      const early = quickRefusal(env, input);
      if (early) return { ok: false, refusal: early };
      return queue.submit(input, providers[input.provider].charge);
    },
    async refund(order) {
      const p = providers[order.provider];
      const before = (await p.refundBefore?.(order)) ?? null;
      if (before) return { ok: false, message: before };
      return refundOrder(env, order, (db, o) => p.refundInTx(db, o));
    },
    choices: (p) => PROVIDERS.filter((name) => providerProblem(providers[name], p.currency) === null),
  };
}
