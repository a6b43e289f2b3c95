// Order rules. Placing an order is one IMMEDIATE transaction: idempotency lookup, price and sale checks,
// conditional stock (and sale quantity) decrements, the order row, and — for providers that settle at once —
// the payment. Any refusal throws inside the transaction so nothing is written.
// Every later state change goes through store.moveOrder (conditional on the current status), so a stock return
// or a "paid" notice happens exactly once however often it is asked for.
import type { MoneyDb } from "../deps";
import type { Database } from "bun:sqlite";
import type { Bus } from "../events/bus";
import { saleState, type Order, type OrderRefusal, type OrderStatus, type PlaceOrderInput, type Product, type ProviderName } from "./model";
import { unitPrice } from "./products";
import * as store from "./storage";
import { totalOverCap, validateAddress, validateIdempotencyKey, validateQuantity } from "./validate";

declare module "../events/bus" {
  interface Facts {
    "order.placed": { orderId: number; buyerId: number; sellerId: number; productId: number; provider: ProviderName; roomId: number | null; quantity: number; totalMinor: number; currency: string; at: number };
    "order.paid": { orderId: number; buyerId: number; buyerName: string; sellerId: number; productId: number; title: string; quantity: number; roomId: number | null; totalMinor: number; currency: string; at: number };
    "order.changed": { orderId: number; productId: number; status: OrderStatus };
    /** The room's shop bag was shown to someone (its products were on screen): product impressions. */
    "shop.bag.shown": { roomId: number; productIds: number[]; userId: number | null; client: string | null; at: number };
    /** A product page was opened (a click on a pinned card or a listed product). */
    "product.viewed": { productId: number; userId: number | null; client: string | null; at: number };
    "cart.added": { productId: number; userId: number; quantity: number; at: number };
  }
}

export interface ShopEnv {
  /** The synchronous=FULL connection: orders and stock. */
  db: MoneyDb;
  bus: Bus;
  now: () => number;
  reservationMs: number;
  /** Units of one product a buyer may hold in unpaid orders (default 10, the config's default). */
  maxUnpaidPerProduct?: number;
}

export type ChargeResult = { ok: true; paid: boolean; ref?: string } | { ok: false; refusal: OrderRefusal };
/** Runs inside the order transaction after the stock was taken (the wallet provider pays here). */
export type Charge = (db: MoneyDb, order: Order) => ChargeResult;

export type PlaceResult = { ok: true; order: Order; replay: boolean } | { ok: false; refusal: OrderRefusal };

class Refused extends Error {
  constructor(readonly refusal: OrderRefusal) {
    super(refusal.message);
  }
}

function requestHash(i: PlaceOrderInput): string {
  const canonical = JSON.stringify([i.productId, i.variantId, i.quantity, i.provider, i.flashSaleId, i.expectedUnitPriceMinor, i.currency, i.shippingAddress?.trim() ?? null, i.roomId, ...(i.agreedUnitPriceMinor === undefined ? [] : [i.agreedUnitPriceMinor])]);
  return new Bun.CryptoHasher("sha256").update(canonical).digest("hex");
}

const invalid = (field: string, message: string): OrderRefusal => ({ kind: "invalid", field, message });

/** Checks that need no database: shape of the request. */
function precheck(i: PlaceOrderInput): OrderRefusal | null {
  const q = validateQuantity(i.quantity);
  if (q) return invalid("quantity", "quantity must be a whole number from 1 to 100");
  const k = validateIdempotencyKey(i.idempotencyKey);
  if (k) return invalid("idempotencyKey", "idempotencyKey must be 8-100 letters, digits or ._:-");
  return null;
}

function checkProduct(p: Product | null, i: PlaceOrderInput): OrderRefusal | null {
  if (!p || !p.active) return { kind: "not_found", message: `no product ${i.productId}` };
  if (i.currency !== null && i.currency.toUpperCase() !== p.currency) return invalid("currency", `this product is sold in ${p.currency}, not ${i.currency}`);
  if (p.variants.length && i.variantId === null) return invalid("variantId", "choose a variant");
  if (i.variantId !== null && !p.variants.some((v) => v.id === i.variantId)) return invalid("variantId", `product ${p.id} has no variant ${i.variantId}`);
  if (p.kind === "physical" && validateAddress(i.shippingAddress)) return invalid("shippingAddress", "a shipping address (5-500 characters) is required for physical products");
  if (i.buyerId === p.ownerId) return invalid("productId", "you cannot buy your own product");
  return null;
}

/**
 * A read-only early answer for the flash-sale rush: when the sale (or the shelf) visibly cannot cover the request,
 * say "sold out" without taking the write lock. Only a refusal is decided here — every sale still goes through
 * the conditional decrement — and a repeated idempotency key always takes the full path to get its first answer.
 */
export function quickRefusal(env: ShopEnv, input: PlaceOrderInput): OrderRefusal | null {
  if (precheck(input) || store.getOrderByKey(env.db, input.buyerId, input.idempotencyKey)) return null;
  const now = env.now();
  if (input.flashSaleId !== null) {
    const sale = store.getFlashSale(env.db, input.flashSaleId);
    if (sale && sale.productId === input.productId && saleState(sale, now) !== "upcoming" && saleState(sale, now) !== "ended" && sale.remaining < input.quantity) {
      return { kind: "sold_out", message: "the flash sale is sold out" };
    }
  }
  return null;
}

/** Places one order without announcing it (see announcePlaced). */
export function placeOrderTx(env: ShopEnv, input: PlaceOrderInput, charge: Charge | null): PlaceResult {
  const pre = precheck(input);
  if (pre) return { ok: false, refusal: pre };
  const hash = requestHash(input);
  const { db } = env;
  const now = env.now();
  const run = db.transaction((): { order: Order; replay: boolean } => {
    const prior = store.getOrderByKey(db, input.buyerId, input.idempotencyKey);
    if (prior) {
      if (prior.requestHash !== hash) throw new Refused({ kind: "conflict", message: "idempotencyKey was already used for a different order" });
      return { order: prior, replay: true };
    }
    const product = store.getProduct(db, input.productId);
    const bad = checkProduct(product, input);
    if (bad) throw new Refused(bad);
    const p = product!;
    const variant = p.variants.find((v) => v.id === input.variantId) ?? null;
    let price = unitPrice(p, variant);
    if (input.flashSaleId !== null) {
      const sale = store.getFlashSale(db, input.flashSaleId);
      if (!sale || sale.productId !== p.id) throw new Refused(invalid("flashSaleId", `no flash sale ${input.flashSaleId} for product ${p.id}`));
      const state = saleState(sale, now);
      if (state === "ended") throw new Refused({ kind: "sale_over", message: "this flash sale has ended" });
      if (state === "upcoming") throw new Refused({ kind: "sale_over", message: "this flash sale has not started yet" });
      const held = store.boughtInSale(db, sale.id, input.buyerId);
      if (held + input.quantity > sale.perBuyerLimit) throw new Refused({ kind: "limit", message: `at most ${sale.perBuyerLimit} per buyer in this flash sale (you hold ${held})` });
      if (!store.takeSaleQuantity(db, sale.id, input.quantity, now)) throw new Refused({ kind: "sold_out", message: "the flash sale is sold out" });
      price = sale.priceMinor;
    }
    if (input.agreedUnitPriceMinor !== undefined) price = input.agreedUnitPriceMinor;
    if (input.expectedUnitPriceMinor !== null && input.expectedUnitPriceMinor !== price) {
      throw new Refused(invalid("price", `the price is ${price} ${p.currency} (minor units), not ${input.expectedUnitPriceMinor}`));
    }
    const overCap = totalOverCap(p.currency, price, input.quantity);
    if (overCap) throw new Refused(invalid("quantity", overCap));
    const took = variant ? store.takeVariantStock(db, variant.id, input.quantity) : store.takeProductStock(db, p.id, input.quantity);
    if (!took) throw new Refused({ kind: "sold_out", message: "sold out" });
    // An order that stays pending holds stock without paying: cap what one buyer may hold per product (checked
    // after the stock, so a short shelf still answers "sold out"; the refusal rolls the decrement back).
    if (!charge) {
      const cap = env.maxUnpaidPerProduct ?? 10;
      const held = store.unpaidQuantity(db, input.buyerId, p.id);
      if (held + input.quantity > cap) throw new Refused({ kind: "limit", message: `at most ${cap} unpaid units of one product at a time (you hold ${held}); pay or cancel an order first` });
    }
    const id = store.insertOrder(db, {
      buyerId: input.buyerId, sellerId: p.ownerId, productId: p.id, variantId: variant?.id ?? null, flashSaleId: input.flashSaleId,
      roomId: input.roomId, title: p.title, quantity: input.quantity, unitPriceMinor: price, currency: p.currency,
      provider: input.provider, idempotencyKey: input.idempotencyKey, requestHash: hash,
      shippingAddress: p.kind === "physical" ? input.shippingAddress!.trim() : null, reservedUntil: now + env.reservationMs, now,
    });
    store.addOrderEvent(db, id, "created", input.provider, now);
    let order = store.getOrder(db, id)!;
    if (charge) {
      const c = charge(db, order);
      if (!c.ok) throw new Refused(c.refusal);
      if (c.paid) {
        store.moveOrder(db, id, ["pending"], "paid", now, { providerRef: c.ref });
        store.addOrderEvent(db, id, "paid", input.provider, now);
        order = store.getOrder(db, id)!;
      }
    }
    return { order, replay: false };
  });
  try {
    // Top level: an IMMEDIATE transaction; inside a batch (checkout queue): a savepoint of the batch's transaction.
    return { ok: true, ...run.immediate() };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, refusal: err.refusal };
    throw err;
  }
}

/** Tells the rest of the house about a placed order; call only after the transaction that placed it committed. */
export function announcePlaced(env: ShopEnv, r: PlaceResult): void {
  if (!r.ok || r.replay) return;
  env.bus.emit("order.placed", { orderId: r.order.id, buyerId: r.order.buyerId, sellerId: r.order.sellerId, productId: r.order.productId, provider: r.order.provider, roomId: r.order.roomId, quantity: r.order.quantity, totalMinor: r.order.totalMinor, currency: r.order.currency, at: env.now() });
  if (r.order.status === "paid") emitPaid(env, r.order);
}

export function placeOrder(env: ShopEnv, input: PlaceOrderInput, charge: Charge | null): PlaceResult {
  const r = placeOrderTx(env, input, charge);
  announcePlaced(env, r);
  return r;
}

function emitPaid(env: ShopEnv, o: Order): void {
  env.bus.emit("order.paid", { orderId: o.id, buyerId: o.buyerId, buyerName: o.buyerName, sellerId: o.sellerId, productId: o.productId, title: o.title, quantity: o.quantity, roomId: o.roomId, totalMinor: o.totalMinor, currency: o.currency, at: env.now() });
  env.bus.emit("order.changed", { orderId: o.id, productId: o.productId, status: "paid" });
}

/** Puts the order's units back on the shelf (and into its flash sale). Only call after a successful moveOrder. */
function returnStock(db: Database, o: Order): void {
  if (o.variantId !== null) store.returnVariantStock(db, o.variantId, o.quantity);
  else store.returnProductStock(db, o.productId, o.quantity);
  if (o.flashSaleId !== null) store.returnSaleQuantity(db, o.flashSaleId, o.quantity);
}

/**
 * Marks a pending order paid (manual confirmation, Stripe webhook). `verify` may refuse (amount mismatch).
 * Returns "paid" when this call made it paid, "already" when it was not pending any more.
 */
export function markPaid(env: ShopEnv, orderId: number, how: { by: string; ref?: string; verify?: (o: Order) => string | null }): { ok: true; changed: boolean; order: Order } | { ok: false; message: string } {
  const { db } = env;
  const now = env.now();
  const r = db.transaction(() => {
    const o = store.getOrder(db, orderId);
    if (!o) return { ok: false as const, message: `no order ${orderId}` };
    const problem = how.verify?.(o) ?? null;
    if (problem) return { ok: false as const, message: problem };
    const changed = store.moveOrder(db, orderId, ["pending"], "paid", now, { providerRef: how.ref });
    if (changed) store.addOrderEvent(db, orderId, "paid", how.by, now);
    return { ok: true as const, changed, order: store.getOrder(db, orderId)! };
  }).immediate();
  if (r.ok && r.changed) emitPaid(env, r.order);
  return r;
}

/**
 * A paid order arriving for an order that had already expired or was cancelled: the money came in but the
 * stock was released. We try to take the stock again; when that fails the order is flagged for a refund.
 */
export function markPaidLate(env: ShopEnv, orderId: number, by: string, ref: string): { changed: boolean } {
  const { db } = env;
  const now = env.now();
  const r = db.transaction(() => {
    const o = store.getOrder(db, orderId);
    if (!o || (o.status !== "expired" && o.status !== "cancelled")) return { changed: false, order: o };
    const took = o.variantId !== null ? store.takeVariantStock(db, o.variantId, o.quantity) : store.takeProductStock(db, o.productId, o.quantity);
    if (!took) {
      store.addOrderEvent(db, orderId, "paid_after_release", `${by}: stock gone, refund needed`, now);
      return { changed: false, order: o };
    }
    store.moveOrder(db, orderId, [o.status], "paid", now, { providerRef: ref });
    store.addOrderEvent(db, orderId, "paid", `${by} (after ${o.status})`, now);
    return { changed: true, order: store.getOrder(db, orderId)! };
  }).immediate();
  if (r.changed && r.order) emitPaid(env, r.order);
  return { changed: r.changed };
}

/** pending → cancelled/expired, returning the stock exactly once (the status move is the guard). */
export function releaseOrder(env: ShopEnv, orderId: number, to: "cancelled" | "expired", by: string): boolean {
  const { db } = env;
  const now = env.now();
  const released = db.transaction(() => {
    const o = store.getOrder(db, orderId);
    if (!o) return null;
    if (to === "expired" && (o.reservedUntil === null || o.reservedUntil > now)) return null;
    if (!store.moveOrder(db, orderId, ["pending"], to, now)) return null;
    returnStock(db, o);
    store.addOrderEvent(db, orderId, to, by, now);
    return o;
  }).immediate();
  if (released) env.bus.emit("order.changed", { orderId, productId: released.productId, status: to });
  return released !== null;
}

export function markShipped(env: ShopEnv, order: Order, tracking: string): boolean {
  return move(env, order, ["paid"], "shipped", "creator", { tracking: tracking.trim() });
}

export function markCompleted(env: ShopEnv, order: Order, by: string): boolean {
  return move(env, order, ["paid", "shipped"], "completed", by);
}

/** paid/shipped → refunded; `settle` gives the money back inside the same transaction (wallet) or before (Stripe). */
export function refundOrder(env: ShopEnv, order: Order, settle: ((db: MoneyDb, o: Order) => string | null) | null): { ok: true } | { ok: false; message: string } {
  const { db } = env;
  const now = env.now();
  try {
    const changed = db.transaction(() => {
      if (!store.moveOrder(db, order.id, ["paid", "shipped", "completed"], "refunded", now)) return false;
      const problem = settle?.(db, order) ?? null;
      if (problem) throw new Refused({ kind: "payment", status: 409, message: problem });
      store.addOrderEvent(db, order.id, "refunded", order.provider, now);
      return true;
    }).immediate();
    if (!changed) return { ok: false, message: "only paid, shipped or completed orders can be refunded" };
    env.bus.emit("order.changed", { orderId: order.id, productId: order.productId, status: "refunded" });
    return { ok: true };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.refusal.message };
    throw err;
  }
}

function move(env: ShopEnv, order: Order, from: OrderStatus[], to: Exclude<OrderStatus, "pending">, by: string, extra: { tracking?: string } = {}): boolean {
  const now = env.now();
  const changed = env.db.transaction(() => {
    if (!store.moveOrder(env.db, order.id, from, to, now, extra)) return false;
    store.addOrderEvent(env.db, order.id, to, extra.tracking ? `${by}: ${extra.tracking}` : by, now);
    return true;
  }).immediate();
  if (changed) env.bus.emit("order.changed", { orderId: order.id, productId: order.productId, status: to });
  return changed;
}

/** Object-level check: only the buyer and the selling creator (or an admin) see an order. */
export function canSeeOrder(user: { id: number; role: string } | null, o: Order): boolean {
  return !!user && (user.id === o.buyerId || user.id === o.sellerId || user.role === "admin");
}

export function canSellOrder(user: { id: number; role: string } | null, o: Order): boolean {
  return !!user && (user.id === o.sellerId || user.role === "admin");
}

export const { getOrder, listOrdersByBuyer, listOrdersBySeller, listOrderEvents, setOrderProviderRef } = store;
