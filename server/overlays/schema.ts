import type { DomainSchema } from "../db/migrate";

export const overlaysSchema: DomainSchema = {
  domain: "overlays",
  migrations: [
    {
      name: "overlay-tokens",
      up(db) {
        db.exec(`
          CREATE TABLE overlay_tokens (
            room_id INTEGER PRIMARY KEY REFERENCES rooms(id),
            token TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL
          );
        `);
      },
    },
  ],
};
