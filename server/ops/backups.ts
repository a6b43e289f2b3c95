// Scheduled online snapshots (--backup-every, --backup-keep) into DATA/backups/. Each is a VACUUM INTO copy of the
// live WAL database (consistent, compact, no server stop), written under a temporary name and renamed, so a
// half-written file never counts as a snapshot; the oldest beyond the retention count are deleted.
// VACUUM INTO runs on the app connection and holds the event loop while it copies: fine for databases of tens
// of MB (a few ms to ~100 ms here); schedule it for quiet hours on very large ones.
import type { Database } from "bun:sqlite";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { backupTo } from "../db/backup";
import type { Snapshot } from "./model";

const NAME = /^livehouse-(\d{8}T\d{6}Z)\.db$/;


export function backupsDir(dataDir: string): string {
  return join(dataDir, "backups");
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/** Newest first. */
export function listSnapshots(dataDir: string): Snapshot[] {
  let names: string[];
  try {
    names = readdirSync(backupsDir(dataDir));
  } catch {
    return [];
  }
  return names
    .filter((n) => NAME.test(n))
    .sort()
    .reverse()
    .map((n) => {
      const file = join(backupsDir(dataDir), n);
      const st = statSync(file);
      return { file, bytes: st.size, at: st.mtimeMs };
    });
}

export function takeSnapshot(db: Database, dataDir: string, now: number, keep: number): Snapshot {
  const dir = backupsDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const final = join(dir, `livehouse-${stamp(now)}.db`);
  const partial = `${final}.partial`;
  rmSync(partial, { force: true });
  backupTo(db, partial);
  renameSync(partial, final);
  for (const old of listSnapshots(dataDir).slice(keep)) rmSync(old.file, { force: true });
  return { file: final, bytes: statSync(final).size, at: now };
}

export function createBackupScheduler(env: { db: Database; dataDir: string; everyMs: number; keep: number; now: () => number; log: (msg: string) => void }) {
  let timer: ReturnType<typeof setInterval> | null = null;
  const run = () => {
    try {
      const t0 = performance.now();
      const s = takeSnapshot(env.db, env.dataDir, env.now(), env.keep);
      env.log(`backup: snapshot ${s.file} (${s.bytes} bytes, ${Math.round(performance.now() - t0)} ms)`);
    } catch (err) {
      env.log(`backup: snapshot failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return {
    name: "backups",
    start() {
      if (env.everyMs > 0) timer = setInterval(run, env.everyMs);
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
