// Requests parked until a live output has what they asked for: blocking playlist reloads (_HLS_msn/_HLS_part) in
// both modes and the LL preload-hinted part. The output calls changed() whenever it publishes something new.

interface Waiter {
  ready(): boolean;
  resolve(ok: boolean): void;
  timer: ReturnType<typeof setTimeout>;
}

export class Waiters {
  private set = new Set<Waiter>();

  /** Resolves true as soon as `ready()` holds (checked now and on every change), false after `timeoutMs`. */
  wait(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w: Waiter = {
        ready, resolve,
        timer: setTimeout(() => {
          this.set.delete(w);
          resolve(false);
        }, timeoutMs),
      };
      this.set.add(w);
    });
  }

  /** Wakes every waiter whose condition now holds; `ended`: wake all (they answer with what exists). */
  changed(ended = false): void {
    for (const w of this.set) {
      if (!w.ready() && !ended) continue;
      clearTimeout(w.timer);
      this.set.delete(w);
      w.resolve(w.ready());
    }
  }
}
