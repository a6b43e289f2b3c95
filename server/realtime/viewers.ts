// Viewer counts: page viewers with an open socket plus HLS-only viewers who ping (like Owncast: the player pings
// every 4 s and a viewer expires 15 s after its last ping). One viewer id per page load, so a page that both
// holds a socket and pings counts once. A changed count is pushed as a "viewers" event at most every tick.
import type { RoomEvents } from "./model";

declare module "../events/bus" {
  interface Facts {
    /** A room page's socket opened / closed, or an HLS-only viewer pinged. `client`: address + user agent (never stored raw). */
    "viewer.joined": { roomId: number; viewerId: string; userId: number | null; client: string | null; at: number };
    "viewer.left": { roomId: number; viewerId: string; at: number };
    "viewer.pinged": { roomId: number; viewerId: string; userId: number | null; client: string | null; at: number };
  }
}

export const PING_EVERY_MS = 4_000;
export const PING_EXPIRY_MS = 15_000;
const TICK_MS = 2_000;
export const VIEWER_ID = /^[A-Za-z0-9_-]{8,40}$/;

export function createViewerCounter(deps: {
  now: () => number;
  socketViewers(roomId: number): string[];
  socketRooms(): number[];
  emit(roomId: number, event: RoomEvents["viewers"]): void;
  record(roomId: number, count: number): void;
}) {
  const pings = new Map<number, Map<string, number>>();
  const last = new Map<number, number>();
  let timer: ReturnType<typeof setInterval> | null = null;

  function count(roomId: number): number {
    const ids = new Set(deps.socketViewers(roomId));
    const now = deps.now();
    for (const [id, expires] of pings.get(roomId) ?? []) if (expires > now) ids.add(id);
    return ids.size;
  }

  function tick(): void {
    const now = deps.now();
    for (const [roomId, m] of pings) {
      for (const [id, expires] of m) if (expires <= now) m.delete(id);
      if (m.size === 0) pings.delete(roomId);
    }
    const roomIds = new Set([...deps.socketRooms(), ...pings.keys(), ...last.keys()]);
    for (const roomId of roomIds) {
      const c = count(roomId);
      if (c === (last.get(roomId) ?? 0)) continue;
      if (c === 0) last.delete(roomId);
      else last.set(roomId, c);
      deps.record(roomId, c);
      deps.emit(roomId, { type: "viewers", count: c });
    }
  }

  return {
    ping(roomId: number, viewerId: string): void {
      let m = pings.get(roomId);
      if (!m) pings.set(roomId, (m = new Map()));
      m.set(viewerId, deps.now() + PING_EXPIRY_MS);
    },
    count,
    tick,
    start(): void {
      timer = setInterval(tick, TICK_MS);
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

export type ViewerCounter = ReturnType<typeof createViewerCounter>;
