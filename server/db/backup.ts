// Online backup while the server runs: VACUUM INTO writes a consistent snapshot of the WAL database.
import type { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export function backupTo(db: Database, file: string): { file: string; bytes: number } {
  const target = resolve(file);
  if (existsSync(target)) throw new Error(`backup: ${target} already exists; choose a new file`);
  db.query("VACUUM INTO ?").run(target);
  return { file: target, bytes: Bun.file(target).size };
}
