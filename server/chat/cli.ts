import { flag, required } from "../cli/args";
import { CommandError, type Command } from "../cli/command";
import type { Database } from "bun:sqlite";
import { roomBySlug } from "../cli/lookup";
import * as store from "./storage";

/** --room SLUG targets one room's list; without it, the global list every room also applies. */
function roomOf(db: Database, argv: readonly string[]): number | null {
  const slug = flag(argv, "--room");
  if (slug === undefined) return null;
  return roomBySlug(db, slug).id;
}

function termOf(argv: readonly string[]): string {
  const term = required(argv, "--term").trim();
  if (term.length > 100) throw new CommandError("--term must be at most 100 characters");
  return term;
}

export const chatCommands: Command[] = [
  {
    name: "chat term-add",
    usage: "chat term-add --term T [--room SLUG]   (banned term; global without --room)",
    run(argv, { db }) {
      const roomId = roomOf(db, argv);
      store.addTerm(db, roomId, termOf(argv), Date.now());
      return { scope: roomId === null ? "global" : "room", terms: store.listTerms(db, roomId).map((x) => x.term) };
    },
  },
  {
    name: "chat term-remove",
    usage: "chat term-remove --term T [--room SLUG]",
    run(argv, { db }) {
      const roomId = roomOf(db, argv);
      const term = termOf(argv);
      if (!store.removeTerm(db, roomId, term)) throw new CommandError(`term "${term}" is not on the ${roomId === null ? "global" : "room"} list`);
      return { scope: roomId === null ? "global" : "room", terms: store.listTerms(db, roomId).map((x) => x.term) };
    },
  },
  {
    name: "chat terms",
    usage: "chat terms [--room SLUG]",
    run(argv, { db }) {
      const roomId = roomOf(db, argv);
      return { scope: roomId === null ? "global" : "room", terms: store.listTerms(db, roomId).map((x) => x.term) };
    },
  },
];
