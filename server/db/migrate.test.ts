import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { migrate, schemaVersion, type DomainSchema } from "./migrate";
import { SCHEMAS } from "./schema";

function fresh(): Database {
  const db = new Database(":memory:");
  db.exec("PRAGMA foreign_keys = ON");
  return db;
}

describe("migrations", () => {
  test("apply every domain's list to an empty database", () => {
    const db = fresh();
    migrate(db, SCHEMAS);
    for (const s of SCHEMAS) expect(schemaVersion(db, s.domain)).toBe(s.migrations.length);
    expect(db.query("PRAGMA foreign_key_check").all()).toEqual([]);
    // Running again is a no-op.
    expect(migrate(db, SCHEMAS)).toEqual([]);
  });

  test("upgrade from each earlier version reaches the same schema as a fresh install", () => {
    const schemaSql = (db: Database) =>
      db.query<{ sql: string }, []>("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name != 'schema_versions' ORDER BY name").all().map((r) => r.sql);
    const target = fresh();
    migrate(target, SCHEMAS);
    const expected = schemaSql(target);
    for (let d = 0; d < SCHEMAS.length; d++) {
      for (let k = 0; k < SCHEMAS[d]!.migrations.length; k++) {
        const db = fresh();
        // Everything before domain d fully applied, domain d at version k, later domains untouched.
        const partial: DomainSchema[] = SCHEMAS.slice(0, d).concat([{ ...SCHEMAS[d]!, migrations: SCHEMAS[d]!.migrations.slice(0, k) }]);
        migrate(db, partial);
        migrate(db, SCHEMAS);
        expect(schemaSql(db)).toEqual(expected);
      }
    }
  });

  test("a failing step rolls back and keeps the previous version", () => {
    const db = fresh();
    const schema: DomainSchema = {
      domain: "demo",
      migrations: [
        { name: "one", up: (d) => d.exec("CREATE TABLE a (x INTEGER)") },
        { name: "broken", up: (d) => { d.exec("CREATE TABLE b (x INTEGER)"); d.exec("THIS IS NOT SQL"); } },
      ],
    };
    expect(() => migrate(db, [schema])).toThrow();
    expect(schemaVersion(db, "demo")).toBe(1);
    expect(db.query("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeNull();
  });

  test("a database newer than this build is refused with a clear message", () => {
    const db = fresh();
    migrate(db, [{ domain: "demo", migrations: [{ name: "one", up: () => {} }, { name: "two", up: () => {} }] }]);
    expect(() => migrate(db, [{ domain: "demo", migrations: [{ name: "one", up: () => {} }] }])).toThrow(/upgrade Livehouse/);
  });
});
