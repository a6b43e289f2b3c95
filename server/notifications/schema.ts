// Notifications tables: the address a user gets go-live mail at, per-creator opt-outs and their unsubscribe
// tokens, the per-creator mail rate limit, the go-live mail queue (sent in batches by a sweep), "notify me"
// requests for a scheduled class or live, and a room's announced next live.
// The in-app notices themselves live in the classes domain's `notices` table (one notification centre).
import type { DomainSchema } from "../db/migrate";

export const notificationsSchema: DomainSchema = {
  domain: "notifications",
  migrations: [
    {
      name: "golive-mail-notify-me-schedule",
      up(db) {
        db.exec(`
          CREATE TABLE notify_emails (
            user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            email TEXT NOT NULL,
            updated_at INTEGER NOT NULL
          );
          CREATE TABLE golive_optouts (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            creator_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (user_id, creator_id)
          );
          CREATE TABLE unsubscribe_tokens (
            token TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            creator_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            UNIQUE (user_id, creator_id)
          );
          CREATE TABLE golive_mail_limits (
            creator_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            last_at INTEGER NOT NULL
          );
          CREATE TABLE golive_mail_queue (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            creator_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
            broadcast_id INTEGER NOT NULL,
            email TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            sent_at INTEGER,
            UNIQUE (user_id, broadcast_id)
          );
          CREATE INDEX golive_mail_pending ON golive_mail_queue(sent_at, attempts, id);
          CREATE TABLE notify_me (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('room','class')),
            ref_id INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (user_id, kind, ref_id)
          );
          CREATE INDEX notify_me_ref ON notify_me(kind, ref_id);
          CREATE TABLE room_schedule (
            room_id INTEGER PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
            next_live_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
          );
        `);
      },
    },
  ],
};
