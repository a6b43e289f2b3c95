import type { DomainSchema } from "../db/migrate";

export const giftsSchema: DomainSchema = {
  domain: "gifts",
  migrations: [
    {
      name: "catalogue-sends-goals",
      up(db) {
        db.exec(`
          CREATE TABLE gifts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            image TEXT,
            coins INTEGER NOT NULL CHECK (coins > 0),
            tier INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 4),
            active INTEGER NOT NULL DEFAULT 1,
            created_at INTEGER NOT NULL
          );
          -- One row per paid send, written in the same transaction as its ledger movement.
          CREATE TABLE gift_sends (
            id INTEGER PRIMARY KEY,
            tx_id INTEGER NOT NULL UNIQUE REFERENCES wallet_transactions(id),
            room_id INTEGER NOT NULL REFERENCES rooms(id),
            broadcast_at INTEGER NOT NULL,
            sender_id INTEGER NOT NULL REFERENCES users(id),
            creator_id INTEGER NOT NULL REFERENCES users(id),
            gift_id INTEGER NOT NULL REFERENCES gifts(id),
            count INTEGER NOT NULL,
            coins INTEGER NOT NULL,
            creator_coins INTEGER NOT NULL,
            platform_coins INTEGER NOT NULL,
            created_at INTEGER NOT NULL
          );
          CREATE INDEX gift_sends_board ON gift_sends(room_id, broadcast_at, sender_id);
          CREATE INDEX gift_sends_room_time ON gift_sends(room_id, created_at);
          CREATE INDEX gift_sends_creator ON gift_sends(creator_id, created_at);
          CREATE TABLE gift_goals (
            room_id INTEGER PRIMARY KEY REFERENCES rooms(id),
            title TEXT NOT NULL,
            target INTEGER NOT NULL CHECK (target > 0),
            started_at INTEGER NOT NULL
          );
        `);
      },
    },
    {
      // Running totals kept in the send transaction, so the board and the goal cost the same at the 10th gift
      // of a broadcast as at the 100,000th (they were sums over every send).
      name: "board-and-goal-totals",
      up(db) {
        db.exec(`
          CREATE TABLE gift_board (
            room_id INTEGER NOT NULL REFERENCES rooms(id),
            broadcast_at INTEGER NOT NULL,
            sender_id INTEGER NOT NULL REFERENCES users(id),
            coins INTEGER NOT NULL,
            first_send INTEGER NOT NULL,
            PRIMARY KEY (room_id, broadcast_at, sender_id)
          );
          CREATE INDEX gift_board_rank ON gift_board(room_id, broadcast_at, coins DESC, first_send);
          INSERT INTO gift_board (room_id, broadcast_at, sender_id, coins, first_send)
            SELECT room_id, broadcast_at, sender_id, SUM(coins), MIN(id) FROM gift_sends GROUP BY room_id, broadcast_at, sender_id;
          ALTER TABLE gift_goals ADD COLUMN progress INTEGER NOT NULL DEFAULT 0;
          UPDATE gift_goals SET progress = (SELECT COALESCE(SUM(s.coins), 0) FROM gift_sends s WHERE s.room_id = gift_goals.room_id AND s.created_at >= gift_goals.started_at);
          DROP INDEX gift_sends_board;
          DROP INDEX gift_sends_room_time;
        `);
      },
    },
  ],
};
