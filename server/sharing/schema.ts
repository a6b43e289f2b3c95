// Sharing tables: the origins a creator lets embed a room's player (/embed/<slug>, CSP frame-ancestors).
import type { DomainSchema } from "../db/migrate";

export const sharingSchema: DomainSchema = {
  domain: "sharing",
  migrations: [
    {
      name: "embed-origins",
      up(db) {
        db.exec(`
          CREATE TABLE embed_origins (
            room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
            origin TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (room_id, origin)
          );
        `);
      },
    },
  ],
};
