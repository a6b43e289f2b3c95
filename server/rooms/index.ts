// The rooms domain's surface for server/app.tsx (the viewer count comes from realtime).
import type { Deps } from "../deps";
import { roomsRoutes } from "./routes";

export function createRooms(deps: Deps, parts: { viewers: (roomId: number) => number }) {
  return { routes: () => roomsRoutes({ ...deps, viewers: parts.viewers }) };
}
