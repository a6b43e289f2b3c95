// CLI: `insights rebuild` (contract) recomputes every derived table from the event stream now — the per-minute
// rollups, "bought together" rules, similar rooms and purchase-propensity models; the schedule does the last three
// on its own (--insights-rebuild-minutes).
import type { Command } from "../cli/command";
import { aprioriOptions } from "./apriori";
import { rebuildDerived, rebuildRollups } from "./recommend";

export const insightsCommands: Command[] = [
  {
    name: "insights rebuild",
    usage: "insights rebuild   (recompute rollups, bought-together rules, similar rooms and models now)",
    run(_argv, { config, db }) {
      const t0 = performance.now();
      const events = rebuildRollups(db);
      const derived = rebuildDerived(db, Date.now(), aprioriOptions(config));
      return { events, ...derived, ms: Math.round(performance.now() - t0) };
    },
  },
];
