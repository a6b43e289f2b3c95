// What every domain needs to put something into a live room, without knowing the realtime hub:
// emit the bus fact "room.event" with a JSON event; the hub fans it out as JSON (bots, overlays: topic
// roomTopic(roomId)) and as HTML fragments (room pages, rendered per language by the renderer registered for
// the event's type). One source of events, two renderings.
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
