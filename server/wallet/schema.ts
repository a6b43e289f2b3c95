// Coin ledger tables (docs/api.md: money and idempotency). Accounts 1 and 2 are the system accounts: "issuance" is where coins come from
// (its balance is minus every coin ever issued, so all balances together always sum to zero) and "platform"
// collects the platform's share. Every user gets an account on first use.
import type { DomainSchema } from "../db/migrate";

export const ISSUANCE_ACCOUNT = 1;
export const PLATFORM_ACCOUNT = 2;

export const walletSchema: DomainSchema = {
  domain: "wallet",
  migrations: [
    {
      name: "ledger",
      up(db) {
        db.exec(`
          CREATE TABLE wallet_accounts (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('issuance','platform','user')),
            user_id INTEGER UNIQUE REFERENCES users(id),
            balance INTEGER NOT NULL DEFAULT 0,
            CHECK (kind = 'issuance' OR balance >= 0),
            CHECK ((kind = 'user') = (user_id IS NOT NULL))
          );
          INSERT INTO wallet_accounts (id, kind) VALUES (${ISSUANCE_ACCOUNT}, 'issuance'), (${PLATFORM_ACCOUNT}, 'platform');
          CREATE TABLE wallet_transactions (
            id INTEGER PRIMARY KEY,
            reason TEXT NOT NULL,
            ref TEXT NOT NULL DEFAULT '',
            payer_account INTEGER NOT NULL REFERENCES wallet_accounts(id),
            idem_key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            payer_balance INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (payer_account, idem_key)
          );
          CREATE TABLE wallet_entries (
            id INTEGER PRIMARY KEY,
            tx_id INTEGER NOT NULL REFERENCES wallet_transactions(id),
            account_id INTEGER NOT NULL REFERENCES wallet_accounts(id),
            amount INTEGER NOT NULL
          );
          CREATE INDEX wallet_entries_tx ON wallet_entries(tx_id);
          CREATE INDEX wallet_entries_account ON wallet_entries(account_id, id);
        `);
      },
    },
    {
      name: "redeem-codes",
      up(db) {
        db.exec(`
          CREATE TABLE redeem_codes (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            coins INTEGER NOT NULL CHECK (coins > 0),
            max_uses INTEGER NOT NULL CHECK (max_uses > 0),
            uses INTEGER NOT NULL DEFAULT 0,
            note TEXT NOT NULL DEFAULT '',
            created_by INTEGER NOT NULL REFERENCES users(id),
            created_at INTEGER NOT NULL,
            expires_at INTEGER,
            CHECK (uses <= max_uses)
          );
          CREATE TABLE redeem_uses (
            code_id INTEGER NOT NULL REFERENCES redeem_codes(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            tx_id INTEGER NOT NULL REFERENCES wallet_transactions(id),
            created_at INTEGER NOT NULL,
            PRIMARY KEY (code_id, user_id)
          );
        `);
      },
    },
  ],
};
