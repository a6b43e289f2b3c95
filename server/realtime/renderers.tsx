// HTML renderings (hx-swap-oob fragments) of the realtime layer's own event types. Other domains register theirs.
import { ChatFragment, LikeFragment, NoticeFragment, SystemLine, ViewersFragment } from "../../views/partials/chat";
import { LiveBadge } from "../../views/partials/live-badge";
import type { ChatEvent } from "../chat/model";
import type { Translate } from "../i18n";
import { registerRenderer, type RoomEventJson } from "./contract";

// Our components are synchronous, so their output is a string.
const h = (el: JSX.Element): string => el as string;
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

function moderation(e: RoomEventJson, t: Translate): string {
  switch (e.action) {
    case "delete":
      return `<li id="m-${num(e.messageId)}" hx-swap-oob="delete"></li>`;
    case "timeout":
      return h(<SystemLine text={t("chat.sys.timeout", { user: str(e.username), minutes: num(e.minutes) })} />);
    case "ban":
      return h(<SystemLine text={t("chat.sys.ban", { user: str(e.username) })} />);
    case "slow":
      return h(<SystemLine text={num(e.seconds) > 0 ? t("chat.sys.slowOn", { seconds: num(e.seconds) }) : t("chat.sys.slowOff")} />);
    case "followers":
      return h(<SystemLine text={e.enabled ? t("chat.sys.followersOn") : t("chat.sys.followersOff")} />);
    default:
      return "";
  }
}

export function registerRealtimeRenderers(): void {
  registerRenderer("chat", (e, t) => h(<ChatFragment e={e as ChatEvent} t={t} />));
  registerRenderer("like", (e) => h(<LikeFragment count={num(e.count)} total={num(e.total)} />));
  registerRenderer("viewers", (e) => h(<ViewersFragment count={num(e.count)} />));
  registerRenderer("live", (e, t) => h(<LiveBadge live={e.live === true} t={t} id="live-badge" oob />));
  registerRenderer("follow", (e, t) => h(<SystemLine text={t("chat.sys.follow", { user: str(e.displayName) })} />));
  registerRenderer("notice", (e) => h(<NoticeFragment text={str(e.message)} code={str(e.code)} />));
  registerRenderer("moderation", moderation);
}
