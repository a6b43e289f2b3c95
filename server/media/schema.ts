import type { DomainSchema } from "../db/migrate";

export const mediaSchema: DomainSchema = {
  domain: "media",
  migrations: [
    {
      name: "broadcasts",
      up(db) {
        db.exec(`
          CREATE TABLE broadcasts (
            id INTEGER PRIMARY KEY,
            room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
            started_at INTEGER NOT NULL,
            ended_at INTEGER,
            duration_ms INTEGER NOT NULL DEFAULT 0,
            ladder TEXT NOT NULL DEFAULT '[]'
          );
          CREATE INDEX broadcasts_room ON broadcasts(room_id, started_at);
          CREATE TABLE media_room_ladders (
            room_id INTEGER PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
            ladder TEXT NOT NULL
          );
        `);
      },
    },
  ],
};
