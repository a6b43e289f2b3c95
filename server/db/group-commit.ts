// Group commit: the items submitted in one event-loop turn run in one IMMEDIATE transaction, so a burst takes the
// write lock once and commits once (one fsync with synchronous=FULL) instead of once per item. Nobody hears of a
// result before the shared COMMIT returned. `run` makes each item its own unit (a db.transaction of its own, which
// inside the shared one is a savepoint): an item that throws rolls back alone and rejects only its caller. If the
// COMMIT fails, every item of the batch fails and none was written. `committed` runs for each item that was, in
// order, before its caller hears (announcements that must follow the commit and precede the answer).
import type { Database } from "bun:sqlite";

export interface GroupCommit<I, R> {
  submit(item: I): Promise<R>;
  /** Runs everything submitted so far, now (on shutdown). */
  drain(): void;
}

export function createGroupCommit<I, R>(db: Database, run: (item: I) => R, opts: { maxBatch?: number; committed?: (result: R) => void } = {}): GroupCommit<I, R> {
  const maxBatch = opts.maxBatch ?? 500;
  type Pending = { item: I; resolve(r: R): void; reject(err: unknown): void };
  type Outcome = { ok: true; result: R } | { ok: false; err: unknown };
  let queue: Pending[] = [];
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    if (queue.length) schedule();
    let outcomes: Outcome[];
    try {
      outcomes = db.transaction(() =>
        batch.map((p): Outcome => {
          try {
            return { ok: true, result: run(p.item) };
          } catch (err) {
            return { ok: false, err };
          }
        }),
      ).immediate();
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (!o.ok) return p.reject(o.err);
      try {
        opts.committed?.(o.result);
      } catch (err) {
        return p.reject(err);
      }
      p.resolve(o.result);
    });
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },
    drain() {
      while (queue.length) flush();
    },
  };
}
