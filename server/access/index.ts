// The access domain's surface for server/app.tsx: the rules (asked by media, chat, gifts, realtime and rooms) and
// its routes.
import type { Deps } from "../deps";
import { createAccess } from "./access";
import type { Entitlements } from "./entitlements";
import type { ReplayPrices } from "./replay-offers";
import { accessRoutes } from "./routes";

/** prices: pay-per-view prices of replays (server/classes/ppv.ts), set from the Studio's replay card. */
export function createAccessDomain(deps: Deps, entitlements: Entitlements, prices: ReplayPrices) {
  const access = createAccess(deps, entitlements);
  return { access, routes: () => accessRoutes(deps, access, prices) };
}
