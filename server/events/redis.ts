// The Cluster over Redis pub/sub, with Bun's built-in client (RedisClient). Chosen on evidence against Debian's
// redis-server 7.0.15 (Bun documents ≥ 7.2; docs/operations.md has the measurements): RESP3, pub/sub and
// reconnects work, but after a redis-server restart the client reconnects WITHOUT its subscriptions (PUBSUB
// NUMSUB 0, no onclose), so every reconnect unsubscribes and subscribes its channel again (unsubscribing first
// keeps a listener from being called twice). A subscribed connection can run nothing else: publishing and the
// shared values use a second connection. Messages published while Redis is down are dropped (at most once):
// they are notifications of writes that SQLite already holds.
// Every channel travels on one Redis channel, and the messages a process publishes in one turn of its event loop
// go out as one PUBLISH, in order: a busy room's chat sent two publishes a message (the event and the rate-limit
// hit) and the other process a read and a parse for each (docs/operations.md, "Measured").
import { RedisClient } from "bun";
import { ConfigError } from "../config";
import { processId, type Cluster, type ClusterHandler } from "./cluster";

const PREFIX = "livehouse:";
const BUS = `${PREFIX}bus`;
/** Bun's client gives up after maxRetries and only then runs onclose; from there we retry ourselves. */
const RETRY_MS = 1_000;
const FIRST_CONNECT_MS = 5_000;
/** One line per outage, not one per dropped message. */
const QUIET_MS = 10_000;

/** From whom, and the turn's messages as [channel, message] in the order published. */
interface Envelope {
  f: string;
  b: [string, unknown][];
}

export async function createRedisCluster(url: string, log: (msg: string) => void): Promise<Cluster> {
  const id = processId();
  const opts = { autoReconnect: true, maxRetries: 100, enableOfflineQueue: false, connectionTimeout: 5_000 };
  const sub = new RedisClient(url, opts);
  const cmd = new RedisClient(url, opts);
  const handlers = new Map<string, Set<ClusterHandler>>();
  let closed = false;
  let lastComplaint = 0;

  function complain(what: string, err: unknown): void {
    const now = Date.now();
    if (now - lastComplaint < QUIET_MS) return;
    lastComplaint = now;
    log(`redis: ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }

  function listener(message: string): void {
    let env: Envelope;
    try {
      env = JSON.parse(message) as Envelope;
    } catch {
      return complain("bad message", message.slice(0, 80));
    }
    if (env.f === id || !Array.isArray(env.b)) return;
    for (const item of env.b) {
      if (!Array.isArray(item) || typeof item[0] !== "string") continue;
      for (const h of handlers.get(item[0]) ?? []) {
        try {
          h(item[1], env.f);
        } catch (err) {
          log(`redis: handler for ${item[0]} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
  }

  async function subscribe(again: boolean): Promise<void> {
    try {
      if (again) await sub.unsubscribe(BUS);
      await sub.subscribe(BUS, listener);
    } catch (err) {
      complain("subscribing", err);
    }
  }

  let outbox: [string, unknown][] = [];

  function sendOutbox(): void {
    if (outbox.length === 0) return;
    const data = JSON.stringify({ f: id, b: outbox } satisfies Envelope);
    outbox = [];
    cmd.publish(BUS, data).catch((err) => complain("publish dropped", err));
  }

  function keepConnected(client: RedisClient, onReconnect: () => void): void {
    let connects = 0;
    client.onconnect = () => {
      if (++connects > 1) {
        log("redis: reconnected");
        onReconnect();
      }
    };
    client.onclose = (err) => {
      if (closed) return;
      complain("connection lost", err);
      const retry = () => {
        if (closed) return;
        client.connect().catch(() => setTimeout(retry, RETRY_MS));
      };
      setTimeout(retry, RETRY_MS);
    };
  }

  keepConnected(sub, () => void subscribe(true));
  keepConnected(cmd, () => {});
  try {
    // With autoReconnect the first connect() keeps retrying a refused address: a start waits FIRST_CONNECT_MS at most.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no connection within ${FIRST_CONNECT_MS / 1000} s`)), FIRST_CONNECT_MS)));
    await Promise.race([Promise.all([sub.connect(), cmd.connect()]), late]).finally(() => clearTimeout(timer));
  } catch (err) {
    closed = true;
    sub.close();
    cmd.close();
    // The URL may carry a password: name the host only.
    const where = URL.canParse(url) ? new URL(url).host : "the given address";
    throw new ConfigError(`--redis-url: cannot connect to ${where} (${err instanceof Error ? err.message : String(err)})`);
  }
  await subscribe(false);

  return {
    id,
    shared: true,
    publish(channel, msg) {
      if (outbox.length === 0) setImmediate(sendOutbox);
      outbox.push([channel, msg]);
    },
    on(channel, fn) {
      let set = handlers.get(channel);
      if (!set) handlers.set(channel, (set = new Set()));
      set.add(fn);
      return () => void set.delete(fn);
    },
    async setValue(key, value, ttlMs) {
      await cmd.send("SET", [PREFIX + key, value, "PX", String(ttlMs)]);
    },
    async getValue(key) {
      const v = await cmd.get(PREFIX + key);
      return v ?? null;
    },
    async close() {
      sendOutbox();
      closed = true;
      sub.close();
      cmd.close();
    },
  };
}
