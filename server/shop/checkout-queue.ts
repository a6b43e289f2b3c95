// Group commit for checkouts. Every order is still its own unit (a savepoint: a refusal rolls back only that
// order, with its conditional stock decrement), but the orders that arrive in one event-loop turn share one
// IMMEDIATE transaction, so a burst costs one fsync (synchronous=FULL) instead of one per order. Nobody gets an
// answer before the shared COMMIT returned, so a 201 still means "on disk"; if the COMMIT fails, every order of
// the batch fails and none was written.
import type { Service } from "../deps";
import type { PlaceOrderInput } from "./model";
import { announcePlaced, placeOrderTx, type Charge, type PlaceResult, type ShopEnv } from "./orders";

interface Pending {
  input: PlaceOrderInput;
  charge: Charge | null;
  resolve(r: PlaceResult): void;
  reject(err: unknown): void;
}

export interface CheckoutQueue {
  submit(input: PlaceOrderInput, charge: Charge | null): Promise<PlaceResult>;
  service: Service;
}

export function createCheckoutQueue(env: ShopEnv, maxBatch = 500): CheckoutQueue {
  let queue: Pending[] = [];
  let scheduled = false;
  let stopped = false;

  function flush(): void {
    scheduled = false;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    if (queue.length) schedule();
    let results: PlaceResult[];
    try {
      results = env.db.transaction(() => batch.map((p) => placeOrderTx(env, p.input, p.charge))).immediate();
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    for (const [i, p] of batch.entries()) {
      announcePlaced(env, results[i]!);
      p.resolve(results[i]!);
    }
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  }

  return {
    submit(input, charge) {
      if (stopped) return Promise.reject(new Error("shop: checkout is shutting down"));
      return new Promise<PlaceResult>((resolve, reject) => {
        queue.push({ input, charge, resolve, reject });
        schedule();
      });
    },
    service: {
      name: "shop.checkout",
      start() {
        stopped = false;
      },
      stop() {
        stopped = true;
        while (queue.length) flush();
      },
    },
  };
}
