import type { DomainSchema } from "../db/migrate";

export const roomsSchema: DomainSchema = {
  domain: "rooms",
  migrations: [
    {
      name: "rooms",
      up(db) {
        db.exec(`
          CREATE TABLE rooms (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES users(id),
            slug TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL DEFAULT 'other',
            tags TEXT NOT NULL DEFAULT '[]',
            cover_path TEXT,
            stream_key TEXT NOT NULL UNIQUE,
            live_since INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
          );
          CREATE INDEX rooms_owner ON rooms(owner_id);
        `);
      },
    },
    {
      name: "room latency mode",
      up(db) {
        db.exec("ALTER TABLE rooms ADD COLUMN latency TEXT CHECK (latency IN ('standard', 'low'))");
      },
    },
  ],
};
