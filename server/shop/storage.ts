// The only file of the shop domain with SQL. Stock-moving statements are conditional (they cannot go below
// zero) and report whether they applied; callers run them inside one transaction.
import type { Database } from "bun:sqlite";
import type { FlashSale, Order, OrderEvent, OrderEventKind, OrderFilter, OrderStatus, Pin, Product, ProductInput, ProductKind, ProviderName, Variant } from "./model";

interface ProductRow {
  id: number; owner_id: number; owner_name: string; owner_username: string; title: string; description: string;
  price_minor: number; currency: string; stock: number; kind: ProductKind; images: string; active: number;
  created_at: number; updated_at: number;
}
interface VariantRow { id: number; product_id: number; label: string; price_minor: number | null; stock: number }
interface SaleRow {
  id: number; product_id: number; price_minor: number; quantity: number; remaining: number; per_buyer_limit: number;
  starts_at: number; ends_at: number; created_at: number;
}
interface OrderRow {
  id: number; buyer_id: number; buyer_name: string; seller_id: number; product_id: number; variant_id: number | null;
  variant_label: string | null; flash_sale_id: number | null; room_id: number | null; title: string; quantity: number;
  unit_price_minor: number; total_minor: number; currency: string; provider: ProviderName; status: OrderStatus;
  idempotency_key: string; request_hash: string; shipping_address: string | null; tracking: string | null;
  provider_ref: string | null; reserved_until: number | null; created_at: number; updated_at: number;
}
interface PinRow {
  id: number; room_id: number; product_id: number; broadcast_id: number | null; offset_ms: number | null;
  pinned_at: number; unpinned_at: number | null; unpin_offset_ms: number | null;
}

const PRODUCT_SELECT = `SELECT p.id, p.owner_id, u.display_name AS owner_name, u.username AS owner_username, p.title,
  p.description, p.price_minor, p.currency, p.stock, p.kind, p.images, p.active, p.created_at, p.updated_at
  FROM products p JOIN users u ON u.id = p.owner_id`;

const ORDER_SELECT = `SELECT o.*, u.display_name AS buyer_name, v.label AS variant_label
  FROM orders o JOIN users u ON u.id = o.buyer_id LEFT JOIN product_variants v ON v.id = o.variant_id`;

function toVariant(r: VariantRow): Variant {
  return { id: r.id, productId: r.product_id, label: r.label, priceMinor: r.price_minor, stock: r.stock };
}

function toProduct(db: Database, r: ProductRow): Product {
  return {
    id: r.id, ownerId: r.owner_id, ownerName: r.owner_name, ownerUsername: r.owner_username, title: r.title,
    description: r.description, priceMinor: r.price_minor, currency: r.currency, stock: r.stock, kind: r.kind,
    images: JSON.parse(r.images) as string[], active: r.active === 1, createdAt: r.created_at, updatedAt: r.updated_at,
    variants: listVariants(db, r.id),
  };
}

function toSale(r: SaleRow): FlashSale {
  return {
    id: r.id, productId: r.product_id, priceMinor: r.price_minor, quantity: r.quantity, remaining: r.remaining,
    perBuyerLimit: r.per_buyer_limit, startsAt: r.starts_at, endsAt: r.ends_at, createdAt: r.created_at,
  };
}

function toOrder(r: OrderRow): Order {
  return {
    id: r.id, buyerId: r.buyer_id, buyerName: r.buyer_name, sellerId: r.seller_id, productId: r.product_id,
    variantId: r.variant_id, variantLabel: r.variant_label, flashSaleId: r.flash_sale_id, roomId: r.room_id, title: r.title,
    quantity: r.quantity, unitPriceMinor: r.unit_price_minor, totalMinor: r.total_minor, currency: r.currency,
    provider: r.provider, status: r.status, idempotencyKey: r.idempotency_key, requestHash: r.request_hash,
    shippingAddress: r.shipping_address, tracking: r.tracking, providerRef: r.provider_ref, reservedUntil: r.reserved_until,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function toPin(r: PinRow): Pin {
  return {
    id: r.id, roomId: r.room_id, productId: r.product_id, broadcastId: r.broadcast_id, offsetMs: r.offset_ms,
    pinnedAt: r.pinned_at, unpinnedAt: r.unpinned_at, unpinOffsetMs: r.unpin_offset_ms,
  };
}

// ---- products

export function insertProduct(db: Database, ownerId: number, p: ProductInput, now: number): number {
  const id = db
    .query<{ id: number }, [number, string, string, number, string, number, string, number, number]>(
      `INSERT INTO products (owner_id, title, description, price_minor, currency, stock, kind, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .get(ownerId, p.title, p.description, p.priceMinor, p.currency, p.stock, p.kind, now, now)!.id;
  replaceVariants(db, id, p.variants);
  return id;
}

export function updateProduct(db: Database, id: number, p: ProductInput, now: number): void {
  db.query("UPDATE products SET title = ?, description = ?, price_minor = ?, currency = ?, stock = ?, kind = ?, updated_at = ? WHERE id = ?")
    .run(p.title, p.description, p.priceMinor, p.currency, p.stock, p.kind, now, id);
  replaceVariants(db, id, p.variants);
}

/** Variants keep their ids (orders reference them) when the label stays; new labels are added, dropped ones emptied. */
function replaceVariants(db: Database, productId: number, variants: ProductInput["variants"]): void {
  const keep = new Set(variants.map((v) => v.label));
  for (const v of variants) {
    db.query(`INSERT INTO product_variants (product_id, label, price_minor, stock) VALUES (?, ?, ?, ?)
      ON CONFLICT(product_id, label) DO UPDATE SET price_minor = excluded.price_minor, stock = excluded.stock`).run(productId, v.label, v.priceMinor, v.stock);
  }
  for (const v of listVariants(db, productId)) {
    if (!keep.has(v.label)) db.query("DELETE FROM product_variants WHERE id = ? AND NOT EXISTS (SELECT 1 FROM orders WHERE variant_id = ?)").run(v.id, v.id);
  }
  db.query(`UPDATE product_variants SET stock = 0 WHERE product_id = ? AND label NOT IN (SELECT value FROM json_each(?))`).run(productId, JSON.stringify([...keep]));
}

export function setProductImages(db: Database, id: number, images: string[], now: number): void {
  db.query("UPDATE products SET images = ?, updated_at = ? WHERE id = ?").run(JSON.stringify(images), now, id);
}

export function setProductActive(db: Database, id: number, active: boolean, now: number): void {
  db.query("UPDATE products SET active = ?, updated_at = ? WHERE id = ?").run(active ? 1 : 0, now, id);
}

export function getProduct(db: Database, id: number): Product | null {
  const r = db.query<ProductRow, [number]>(`${PRODUCT_SELECT} WHERE p.id = ?`).get(id);
  return r ? toProduct(db, r) : null;
}

export function listProductsByOwner(db: Database, ownerId: number, opts: { activeOnly: boolean }): Product[] {
  return db
    .query<ProductRow, [number, number]>(`${PRODUCT_SELECT} WHERE p.owner_id = ? AND (p.active = 1 OR ? = 0) ORDER BY p.id DESC LIMIT 500`)
    .all(ownerId, opts.activeOnly ? 1 : 0)
    .map((r) => toProduct(db, r));
}

export function listVariants(db: Database, productId: number): Variant[] {
  return db.query<VariantRow, [number]>("SELECT * FROM product_variants WHERE product_id = ? ORDER BY id").all(productId).map(toVariant);
}

export function takeProductStock(db: Database, productId: number, qty: number): boolean {
  return db.query("UPDATE products SET stock = stock - ?1 WHERE id = ?2 AND stock >= ?1").run(qty, productId).changes === 1;
}

export function takeVariantStock(db: Database, variantId: number, qty: number): boolean {
  return db.query("UPDATE product_variants SET stock = stock - ?1 WHERE id = ?2 AND stock >= ?1").run(qty, variantId).changes === 1;
}

export function returnProductStock(db: Database, productId: number, qty: number): void {
  db.query("UPDATE products SET stock = stock + ? WHERE id = ?").run(qty, productId);
}

export function returnVariantStock(db: Database, variantId: number, qty: number): void {
  db.query("UPDATE product_variants SET stock = stock + ? WHERE id = ?").run(qty, variantId);
}

// ---- flash sales

export function insertFlashSale(db: Database, s: Omit<FlashSale, "id" | "remaining" | "createdAt">, now: number): number {
  return db
    .query<{ id: number }, [number, number, number, number, number, number, number]>(
      `INSERT INTO flash_sales (product_id, price_minor, quantity, remaining, per_buyer_limit, starts_at, ends_at, created_at)
       VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7) RETURNING id`,
    )
    .get(s.productId, s.priceMinor, s.quantity, s.perBuyerLimit, s.startsAt, s.endsAt, now)!.id;
}

export function getFlashSale(db: Database, id: number): FlashSale | null {
  const r = db.query<SaleRow, [number]>("SELECT * FROM flash_sales WHERE id = ?").get(id);
  return r ? toSale(r) : null;
}

/** The sale running now or next for a product (the one a page should show). */
export function currentFlashSale(db: Database, productId: number, now: number): FlashSale | null {
  const r = db.query<SaleRow, [number, number]>("SELECT * FROM flash_sales WHERE product_id = ? AND ends_at > ? ORDER BY starts_at LIMIT 1").get(productId, now);
  return r ? toSale(r) : null;
}

export function endFlashSale(db: Database, id: number, now: number): void {
  db.query("UPDATE flash_sales SET ends_at = ?2 WHERE id = ?1 AND ends_at > ?2 AND starts_at < ?2").run(id, now);
  db.query("DELETE FROM flash_sales WHERE id = ?1 AND starts_at >= ?2 AND NOT EXISTS (SELECT 1 FROM orders WHERE flash_sale_id = ?1)").run(id, now);
}

/** Conditional: only inside the sale window and only while enough remains. */
export function takeSaleQuantity(db: Database, saleId: number, qty: number, now: number): boolean {
  return db.query("UPDATE flash_sales SET remaining = remaining - ?1 WHERE id = ?2 AND remaining >= ?1 AND starts_at <= ?3 AND ends_at > ?3")
    .run(qty, saleId, now).changes === 1;
}

export function returnSaleQuantity(db: Database, saleId: number, qty: number): void {
  db.query("UPDATE flash_sales SET remaining = MIN(quantity, remaining + ?) WHERE id = ?").run(qty, saleId);
}

/** Units this buyer holds from a sale, counting every order that still holds or consumed stock. */
export function boughtInSale(db: Database, saleId: number, buyerId: number): number {
  return db.query<{ n: number }, [number, number]>(
    `SELECT COALESCE(SUM(quantity), 0) AS n FROM orders WHERE flash_sale_id = ? AND buyer_id = ?
     AND status IN ('pending','paid','shipped','completed')`,
  ).get(saleId, buyerId)!.n;
}

// ---- orders

export interface NewOrder {
  buyerId: number; sellerId: number; productId: number; variantId: number | null; flashSaleId: number | null;
  roomId: number | null; title: string; quantity: number; unitPriceMinor: number; currency: string; provider: ProviderName;
  idempotencyKey: string; requestHash: string; shippingAddress: string | null; reservedUntil: number; now: number;
}

export function insertOrder(db: Database, o: NewOrder): number {
  return db
    .query<{ id: number }, (string | number | null)[]>(
      `INSERT INTO orders (buyer_id, seller_id, product_id, variant_id, flash_sale_id, room_id, title, quantity,
         unit_price_minor, total_minor, currency, provider, status, idempotency_key, request_hash, shipping_address,
         reserved_until, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .get(
      o.buyerId, o.sellerId, o.productId, o.variantId, o.flashSaleId, o.roomId, o.title, o.quantity, o.unitPriceMinor,
      o.unitPriceMinor * o.quantity, o.currency, o.provider, o.idempotencyKey, o.requestHash, o.shippingAddress,
      o.reservedUntil, o.now, o.now,
    )!.id;
}

export function getOrder(db: Database, id: number): Order | null {
  const r = db.query<OrderRow, [number]>(`${ORDER_SELECT} WHERE o.id = ?`).get(id);
  return r ? toOrder(r) : null;
}

export function getOrderByKey(db: Database, buyerId: number, key: string): Order | null {
  const r = db.query<OrderRow, [number, string]>(`${ORDER_SELECT} WHERE o.buyer_id = ? AND o.idempotency_key = ?`).get(buyerId, key);
  return r ? toOrder(r) : null;
}

/** The one way an order changes state: only from one of the expected states; false when it was not there. */
export function moveOrder(db: Database, id: number, from: readonly OrderStatus[], to: OrderStatus, now: number, extra: { tracking?: string; providerRef?: string } = {}): boolean {
  const r = db
    .query(
      `UPDATE orders SET status = ?, updated_at = ?, reserved_until = CASE WHEN ? = 'pending' THEN reserved_until ELSE NULL END,
         tracking = COALESCE(?, tracking), provider_ref = COALESCE(?, provider_ref)
       WHERE id = ? AND status IN (SELECT value FROM json_each(?))`,
    )
    .run(to, now, to, extra.tracking ?? null, extra.providerRef ?? null, id, JSON.stringify(from));
  return r.changes === 1;
}

export function setOrderProviderRef(db: Database, id: number, ref: string, now: number): void {
  db.query("UPDATE orders SET provider_ref = ?, updated_at = ? WHERE id = ?").run(ref, now, id);
}

export function addOrderEvent(db: Database, orderId: number, kind: OrderEventKind, note: string, at: number): void {
  db.query("INSERT INTO order_events (order_id, kind, note, at) VALUES (?, ?, ?, ?)").run(orderId, kind, note, at);
}

export function listOrderEvents(db: Database, orderId: number): OrderEvent[] {
  return db.query<OrderEvent, [number]>("SELECT kind, note, at FROM order_events WHERE order_id = ? ORDER BY id").all(orderId);
}

export function listOrdersByBuyer(db: Database, buyerId: number, limit = 200): Order[] {
  return db.query<OrderRow, [number, number]>(`${ORDER_SELECT} WHERE o.buyer_id = ? ORDER BY o.id DESC LIMIT ?`).all(buyerId, limit).map(toOrder);
}

export function listOrdersBySeller(db: Database, sellerId: number, f: OrderFilter, limit = 1000): Order[] {
  return db
    .query<OrderRow, (string | number | null)[]>(
      `${ORDER_SELECT} WHERE o.seller_id = ? AND (?2 IS NULL OR o.status = ?2) AND (?3 IS NULL OR o.product_id = ?3)
       AND (?4 IS NULL OR o.created_at >= ?4) AND (?5 IS NULL OR o.created_at < ?5)
       AND (?6 IS NULL OR o.title LIKE '%' || ?6 || '%' OR u.display_name LIKE '%' || ?6 || '%')
       ORDER BY o.id DESC LIMIT ?7`,
    )
    .all(sellerId, f.status, f.productId, f.from, f.to, f.q, limit)
    .map(toOrder);
}

/** Pending orders whose reservation ran out. */
export function listExpiredReservations(db: Database, now: number, limit: number): number[] {
  return db.query<{ id: number }, [number, number]>("SELECT id FROM orders WHERE status = 'pending' AND reserved_until <= ? ORDER BY reserved_until LIMIT ?")
    .all(now, limit).map((r) => r.id);
}

// ---- cart

export function upsertCartItem(db: Database, userId: number, productId: number, variantId: number | null, qty: number, now: number): void {
  db.query(`INSERT INTO cart_items (user_id, product_id, variant_id, quantity, added_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(user_id, product_id, variant_id) DO UPDATE SET quantity = excluded.quantity`).run(userId, productId, variantId ?? 0, qty, now);
}

export function removeCartItem(db: Database, userId: number, productId: number, variantId: number | null): void {
  db.query("DELETE FROM cart_items WHERE user_id = ? AND product_id = ? AND variant_id = ?").run(userId, productId, variantId ?? 0);
}

export function listCart(db: Database, userId: number): { productId: number; variantId: number | null; quantity: number }[] {
  return db.query<{ product_id: number; variant_id: number; quantity: number }, [number]>(
    "SELECT product_id, variant_id, quantity FROM cart_items WHERE user_id = ? ORDER BY added_at",
  ).all(userId).map((r) => ({ productId: r.product_id, variantId: r.variant_id || null, quantity: r.quantity }));
}

// ---- pins

export function activePins(db: Database, roomId: number): Pin[] {
  return db.query<PinRow, [number]>("SELECT * FROM room_pins WHERE room_id = ? AND unpinned_at IS NULL ORDER BY id").all(roomId).map(toPin);
}

export function insertPin(db: Database, p: { roomId: number; productId: number; broadcastId: number | null; offsetMs: number | null; now: number }): number {
  return db.query<{ id: number }, [number, number, number | null, number | null, number]>(
    "INSERT INTO room_pins (room_id, product_id, broadcast_id, offset_ms, pinned_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
  ).get(p.roomId, p.productId, p.broadcastId, p.offsetMs, p.now)!.id;
}

export function endPin(db: Database, roomId: number, productId: number, now: number, offsetMs: number | null): boolean {
  return db.query("UPDATE room_pins SET unpinned_at = ?, unpin_offset_ms = ? WHERE room_id = ? AND product_id = ? AND unpinned_at IS NULL")
    .run(now, offsetMs, roomId, productId).changes > 0;
}

export function roomsPinning(db: Database, productId: number): number[] {
  return db.query<{ room_id: number }, [number]>("SELECT DISTINCT room_id FROM room_pins WHERE product_id = ? AND unpinned_at IS NULL").all(productId).map((r) => r.room_id);
}

export function pinsOfBroadcast(db: Database, broadcastId: number): Pin[] {
  return db.query<PinRow, [number]>("SELECT * FROM room_pins WHERE broadcast_id = ? ORDER BY offset_ms, id").all(broadcastId).map(toPin);
}

export function endBroadcastPins(db: Database, roomId: number, now: number, offsetMs: number | null): void {
  db.query("UPDATE room_pins SET unpinned_at = ?, unpin_offset_ms = ? WHERE room_id = ? AND unpinned_at IS NULL").run(now, offsetMs, roomId);
}
