// Seeds a data directory before the server starts (a fixture, like a shell script of `user create` + `token
// create` + `wallet credit`, but fast enough for a thousand buyers): users with API tokens and coins.
import { join } from "node:path";
import { createAccessToken } from "../server/accounts/accounts";
import { insertUser } from "../server/accounts/storage";
import type { Role } from "../server/accounts/model";
import { migrate } from "../server/db/migrate";
import { openDb } from "../server/db/open";
import { SCHEMAS } from "../server/db/schema";
import { creditCoins } from "../server/wallet/wallet";

export interface Seeded { id: number; username: string; token: string }

export function seedUsers(dataDir: string, users: { username: string; role?: Role; coins?: number }[]): Seeded[] {
  const db = openDb(join(dataDir, "livehouse.db"), "money");
  try {
    migrate(db, SCHEMAS);
    return db.transaction(() =>
      users.map((u) => {
        const row = insertUser(db, { username: u.username, displayName: u.username, passwordHash: "x", role: u.role ?? "viewer", now: Date.now() });
        if (u.coins) creditCoins(db, { userId: row.id, coins: u.coins, reason: "admin_credit", ref: "seed" });
        return { id: row.id, username: row.username, token: createAccessToken(db, row.id, "seed").token };
      }),
    )();
  } finally {
    db.close();
  }
}

export function api(base: string, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: res.status, json };
  };
}
