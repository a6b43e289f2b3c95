// The payments domain's surface for server/app.tsx: the providers the shop's orders are paid through (handed to
// createShop, so the shop never imports payments), and the webhook and coin-purchase routes.
import { baseUrl } from "../config";
import type { Deps } from "../deps";
import type { Shop } from "../shop/service";
import type { Providers } from "../shop/providers";
import { manualProvider } from "./manual";
import { paymentRoutes } from "./routes";
import { stripeProvider } from "./stripe";
import { walletProvider } from "./wallet-provider";

export function createPayments(deps: Deps) {
  const stripe = stripeProvider(deps.config, baseUrl(deps.config));
  const providers: Providers = { wallet: walletProvider(), manual: manualProvider(), stripe };
  return { providers, routes: (shop: Shop) => paymentRoutes(deps, shop, stripe) };
}
