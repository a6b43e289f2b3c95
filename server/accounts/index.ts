// The accounts domain's surface for server/app.tsx: its pages and the expired-session sweeper.
import type { Deps } from "../deps";
import { accountsRoutes } from "./routes";
import { sessionSweeper } from "./sessions";

export function createAccounts(deps: Deps) {
  return { services: [sessionSweeper(deps.db, deps)], routes: () => accountsRoutes(deps) };
}
