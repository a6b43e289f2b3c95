// Shop tables. Stock lives on the product (no variants) or on each variant; flash sales hold their own remaining
// quantity. Every stock/remaining column has a CHECK so even a buggy statement cannot take it below zero.
import type { DomainSchema } from "../db/migrate";

export const shopSchema: DomainSchema = {
  domain: "shop",
  migrations: [
    {
      name: "products-orders-flash-sales-pins",
      up(db) {
        db.exec(`
          CREATE TABLE products (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES users(id),
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
            currency TEXT NOT NULL,
            stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
            kind TEXT NOT NULL DEFAULT 'physical' CHECK (kind IN ('physical','digital')),
            images TEXT NOT NULL DEFAULT '[]',
            active INTEGER NOT NULL DEFAULT 1,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
          );
          CREATE INDEX products_owner ON products(owner_id, active);
          CREATE TABLE product_variants (
            id INTEGER PRIMARY KEY,
            product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            price_minor INTEGER CHECK (price_minor IS NULL OR price_minor >= 0),
            stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
            UNIQUE (product_id, label)
          );
          CREATE TABLE flash_sales (
            id INTEGER PRIMARY KEY,
            product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
            price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            remaining INTEGER NOT NULL CHECK (remaining >= 0),
            per_buyer_limit INTEGER NOT NULL CHECK (per_buyer_limit > 0),
            starts_at INTEGER NOT NULL,
            ends_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            CHECK (ends_at > starts_at)
          );
          CREATE INDEX flash_sales_product ON flash_sales(product_id, ends_at);
          CREATE TABLE orders (
            id INTEGER PRIMARY KEY,
            buyer_id INTEGER NOT NULL REFERENCES users(id),
            seller_id INTEGER NOT NULL REFERENCES users(id),
            product_id INTEGER NOT NULL REFERENCES products(id),
            variant_id INTEGER REFERENCES product_variants(id),
            flash_sale_id INTEGER REFERENCES flash_sales(id),
            room_id INTEGER REFERENCES rooms(id),
            title TEXT NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
            total_minor INTEGER NOT NULL CHECK (total_minor >= 0),
            currency TEXT NOT NULL,
            provider TEXT NOT NULL CHECK (provider IN ('wallet','manual','stripe')),
            status TEXT NOT NULL CHECK (status IN ('pending','paid','shipped','completed','cancelled','refunded','expired')),
            idempotency_key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            shipping_address TEXT,
            tracking TEXT,
            provider_ref TEXT,
            reserved_until INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (buyer_id, idempotency_key)
          );
          CREATE INDEX orders_seller ON orders(seller_id, status, created_at);
          CREATE INDEX orders_buyer ON orders(buyer_id, created_at);
          CREATE INDEX orders_flash_buyer ON orders(flash_sale_id, buyer_id) WHERE flash_sale_id IS NOT NULL;
          CREATE INDEX orders_pending ON orders(reserved_until) WHERE status = 'pending';
          CREATE TABLE order_events (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders(id),
            kind TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            at INTEGER NOT NULL
          );
          CREATE INDEX order_events_order ON order_events(order_id);
          CREATE TABLE room_pins (
            id INTEGER PRIMARY KEY,
            room_id INTEGER NOT NULL REFERENCES rooms(id),
            product_id INTEGER NOT NULL REFERENCES products(id),
            broadcast_id INTEGER,
            offset_ms INTEGER,
            pinned_at INTEGER NOT NULL,
            unpinned_at INTEGER,
            unpin_offset_ms INTEGER
          );
          CREATE INDEX room_pins_active ON room_pins(room_id) WHERE unpinned_at IS NULL;
          CREATE INDEX room_pins_broadcast ON room_pins(broadcast_id, offset_ms);
          CREATE TABLE cart_items (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
            variant_id INTEGER NOT NULL DEFAULT 0,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            added_at INTEGER NOT NULL,
            PRIMARY KEY (user_id, product_id, variant_id)
          );
        `);
      },
    },
  ],
};
