// The gifts domain's surface for server/app.tsx: its routes and its bus listener.
import type { Deps } from "../deps";
import { resetBoardsOnBroadcast } from "./events";
import { giftsRoutes } from "./routes";

export function createGifts(deps: Deps) {
  return { routes: () => giftsRoutes(deps), listen: () => [resetBoardsOnBroadcast(deps.bus)] };
}
