// The realtime layer's public surface: the viewer counter, the room sockets' routes and the hub's lifecycle.
// The hub and chat are built by server/app.tsx (chat needs the hub to reach sockets; realtime needs chat).
import type { Chat } from "../chat/chat";
import type { Deps, Service } from "../deps";
import type { Facts } from "../events/bus";
import { LANGS } from "../i18n";
import type { User } from "../accounts/model";
import type { Room } from "../rooms/model";
import type { Hub } from "./hub";
import type { RoomAction } from "./model";
import { realtimeRoutes, type HistoryRenderer } from "./routes";
import { createSharedPresence } from "./presence";
import { createViewerCounter } from "./viewers";

/**
 * Bun has one WebSocket configuration per server, so it is set on the root app: small frames only, and a client
 * that cannot keep up (1 MB queued) is dropped instead of growing the server's memory — chat never blocks.
 */
export const websocketConfig = { maxPayloadLength: 16 * 1024, idleTimeout: 120, backpressureLimit: 1024 * 1024, closeOnBackpressureLimit: true };

/** history: the page rendering of the chat history a room page opens with (chat/renderers.tsx). */
export function createRealtime(deps: Deps, parts: { hub: Hub; chat: Chat; history: HistoryRenderer; canWatch: (room: Room, user: User | null, cookies?: string | null) => boolean }) {
  const { hub, chat, history } = parts;
  const shared = deps.cluster?.shared ? createSharedPresence(deps.cluster, deps.now) : undefined;
  const viewers = createViewerCounter({
    now: deps.now,
    socketViewers: hub.viewerIds,
    socketRooms: hub.roomIds,
    emit: (roomId, event) => deps.bus.emit("room.event", { roomId, event }),
    record: chat.recordViewers,
    anonPerIp: deps.config.anonViewersPerIp,
    shared,
  });
  /** Rendered chat history per room and language, dropped when the room's chat changes. */
  const historyCache = new Map<string, string>();
  const services: Service[] = [
    {
      name: "realtime.hub",
      start() {},
      // Bun's server.stop() waits for open sockets, and services stop only after it returns: close them first.
      beforeStop: () => hub.closeAll(),
      stop: () => hub.stop(),
    },
    { name: "chat", start: () => chat.start(), stop: () => chat.stop() },
    {
      name: "realtime.viewers",
      start: () => viewers.start(),
      stop() {
        viewers.stop();
        shared?.stop();
      },
    },
  ];
  return {
    viewers,
    viewerCount: (roomId: number) => viewers.count(roomId),
    services,
    /** Bus listener: a chat or moderation event makes the room's cached history stale. */
    forgetHistory({ roomId, event }: Facts["room.event"]): void {
      if (event.type === "chat" || event.type === "moderation") for (const l of LANGS) historyCache.delete(`${roomId}:${l}`);
    },
    /** actions: other domains' handlers of messages sent up the room sockets (auctions: "bid"). */
    routes: (actions: Readonly<Record<string, RoomAction>> = {}) => realtimeRoutes({ ...deps, hub, chat, viewers, historyCache, history, canWatch: parts.canWatch, actions }),
  };
}
