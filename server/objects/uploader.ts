// Moves finished replays to object storage: every segment first, then the rendition playlists, then the master
// (a playlist in the bucket never lists a missing object). Each object is checked by its size in the bucket
// before the next stage; only then is the replay marked uploaded and its local segments removed — playlists and
// poster stay on disk for Livehouse to serve and rewrite. A failure keeps every local file and retries with
// backoff (1 s … 5 min), forever: the replay keeps playing from disk meanwhile. State lives in the database, so
// a restart resumes pending uploads.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "bun:sqlite";
import type { Bucket } from "./bucket";
import { isSegmentFile, retryDelayMs, uploadPlan, type ReplayUpload } from "./model";
import * as store from "./storage";

export interface UploaderEnv {
  db: Database;
  bucket: Bucket;
  /** The broadcast's folder (server/media). */
  dirOf: (broadcastId: number) => string;
  now: () => number;
  log: (msg: string) => void;
  /** Called once a replay's objects are verified, before its local segments are removed. */
  onUploaded?: (broadcastId: number) => void;
}

/** Files under a folder, relative to it, "/"-separated. */
function walk(dir: string, sub = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, rel));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

export function createUploader(env: UploaderEnv) {
  const { db, bucket, log } = env;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;

  async function upload(u: ReplayUpload): Promise<void> {
    const dir = env.dirOf(u.broadcastId);
    const plan = uploadPlan(u.prefix, walk(dir));
    if (!plan.some((o) => o.kind === "master")) throw new Error("the replay has no master playlist");
    let bytes = 0;
    for (const stage of ["media", "rendition", "master"] as const) {
      const objects = plan.filter((o) => o.kind === stage);
      for (const o of objects) {
        if (stopped) throw new Error("stopping");
        const size = statSync(join(dir, o.local)).size;
        // A retry skips what an earlier attempt already stored (same key, same size: segments never change).
        if ((await bucket.size(o.key)) !== size) await bucket.put(o.key, join(dir, o.local), o.type);
        bytes += size;
      }
      // Verified before the next stage: a playlist goes up only when everything it lists is in the bucket.
      for (const o of objects) {
        const size = statSync(join(dir, o.local)).size;
        const stored = await bucket.size(o.key);
        if (stored !== size) throw new Error(`${o.key}: ${stored === null ? "missing" : `${stored} bytes`} in the bucket after upload, ${size} on disk`);
      }
    }
    store.markDone(db, u.broadcastId, env.now());
    env.onUploaded?.(u.broadcastId);
    for (const o of plan) if (isSegmentFile(o.local)) rmSync(join(dir, o.local), { force: true });
    log(`objects: replay ${u.broadcastId} uploaded to ${u.prefix} (${plan.length} objects, ${Math.round(bytes / 1024)} KB); local segments removed`);
  }

  /** Deletes the objects of replays that retention removed. */
  async function collect(): Promise<void> {
    for (const u of store.orphanedUploads(db)) {
      const n = await bucket.removeAll(u.prefix);
      store.deleteUpload(db, u.broadcastId);
      log(`objects: deleted ${n} objects of expired replay ${u.broadcastId}`);
    }
  }

  async function drain(): Promise<void> {
    try {
      await collect();
    } catch (err) {
      log(`objects: deleting expired replays failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    for (const u of store.dueUploads(db, env.now(), 10)) {
      if (stopped) return;
      try {
        await upload(u);
      } catch (err) {
        if (stopped) return;
        const delay = retryDelayMs(u.attempts + 1);
        store.markFailed(db, u.broadcastId, err instanceof Error ? err.message : String(err), env.now() + delay);
        log(`objects: uploading replay ${u.broadcastId} failed (attempt ${u.attempts + 1}, kept on disk, retry in ${Math.round(delay / 1000)} s): ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  function schedule(now = false): void {
    if (stopped || running) return;
    if (timer) clearTimeout(timer);
    const due = store.nextDue(db);
    // Pending work or not, look again within a minute: retention may have removed an uploaded replay.
    const wait = now ? 0 : Math.min(60_000, due === null ? 60_000 : Math.max(0, due - env.now()));
    timer = setTimeout(() => {
      timer = null;
      running = drain().finally(() => {
        running = null;
        schedule();
      });
    }, wait);
    timer.unref?.();
  }

  return {
    /** Queues a finished replay and starts on it at once. */
    queue(broadcastId: number, prefix: string): void {
      store.queueUpload(db, broadcastId, prefix, env.now());
      schedule();
    },
    start(): void {
      stopped = false;
      // At once: pending uploads from the last run, and objects of replays retention removed at start.
      schedule(true);
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
