// What Admin → System shows: versions, uptime, disk used by live HLS and replays, database and WAL size, the
// scheduled snapshots. Directory sizes walk the media tree, so they are cached for a short while.
import type { Database } from "bun:sqlite";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileBytes } from "../db/checkpoint";
import { openBroadcasts } from "../media/broadcasts";
import { COMMIT, VERSION } from "../version";
import { listSnapshots } from "./backups";
import type { SystemInfo } from "./model";

const DISK_CACHE_MS = 30_000;


export function dirBytes(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += dirBytes(p);
    else if (e.isFile()) total += fileBytes(p);
  }
  return total;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function ffmpegVersion(): string {
  try {
    const r = Bun.spawnSync(["ffmpeg", "-hide_banner", "-version"], { stdout: "pipe", stderr: "ignore" });
    return r.stdout.toString().split("\n")[0]?.replace(/^ffmpeg version\s+/, "").split(" ")[0] ?? "unknown";
  } catch {
    return "not found";
  }
}

export function createSystemInfo(env: { db: Database; dataDir: string; now: () => number }) {
  const startedAt = env.now();
  const ffmpeg = ffmpegVersion();
  const sqlite = (env.db.query("SELECT sqlite_version() AS v").get() as { v: string }).v;
  let disk: { at: number; value: SystemInfo["disk"] } | null = null;

  function measureDisk(): SystemInfo["disk"] {
    const media = join(env.dataDir, "media");
    const broadcasts = join(media, "broadcasts");
    const live = new Set(openBroadcasts(env.db).map((b) => String(b.id)));
    let liveBytes = 0;
    let replayBytes = 0;
    for (const id of listDir(broadcasts)) {
      const n = dirBytes(join(broadcasts, id));
      if (live.has(id)) liveBytes += n;
      else replayBytes += n;
    }
    return { liveBytes, replayBytes, otherMediaBytes: Math.max(0, dirBytes(media) - liveBytes - replayBytes) };
  }

  return (): SystemInfo => {
    const now = env.now();
    if (!disk || now - disk.at > DISK_CACHE_MS) disk = { at: now, value: measureDisk() };
    const dbPath = join(env.dataDir, "livehouse.db");
    return {
      version: VERSION, commit: COMMIT, bun: Bun.version, sqlite, ffmpeg, startedAt, uptimeMs: now - startedAt, dataDir: env.dataDir,
      disk: disk.value, databaseBytes: fileBytes(dbPath), walBytes: fileBytes(dbPath + "-wal"), snapshots: listSnapshots(env.dataDir),
    };
  };
}
