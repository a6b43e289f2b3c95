// Viewer presence shared between the processes of one host (--redis-url). Each process sends the viewer keys it
// holds per room (open page sockets and HLS pings) on every viewer tick, and keeps the latest set from each other
// process. A process that has not been heard from for EXPIRE_MS (it died, or Redis is away) no longer counts, so a
// killed process's viewers leave the count within seconds. The union of these sets is the same on every process,
// so every process computes the same viewer count from it.
import type { Cluster } from "../events/cluster";

const CHANNEL = "presence";
export const PRESENCE_EXPIRE_MS = 7_000;

export interface SharedPresence {
  /** This process's current viewers, room id → viewer keys (sent to the others). */
  share(rooms: ReadonlyMap<number, readonly string[]>): void;
  /** Viewer keys the other processes hold in the room. */
  viewers(roomId: number): string[];
  rooms(): number[];
  /** Tells the others this process holds nobody any more (graceful stop). */
  leave(): void;
  stop(): void;
}

export function createSharedPresence(cluster: Cluster, now: () => number): SharedPresence {
  const others = new Map<string, { until: number; rooms: Map<number, string[]> }>();
  const alive = () => {
    const t = now();
    for (const [id, p] of others) if (p.until <= t) others.delete(id);
    return others.values();
  };
  const off = cluster.on(CHANNEL, (msg, from) => {
    if (!Array.isArray(msg)) return;
    const rooms = new Map<number, string[]>();
    for (const entry of msg) {
      if (!Array.isArray(entry) || typeof entry[0] !== "number" || !Array.isArray(entry[1])) continue;
      rooms.set(entry[0], entry[1].filter((k: unknown): k is string => typeof k === "string"));
    }
    if (rooms.size === 0) others.delete(from);
    else others.set(from, { until: now() + PRESENCE_EXPIRE_MS, rooms });
  });
  return {
    share(rooms) {
      cluster.publish(CHANNEL, [...rooms]);
    },
    viewers(roomId) {
      const out: string[] = [];
      for (const p of alive()) out.push(...(p.rooms.get(roomId) ?? []));
      return out;
    },
    rooms() {
      const ids = new Set<number>();
      for (const p of alive()) for (const id of p.rooms.keys()) ids.add(id);
      return [...ids];
    },
    leave() {
      cluster.publish(CHANNEL, []);
    },
    stop: off,
  };
}
