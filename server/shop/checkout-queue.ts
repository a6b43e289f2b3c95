// Group commit for checkouts. Every order is still its own unit (a savepoint: a refusal rolls back only that
// order, with its conditional stock decrement), but the orders that arrive in one event-loop turn share one
// IMMEDIATE transaction, so a burst costs one fsync (synchronous=FULL) instead of one per order. Nobody gets an
// answer before the shared COMMIT returned, so a 201 still means "on disk"; if the COMMIT fails, every order of
// the batch fails and none was written. An unexpected error inside one order (not a refusal) rolls back that
// order's savepoint and rejects only that order: one order can never fail another.
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
    type Outcome = { ok: true; result: PlaceResult } | { ok: false; err: unknown };
    let outcomes: Outcome[];
    try {
      outcomes = env.db.transaction(() =>
        batch.map((p): Outcome => {
          try {
            return { ok: true, result: placeOrderTx(env, p.input, p.charge) };
          } catch (err) {
            return { ok: false, err };
          }
        }),
      ).immediate();
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    for (const [i, p] of batch.entries()) {
      const o = outcomes[i]!;
      if (!o.ok) {
        p.reject(o.err);
        continue;
      }
      announcePlaced(env, o.result);
      p.resolve(o.result);
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
