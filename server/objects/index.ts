// Replays on S3-compatible object storage (docs/operations.md, "Replays on S3"): queues each finished replay for
// upload, runs the uploader as a service, and tells the HLS routes where an uploaded replay's bytes are.
import { randomBytes } from "node:crypto";
import { ConfigError } from "../config";
import type { Deps, Service } from "../deps";
import { getReplay } from "../media/broadcasts";
import { broadcastDir } from "../media/lifecycle";
import { s3Bucket } from "./bucket";
import type { RemoteReplay, ReplayRemote } from "./model";
import * as store from "./storage";
import { createUploader } from "./uploader";

/** Presigned URLs outlive a whole viewing of the replay: hls.js reads a VOD playlist once, then fetches for its length. */
const MIN_PRESIGN_S = 3600;
const MAX_PRESIGN_S = 7 * 86_400;

export function createObjects(deps: Deps, parts: { isOpen: (broadcastId: number) => boolean }): { services: Service[]; listen(): (() => void)[]; remote: ReplayRemote | undefined } {
  const { config, db, bus, log } = deps;
  if (!config.s3Endpoint) return { services: [], listen: () => [], remote: undefined };
  if (!config.s3Bucket) throw new ConfigError("--s3-bucket: required with --s3-endpoint");
  const bucket = s3Bucket(config);
  const publicUrl = config.s3PublicUrl.replace(/\/$/, "");
  // An upload, once done, never changes back: found ones are kept; misses are looked up again after a while, or
  // at once when the upload is done (its local segments are about to go: a viewer mid-replay moves to the bucket).
  const found = new Map<number, RemoteReplay>();
  const missed = new Map<number, number>();
  const uploader = createUploader({ db, bucket, dirOf: (id) => broadcastDir(deps, id), now: deps.now, log, onUploaded: (id) => missed.delete(id) });

  function remote(id: number): RemoteReplay | null {
    const hit = found.get(id);
    if (hit) return hit;
    const now = Date.now();
    if ((missed.get(id) ?? 0) > now) return null;
    const u = store.getUpload(db, id);
    const replay = u?.state === "done" ? getReplay(db, id) : null;
    if (!u || !replay) {
      if (missed.size > 10_000) missed.clear();
      missed.set(id, now + 2000);
      return null;
    }
    const expires = Math.min(MAX_PRESIGN_S, MIN_PRESIGN_S + Math.ceil((2 * replay.durationMs) / 1000));
    const r: RemoteReplay = {
      master: (open) => (open && publicUrl ? `${publicUrl}/${u.prefix}index.m3u8` : null),
      url: (path, open) => (open && publicUrl ? `${publicUrl}/${u.prefix}${path}` : bucket.presign(u.prefix + path, expires)),
    };
    if (found.size > 10_000) found.clear();
    found.set(id, r);
    return r;
  }

  function queue(broadcastId: number, quiet = false): void {
    // A public URL makes the bucket readable by anyone with the URL: a paid replay stays on local disk, where
    // Livehouse checks every request (docs/operations.md).
    if (publicUrl && !parts.isOpen(broadcastId)) {
      if (!quiet) log(`objects: replay ${broadcastId} is not public: kept on local disk (a public bucket URL is configured)`);
      return;
    }
    uploader.queue(broadcastId, `replays/${broadcastId}-${randomBytes(6).toString("hex")}/`);
  }

  const service: Service = {
    name: "replay-uploads",
    start() {
      // Replays from before object storage was configured, or that ended while the server stopped, go up too.
      for (const id of store.replaysWithoutUpload(db)) queue(id, true);
      uploader.start();
    },
    stop: () => uploader.stop(),
  };
  return {
    services: [service],
    listen: () => [bus.on("broadcast.ended", ({ broadcastId }) => queue(broadcastId))],
    remote,
  };
}
