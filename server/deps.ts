// The kernel every layer may import: what the composition root (server/app.tsx) builds once and passes down.
import type { Database } from "bun:sqlite";
import type { Config } from "./config";
import type { Bus } from "./events/bus";
import type { Cluster } from "./events/cluster";

declare const purpose: unique symbol;

/**
 * The two SQLite connections, told apart by the type system (server/db/open.ts is the only place that makes them).
 * AppDb is synchronous=NORMAL (fast; may lose the last commits on power loss). MoneyDb is synchronous=FULL: every
 * write that moves money, stock, seats or bids takes a MoneyDb, so it cannot be handed the NORMAL connection.
 * Both are plain Databases for reading.
 */
export type AppDb = Database & { readonly [purpose]: "app" };
export type MoneyDb = Database & { readonly [purpose]: "money" };

/** Something with a lifecycle that server/app.tsx starts in order and stops in reverse order. */
export interface Service {
  name: string;
  start(): Promise<void> | void;
  /**
   * Called before the HTTP server stops accepting: Bun's server.stop() waits for open sockets, so a service that
   * holds long-lived sockets (room pages, OBS overlays) closes them here.
   */
  beforeStop?(): void;
  stop(): Promise<void> | void;
}

/** Everything a domain may need, built once in server/app.tsx and passed down. */
export interface Deps {
  config: Config;
  db: AppDb;
  /** synchronous=FULL connection for writes that move money, stock or seats. */
  moneyDb: MoneyDb;
  bus: Bus;
  now: () => number;
  log: (msg: string) => void;
  /** The other processes of this host (--redis-url); absent or local when this process is alone. */
  cluster?: Cluster;
}
