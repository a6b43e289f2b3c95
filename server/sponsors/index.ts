// The sponsors domain's surface for server/app.tsx: the Studio and public routes, the JSON API, and the service
// that prunes displays the frequency cap no longer needs.
import type { Deps, Service } from "../deps";
import { sponsorsApi } from "./api";
import { sponsorsRoutes } from "./routes";
import { pruneDisplays, type SponsorEnv } from "./sponsors";

export const PRUNE_EVERY_MS = 3_600_000;

export function createSponsors(deps: Deps) {
  const env: SponsorEnv = { db: deps.db, bus: deps.bus, now: deps.now, dataDir: deps.config.dataDir };
  let timer: ReturnType<typeof setInterval> | null = null;
  const service: Service = {
    name: "sponsors",
    start() {
      timer = setInterval(() => pruneDisplays(env), PRUNE_EVERY_MS);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
  return { env, services: [service], api: () => sponsorsApi(deps, env), routes: () => sponsorsRoutes(deps, env) };
}
