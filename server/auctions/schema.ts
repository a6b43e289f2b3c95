// Auctions tables (docs/auctions.md). One row per auction carries the live state every bid moves (price,
// leader, the leader's maximum and coin hold, the end time) behind a version number; auction_bids is the log of
// every valid bid in server arrival order (its id). Coin holds sit in one escrow account of the wallet's ledger,
// made here: a 'platform'-kind system account (no user), so the wallet's own checks cover it like any account.
// No ON DELETE CASCADE: an auction's row is the only record of the hold it may carry, so nothing deletes it.
import type { DomainSchema } from "../db/migrate";

export const auctionsSchema: DomainSchema = {
  domain: "auctions",
  migrations: [
    {
      name: "auctions-bids-escrow",
      up(db) {
        db.exec(`
          CREATE TABLE auction_escrow (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            account_id INTEGER NOT NULL UNIQUE REFERENCES wallet_accounts(id)
          );
          INSERT INTO wallet_accounts (kind) VALUES ('platform');
          INSERT INTO auction_escrow (id, account_id) VALUES (1, last_insert_rowid());
          CREATE TABLE auctions (
            id INTEGER PRIMARY KEY,
            room_id INTEGER NOT NULL REFERENCES rooms(id),
            seller_id INTEGER NOT NULL REFERENCES users(id),
            product_id INTEGER NOT NULL REFERENCES products(id),
            variant_id INTEGER REFERENCES product_variants(id),
            title TEXT NOT NULL,
            currency TEXT NOT NULL,
            start_minor INTEGER NOT NULL CHECK (start_minor >= 0),
            reserve_minor INTEGER CHECK (reserve_minor IS NULL OR reserve_minor >= start_minor),
            increment_kind TEXT NOT NULL CHECK (increment_kind IN ('fixed','percent')),
            increment_value INTEGER NOT NULL CHECK (increment_value > 0),
            extend_ms INTEGER NOT NULL CHECK (extend_ms >= 0),
            sudden_death INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL CHECK (status IN ('running','ended')),
            price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
            leader_id INTEGER REFERENCES users(id),
            leader_max INTEGER CHECK (leader_max IS NULL OR leader_max >= price_minor),
            hold_tx INTEGER REFERENCES wallet_transactions(id),
            bids INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 0,
            started_at INTEGER NOT NULL,
            ends_at INTEGER NOT NULL,
            ended_at INTEGER,
            outcome TEXT CHECK (outcome IN ('sold','no_bids','reserve_not_met','cancelled','unavailable')),
            winner_id INTEGER REFERENCES users(id),
            order_id INTEGER REFERENCES orders(id),
            note TEXT NOT NULL DEFAULT '',
            CHECK ((status = 'ended') = (outcome IS NOT NULL))
          );
          CREATE UNIQUE INDEX auctions_one_running ON auctions(room_id) WHERE status = 'running';
          CREATE INDEX auctions_room ON auctions(room_id, id);
          CREATE TABLE auction_bids (
            id INTEGER PRIMARY KEY,
            auction_id INTEGER NOT NULL REFERENCES auctions(id),
            bidder_id INTEGER NOT NULL REFERENCES users(id),
            amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
            max_minor INTEGER NOT NULL CHECK (max_minor >= amount_minor),
            outcome TEXT NOT NULL CHECK (outcome IN ('lead','outbid')),
            price_after INTEGER NOT NULL,
            leader_after INTEGER NOT NULL REFERENCES users(id),
            ends_at_after INTEGER NOT NULL,
            idempotency_key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            shipping_address TEXT,
            created_at INTEGER NOT NULL,
            UNIQUE (auction_id, bidder_id, idempotency_key)
          );
          CREATE INDEX auction_bids_auction ON auction_bids(auction_id, id);
        `);
      },
    },
  ],
};
