import type { Translate } from "../../server/i18n";

/**
 * LIVE / Offline badge. The room page's own badge carries id="live-badge" so the realtime layer can swap it
 * out of band when the room goes live or offline.
 */
export function LiveBadge({ live, t, id, oob }: { live: boolean; t: Translate; id?: string; oob?: boolean }): JSX.Element {
  return <span class={live ? "badge live" : "badge"} id={id} hx-swap-oob={oob ? "true" : undefined} safe>{live ? t("room.live") : t("room.offline")}</span>;
}
