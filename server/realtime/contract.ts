// What every domain needs to put something into a live room, without knowing the realtime hub:
// emit the bus fact "room.event" with a JSON event; the hub fans it out as JSON (bots, overlays: topic
// roomTopic(roomId)) and as HTML fragments (room pages, rendered per language by the renderer registered for
// the event's type). One source of events, two renderings.
//
// JSON events of the realtime layer itself (other domains document theirs):
//   { type: "chat", id, user: { username, displayName } | null, text, parts, bot, at, offsetMs }
//       parts: [{ t: "text", v } | { t: "emote", name, url } | { t: "mention", v } | { t: "link", v }]
//       user null + bot true: an auto-reply (!command). A socket's first frames are the last 50, with history: true.
//   { type: "like", count, total }                  at most every 500 ms per room (count: since the last one)
//   { type: "viewers", count }                      socket viewers + HLS pings, when it changes
//   { type: "moderation", action: "delete", messageId } | { action: "timeout", username, minutes }
//     | { action: "ban" | "unban", username } | { action: "slow", seconds } | { action: "followers", enabled }
//   { type: "follow", username, displayName }       someone followed the room's creator (also the fact "follow.created")
//   { type: "notice", code, status, message }       only to the socket whose message was refused (never broadcast)
// Sockets: /api/v1/rooms/<slug>/events (JSON, send { type: "chat", text } or { type: "like" }) and /r/<slug>/ws
// (room pages: HTML). Page frames may carry several events (coalesced); JSON frames carry one event each.
import type { Translate } from "../i18n";

export type RoomEventJson = { type: string } & Record<string, unknown>;

/** Returns HTML whose top-level elements carry hx-swap-oob, or "" to send nothing to pages. */
export type HtmlRenderer = (event: RoomEventJson, t: Translate) => string;

declare module "../events/bus" {
  interface Facts {
    "room.event": { roomId: number; event: RoomEventJson };
  }
}

/** Bun pub/sub topic carrying a room's events as JSON text. */
export function roomTopic(roomId: number): string {
  return `room:${roomId}`;
}

const renderers = new Map<string, HtmlRenderer>();

export function registerRenderer(type: string, fn: HtmlRenderer): void {
  renderers.set(type, fn);
}

export function renderEvent(event: RoomEventJson, t: Translate): string {
  return renderers.get(event.type)?.(event, t) ?? "";
}
