import type { Database } from "bun:sqlite";
import type { Config } from "../config";
import type { Bus } from "../events/bus";

/** Everything a route plugin may need, built once in app.ts and passed down. */
export interface Deps {
  config: Config;
  db: Database;
  /** synchronous=FULL connection for writes that move money or stock. */
  moneyDb: Database;
  bus: Bus;
  now: () => number;
  log: (msg: string) => void;
}
