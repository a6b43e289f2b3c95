// Shared presence and mirrored rate limits between two processes, over an in-memory pair of clusters that
// delivers like Redis pub/sub does (to the other side only). The real Redis runs in test/scale-cluster.test.ts.
import { describe, expect, test } from "bun:test";
import type { Cluster, ClusterHandler } from "../events/cluster";
import { createRateLimiter } from "../lib/rate-limit";
import { createSharedPresence, PRESENCE_EXPIRE_MS } from "./presence";
import { createViewerCounter } from "./viewers";

function linkedPair(): [Cluster, Cluster] {
  const handlers = [new Map<string, Set<ClusterHandler>>(), new Map<string, Set<ClusterHandler>>()];
  const make = (me: 0 | 1): Cluster => ({
    id: `p${me}`,
    shared: true,
    publish(channel, msg) {
      for (const h of handlers[1 - me]!.get(channel) ?? []) h(structuredClone(msg), `p${me}`);
    },
    on(channel, fn) {
      let set = handlers[me]!.get(channel);
      if (!set) handlers[me]!.set(channel, (set = new Set()));
      set.add(fn);
      return () => void set.delete(fn);
    },
    setValue: async () => {},
    getValue: async () => null,
    close: async () => {},
  });
  return [make(0), make(1)];
}

describe("viewer counts across processes", () => {
  test("both processes count the union of their viewers; a silent process stops counting after the expiry", () => {
    let now = 1_000_000;
    const [ca, cb] = linkedPair();
    const sockets = { a: ["u|1", "a|10.0.0.1|x"], b: ["u|1", "u|2"] };
    const counter = (c: Cluster, mine: string[]) => createViewerCounter({
      now: () => now, socketViewers: () => mine, socketRooms: () => (mine.length ? [7] : []),
      emit() {}, record() {}, anonPerIp: 50, shared: createSharedPresence(c, () => now),
    });
    const a = counter(ca, sockets.a);
    const b = counter(cb, sockets.b);
    expect(a.count(7)).toBe(2);
    a.tick();
    b.tick();
    // u|1 is on both processes and counts once.
    expect(a.count(7)).toBe(3);
    expect(b.count(7)).toBe(3);
    now += PRESENCE_EXPIRE_MS + 1;
    expect(a.count(7)).toBe(2);
    a.stop();
    expect(b.count(7)).toBe(2);
  });
});

describe("rate limits across processes", () => {
  test("hits on one process count on the other; a reset is shared; a limiter without a cluster stays local", () => {
    const [ca, cb] = linkedPair();
    const a = createRateLimiter({ max: 3, windowMs: 10_000 }, { cluster: ca, name: "chat" });
    const b = createRateLimiter({ max: 3, windowMs: 10_000 }, { cluster: cb, name: "chat" });
    const other = createRateLimiter({ max: 3, windowMs: 10_000 }, { cluster: cb, name: "gifts" });
    const t = 5_000;
    expect([a.hit("u1", t), a.hit("u1", t), b.hit("u1", t)]).toEqual([0, 0, 0]);
    expect(b.hit("u1", t + 1)).toBeGreaterThan(0);
    expect(a.hit("u1", t + 2)).toBeGreaterThan(0);
    expect(other.hit("u1", t)).toBe(0);
    a.reset("u1");
    expect(b.hit("u1", t + 3)).toBe(0);
    const alone = createRateLimiter({ max: 1, windowMs: 10_000 });
    expect([alone.hit("k", t), alone.hit("k", t)]).toEqual([0, 10]);
  });
});
