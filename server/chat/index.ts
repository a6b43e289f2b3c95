// The chat domain's surface for server/app.tsx: the chat rules (reaching sockets through the hub) and its routes.
// Its lifecycle (stats, like flushing, retention) is a service registered by realtime beside the hub.
import type { Deps } from "../deps";
import { createChat as createChatRules, type ChatHooks } from "./chat";
import { chatRoutes } from "./routes";

export function createChat(deps: Deps, hooks: ChatHooks) {
  const chat = createChatRules(deps, hooks);
  return { chat, routes: (viewerCount: (roomId: number) => number) => chatRoutes({ ...deps, chat, viewerCount }) };
}
