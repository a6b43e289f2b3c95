// HTML rendering (hx-swap-oob) of the media domain's room event, handed to the realtime hub.
import { LiveBadge } from "../../views/partials/live-badge";
import type { RoomRenderers } from "../realtime/model";

export const mediaRenderers: RoomRenderers = {
  live: (e, t) => (<LiveBadge live={e.live} t={t} id="live-badge" oob />) as string,
};
