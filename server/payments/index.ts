// The payments domain's surface for server/app.tsx: webhooks and coin purchases over the shop's order rules.
import type { Deps } from "../deps";
import type { Shop } from "../shop/service";
import { paymentRoutes } from "./routes";

export function createPayments(deps: Deps, shop: Shop) {
  return { routes: () => paymentRoutes(deps, shop) };
}
