// Sponsors tables: the slots, one row per display (a slot rendered for one viewer; its seen/clicked stamps make
// impressions and clicks count once per display), and the key that pseudonymises anonymous viewers for the cap.
import type { DomainSchema } from "../db/migrate";

export const sponsorsSchema: DomainSchema = {
  domain: "sponsors",
  migrations: [
    {
      name: "slots-displays",
      up(db) {
        db.exec(`
          CREATE TABLE sponsor_slots (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES users(id),
            instance INTEGER NOT NULL DEFAULT 0,
            room_id INTEGER REFERENCES rooms(id) ON DELETE CASCADE,
            placement TEXT NOT NULL CHECK (placement IN ('player','obs','preroll','banner')),
            sponsor TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            image TEXT,
            link TEXT NOT NULL,
            starts_at INTEGER NOT NULL,
            ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),
            cap_per_day INTEGER NOT NULL DEFAULT 0 CHECK (cap_per_day >= 0),
            skip_after_s INTEGER NOT NULL DEFAULT 5 CHECK (skip_after_s >= 0),
            exempt_tier_id INTEGER REFERENCES membership_tiers(id) ON DELETE SET NULL,
            report_token TEXT UNIQUE,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
          );
          CREATE INDEX sponsor_slots_owner ON sponsor_slots(owner_id, id);
          CREATE INDEX sponsor_slots_live ON sponsor_slots(placement, ends_at);
          CREATE TABLE sponsor_displays (
            id TEXT PRIMARY KEY,
            slot_id INTEGER NOT NULL REFERENCES sponsor_slots(id) ON DELETE CASCADE,
            room_id INTEGER,
            viewer TEXT NOT NULL,
            user_id INTEGER,
            shown_at INTEGER NOT NULL,
            seen_at INTEGER,
            clicked_at INTEGER
          ) WITHOUT ROWID;
          CREATE INDEX sponsor_displays_cap ON sponsor_displays(slot_id, viewer, seen_at);
          CREATE INDEX sponsor_displays_shown ON sponsor_displays(shown_at);
          CREATE TABLE sponsor_keys (id INTEGER PRIMARY KEY CHECK (id = 1), secret TEXT NOT NULL);
        `);
      },
    },
  ],
};
