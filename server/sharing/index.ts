// The sharing domain's surface for server/app.tsx: the embed page, oEmbed, the creators' feeds and the Studio
// allow-list. The share cards themselves (cards.ts) are built by the routes of the pages that show them.
import type { Deps } from "../deps";
import type { Room } from "../rooms/model";
import { sharingRoutes } from "./routes";

export function createSharing(deps: Deps, parts: { isPublic: (room: Room) => boolean }) {
  return { routes: () => sharingRoutes(deps, parts) };
}
