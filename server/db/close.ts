// Closing the database at shutdown: checkpoint the WAL into the main file and truncate it, so the data directory
// is one self-contained livehouse.db (SQLite then removes the -wal/-shm files when the last connection closes).
import type { Database } from "bun:sqlite";

/** Closes every connection; the first one checkpoints. Returns the checkpoint's time in ms. */
export function closeDatabases(first: Database, ...rest: Database[]): number {
  const t0 = performance.now();
  try {
    first.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    for (const db of rest) db.close();
    first.close();
  }
  return performance.now() - t0;
}
