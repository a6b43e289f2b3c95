// In-process bus for facts ("broadcast.started", "gift.sent", ...). Commands are direct calls; facts are published
// here so realtime, analytics and webhooks can react without the domains knowing them.
// A listener that throws is logged and never breaks the publisher or the other listeners.

export interface Facts {
  "user.created": { userId: number; username: string };
  "room.updated": { roomId: number; slug: string };
  "broadcast.started": { roomId: number; slug: string; broadcastId: number; at: number };
  "broadcast.ended": { roomId: number; slug: string; broadcastId: number; at: number };
}

type Listener<T> = (fact: T) => void;

export interface Bus<F = Facts> {
  on<K extends keyof F>(name: K, fn: Listener<F[K]>): () => void;
  emit<K extends keyof F>(name: K, fact: F[K]): void;
}

export function createBus<F = Facts>(log: (msg: string) => void = console.error): Bus<F> {
  const listeners = new Map<keyof F, Set<Listener<never>>>();
  return {
    on(name, fn) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(fn as Listener<never>);
      return () => set.delete(fn as Listener<never>);
    },
    emit(name, fact) {
      for (const fn of listeners.get(name) ?? []) {
        try {
          (fn as Listener<typeof fact>)(fact);
        } catch (err) {
          log(`event ${String(name)}: listener failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    },
  };
}
