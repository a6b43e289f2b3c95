// Shop, wallet and gift test and benchmark fixtures: the admin CLI as a call that must succeed, and many buyers
// with their own API tokens, written straight into the server's SQLite file (hashing 5,000 passwords through the
// sign-up route would only measure argon2).
import { join } from "node:path";
import { createAccessToken } from "../server/accounts/accounts";
import { insertUser } from "../server/accounts/storage";
import { openDb } from "../server/db/open";
import type { RunningServer } from "./helpers/server";

/** Runs an admin CLI command against the server's data dir and returns its JSON output; throws when it fails. */
export async function cliOk(srv: RunningServer, args: string[]) {
  const r = await srv.cli(args);
  if (r.code !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
  return r.json;
}

export interface Buyer {
  id: number;
  username: string;
  token: string;
}

export async function seedBuyers(dataDir: string, count: number, prefix: string): Promise<Buyer[]> {
  const hash = await Bun.password.hash("password1", { algorithm: "argon2id" });
  const db = openDb(join(dataDir, "livehouse.db"), "app");
  try {
    return db.transaction(() =>
      Array.from({ length: count }, (_, i) => {
        const username = `${prefix}${i}`;
        const u = insertUser(db, { username, displayName: `Buyer ${i}`, passwordHash: hash, role: "viewer", now: Date.now() });
        return { id: u.id, username, token: createAccessToken(db, u.id, "shop-test").token };
      }),
    )();
  } finally {
    db.close();
  }
}

/** Reads counts straight from the database file, the way an auditor would. */
export function shopCounts(dataDir: string, productId: number): { paidOrPending: number; stock: number; saleRemaining: number | null; negatives: number } {
  const db = openDb(join(dataDir, "livehouse.db"), "readonly");
  try {
    const q = <T>(sql: string, ...args: number[]) => db.query<T, number[]>(sql).get(...args)!;
    return {
      paidOrPending: q<{ n: number }>("SELECT COUNT(*) AS n FROM orders WHERE product_id = ? AND status IN ('pending','paid','shipped','completed')", productId).n,
      stock: q<{ s: number }>("SELECT stock AS s FROM products WHERE id = ?", productId).s,
      saleRemaining: db.query<{ r: number }, [number]>("SELECT remaining AS r FROM flash_sales WHERE product_id = ? ORDER BY id DESC LIMIT 1").get(productId)?.r ?? null,
      negatives: q<{ n: number }>("SELECT (SELECT COUNT(*) FROM products WHERE stock < 0) + (SELECT COUNT(*) FROM product_variants WHERE stock < 0) + (SELECT COUNT(*) FROM flash_sales WHERE remaining < 0) AS n").n,
    };
  } finally {
    db.close();
  }
}

export function api(base: string, token: string) {
  return (path: string, body?: unknown, method = body === undefined ? "GET" : "POST") =>
    fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
}
