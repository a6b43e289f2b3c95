import type { DomainSchema } from "../db/migrate";

// Chat owns messages, moderation state, follows, emotes, auto-replies and per-broadcast room stats.
// Broadcast ids come from the media domain's facts; no foreign key, so chat never depends on its tables.
export const chatSchema: DomainSchema = {
  domain: "chat",
  migrations: [
    {
      name: "chat-moderation-follows-stats",
      up(db) {
        db.exec(`
          CREATE TABLE chat_messages (
            id INTEGER PRIMARY KEY,
            room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
            user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            username TEXT NOT NULL,
            display_name TEXT NOT NULL,
            text TEXT NOT NULL,
            -- tokenized text (emotes, mentions, links) as shown when it was sent
            parts TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'user' CHECK (kind IN ('user','bot')),
            -- 'sender': blocked by a banned term, shown to its author only
            visibility TEXT NOT NULL DEFAULT 'all' CHECK (visibility IN ('all','sender')),
            deleted INTEGER NOT NULL DEFAULT 0,
            broadcast_id INTEGER,
            offset_ms INTEGER,
            created_at INTEGER NOT NULL
          );
          CREATE INDEX chat_messages_room ON chat_messages(room_id, id);
          CREATE INDEX chat_messages_broadcast ON chat_messages(broadcast_id, offset_ms) WHERE broadcast_id IS NOT NULL;
          CREATE INDEX chat_messages_created ON chat_messages(created_at);
          CREATE TABLE chat_settings (
            room_id INTEGER PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
            slow_seconds INTEGER NOT NULL DEFAULT 0,
            followers_only INTEGER NOT NULL DEFAULT 0
          );
          CREATE TABLE chat_moderators (
            room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (room_id, user_id)
          );
          -- until NULL: a ban; otherwise a timeout ending then. ip set when the ban also covers the address.
          CREATE TABLE chat_bans (
            id INTEGER PRIMARY KEY,
            room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            ip TEXT,
            until INTEGER,
            by_user_id INTEGER,
            created_at INTEGER NOT NULL
          );
          CREATE INDEX chat_bans_room_user ON chat_bans(room_id, user_id);
          CREATE INDEX chat_bans_room_ip ON chat_bans(room_id, ip) WHERE ip IS NOT NULL;
          -- room_id NULL: the global list
          CREATE TABLE chat_terms (
            id INTEGER PRIMARY KEY,
            room_id INTEGER REFERENCES rooms(id) ON DELETE CASCADE,
            term TEXT NOT NULL,
            created_at INTEGER NOT NULL
          );
          CREATE UNIQUE INDEX chat_terms_unique ON chat_terms(IFNULL(room_id, 0), term);
          CREATE TABLE chat_emotes (
            room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            file TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (room_id, name)
          );
          CREATE TABLE chat_commands (
            room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            reply TEXT NOT NULL,
            PRIMARY KEY (room_id, name)
          );
          CREATE TABLE follows (
            follower_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            creator_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (follower_id, creator_id)
          );
          CREATE INDEX follows_creator ON follows(creator_id);
          CREATE TABLE room_broadcast_stats (
            broadcast_id INTEGER PRIMARY KEY,
            room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
            started_at INTEGER NOT NULL,
            ended_at INTEGER,
            peak_viewers INTEGER NOT NULL DEFAULT 0,
            likes INTEGER NOT NULL DEFAULT 0,
            messages INTEGER NOT NULL DEFAULT 0
          );
          CREATE INDEX room_broadcast_stats_room ON room_broadcast_stats(room_id, started_at);
        `);
      },
    },
  ],
};
