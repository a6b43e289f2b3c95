// Combo counter: the same sender repeating the same gift in the same room within the window keeps one running
// count, shown as "×N" on the animation. In memory: a restart only resets running combos.
export interface ComboCounter {
  hit(key: string, count: number, now: number): number;
}

export function createComboCounter(windowMs = 10_000): ComboCounter {
  const combos = new Map<string, { total: number; last: number }>();
  let lastSweep = 0;
  return {
    hit(key, count, now) {
      if (now - lastSweep > windowMs) {
        for (const [k, c] of combos) if (now - c.last > windowMs) combos.delete(k);
        lastSweep = now;
      }
      const c = combos.get(key);
      const total = c && now - c.last <= windowMs ? c.total + count : count;
      combos.set(key, { total, last: now });
      return total;
    },
  };
}
