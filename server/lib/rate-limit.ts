// Fixed-window counters in memory, keyed by whatever the caller chooses (ip+username, user id, ...).
// One process serves one instance, so memory is the right place; a restart forgets, which is acceptable.
export interface RateLimiter {
  /** Counts one hit; returns 0 when allowed, otherwise the seconds until the window resets. */
  hit(key: string, now?: number): number;
  reset(key: string): void;
}

export function createRateLimiter(opts: { max: number; windowMs: number }): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;
  return {
    hit(key, now = Date.now()) {
      if (now - lastSweep > opts.windowMs) {
        for (const [k, w] of windows) if (now - w.start >= opts.windowMs) windows.delete(k);
        lastSweep = now;
      }
      let w = windows.get(key);
      if (!w || now - w.start >= opts.windowMs) windows.set(key, (w = { start: now, count: 0 }));
      w.count++;
      return w.count > opts.max ? Math.ceil((w.start + opts.windowMs - now) / 1000) : 0;
    },
    reset(key) {
      windows.delete(key);
    },
  };
}
