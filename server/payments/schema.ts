// Payments tables: coin purchases (buying coins through a provider) and the webhook event log that makes every
// provider event count once (primary key on the provider's event id).
import type { DomainSchema } from "../db/migrate";

export const paymentsSchema: DomainSchema = {
  domain: "payments",
  migrations: [
    {
      name: "coin-purchases-webhook-events",
      up(db) {
        db.exec(`
          CREATE TABLE coin_purchases (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            coins INTEGER NOT NULL CHECK (coins > 0),
            price_minor INTEGER NOT NULL CHECK (price_minor > 0),
            currency TEXT NOT NULL,
            provider TEXT NOT NULL CHECK (provider IN ('manual','stripe')),
            status TEXT NOT NULL CHECK (status IN ('pending','paid','cancelled')),
            idempotency_key TEXT NOT NULL,
            provider_ref TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (user_id, idempotency_key)
          );
          CREATE TABLE webhook_events (
            provider TEXT NOT NULL,
            event_id TEXT NOT NULL,
            type TEXT NOT NULL,
            outcome TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            PRIMARY KEY (provider, event_id)
          );
        `);
      },
    },
  ],
};
