import type { DomainSchema } from "../db/migrate";

export const accountsSchema: DomainSchema = {
  domain: "accounts",
  migrations: [
    {
      name: "users-sessions-tokens",
      up(db) {
        db.exec(`
          CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('admin','creator','viewer')),
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL
          );
          CREATE TABLE sessions (
            id_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            csrf TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
          );
          CREATE INDEX sessions_user ON sessions(user_id);
          CREATE TABLE access_tokens (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            last_used_at INTEGER
          );
        `);
      },
    },
    {
      // The language a user's e-mail comes in (go-live mail, class reminders): the one they last chose on the site.
      name: "user-mail-lang",
      up(db) {
        db.exec(`ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'en' CHECK (lang IN ('en','zh'))`);
      },
    },
  ],
};
