// Append-only migrations, one list per domain so domains evolve independently.
// A domain's version is the length of its list that has been applied; the runner applies the rest, each in a
// transaction together with the version bump, so a failed step leaves the previous version intact.
import type { Database } from "bun:sqlite";

export interface Migration {
  name: string;
  up(db: Database): void;
}

export interface DomainSchema {
  domain: string;
  migrations: readonly Migration[];
}

export function schemaVersion(db: Database, domain: string): number {
  db.exec("CREATE TABLE IF NOT EXISTS schema_versions (domain TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  const row = db.query<{ version: number }, [string]>("SELECT version FROM schema_versions WHERE domain = ?").get(domain);
  return row?.version ?? 0;
}

/** Applies pending migrations in list order; returns the names it applied. */
export function migrate(db: Database, schemas: readonly DomainSchema[]): string[] {
  const applied: string[] = [];
  for (const { domain, migrations } of schemas) {
    const from = schemaVersion(db, domain);
    if (from > migrations.length) {
      throw new Error(`migrate ${domain}: database is at version ${from} but this build knows only ${migrations.length}; upgrade Livehouse`);
    }
    for (let v = from; v < migrations.length; v++) {
      const m = migrations[v]!;
      db.transaction(() => {
        m.up(db);
        db.query("INSERT INTO schema_versions (domain, version) VALUES (?, ?) ON CONFLICT(domain) DO UPDATE SET version = excluded.version").run(domain, v + 1);
      })();
      applied.push(`${domain}/${v + 1}-${m.name}`);
    }
  }
  return applied;
}
