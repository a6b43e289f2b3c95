// A timed WAL checkpoint. SQLite checkpoints on its own every ~1000 pages; a periodic PASSIVE one (never waits
// on readers or writers) keeps the WAL short under steady writes and gives the checkpoint time a number.
import type { Database } from "bun:sqlite";
import { statSync } from "node:fs";

export function checkpoint(db: Database): { ms: number; busy: boolean } {
  const t0 = performance.now();
  const r = db.query("PRAGMA wal_checkpoint(PASSIVE)").get() as { busy: number } | null;
  return { ms: performance.now() - t0, busy: (r?.busy ?? 0) !== 0 };
}

/** Bytes of a file, 0 when it does not exist (a WAL after a clean close). */
export function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
