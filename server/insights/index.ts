// The insights domain's public surface: createInsights(deps) builds capture, the rebuild schedule and the routes;
// server/app.tsx mounts them.
import type { Deps, Service } from "../deps";
import { aprioriOptions } from "./apriori";
import { createCapture } from "./capture";
import { rebuildDerived } from "./recommend";
import { insightsRoutes } from "./routes";

export function createInsights(deps: Deps) {
  const capture = createCapture({ ...deps, enabled: deps.config.insightsCapture === "on" });
  const apriori = aprioriOptions(deps.config);
  let timer: ReturnType<typeof setInterval> | null = null;
  const rebuild = () => {
    try {
      const t0 = performance.now();
      const r = rebuildDerived(deps.db, deps.now(), apriori);
      deps.log(`insights rebuild: ${r.rules} rules, ${r.similar} room pairs, ${r.propensity} product scores in ${Math.round(performance.now() - t0)} ms`);
    } catch (err) {
      deps.log(`insights rebuild failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return {
    capture,
    services: <Service[]>[
      capture.service,
      {
        name: "insights-schedule",
        start() {
          capture.recover();
          const every = deps.config.insightsRebuildMinutes;
          if (every > 0) timer = setInterval(rebuild, every * 60_000);
        },
        stop() {
          if (timer) clearInterval(timer);
          timer = null;
        },
      },
    ],
    routes: () => insightsRoutes({ ...deps, capture, apriori }),
  };
}
