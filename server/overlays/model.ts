// OBS overlay types, and the server-side contract of public/js/overlay.js: the fields it reads from each JSON
// event on the overlay socket. The room events it reads come from the domains (RoomEvents); tsc checks below
// that every one of them still carries what the overlay reads, so renaming e.g. a gift field fails the build
// here instead of silently blanking the overlay. Keep OverlayReads in step with overlay.js.
import type { Part } from "../chat/model";
import type { Goal } from "../gifts/model";
import type { RoomEvents } from "../realtime/model";

export const OVERLAY_KINDS = ["alerts", "chat", "goal"] as const;
export type OverlayKind = (typeof OVERLAY_KINDS)[number];

type Person = { username: string; displayName: string };

/** Event type → the fields overlay.js reads (alerts: gift, follow, purchase, test; chat: chat, moderation; goal: gift, goal). */
export interface OverlayReads {
  gift: { type: "gift"; sender: Person; gift: { id: number; name: string; image: string | null; tier: number }; count: number; combo: number; goal: Goal | null };
  goal: { type: "goal"; goal: Goal | null };
  follow: { type: "follow"; username: string; displayName: string };
  purchase: { type: "purchase"; buyer: string; product: string; quantity: number };
  chat: { type: "chat"; id: number; user: Person | null; bot: boolean; text: string; parts: Part[] };
  moderation: { type: "moderation" } & ({ action: "delete"; messageId: number } | { action: "ban" | "timeout" | "unban"; username: string } | { action: "slow" | "followers" });
  /** The Studio's test alert, sent only to the room's overlays (overlayTopic). */
  test: { type: "test"; sender: Person; at: number };
}

/** What the overlay socket carries: the room events overlay.js reads, and the test alert. */
type OverlayFeed = { [K in keyof OverlayReads]: K extends keyof RoomEvents ? RoomEvents[K] : OverlayReads[K] };

/** Compiles only while each event the producers emit is assignable to what overlay.js reads. */
export type OverlayEvents = Conforms<OverlayFeed, OverlayReads>;
type Conforms<T extends U, U> = T;
