import type { DomainSchema } from "../db/migrate";

// Insights owns one append-only event stream and the tables derived from it. Every derived table can be rebuilt
// from insights_events (CLI `insights rebuild`); no foreign keys, so a deleted room or user never blocks a write.
// No IP address is stored anywhere: viewer keys are salted hashes (insights_salts), rotated daily for visitors.
export const insightsSchema: DomainSchema = {
  domain: "insights",
  migrations: [
    {
      name: "insights-events-rollups-models",
      up(db) {
        db.exec(`
          -- day = UTC day number; day -1 holds the salt for signed-in users' keys (stable, so "returning" works).
          CREATE TABLE insights_salts (day INTEGER PRIMARY KEY, salt TEXT NOT NULL);
          CREATE TABLE insights_events (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            owner_id INTEGER NOT NULL,
            room_id INTEGER,
            broadcast_id INTEGER,
            viewer TEXT NOT NULL,
            user_id INTEGER,
            type TEXT NOT NULL,
            product_id INTEGER,
            value INTEGER NOT NULL DEFAULT 0,
            amount_minor INTEGER,
            currency TEXT
          );
          CREATE INDEX insights_events_broadcast ON insights_events(broadcast_id, type) WHERE broadcast_id IS NOT NULL;
          CREATE INDEX insights_events_user ON insights_events(user_id) WHERE user_id IS NOT NULL;
          CREATE INDEX insights_events_owner_type ON insights_events(owner_id, type, at);
          CREATE TABLE insights_broadcasts (
            broadcast_id INTEGER PRIMARY KEY,
            room_id INTEGER NOT NULL,
            owner_id INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            ended_at INTEGER,
            -- kept by every batch (a new insights_viewers row adds one), so the period table never counts rows
            unique_viewers INTEGER NOT NULL DEFAULT 0
          );
          CREATE INDEX insights_broadcasts_room ON insights_broadcasts(room_id, started_at);
          CREATE INDEX insights_broadcasts_started ON insights_broadcasts(started_at);
          -- room_id / broadcast_id 0: none (a shop order outside a room, a chat line while offline)
          CREATE TABLE insights_minutes (
            owner_id INTEGER NOT NULL, room_id INTEGER NOT NULL, broadcast_id INTEGER NOT NULL, minute INTEGER NOT NULL,
            watch_ms INTEGER NOT NULL DEFAULT 0, chat INTEGER NOT NULL DEFAULT 0, likes INTEGER NOT NULL DEFAULT 0,
            follows INTEGER NOT NULL DEFAULT 0, gift_coins INTEGER NOT NULL DEFAULT 0, impressions INTEGER NOT NULL DEFAULT 0,
            clicks INTEGER NOT NULL DEFAULT 0, carts INTEGER NOT NULL DEFAULT 0, orders INTEGER NOT NULL DEFAULT 0,
            paid INTEGER NOT NULL DEFAULT 0, units INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (owner_id, room_id, broadcast_id, minute)
          ) WITHOUT ROWID;
          CREATE INDEX insights_minutes_broadcast ON insights_minutes(broadcast_id, minute);
          CREATE INDEX insights_minutes_room ON insights_minutes(room_id, minute);
          CREATE INDEX insights_minutes_minute ON insights_minutes(minute);
          CREATE TABLE insights_revenue (
            owner_id INTEGER NOT NULL, room_id INTEGER NOT NULL, broadcast_id INTEGER NOT NULL, minute INTEGER NOT NULL,
            kind TEXT NOT NULL, currency TEXT NOT NULL, minor INTEGER NOT NULL, count INTEGER NOT NULL,
            PRIMARY KEY (owner_id, room_id, broadcast_id, minute, kind, currency)
          ) WITHOUT ROWID;
          CREATE INDEX insights_revenue_broadcast ON insights_revenue(broadcast_id);
          CREATE INDEX insights_revenue_room ON insights_revenue(room_id, minute);
          CREATE TABLE insights_viewers (
            broadcast_id INTEGER NOT NULL, viewer TEXT NOT NULL, room_id INTEGER NOT NULL, owner_id INTEGER NOT NULL,
            user_id INTEGER, first_at INTEGER NOT NULL, last_at INTEGER NOT NULL, watch_ms INTEGER NOT NULL,
            PRIMARY KEY (broadcast_id, viewer)
          ) WITHOUT ROWID;
          CREATE INDEX insights_viewers_room ON insights_viewers(room_id, first_at, viewer);
          CREATE INDEX insights_viewers_first ON insights_viewers(first_at, viewer);
          CREATE INDEX insights_viewers_owner ON insights_viewers(owner_id, first_at, viewer);
          CREATE INDEX insights_viewers_user ON insights_viewers(user_id) WHERE user_id IS NOT NULL;
          -- first_at: when this viewer was first seen in the room ("new vs returning" without scanning history)
          -- distinct-viewer sketches per room and UTC day (model.ts: exact sets while small, HyperLogLog beyond):
          -- seen = watched that day, fresh = first seen in the room that day; a period merges its days' sketches.
          CREATE TABLE insights_day_viewers (
            owner_id INTEGER NOT NULL, room_id INTEGER NOT NULL, day INTEGER NOT NULL, seen BLOB NOT NULL, fresh BLOB NOT NULL,
            PRIMARY KEY (owner_id, room_id, day)
          ) WITHOUT ROWID;
          CREATE INDEX insights_day_viewers_room ON insights_day_viewers(room_id, day);
          CREATE INDEX insights_day_viewers_day ON insights_day_viewers(day);
          CREATE TABLE insights_affinity (
            room_id INTEGER NOT NULL, viewer TEXT NOT NULL, owner_id INTEGER NOT NULL, user_id INTEGER, watch_ms INTEGER NOT NULL,
            likes INTEGER NOT NULL, chat INTEGER NOT NULL, purchases INTEGER NOT NULL, first_at INTEGER NOT NULL, last_at INTEGER NOT NULL,
            PRIMARY KEY (room_id, viewer)
          ) WITHOUT ROWID;
          CREATE INDEX insights_affinity_viewer ON insights_affinity(viewer, owner_id, first_at);
          CREATE INDEX insights_affinity_room_first ON insights_affinity(room_id, first_at);
          CREATE INDEX insights_affinity_owner_first ON insights_affinity(owner_id, first_at);
          CREATE INDEX insights_affinity_first ON insights_affinity(first_at);
          CREATE INDEX insights_affinity_user ON insights_affinity(user_id) WHERE user_id IS NOT NULL;
          -- derived by the schedule / "insights rebuild", never on a request
          CREATE TABLE insights_rules (
            owner_id INTEGER NOT NULL, product_id INTEGER NOT NULL, other_id INTEGER NOT NULL,
            support REAL NOT NULL, confidence REAL NOT NULL, lift REAL NOT NULL,
            PRIMARY KEY (product_id, other_id)
          ) WITHOUT ROWID;
          CREATE TABLE insights_similar (
            room_id INTEGER NOT NULL, other_id INTEGER NOT NULL, score REAL NOT NULL, shared INTEGER NOT NULL,
            PRIMARY KEY (room_id, other_id)
          ) WITHOUT ROWID;
          CREATE TABLE insights_propensity (product_id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL, score REAL NOT NULL);
          CREATE TABLE insights_models (
            owner_id INTEGER PRIMARY KEY, auc REAL, train_n INTEGER NOT NULL, test_n INTEGER NOT NULL, built_at INTEGER NOT NULL
          );
        `);
      },
    },
  ],
};
