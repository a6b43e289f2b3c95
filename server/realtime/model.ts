// What every domain needs to put something into a live room, without knowing the realtime hub:
// emit the bus fact "room.event" with a typed room event; the hub fans it out as JSON (bots, overlays: topic
// roomTopic(roomId)) and as HTML fragments (room pages, rendered per language by the renderer table handed to
// the hub). One source of events, two renderings.
//
// Room events are typed like the bus's Facts: each domain adds its event types to RoomEvents where it lives
// (`declare module "../realtime/model" { interface RoomEvents { … } }`): chat, like, moderation and follow in
// server/chat/model.ts, live in server/media/model.ts, gift/board/goal in server/gifts/model.ts, pin/purchase in
// server/shop/model.ts, auction/bid_result in server/auctions/model.ts. Renaming a field breaks tsc at the
// producer, the HTML renderer and the overlay contract.
//
// JSON events of the realtime layer itself (other domains document theirs):
//   { type: "viewers", count }                      socket viewers + HLS pings, when it changes
//   { type: "notice", code, status, message }       only to the socket whose message was refused (never broadcast)
// Sockets: /api/v1/rooms/<slug>/events (JSON, send { type: "chat", text } or { type: "like" }) and /r/<slug>/ws
// (room pages: HTML). Page frames may carry several events (coalesced); JSON frames carry one event each.
import type { User } from "../accounts/model";
import type { Translate } from "../i18n";
import type { Room } from "../rooms/model";

/** Event type → the whole event (its `type` field included). Domains extend this by declaration merging. */
export interface RoomEvents {
  viewers: { type: "viewers"; count: number };
  notice: { type: "notice"; code: string; status: number; message: string };
}

export type RoomEventType = keyof RoomEvents;

/** Any room event; narrowing on `type` gives the event's own fields. */
export type RoomEvent = RoomEvents[RoomEventType];

/** Returns HTML whose top-level elements carry hx-swap-oob, or "" to send nothing to pages. */
export type HtmlRenderer<K extends RoomEventType> = (event: RoomEvents[K], t: Translate) => string;

/** A domain's HTML renderings of its room events; app wiring merges the domains' tables and hands them to the hub. */
export type RoomRenderers = { [K in RoomEventType]?: HtmlRenderer<K> };

/**
 * A domain's handler for one kind of message sent up a room socket (`{ type: K, … }` from bots, `{ action: K, … }`
 * from pages, which also carry their CSRF token); returns the event answered to the sender only.
 */
export type RoomAction = (from: { room: Room; user: User | null }, msg: Readonly<Record<string, unknown>>) => RoomEvent;

declare module "../events/bus" {
  interface Facts {
    "room.event": { roomId: number; event: RoomEvent };
  }
}

/** Bun pub/sub topic carrying a room's events as JSON text. */
export function roomTopic(roomId: number): string {
  return `room:${roomId}`;
}

/** The page rendering of one event: its type's renderer, or "" when it has none (JSON sockets only). */
export function renderEvent<K extends RoomEventType>(renderers: RoomRenderers, event: RoomEvents[K] & { type: K }, t: Translate): string {
  const render: HtmlRenderer<K> | undefined = renderers[event.type];
  return render ? render(event, t) : "";
}
