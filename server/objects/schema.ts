import type { DomainSchema } from "../db/migrate";

export const objectsSchema: DomainSchema = {
  domain: "objects",
  migrations: [
    {
      name: "replay uploads",
      up(db) {
        db.exec(`
          CREATE TABLE replay_uploads (
            -- No foreign key: when retention deletes the broadcast, the row stays until its objects are deleted too.
            broadcast_id INTEGER PRIMARY KEY,
            prefix TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            uploaded_at INTEGER
          );
          CREATE INDEX replay_uploads_due ON replay_uploads(state, next_at);
        `);
      },
    },
  ],
};
