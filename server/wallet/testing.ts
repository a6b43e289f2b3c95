// Test fixture shared by the wallet's and gifts' own tests: a migrated SQLite file with a few users.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { accountsSchema } from "../accounts/schema";
import { insertUser } from "../accounts/storage";
import { migrate } from "../db/migrate";
import { openDb } from "../db/open";
import type { MoneyDb } from "../deps";
import { roomsSchema } from "../rooms/schema";
import { walletSchema } from "./schema";

export function ledgerDb(extra: Parameters<typeof migrate>[1] = []): { db: MoneyDb; path: string; user(name: string): number } {
  const path = join(mkdtempSync(join(tmpdir(), "lh-wallet-")), "livehouse.db");
  const db = openDb(path, "money");
  migrate(db, [accountsSchema, roomsSchema, walletSchema, ...extra]);
  return {
    db, path,
    user: (name) => insertUser(db, { username: name, displayName: name, passwordHash: "x", role: "viewer", now: 0 }).id,
  };
}
