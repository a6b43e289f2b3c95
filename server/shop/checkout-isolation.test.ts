// Hardening finding 1: one bad wallet order must never fail the other orders of its group-commit batch.
// Totals above the coin transfer cap are refused up front (product, variant, sale and order), a 0-coin total is
// a free order (paid, no ledger move), and any unexpected error stays inside its own order's savepoint.
import { beforeEach, expect, test } from "bun:test";
import type { MoneyDb } from "../deps";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertUser } from "../accounts/storage";
import { migrate } from "../db/migrate";
import { openDb } from "../db/open";
import { SCHEMAS } from "../db/schema";
import { createBus } from "../events/bus";
import { walletProvider } from "../payments/wallet-provider";
import { checkLedger, creditCoins, getBalance, MAX_COINS } from "../wallet/wallet";
import { createCheckoutQueue } from "./checkout-queue";
import { createFlashSale } from "./flash-sales";
import type { PlaceOrderInput, ProductInput } from "./model";
import type { ShopEnv } from "./orders";
import { createProduct } from "./products";
import * as store from "./storage";

let db: MoneyDb;
let env: ShopEnv;
let seller: ReturnType<typeof insertUser>;
let buyers: ReturnType<typeof insertUser>[];
const NOW = 1_000_000;

function coinProduct(over: Partial<ProductInput> = {}) {
  const r = createProduct(db, seller, { title: "Sticker", description: "", priceMinor: 10, currency: "COIN", stock: 100, kind: "digital", variants: [], ...over }, NOW);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

let n = 0;
const order = (buyerId: number, productId: number, over: Partial<PlaceOrderInput> = {}): PlaceOrderInput => ({
  buyerId, productId, variantId: null, quantity: 1, provider: "wallet", idempotencyKey: `iso-${++n}-abcdef`, flashSaleId: null,
  expectedUnitPriceMinor: null, currency: null, shippingAddress: null, roomId: null, ...over,
});

beforeEach(() => {
  db = openDb(join(mkdtempSync(join(tmpdir(), "lh-iso-")), "livehouse.db"), "money");
  migrate(db, SCHEMAS);
  env = { db, bus: createBus(), now: () => NOW, reservationMs: 60_000 };
  seller = insertUser(db, { username: "seller", displayName: "Seller", passwordHash: "x", role: "creator", now: 0 });
  buyers = Array.from({ length: 11 }, (_, i) => insertUser(db, { username: `b${i}`, displayName: `B${i}`, passwordHash: "x", role: "viewer", now: 0 }));
  for (const b of buyers) creditCoins(db, { userId: b.id, coins: MAX_COINS, reason: "test", ref: "t" });
});

test("a COIN price above the transfer cap is refused on product, variant and flash sale", () => {
  const tooDear = createProduct(db, seller, { title: "Gold", description: "", priceMinor: MAX_COINS + 1, currency: "COIN", stock: 1, kind: "digital", variants: [] }, NOW);
  expect(!tooDear.ok && tooDear.errors.map((e) => e.field)).toEqual(["price"]);
  const variant = createProduct(db, seller, { title: "Gold", description: "", priceMinor: 1, currency: "COIN", stock: 0, kind: "digital", variants: [{ label: "Big", priceMinor: MAX_COINS + 1, stock: 1 }] }, NOW);
  expect(!variant.ok && variant.errors.map((e) => e.field)).toEqual(["variants"]);
  // A sale whose per-buyer limit would let one order exceed the cap.
  const p = coinProduct();
  const sale = createFlashSale(db, p, { priceMinor: MAX_COINS / 2, quantity: 10, perBuyerLimit: 3, startsAt: NOW, endsAt: NOW + 60_000 }, NOW);
  expect(!sale.ok && sale.errors.map((e) => e.field)).toEqual(["salePrice"]);
  // Other currencies keep their own (larger) limit.
  expect(createProduct(db, seller, { title: "Car", description: "", priceMinor: MAX_COINS + 1, currency: "USD", stock: 1, kind: "digital", variants: [] }, NOW).ok).toBe(true);
});

test("11 simultaneous wallet orders, one over the cap and one free: the others all succeed", async () => {
  const normal = coinProduct();
  const free = coinProduct({ title: "Free sticker", priceMinor: 0 });
  const dear = coinProduct({ title: "Dear", priceMinor: MAX_COINS / 2 });
  const q = createCheckoutQueue(env);
  const charge = walletProvider().charge;
  const inputs = buyers.map((b, i) => (i === 3 ? order(b.id, dear.id, { quantity: 3 }) : i === 6 ? order(b.id, free.id) : order(b.id, normal.id)));
  const results = await Promise.all(inputs.map((i) => q.submit(i, charge)));
  expect(results.map((r) => (r.ok ? r.order.status : r.refusal.kind))).toEqual(["paid", "paid", "paid", "invalid", "paid", "paid", "paid", "paid", "paid", "paid", "paid"]);
  const refused = results[3]!;
  expect(!refused.ok && refused.refusal).toMatchObject({ field: "quantity" });
  // The free order is paid and moved no coins; the refused one wrote nothing.
  expect(getBalance(db, buyers[6]!.id)).toBe(MAX_COINS);
  expect(getBalance(db, buyers[3]!.id)).toBe(MAX_COINS);
  expect(store.getProduct(db, dear.id)!.stock).toBe(100);
  expect(getBalance(db, seller.id)).toBe(90);
  expect(checkLedger(db).ok).toBe(true);
});

test("an unexpected error in one order's charge rolls back only that order", async () => {
  const p = coinProduct();
  const q = createCheckoutQueue(env);
  const charge = walletProvider().charge!;
  const boom: typeof charge = (tx, o) => {
    if (o.buyerId === buyers[2]!.id) throw new Error("disk on fire");
    return charge(tx, o);
  };
  const settled = await Promise.allSettled(buyers.slice(0, 5).map((b) => q.submit(order(b.id, p.id), boom)));
  expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
  expect(store.getProduct(db, p.id)!.stock).toBe(96);
  expect(db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM orders").get()!.n).toBe(4);
  expect(getBalance(db, buyers[2]!.id)).toBe(MAX_COINS);
  expect(checkLedger(db).ok).toBe(true);
});

test("hardening 3: a buyer's unpaid reserved quantity per product is capped; paying or cancelling frees it", async () => {
  const { placeOrder, releaseOrder, markPaid } = await import("./orders");
  const usd = createProduct(db, seller, { title: "Tee", description: "", priceMinor: 1500, currency: "USD", stock: 100, kind: "digital", variants: [] }, NOW);
  if (!usd.ok) throw new Error("product");
  const capped: ShopEnv = { ...env, maxUnpaidPerProduct: 5 };
  const b = buyers[0]!.id;
  const first = placeOrder(capped, order(b, usd.value.id, { provider: "manual", quantity: 3 }), null);
  const second = placeOrder(capped, order(b, usd.value.id, { provider: "stripe", quantity: 2 }), null);
  expect([first.ok, second.ok]).toEqual([true, true]);
  const over = placeOrder(capped, order(b, usd.value.id, { provider: "manual", quantity: 1 }), null);
  expect(!over.ok && over.refusal).toMatchObject({ kind: "limit" });
  expect(store.getProduct(db, usd.value.id)!.stock).toBe(95);
  // Another buyer is not affected by this buyer's holds.
  expect(placeOrder(capped, order(buyers[1]!.id, usd.value.id, { provider: "manual", quantity: 5 }), null).ok).toBe(true);
  if (!first.ok || !second.ok) throw new Error("orders");
  releaseOrder(capped, first.order.id, "cancelled", "buyer");
  markPaid(capped, second.order.id, { by: "creator" });
  expect(placeOrder(capped, order(b, usd.value.id, { provider: "manual", quantity: 5 }), null).ok).toBe(true);
});
