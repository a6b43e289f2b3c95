// The one place that sets SQLite pragmas. Each connection states its purpose:
// "app" favours throughput (synchronous=NORMAL is crash-safe in WAL, may lose the last commits on power loss);
// "money" is for wallet, orders and stock: synchronous=FULL so a commit that answered 200 survives a crash.
// The returned types are branded (server/deps.ts) so a money write cannot be given the "app" connection.
import { Database } from "bun:sqlite";
import type { AppDb, MoneyDb } from "../deps";

// db.query() keeps compiled statements in an LRU of Database.MAX_QUERY_CACHE_SIZE per connection — 20 in Bun 1.4.5.
// Livehouse has about 400 statements, so under mixed traffic each route's statements were evicted by the others and
// compiled again on every request (six routes at once: ~1.5× the req/s with room for all; docs/operations.md,
// "Measured"). Room for every statement we have, still bounded should a caller ever build SQL dynamically.
export const QUERY_CACHE_SIZE = 2000;
Database.MAX_QUERY_CACHE_SIZE = QUERY_CACHE_SIZE;

// A statement that joins tables and has a bound parameter in its WHERE clause is marked to be prepared again
// whenever a parameter is bound (SQLite's planner looks at the bound value; SQLITE_DBCONFIG_ENABLE_QPSG would stop
// it, and bun:sqlite cannot set it), and bun:sqlite binds on every call: with SQLite 3.54.1 in Bun 1.4.5 a
// two-table lookup costs ~3 µs plus ~0.6 µs a column instead of ~0.3 µs. Hot joins therefore write the parameter as
// `+?` (same plan, same affinity) or fetch the joined columns by subquery (docs/operations.md, "Measured").

export type DbPurpose = "app" | "money" | "readonly";

export function openDb(path: string, purpose: "money"): MoneyDb;
export function openDb(path: string, purpose?: "app"): AppDb;
export function openDb(path: string, purpose: "readonly"): Database;
export function openDb(path: string, purpose: DbPurpose = "app"): Database {
  const db = new Database(path, { create: purpose !== "readonly", readonly: purpose === "readonly", strict: true });
  db.exec("PRAGMA busy_timeout = 5000");
  if (purpose !== "readonly") db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec(`PRAGMA synchronous = ${purpose === "money" ? "FULL" : "NORMAL"}`);
  return db;
}
