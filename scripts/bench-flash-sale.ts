// scripts/bench-flash-sale: measures checkout through the whole server (HTTP, auth, validation, one IMMEDIATE
// transaction on the synchronous=FULL connection) against raw SQLite doing the same statements in-process on
// its own synchronous=FULL file, in the same run. Two phases:
//   race:       N buyers at once for U flash-sale units (most requests are refused as sold out);
//   throughput: N buyers at once for N units (every checkout commits: the fsync-bound case).
// Prints checkouts/s, p50/p99 latency, the ratio to raw SQLite, and the final counts (must be exactly U orders,
// stock 0, sale remaining 0, nothing negative). Bounded by --max-seconds; only talks to 127.0.0.1.
import type { Database } from "bun:sqlite";
import type { MoneyDb } from "../server/deps";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertUser } from "../server/accounts/storage";
import { migrate } from "../server/db/migrate";
import { openDb } from "../server/db/open";
import { SCHEMAS } from "../server/db/schema";
import { createFlashSale } from "../server/shop/flash-sales";
import { createProduct } from "../server/shop/products";
import { startServer } from "../test/helpers/server";
import { seedBuyers, shopCounts, type Buyer } from "../test/shop-helpers";
import { deadline, opt, pct } from "./bench-live-lib";

const BUYERS = opt("buyers", 1000);
const UNITS = opt("units", 50);
const MAX_SECONDS = opt("max-seconds", 120);
const endBy = Date.now() + MAX_SECONDS * 1000;
deadline(MAX_SECONDS * 1000, () => {});

interface Run {
  ok: number;
  refused: number;
  other: Record<number, number>;
  seconds: number;
  lat: number[];
}

function summary(r: Run) {
  return { attempts: r.lat.length, perSec: r.lat.length / r.seconds, commitsPerSec: r.ok / r.seconds, p50: pct(r.lat, 50), p99: pct(r.lat, 99) };
}

function seedShop(db: MoneyDb, units: number, sale: boolean): { productId: number; saleId: number | null } {
  const seller = insertUser(db, { username: `seller${Math.random().toString(36).slice(2, 8)}`, displayName: "Seller", passwordHash: "x", role: "creator", now: Date.now() });
  const p = createProduct(db, seller, { title: "Bench tee", description: "", priceMinor: 2000, currency: "USD", stock: units, kind: "digital", variants: [] }, Date.now());
  if (!p.ok) throw new Error("bench: product");
  if (!sale) return { productId: p.value.id, saleId: null };
  const s = createFlashSale(db, p.value, { priceMinor: 999, quantity: units, perBuyerLimit: 1, startsAt: Date.now() - 1000, endsAt: Date.now() + 3_600_000 }, Date.now());
  if (!s.ok) throw new Error("bench: sale");
  return { productId: p.value.id, saleId: s.value.id };
}

async function httpRace(url: string, buyers: Buyer[], productId: number, saleId: number | null): Promise<Run> {
  const run: Run = { ok: 0, refused: 0, other: {}, seconds: 0, lat: [] };
  const t0 = performance.now();
  await Promise.all(buyers.map(async (b, i) => {
    const s = performance.now();
    const res = await fetch(`${url}/api/v1/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${b.token}`, "content-type": "application/json" },
      body: JSON.stringify({ productId, flashSaleId: saleId, quantity: 1, provider: "manual", idempotencyKey: `bench-${productId}-${i}`, currency: "USD" }),
    });
    await res.arrayBuffer();
    run.lat.push(performance.now() - s);
    if (res.status === 201) run.ok++;
    else if (res.status === 409) run.refused++;
    else run.other[res.status] = (run.other[res.status] ?? 0) + 1;
  }));
  run.seconds = (performance.now() - t0) / 1000;
  return run;
}

/** The same transaction as placeOrder, as bare prepared statements on a synchronous=FULL WAL file. */
function rawRace(db: Database, buyerIds: number[], productId: number, saleId: number | null, sellerId: number): Run {
  const find = db.query("SELECT id FROM orders WHERE buyer_id = ? AND idempotency_key = ?");
  const product = db.query("SELECT * FROM products WHERE id = ? AND active = 1");
  const sale = db.query("SELECT * FROM flash_sales WHERE id = ?");
  const held = db.query("SELECT COALESCE(SUM(quantity), 0) AS n FROM orders WHERE flash_sale_id = ? AND buyer_id = ? AND status IN ('pending','paid','shipped','completed')");
  const takeSale = db.query("UPDATE flash_sales SET remaining = remaining - 1 WHERE id = ? AND remaining >= 1 AND starts_at <= ?2 AND ends_at > ?2");
  const takeStock = db.query("UPDATE products SET stock = stock - 1 WHERE id = ? AND stock >= 1");
  const insert = db.query(`INSERT INTO orders (buyer_id, seller_id, product_id, flash_sale_id, title, quantity, unit_price_minor, total_minor, currency, provider, status, idempotency_key, request_hash, reserved_until, created_at, updated_at)
    VALUES (?, ?, ?, ?, 'Bench tee', 1, 999, 999, 'USD', 'manual', 'pending', ?, 'h', ?, ?, ?) RETURNING id`);
  const event = db.query("INSERT INTO order_events (order_id, kind, note, at) VALUES (?, 'created', 'manual', ?)");
  class SoldOut extends Error {}
  const tx = db.transaction((buyer: number, key: string) => {
    if (find.get(buyer, key)) return;
    product.get(productId);
    const now = Date.now();
    if (saleId !== null) {
      sale.get(saleId);
      held.get(saleId, buyer);
      if (takeSale.run(saleId, now).changes !== 1) throw new SoldOut();
    }
    if (takeStock.run(productId).changes !== 1) throw new SoldOut();
    const o = insert.get(buyer, sellerId, productId, saleId, key, now + 900_000, now, now) as { id: number };
    event.run(o.id, now);
  });
  const run: Run = { ok: 0, refused: 0, other: {}, seconds: 0, lat: [] };
  const t0 = performance.now();
  for (const [i, b] of buyerIds.entries()) {
    const s = performance.now();
    try {
      tx.immediate(b, `raw-${i}`);
      run.ok++;
    } catch (err) {
      if (!(err instanceof SoldOut)) throw err;
      run.refused++;
    }
    run.lat.push(performance.now() - s);
  }
  run.seconds = (performance.now() - t0) / 1000;
  return run;
}

function line(name: string, h: ReturnType<typeof summary>, r: ReturnType<typeof summary>): void {
  console.log(`  ${name.padEnd(22)} http ${h.perSec.toFixed(0).padStart(7)} req/s  ${h.commitsPerSec.toFixed(0).padStart(6)} orders/s  p50 ${h.p50.toFixed(1)} ms  p99 ${h.p99.toFixed(1)} ms`);
  console.log(`  ${"".padEnd(22)} raw  ${r.perSec.toFixed(0).padStart(7)} tx/s   ${r.commitsPerSec.toFixed(0).padStart(6)} orders/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms`);
  console.log(`  ${"".padEnd(22)} ratio http/raw: ${(h.perSec / r.perSec).toFixed(2)}× requests, ${(h.commitsPerSec / r.commitsPerSec).toFixed(2)}× orders`);
}

const rawDir = mkdtempSync(join(tmpdir(), "lh-bench-raw-"));
const srv = await startServer();
let failed = false;
try {
  console.log(`bench-flash-sale: ${BUYERS} buyers, ${UNITS} units; ${navigator.hardwareConcurrency} cores; Bun ${Bun.version}`);
  const buyers = await seedBuyers(srv.dataDir, BUYERS, "b");
  const appDb = openDb(join(srv.dataDir, "livehouse.db"), "money");
  const race = seedShop(appDb, UNITS, true);
  const bulk = seedShop(appDb, BUYERS, false);
  appDb.close();

  const rawDb = openDb(join(rawDir, "raw.db"), "money");
  migrate(rawDb, SCHEMAS);
  const rawBuyers = rawDb.transaction(() => Array.from({ length: BUYERS }, (_, i) => insertUser(rawDb, { username: `r${i}`, displayName: "r", passwordHash: "x", role: "viewer", now: 0 }).id))();
  const rawRaceShop = seedShop(rawDb, UNITS, true);
  const rawBulkShop = seedShop(rawDb, BUYERS, false);
  const sellerOf = (pid: number) => (rawDb.query("SELECT owner_id AS o FROM products WHERE id = ?").get(pid) as { o: number }).o;

  // Warm both sides (JIT, page cache) with a throwaway product, so neither pays first-touch costs in the figures.
  const warm = seedShop(openDb(join(srv.dataDir, "livehouse.db"), "money"), 20, false);
  await httpRace(srv.url, buyers.slice(0, 50), warm.productId, null);
  const rawWarm = seedShop(rawDb, 20, false);
  rawRace(rawDb, rawBuyers.slice(0, 50), rawWarm.productId, null, sellerOf(rawWarm.productId));
  if (Date.now() > endBy) throw new Error("out of time before measuring");

  const hRace = await httpRace(srv.url, buyers, race.productId, race.saleId);
  const rRace = rawRace(rawDb, rawBuyers, rawRaceShop.productId, rawRaceShop.saleId, sellerOf(rawRaceShop.productId));
  const hBulk = await httpRace(srv.url, buyers, bulk.productId, null);
  const rBulk = rawRace(rawDb, rawBuyers, rawBulkShop.productId, null, sellerOf(rawBulkShop.productId));
  rawDb.close();

  console.log("");
  line(`race (${UNITS} units)`, summary(hRace), summary(rRace));
  line(`throughput (${BUYERS} units)`, summary(hBulk), summary(rBulk));
  const c = shopCounts(srv.dataDir, race.productId);
  const b = shopCounts(srv.dataDir, bulk.productId);
  console.log("");
  console.log(`  race final: ${hRace.ok} × 201, ${hRace.refused} × 409, other ${JSON.stringify(hRace.other)}; orders ${c.paidOrPending}, stock ${c.stock}, sale remaining ${c.saleRemaining}, negative rows ${c.negatives}`);
  console.log(`  throughput final: ${hBulk.ok} × 201, other ${JSON.stringify(hBulk.other)}; orders ${b.paidOrPending}, stock ${b.stock}, negative rows ${b.negatives}`);
  const good = hRace.ok === UNITS && c.paidOrPending === UNITS && c.stock === 0 && c.saleRemaining === 0 && c.negatives === 0 &&
    hRace.refused === BUYERS - UNITS && hBulk.ok === BUYERS && b.stock === 0 && b.negatives === 0;
  console.log(good ? "  counts: OK (exactly the units sold, stock 0, nothing negative)" : "  counts: WRONG");
  failed = !good;
} finally {
  await srv.stop();
  rmSync(srv.dataDir, { recursive: true, force: true });
  rmSync(rawDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
