// Memberships tables: tiers per creator, one membership row per (creator, member) that moves between states, and
// every payment of a period (joins and renewals), keyed by the payer's idempotency key.
import type { DomainSchema } from "../db/migrate";

export const membershipsSchema: DomainSchema = {
  domain: "memberships",
  migrations: [
    {
      name: "tiers-memberships-payments",
      up(db) {
        db.exec(`
          CREATE TABLE membership_tiers (
            id INTEGER PRIMARY KEY,
            creator_id INTEGER NOT NULL REFERENCES users(id),
            name TEXT NOT NULL,
            price_minor INTEGER NOT NULL CHECK (price_minor > 0),
            currency TEXT NOT NULL,
            perks TEXT NOT NULL DEFAULT '',
            badge TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1,
            created_at INTEGER NOT NULL,
            UNIQUE (creator_id, name)
          );
          CREATE TABLE memberships (
            id INTEGER PRIMARY KEY,
            creator_id INTEGER NOT NULL REFERENCES users(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            tier_id INTEGER NOT NULL REFERENCES membership_tiers(id),
            status TEXT NOT NULL CHECK (status IN ('active','cancelled','expired')),
            auto_renew INTEGER NOT NULL DEFAULT 0,
            provider TEXT NOT NULL,
            period_end INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (creator_id, user_id)
          );
          CREATE INDEX memberships_due ON memberships(status, period_end);
          CREATE TABLE members_only_chat (
            room_id INTEGER PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE
          );
          CREATE TABLE membership_payments (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            creator_id INTEGER NOT NULL REFERENCES users(id),
            tier_id INTEGER NOT NULL REFERENCES membership_tiers(id),
            provider TEXT NOT NULL CHECK (provider IN ('wallet','manual','stripe')),
            status TEXT NOT NULL CHECK (status IN ('pending','paid','cancelled')),
            price_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            auto_renew INTEGER NOT NULL DEFAULT 0,
            idempotency_key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            provider_ref TEXT,
            ledger_tx INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (user_id, idempotency_key)
          );
        `);
      },
    },
  ],
};
