// The gifts domain's surface for server/app.tsx: its routes and its bus listener.
import type { User } from "../accounts/model";
import type { Deps } from "../deps";
import type { Room } from "../rooms/model";
import { resetBoardsOnBroadcast } from "./events";
import { giftsRoutes } from "./routes";

/** canWatch: the room's access (server/access); who cannot watch cannot send gifts. */
export function createGifts(deps: Deps, parts: { canWatch: (room: Room, user: User | null) => boolean }) {
  return { routes: () => giftsRoutes({ ...deps, canWatch: parts.canWatch }), listen: () => [resetBoardsOnBroadcast(deps.bus)] };
}
