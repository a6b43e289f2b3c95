// Messages between the Livehouse processes of one host (docs/operations.md, "Running several processes").
// One process (the default) has nobody to tell: localCluster() sends nothing and everything stays in-process,
// exactly as before. With --redis-url the same interface is carried by Redis pub/sub (server/events/redis.ts).
// Delivery is at most once and only to the OTHER processes: a process acts on its own messages directly.
// Nothing durable travels here: every acknowledged write is in SQLite before its message is sent.

export type ClusterHandler = (msg: unknown, from: string) => void;

export interface Cluster {
  /** This process's id, unique per start. */
  readonly id: string;
  /** False for the single-process cluster: callers may skip work that only other processes would need. */
  readonly shared: boolean;
  /** Sends to every other process subscribed to the channel. */
  publish(channel: string, msg: unknown): void;
  on(channel: string, fn: ClusterHandler): () => void;
  /** A small shared value with a lifetime (who owns ingest, and where). */
  setValue(key: string, value: string, ttlMs: number): Promise<void>;
  getValue(key: string): Promise<string | null>;
  close(): Promise<void>;
}

export function processId(): string {
  return `${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
}

export function localCluster(): Cluster {
  const values = new Map<string, { value: string; until: number }>();
  return {
    id: processId(),
    shared: false,
    publish() {},
    on: () => () => {},
    async setValue(key, value, ttlMs) {
      values.set(key, { value, until: Date.now() + ttlMs });
    },
    async getValue(key) {
      const v = values.get(key);
      return v && v.until > Date.now() ? v.value : null;
    },
    async close() {},
  };
}
