// The realtime layer's public surface: builds the hub, chat service and viewer counter once, and the routes.
import { Elysia } from "elysia";
import { chatRoutes } from "../chat/routes";
import { createChat } from "../chat/chat";
import type { Deps } from "../http/deps";
import { createHub } from "./hub";
import { registerRealtimeRenderers } from "./renderers";
import { realtimeRoutes } from "./routes";
import { createViewerCounter } from "./viewers";

/**
 * Bun has one WebSocket configuration per server, so it is set on the root app: small frames only, and a client
 * that cannot keep up (1 MB queued) is dropped instead of growing the server's memory — chat never blocks.
 */
export const websocketConfig = { maxPayloadLength: 16 * 1024, idleTimeout: 120, backpressureLimit: 1024 * 1024, closeOnBackpressureLimit: true };

const SIGNALS = ["SIGTERM", "SIGINT"] as const;

export function createRealtime(deps: Deps) {
  registerRealtimeRenderers();
  const hub = createHub(deps);
  const chat = createChat(deps, hub);
  const viewers = createViewerCounter({
    now: deps.now,
    socketViewers: hub.viewerIds,
    socketRooms: hub.roomIds,
    emit: (roomId, event) => deps.bus.emit("room.event", { roomId, event }),
    record: chat.recordViewers,
    anonPerIp: deps.config.anonViewersPerIp,
  });
  const closeSockets = () => hub.closeAll();
  const offSuspended = deps.bus.on("user.suspended", ({ userId }) => hub.disconnectUser(userId));
  return {
    hub,
    chat,
    viewers,
    viewerCount: (roomId: number) => viewers.count(roomId),
    service: {
      name: "realtime",
      start() {
        chat.start();
        viewers.start();
        // Bun's server.stop() waits for open sockets, and services stop only after it returns: close them first.
        for (const sig of SIGNALS) process.on(sig, closeSockets);
      },
      stop() {
        for (const sig of SIGNALS) process.off(sig, closeSockets);
        offSuspended();
        viewers.stop();
        chat.stop();
        hub.stop();
      },
    },
    routes: () => new Elysia({ name: "livehouse.realtime-all" }).use(realtimeRoutes({ ...deps, hub, chat, viewers })).use(chatRoutes({ ...deps, chat, viewerCount: viewers.count })),
  };
}
