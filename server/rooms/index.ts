// The rooms domain's surface for server/app.tsx (the viewer count comes from realtime).
import type { Deps } from "../deps";
import { roomsRoutes, type RoomAccessView } from "./routes";

/** access: the room's access mode and whether the caller may watch (server/access). */
export function createRooms(deps: Deps, parts: { viewers: (roomId: number) => number; access: RoomAccessView }) {
  return { routes: () => roomsRoutes({ ...deps, viewers: parts.viewers, access: parts.access }) };
}
