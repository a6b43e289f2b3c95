import type { DomainSchema } from "../db/migrate";

export const accessSchema: DomainSchema = {
  domain: "access",
  migrations: [
    {
      name: "room and replay access",
      up(db) {
        db.exec(`
          CREATE TABLE room_access (
            room_id INTEGER PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
            mode TEXT NOT NULL DEFAULT 'public' CHECK (mode IN ('public', 'password', 'members', 'ticket')),
            password_hash TEXT,
            password_version INTEGER NOT NULL DEFAULT 0,
            min_tier_id INTEGER,
            preview_minutes INTEGER NOT NULL DEFAULT 0 CHECK (preview_minutes >= 0),
            updated_at INTEGER NOT NULL
          );
          CREATE TABLE access_passes (
            room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            password_version INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (room_id, user_id)
          );
          CREATE TABLE replay_access (
            broadcast_id INTEGER PRIMARY KEY REFERENCES broadcasts(id) ON DELETE CASCADE,
            mode TEXT NOT NULL CHECK (mode IN ('inherit', 'public', 'ppv')),
            updated_at INTEGER NOT NULL
          );
          CREATE TABLE access_secret (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            secret TEXT NOT NULL
          );
        `);
      },
    },
  ],
};
