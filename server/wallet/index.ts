// The wallet domain's surface for server/app.tsx.
import type { Deps } from "../deps";
import { walletRoutes } from "./routes";

export function createWallet(deps: Deps) {
  return { routes: () => walletRoutes(deps) };
}
