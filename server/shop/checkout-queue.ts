// Group commit for checkouts. Every order is still its own unit (a savepoint: a refusal rolls back only that
// order, with its conditional stock decrement), but the orders that arrive in one event-loop turn share one
// IMMEDIATE transaction, so a burst costs one fsync (synchronous=FULL) instead of one per order. Nobody gets an
// answer before the shared COMMIT returned, so a 201 still means "on disk"; if the COMMIT fails, every order of
// the batch fails and none was written. An unexpected error inside one order (not a refusal) rolls back that
// order's savepoint and rejects only that order: one order can never fail another.
import { createGroupCommit } from "../db/group-commit";
import type { Service } from "../deps";
import type { PlaceOrderInput } from "./model";
import { announcePlaced, placeOrderTx, type Charge, type PlaceResult, type ShopEnv } from "./orders";

export interface CheckoutQueue {
  submit(input: PlaceOrderInput, charge: Charge | null): Promise<PlaceResult>;
  service: Service;
}

export function createCheckoutQueue(env: ShopEnv, maxBatch = 500): CheckoutQueue {
  // placeOrderTx is a db.transaction of its own: a savepoint inside the batch's transaction.
  const commits = createGroupCommit(env.db, (o: { input: PlaceOrderInput; charge: Charge | null }) => placeOrderTx(env, o.input, o.charge), {
    maxBatch,
    committed: (result) => announcePlaced(env, result),
  });
  let stopped = false;
  return {
    submit(input, charge) {
      if (stopped) return Promise.reject(new Error("shop: checkout is shutting down"));
      return commits.submit({ input, charge });
    },
    service: {
      name: "shop.checkout",
      start() {
        stopped = false;
      },
      stop() {
        stopped = true;
        commits.drain();
      },
    },
  };
}
