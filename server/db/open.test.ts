import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openDb, QUERY_CACHE_SIZE } from "./open";

const SERVER = join(import.meta.dir, "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
  );
}

test("the statement cache has room for every statement the server has: none is compiled again because others ran", () => {
  const sites = sources(SERVER).reduce((n, f) => n + (readFileSync(f, "utf8").match(/\.query(<[^>]*>)?\(/g)?.length ?? 0), 0);
  expect(sites).toBeGreaterThan(100);
  expect(Database.MAX_QUERY_CACHE_SIZE).toBe(QUERY_CACHE_SIZE);
  expect(QUERY_CACHE_SIZE).toBeGreaterThan(2 * sites);
  const db = openDb(":memory:");
  try {
    const first = db.query("SELECT 1 AS a");
    for (let i = 0; i < sites; i++) db.query(`SELECT ${i + 2} AS a`);
    expect(db.query("SELECT 1 AS a")).toBe(first);
  } finally {
    db.close();
  }
});
