// The live pipeline's public surface for app.tsx: RTMP ingest + media lifecycle as services, and the HLS routes.
// A `--role web` process gets the routes over the owner's files (view.ts) and no services.
import type { Deps, Service } from "../deps";
import { createRtmpIngest } from "../ingest/rtmp";
import { roomForStreamKey } from "../rooms/rooms";
import { createMedia } from "./lifecycle";
import { healthRoutes } from "./health-routes";
import type { ReplayRemote } from "../objects/model";
import { hlsRoutes, replayPageRoutes, type HlsGate } from "./routes";
import { createMediaView } from "./view";

const SWEEP_MS = 60 * 60_000;

/**
 * remote: where replays moved to object storage are (server/objects); absent, every replay plays from disk.
 * owner: the ingest owner's address, for a `--role web` process.
 */
export function createLive(deps: Deps, parts: { gate: HlsGate; remote?: ReplayRemote; owner: () => Promise<string | null> }) {
  if (deps.config.role === "web") {
    const view = createMediaView(deps, parts.owner);
    return { media: view, services: [] as Service[], hlsRoutes: () => hlsRoutes(deps, view, parts.gate, parts.remote, view.relay), routes: () => replayPageRoutes(deps).use(healthRoutes(deps, view, view.relayHealth)) };
  }
  const media = createMedia(deps);
  const ingest = createRtmpIngest({
    port: deps.config.rtmpPort, host: deps.config.host, graceMs: deps.config.publishGraceMs, log: deps.log,
    authorize(key) {
      const room = roomForStreamKey(deps.db, key);
      return room ? { roomId: room.id, slug: room.slug } : null;
    },
    onPublish: media.onPublish,
    onResume: media.onResume,
    onUnpublish: media.onUnpublish,
  });
  let sweepTimer: ReturnType<typeof setInterval> | null = null;
  // Started before ingest and stopped after it: recovery runs before any publish, replays are finalized last.
  const mediaService: Service = {
    name: "media",
    start() {
      media.recover();
      media.sweep();
      sweepTimer = setInterval(() => media.sweep(), SWEEP_MS);
      sweepTimer.unref?.();
    },
    async stop() {
      if (sweepTimer) clearInterval(sweepTimer);
      await media.stopAll();
    },
  };
  const ingestService: Service = { name: "rtmp-ingest", start: () => ingest.start(), stop: () => ingest.stop() };
  return { media, services: [mediaService, ingestService], hlsRoutes: () => hlsRoutes(deps, media, parts.gate, parts.remote), routes: () => replayPageRoutes(deps).use(healthRoutes(deps, media)) };
}
