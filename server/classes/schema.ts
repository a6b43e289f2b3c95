// Classes tables: a class (a scheduled, priced session held in a room), its tickets (one seat each; a partial
// unique index lets a user hold at most one pending or valid ticket per class), coupons, materials, attendance,
// the room Q&A, in-app notices, and pay-per-view replay prices and purchases.
// seats_taken carries its own CHECK against capacity, so even a buggy caller cannot oversell.
import type { DomainSchema } from "../db/migrate";

export const classesSchema: DomainSchema = {
  domain: "classes",
  migrations: [
    {
      name: "classes-tickets-coupons-qa-ppv",
      up(db) {
        db.exec(`
          CREATE TABLE classes (
            id INTEGER PRIMARY KEY,
            teacher_id INTEGER NOT NULL REFERENCES users(id),
            room_id INTEGER NOT NULL REFERENCES rooms(id),
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            starts_at INTEGER NOT NULL,
            minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
            price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
            currency TEXT NOT NULL,
            capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),
            seats_taken INTEGER NOT NULL DEFAULT 0 CHECK (seats_taken >= 0 AND (capacity IS NULL OR seats_taken <= capacity)),
            replay_included INTEGER NOT NULL DEFAULT 1,
            reminded_at INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
          );
          CREATE INDEX classes_start ON classes(starts_at);
          CREATE INDEX classes_room ON classes(room_id, starts_at);
          CREATE TABLE class_coupons (
            id INTEGER PRIMARY KEY,
            class_id INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('percent','fixed')),
            amount INTEGER NOT NULL CHECK (amount > 0),
            max_uses INTEGER NOT NULL CHECK (max_uses > 0),
            uses INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0 AND uses <= max_uses),
            expires_at INTEGER,
            created_at INTEGER NOT NULL,
            UNIQUE (class_id, code)
          );
          CREATE TABLE tickets (
            id INTEGER PRIMARY KEY,
            class_id INTEGER NOT NULL REFERENCES classes(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            status TEXT NOT NULL CHECK (status IN ('pending','valid','refunded','cancelled')),
            provider TEXT NOT NULL CHECK (provider IN ('wallet','manual','stripe','free')),
            price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
            currency TEXT NOT NULL,
            coupon_id INTEGER REFERENCES class_coupons(id),
            idempotency_key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            provider_ref TEXT,
            ledger_tx INTEGER,
            email TEXT,
            reserved_until INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (user_id, idempotency_key)
          );
          CREATE UNIQUE INDEX tickets_one_held ON tickets(class_id, user_id) WHERE status IN ('pending','valid');
          CREATE INDEX tickets_class ON tickets(class_id, status);
          CREATE TABLE class_materials (
            id INTEGER PRIMARY KEY,
            class_id INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            file TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            created_at INTEGER NOT NULL
          );
          CREATE TABLE class_attendance (
            class_id INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id),
            joined_at INTEGER NOT NULL,
            last_seen_at INTEGER NOT NULL,
            seconds INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (class_id, user_id)
          );
          CREATE TABLE questions (
            id INTEGER PRIMARY KEY,
            room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id),
            text TEXT NOT NULL,
            votes INTEGER NOT NULL DEFAULT 0,
            answered INTEGER NOT NULL DEFAULT 0,
            pinned INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL
          );
          CREATE INDEX questions_room ON questions(room_id, answered, votes DESC, id);
          CREATE TABLE question_votes (
            question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id),
            PRIMARY KEY (question_id, user_id)
          );
          CREATE TABLE notices (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            kind TEXT NOT NULL,
            ref TEXT NOT NULL,
            text_key TEXT NOT NULL,
            vars TEXT NOT NULL DEFAULT '{}',
            url TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            read_at INTEGER,
            UNIQUE (user_id, kind, ref)
          );
          CREATE TABLE replay_prices (
            broadcast_id INTEGER PRIMARY KEY REFERENCES broadcasts(id) ON DELETE CASCADE,
            owner_id INTEGER NOT NULL REFERENCES users(id),
            price_minor INTEGER NOT NULL CHECK (price_minor > 0),
            currency TEXT NOT NULL,
            updated_at INTEGER NOT NULL
          );
          CREATE TABLE replay_purchases (
            id INTEGER PRIMARY KEY,
            broadcast_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            seller_id INTEGER NOT NULL REFERENCES users(id),
            status TEXT NOT NULL CHECK (status IN ('pending','paid','refunded','cancelled')),
            provider TEXT NOT NULL CHECK (provider IN ('wallet','manual','stripe')),
            price_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            provider_ref TEXT,
            ledger_tx INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (user_id, idempotency_key)
          );
          CREATE UNIQUE INDEX replay_purchases_one ON replay_purchases(broadcast_id, user_id) WHERE status IN ('pending','paid');
        `);
      },
    },
  ],
};
