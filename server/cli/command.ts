import type { Config } from "../config";
import type { AppDb, MoneyDb } from "../deps";

export interface CliDeps {
  config: Config;
  db: AppDb;
  moneyDb: MoneyDb;
}

/** An admin subcommand: its result is printed as JSON on stdout; throwing prints the message on stderr, exit 1. */
export interface Command {
  name: string;
  usage: string;
  run(argv: readonly string[], deps: CliDeps): Promise<unknown> | unknown;
}

/** A failure the user caused (unknown user, bad value): printed as one line, exit 1. */
export class CommandError extends Error {}
