// In-process bus for facts ("broadcast.started", "gift.sent", ...). Commands are direct calls; facts are published
// here so realtime, analytics and webhooks can react without the domains knowing them.
// A listener that throws is logged and never breaks the publisher or the other listeners.
// With several processes (--redis-url), a few facts of the ingest owner are replayed on the other processes as
// remote facts (server/app.tsx says which). A remote fact reaches only listeners that ask for them ({ remote:
// true }): those that keep in-memory state in step and write nothing that the owner already wrote.

export interface Facts {
  "user.created": { userId: number; username: string };
  "room.updated": { roomId: number; slug: string };
  "broadcast.started": { roomId: number; slug: string; broadcastId: number; at: number };
  "broadcast.ended": { roomId: number; slug: string; broadcastId: number; at: number };
}

type Listener<T> = (fact: T) => void;

export interface Bus<F = Facts> {
  on<K extends keyof F>(name: K, fn: Listener<F[K]>, opts?: { remote?: boolean }): () => void;
  emit<K extends keyof F>(name: K, fact: F[K], opts?: { remote?: boolean }): void;
}

export function createBus<F = Facts>(log: (msg: string) => void = console.error): Bus<F> {
  const listeners = new Map<keyof F, Set<Listener<never>>>();
  const remoteOk = new WeakSet<Listener<never>>();
  return {
    on(name, fn, opts) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      // Each registration is its own entry, so one function may listen twice.
      const entry: Listener<never> = (f) => (fn as Listener<never>)(f);
      if (opts?.remote) remoteOk.add(entry);
      set.add(entry);
      return () => set.delete(entry);
    },
    emit(name, fact, opts) {
      for (const fn of listeners.get(name) ?? []) {
        if (opts?.remote && !remoteOk.has(fn)) continue;
        try {
          (fn as Listener<typeof fact>)(fact);
        } catch (err) {
          log(`event ${String(name)}: listener failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    },
  };
}
