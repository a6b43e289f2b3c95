import type { Config } from "../config";
import { translator, type MessageKey } from "../i18n";
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

const english = translator("en");

/**
 * A domain validator's field errors as one CommandError in the words the web form uses, each naming its flag
 * (`displayName` → `--display-name`); `words` replaces a form's wording where a flag takes another shape.
 */
export function fieldErrors(errors: readonly { field: string; message: MessageKey }[], words: Partial<Record<string, string>> = {}): CommandError {
  const flagOf = (field: string) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return new CommandError(errors.map((e) => words[e.field] ?? `${flagOf(e.field)}: ${english(e.message)}`).join("; "));
}
