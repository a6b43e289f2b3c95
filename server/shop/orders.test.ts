// Domain rules of the shop on a real SQLite file (no HTTP): refusals write nothing, idempotency, reservations
// expire on a controllable clock and return stock exactly once, wallet payment and refund move coins atomically.
import { beforeEach, describe, expect, test } from "bun:test";
import type { MoneyDb } from "../deps";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertUser } from "../accounts/storage";
import { migrate } from "../db/migrate";
import { openDb } from "../db/open";
import { SCHEMAS } from "../db/schema";
import { createBus, type Facts } from "../events/bus";
import { walletProvider } from "../payments/wallet-provider";
import { creditCoins, getBalance, checkLedger } from "../wallet/wallet";
import { csvCell, ordersCsv } from "./csv";
import { createFlashSale } from "./flash-sales";
import { parseAmount, type PlaceOrderInput } from "./model";
import { markPaid, placeOrder, refundOrder, releaseOrder, type ShopEnv } from "./orders";
import { createProduct, parseVariantLines } from "./products";
import { sweepReservations } from "./reservations";
import * as store from "./storage";

let db: MoneyDb;
let clock: number;
let env: ShopEnv;
let paid: Facts["order.paid"][];
let seller: ReturnType<typeof insertUser>;
let buyer: ReturnType<typeof insertUser>;

function counts() {
  return {
    orders: db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM orders").get()!.n,
    stock: db.query<{ s: number }, []>("SELECT COALESCE(SUM(stock), 0) AS s FROM products").get()!.s,
    variantStock: db.query<{ s: number }, []>("SELECT COALESCE(SUM(stock), 0) AS s FROM product_variants").get()!.s,
    saleLeft: db.query<{ s: number }, []>("SELECT COALESCE(SUM(remaining), 0) AS s FROM flash_sales").get()!.s,
  };
}

function product(over: Partial<Parameters<typeof createProduct>[2]> = {}) {
  const r = createProduct(db, seller, { title: "Tee", description: "", priceMinor: 1500, currency: "USD", stock: 10, kind: "digital", variants: [], ...over }, clock);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

let n = 0;
function input(productId: number, over: Partial<PlaceOrderInput> = {}): PlaceOrderInput {
  return {
    buyerId: buyer.id, productId, variantId: null, quantity: 1, provider: "manual", idempotencyKey: `key-${++n}-abcdef`, flashSaleId: null,
    expectedUnitPriceMinor: null, currency: null, shippingAddress: null, roomId: null, ...over,
  };
}

beforeEach(() => {
  const dir = mkdtempSync(join(tmpdir(), "lh-shop-"));
  db = openDb(join(dir, "livehouse.db"), "money");
  migrate(db, SCHEMAS);
  clock = 1_000_000;
  const bus = createBus();
  paid = [];
  bus.on("order.paid", (f) => paid.push(f));
  env = { db, bus, now: () => clock, reservationMs: 60_000 };
  seller = insertUser(db, { username: "seller", displayName: "Seller", passwordHash: "x", role: "creator", now: 0 });
  buyer = insertUser(db, { username: "buyer", displayName: "Buyer", passwordHash: "x", role: "viewer", now: 0 });
});

describe("refused orders write nothing", () => {
  const cases: [string, (pid: number, saleId: number) => Partial<PlaceOrderInput>, string][] = [
    ["zero quantity", () => ({ quantity: 0 }), "invalid"],
    ["negative quantity", () => ({ quantity: -3 }), "invalid"],
    ["too many", () => ({ quantity: 101 }), "invalid"],
    ["another currency", () => ({ currency: "EUR" }), "invalid"],
    ["tampered price", () => ({ expectedUnitPriceMinor: 1 }), "invalid"],
    ["unknown product", () => ({ productId: 9999 }), "not_found"],
    ["bad idempotency key", () => ({ idempotencyKey: "x" }), "invalid"],
    ["more than the stock", () => ({ quantity: 11 }), "sold_out"],
    ["sale of another product", () => ({ flashSaleId: 12345 }), "invalid"],
  ];
  for (const [name, over, kind] of cases) {
    test(name, () => {
      const p = product();
      const before = counts();
      const r = placeOrder(env, { ...input(p.id), ...over(p.id, 0) }, null);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.refusal.kind).toBe(kind as never);
      expect(counts()).toEqual(before);
    });
  }

  test("a finished flash sale and one not started yet are refused, not sold at the normal price", () => {
    const p = product();
    const sale = createFlashSale(db, p, { priceMinor: 900, quantity: 5, perBuyerLimit: 2, startsAt: clock + 1000, endsAt: clock + 2000 }, clock);
    if (!sale.ok) throw new Error("sale");
    const before = counts();
    const early = placeOrder(env, input(p.id, { flashSaleId: sale.value.id }), null);
    expect(!early.ok && early.refusal.kind).toBe("sale_over");
    clock += 2000;
    const late = placeOrder(env, input(p.id, { flashSaleId: sale.value.id, expectedUnitPriceMinor: 900 }), null);
    expect(!late.ok && late.refusal).toEqual({ kind: "sale_over", message: "this flash sale has ended" });
    expect(counts()).toEqual(before);
  });

  test("a physical product needs an address; a variant product needs a variant", () => {
    const phys = product({ kind: "physical" });
    expect(placeOrder(env, input(phys.id), null)).toMatchObject({ ok: false, refusal: { field: "shippingAddress" } });
    const v = product({ variants: [{ label: "S", priceMinor: null, stock: 2 }] });
    expect(placeOrder(env, input(v.id), null)).toMatchObject({ ok: false, refusal: { field: "variantId" } });
    expect(counts().orders).toBe(0);
  });
});

test("idempotency: the same key and content returns the first order; other content is a conflict", () => {
  const p = product();
  const first = placeOrder(env, input(p.id, { idempotencyKey: "same-key-1" }), null);
  const again = placeOrder(env, input(p.id, { idempotencyKey: "same-key-1" }), null);
  expect(first.ok && again.ok && again.replay && again.order.id === first.order.id).toBe(true);
  const other = placeOrder(env, input(p.id, { idempotencyKey: "same-key-1", quantity: 2 }), null);
  expect(!other.ok && other.refusal.kind).toBe("conflict");
  expect(counts()).toMatchObject({ orders: 1, stock: 9 });
});

test("variants keep their own stock and price", () => {
  const p = product({ variants: [{ label: "S", priceMinor: 1200, stock: 1 }, { label: "L", priceMinor: null, stock: 3 }] });
  const [s, l] = p.variants;
  const r = placeOrder(env, input(p.id, { variantId: s!.id, expectedUnitPriceMinor: 1200 }), null);
  expect(r.ok && r.order.totalMinor).toBe(1200);
  expect(placeOrder(env, input(p.id, { variantId: s!.id }), null)).toMatchObject({ ok: false, refusal: { kind: "sold_out" } });
  const big = placeOrder(env, input(p.id, { variantId: l!.id, quantity: 2 }), null);
  expect(big.ok && big.order.totalMinor).toBe(3000);
  expect(counts().variantStock).toBe(1);
});

test("flash sale: sale price, per-buyer limit, sold out, quantity also leaves the product stock", () => {
  const p = product({ stock: 10 });
  const sale = createFlashSale(db, p, { priceMinor: 900, quantity: 3, perBuyerLimit: 2, startsAt: clock, endsAt: clock + 60_000 }, clock);
  if (!sale.ok) throw new Error("sale");
  const a = placeOrder(env, input(p.id, { flashSaleId: sale.value.id, quantity: 2, expectedUnitPriceMinor: 900 }), null);
  expect(a.ok && a.order.unitPriceMinor).toBe(900);
  expect(placeOrder(env, input(p.id, { flashSaleId: sale.value.id }), null)).toMatchObject({ ok: false, refusal: { kind: "limit" } });
  const other = insertUser(db, { username: "other", displayName: "O", passwordHash: "x", role: "viewer", now: 0 });
  expect(placeOrder(env, input(p.id, { buyerId: other.id, flashSaleId: sale.value.id, quantity: 2 }), null)).toMatchObject({ ok: false, refusal: { kind: "sold_out" } });
  expect(placeOrder(env, input(p.id, { buyerId: other.id, flashSaleId: sale.value.id, quantity: 1 }), null).ok).toBe(true);
  expect(counts()).toMatchObject({ orders: 2, stock: 7, saleLeft: 0 });
});

test("reservations expire on the controllable clock and return stock (and sale quantity) exactly once", () => {
  const p = product({ stock: 5 });
  const sale = createFlashSale(db, p, { priceMinor: 900, quantity: 2, perBuyerLimit: 2, startsAt: clock, endsAt: clock + 600_000 }, clock);
  if (!sale.ok) throw new Error("sale");
  const r = placeOrder(env, input(p.id, { flashSaleId: sale.value.id, quantity: 2 }), null);
  expect(r.ok).toBe(true);
  expect(counts()).toMatchObject({ stock: 3, saleLeft: 0 });
  clock += 59_999;
  expect(sweepReservations(env)).toBe(0);
  clock += 1;
  expect(sweepReservations(env)).toBe(1);
  expect(sweepReservations(env)).toBe(0);
  expect(releaseOrder(env, r.ok ? r.order.id : 0, "expired", "again")).toBe(false);
  expect(releaseOrder(env, r.ok ? r.order.id : 0, "cancelled", "late cancel")).toBe(false);
  expect(counts()).toMatchObject({ stock: 5, saleLeft: 2 });
  expect(store.getOrder(db, r.ok ? r.order.id : 0)!.status).toBe("expired");
  // A paid order never expires.
  const kept = placeOrder(env, input(p.id), null);
  expect(kept.ok && markPaid(env, kept.order.id, { by: "creator" })).toMatchObject({ ok: true, changed: true });
  clock += 3_600_000;
  expect(sweepReservations(env)).toBe(0);
  expect(counts().stock).toBe(4);
});

test("markPaid changes a pending order once and announces it once", () => {
  const p = product();
  const r = placeOrder(env, input(p.id, { roomId: null }), null);
  if (!r.ok) throw new Error("order");
  expect(markPaid(env, r.order.id, { by: "creator" })).toMatchObject({ ok: true, changed: true });
  expect(markPaid(env, r.order.id, { by: "creator" })).toMatchObject({ ok: true, changed: false });
  expect(paid.length).toBe(1);
});

describe("wallet provider", () => {
  test("pays inside the order transaction; too few coins writes nothing", () => {
    const p = product({ currency: "COIN", priceMinor: 300, stock: 5 });
    creditCoins(db, { userId: buyer.id, coins: 500, reason: "test", ref: "t" });
    const w = walletProvider();
    const ok = placeOrder(env, input(p.id, { provider: "wallet" }), w.charge);
    expect(ok.ok && ok.order.status).toBe("paid");
    expect(getBalance(db, buyer.id)).toBe(200);
    expect(getBalance(db, seller.id)).toBe(300);
    const before = counts();
    const short = placeOrder(env, input(p.id, { provider: "wallet" }), w.charge);
    expect(!short.ok && short.refusal).toEqual({ kind: "payment", status: 402, message: "not enough coins" });
    expect(counts()).toEqual(before);
    expect(getBalance(db, buyer.id)).toBe(200);
    expect(paid.length).toBe(1);
    // Refund moves the coins back in the same transaction as the status.
    if (!ok.ok) throw new Error("order");
    expect(refundOrder(env, ok.order, (tx, o) => w.refundInTx(tx, o))).toEqual({ ok: true });
    expect(refundOrder(env, ok.order, (tx, o) => w.refundInTx(tx, o)).ok).toBe(false);
    expect(getBalance(db, buyer.id)).toBe(500);
    expect(checkLedger(db).ok).toBe(true);
  });
});

test("csv cells that a spreadsheet would run as formulas are neutralised", () => {
  expect(csvCell("=HYPERLINK(\"http://x\")")).toBe(`"'=HYPERLINK(""http://x"")"`);
  for (const bad of ["+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]) expect(csvCell(bad).startsWith(`"'`)).toBe(true);
  expect(csvCell("plain, \"quoted\"")).toBe(`"plain, ""quoted"""`);
  const p = product({ title: "=cmd|' /C calc'!A0" });
  const r = placeOrder(env, input(p.id), null);
  if (!r.ok) throw new Error("order");
  const csv = ordersCsv([r.order]);
  expect(csv).toContain(`"'=cmd|' /C calc'!A0"`);
  expect(csv.split("\r\n")[1]).not.toMatch(/(^|,)"[=+\-@]/);
});

test("amounts and variant lines parse strictly", () => {
  expect(parseAmount("12.5", "USD")).toBe(1250);
  expect(parseAmount("12.555", "USD")).toBeNull();
  expect(parseAmount("7", "JPY")).toBe(7);
  expect(parseAmount("1.5", "COIN")).toBeNull();
  expect(parseAmount("-1", "USD")).toBeNull();
  expect(parseVariantLines("S | 12 | 3\nM | | 0", (s) => parseAmount(s, "USD"))).toEqual([{ label: "S", priceMinor: 1200, stock: 3 }, { label: "M", priceMinor: null, stock: 0 }]);
  expect(parseVariantLines("S | x | 3", (s) => parseAmount(s, "USD"))).toBeNull();
});

test("group commit: orders submitted together share one transaction, each keeps its own savepoint", async () => {
  const { createCheckoutQueue } = await import("./checkout-queue");
  const p = product({ stock: 3 });
  const q = createCheckoutQueue(env);
  const placed: number[] = [];
  env.bus.on("order.placed", (f) => placed.push(f.orderId));
  const results = await Promise.all([
    q.submit(input(p.id, { quantity: 2 }), null),
    q.submit(input(p.id, { quantity: 0 }), null),
    q.submit(input(p.id, { quantity: 2 }), null),
    q.submit(input(p.id, { quantity: 1 }), null),
  ]);
  expect(results.map((r) => (r.ok ? "ok" : r.refusal.kind))).toEqual(["ok", "invalid", "sold_out", "ok"]);
  expect(counts()).toMatchObject({ orders: 2, stock: 0 });
  expect(placed.length).toBe(2);
});

test("a payment arriving after the reservation expired takes the stock again, or flags a refund when it is gone", async () => {
  const { markPaidLate } = await import("./orders");
  const p = product({ stock: 1 });
  const first = placeOrder(env, input(p.id), null);
  if (!first.ok) throw new Error("order");
  clock += 60_000;
  expect(sweepReservations(env)).toBe(1);
  expect(markPaidLate(env, first.order.id, "stripe", "pi_1")).toEqual({ changed: true });
  expect(store.getOrder(db, first.order.id)!.status).toBe("paid");
  expect(counts().stock).toBe(0);
  // Second case: the released unit was sold to someone else before the late payment arrived.
  const p2 = product({ stock: 1 });
  const late = placeOrder(env, input(p2.id), null);
  if (!late.ok) throw new Error("order");
  clock += 60_000;
  sweepReservations(env);
  const other = insertUser(db, { username: "quick", displayName: "Q", passwordHash: "x", role: "viewer", now: 0 });
  expect(placeOrder(env, input(p2.id, { buyerId: other.id }), null).ok).toBe(true);
  expect(markPaidLate(env, late.order.id, "stripe", "pi_2")).toEqual({ changed: false });
  expect(store.getOrder(db, late.order.id)!.status).toBe("expired");
  expect(store.listOrderEvents(db, late.order.id).map((e) => e.kind)).toEqual(["created", "expired", "paid_after_release"]);
});

test("early sold-out answer for a drained sale; a repeated key still gets its first answer", async () => {
  const { quickRefusal } = await import("./orders");
  const p = product({ stock: 5 });
  const sale = createFlashSale(db, p, { priceMinor: 900, quantity: 1, perBuyerLimit: 1, startsAt: clock, endsAt: clock + 60_000 }, clock);
  if (!sale.ok) throw new Error("sale");
  const first = input(p.id, { flashSaleId: sale.value.id, idempotencyKey: "early-key-1" });
  expect(quickRefusal(env, first)).toBeNull();
  expect(placeOrder(env, first, null).ok).toBe(true);
  expect(quickRefusal(env, first)).toBeNull();
  expect(quickRefusal(env, input(p.id, { flashSaleId: sale.value.id }))).toEqual({ kind: "sold_out", message: "the flash sale is sold out" });
  expect(quickRefusal(env, input(p.id))).toBeNull();
});
