// Viewer counts: page viewers with an open socket plus HLS-only viewers who ping (like Owncast: the player pings
// every 4 s and a viewer expires 15 s after its last ping). One viewer id per page load, so a page that both
// holds a socket and pings counts once. A changed count is pushed as a "viewers" event at most every tick.
// Viewer ids come from the client, so they are not trusted alone (300 made-up ids once made "300 viewers"): a
// signed-in viewer counts once per account (viewerKey "u|<id>"), and anonymous viewers ("a|<ip>|<id>") count at
// most anonPerIp per address — enough for a classroom behind one NAT, whose students count by account once
// they sign in.
// With several processes the counter adds the viewers the other processes hold (presence.ts) and sends its own
// on every tick, so every process counts the same union.
import type { RoomEvents } from "./model";
import type { SharedPresence } from "./presence";

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

/** The identity a viewer is counted under: the account when signed in, else the page's id under its address. */
export function viewerKey(userId: number | null, ip: string | null, viewerId: string): string {
  return userId !== null ? `u|${userId}` : `a|${ip ?? "?"}|${viewerId}`;
}

/** The address an anonymous key was seen from ("?" when unknown); null for a signed-in viewer. */
function anonAddress(key: string): string | null {
  if (key.startsWith("u|")) return null;
  return key.startsWith("a|") ? key.slice(2, key.lastIndexOf("|")) : "?";
}

export function createViewerCounter(deps: {
  now: () => number;
  socketViewers(roomId: number): string[];
  socketRooms(): number[];
  emit(roomId: number, event: RoomEvents["viewers"]): void;
  record(roomId: number, count: number): void;
  /** Anonymous viewers counted per address and room. */
  anonPerIp: number;
  shared?: SharedPresence;
}) {
  const pings = new Map<number, Map<string, number>>();
  const last = new Map<number, number>();
  let timer: ReturnType<typeof setInterval> | null = null;

  /** This process's viewers in the room: open page sockets and unexpired pings. */
  function local(roomId: number): Set<string> {
    const ids = new Set(deps.socketViewers(roomId));
    const now = deps.now();
    for (const [id, expires] of pings.get(roomId) ?? []) if (expires > now) ids.add(id);
    return ids;
  }

  function count(roomId: number): number {
    const ids = local(roomId);
    for (const id of deps.shared?.viewers(roomId) ?? []) ids.add(id);
    let n = 0;
    const perIp = new Map<string, number>();
    for (const id of ids) {
      const ip = anonAddress(id);
      if (ip === null) n++;
      else perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
    }
    for (const c of perIp.values()) n += Math.min(c, deps.anonPerIp);
    return n;
  }

  function tick(): void {
    const now = deps.now();
    for (const [roomId, m] of pings) {
      for (const [id, expires] of m) if (expires <= now) m.delete(id);
      if (m.size === 0) pings.delete(roomId);
    }
    if (deps.shared) {
      const mine = new Map<number, string[]>();
      for (const roomId of new Set([...deps.socketRooms(), ...pings.keys()])) {
        const ids = local(roomId);
        if (ids.size) mine.set(roomId, [...ids]);
      }
      deps.shared.share(mine);
    }
    const roomIds = new Set([...deps.socketRooms(), ...pings.keys(), ...last.keys(), ...(deps.shared?.rooms() ?? [])]);
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
      deps.shared?.leave();
    },
  };
}

export type ViewerCounter = ReturnType<typeof createViewerCounter>;
