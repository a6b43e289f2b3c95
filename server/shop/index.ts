// The shop domain's surface for server/app.tsx: the order rules and their services, the JSON API and the pages.
import type { Deps } from "../deps";
import type { Providers } from "./providers";
import { shopApi } from "./api";
import { shopRoutes } from "./routes";
import { createShop as createShopRules } from "./service";

export function createShop(deps: Deps, providers: Providers) {
  const shop = createShopRules(deps, providers);
  return { shop, services: shop.services, api: () => shopApi(deps, shop), routes: () => shopRoutes(deps, shop) };
}
