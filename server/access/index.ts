// The access domain's surface for server/app.tsx: the rules (asked by media, chat, gifts, realtime and rooms) and
// its routes.
import type { Deps } from "../deps";
import { createAccess } from "./access";
import type { Entitlements } from "./entitlements";
import { accessRoutes } from "./routes";

export function createAccessDomain(deps: Deps, entitlements: Entitlements) {
  const access = createAccess(deps, entitlements);
  return { access, routes: () => accessRoutes(deps, access) };
}
