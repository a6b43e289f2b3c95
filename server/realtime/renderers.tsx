// HTML renderings (hx-swap-oob fragments) of the realtime layer's own room events. Other domains have theirs
// beside their routes; app wiring merges the tables and hands them to createRealtime.
import { NoticeFragment, ViewersFragment } from "../../views/partials/chat";
import type { RoomRenderers } from "./model";

export const realtimeRenderers: RoomRenderers = {
  viewers: (e) => (<ViewersFragment count={e.count} />) as string,
  notice: (e) => (<NoticeFragment text={e.message} code={e.code} />) as string,
};
