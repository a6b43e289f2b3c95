// Fixed-window counters in memory, keyed by whatever the caller chooses (ip+username, user id, ...).
// A restart forgets, which is acceptable. With several processes (--redis-url) a limiter that is given the
// cluster and a name mirrors every hit to the other processes, which count it in their own windows: a client
// cannot multiply its allowance by spreading requests over processes. The mirror is as fast as Redis pub/sub
// (well under a millisecond on one host); hits landing on two processes within that instant may both pass.
import type { Cluster } from "../events/cluster";

export interface RateLimiter {
  /** Counts one hit; returns 0 when allowed, otherwise the seconds until the window resets. */
  hit(key: string, now?: number): number;
  reset(key: string): void;
}

/** Shares a limiter's hits between processes; name tells limiters apart ("chat", "login-ip", ...). */
export interface LimitShare {
  cluster: Cluster | undefined;
  name: string;
}

export function createRateLimiter(opts: { max: number; windowMs: number }, share?: LimitShare): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;
  const cluster = share?.cluster?.shared ? share.cluster : null;
  const channel = `rate:${share?.name ?? ""}`;

  function count(key: string, now: number): { start: number; count: number } {
    if (now - lastSweep > opts.windowMs) {
      for (const [k, w] of windows) if (now - w.start >= opts.windowMs) windows.delete(k);
      lastSweep = now;
    }
    let w = windows.get(key);
    if (!w || now - w.start >= opts.windowMs) windows.set(key, (w = { start: now, count: 0 }));
    w.count++;
    return w;
  }

  cluster?.on(channel, (msg) => {
    const m = msg as { k?: unknown; t?: unknown; reset?: unknown };
    if (typeof m.k !== "string") return;
    if (m.reset === true) windows.delete(m.k);
    else if (typeof m.t === "number") count(m.k, m.t);
  });

  return {
    hit(key, now = Date.now()) {
      const w = count(key, now);
      cluster?.publish(channel, { k: key, t: now });
      return w.count > opts.max ? Math.ceil((w.start + opts.windowMs - now) / 1000) : 0;
    },
    reset(key) {
      windows.delete(key);
      cluster?.publish(channel, { k: key, reset: true });
    },
  };
}
