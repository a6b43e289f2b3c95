import type { DomainSchema } from "../db/migrate";

export const webhooksSchema: DomainSchema = {
  domain: "webhooks",
  migrations: [
    {
      name: "webhooks, outbox and delivery log",
      up(db) {
        db.exec(`
          CREATE TABLE webhooks (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_at INTEGER NOT NULL
          );
          -- The durable outbox: one row per (webhook, event), retried until delivered or the 24 h window ends.
          CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY,
            webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
            event_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            body TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            last_status INTEGER,
            last_error TEXT,
            UNIQUE (webhook_id, event_id)
          );
          CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_at);
          CREATE TABLE webhook_attempts (
            id INTEGER PRIMARY KEY,
            delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
            at INTEGER NOT NULL,
            status_code INTEGER,
            error TEXT,
            duration_ms INTEGER NOT NULL
          );
          CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id);
        `);
      },
    },
  ],
};
