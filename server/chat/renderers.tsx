// HTML renderings (hx-swap-oob fragments) of chat's room events, handed to the realtime hub, and of the chat
// history a page receives when its socket opens.
import { ChatFragment, HistoryFragment, LikeFragment, SystemLine } from "../../views/partials/chat";
import type { Translate } from "../i18n";
import type { RoomRenderers } from "../realtime/model";
import type { ChatEvent, ModerationEvent } from "./model";

// Our components are synchronous, so their output is a string.
const h = (el: JSX.Element): string => el as string;

function moderation(e: ModerationEvent, t: Translate): string {
  switch (e.action) {
    case "delete":
      return `<li id="m-${e.messageId}" hx-swap-oob="delete"></li>`;
    case "timeout":
      return h(<SystemLine text={t("chat.sys.timeout", { user: e.username, minutes: e.minutes })} />);
    case "ban":
      return h(<SystemLine text={t("chat.sys.ban", { user: e.username })} />);
    case "slow":
      return h(<SystemLine text={e.seconds > 0 ? t("chat.sys.slowOn", { seconds: e.seconds }) : t("chat.sys.slowOff")} />);
    case "followers":
      return h(<SystemLine text={e.enabled ? t("chat.sys.followersOn") : t("chat.sys.followersOff")} />);
    default:
      return "";
  }
}

export const chatRenderers: RoomRenderers = {
  chat: (e, t) => h(<ChatFragment e={e} t={t} />),
  like: (e) => h(<LikeFragment count={e.count} total={e.total} />),
  follow: (e, t) => h(<SystemLine text={t("chat.sys.follow", { user: e.displayName })} />),
  moderation,
};

export function renderChatHistory(events: ChatEvent[], t: Translate): string {
  return h(<HistoryFragment events={events} t={t} />);
}
