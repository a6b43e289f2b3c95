// Flags that name a user or a room, resolved the same way by every subcommand.
import type { Database } from "bun:sqlite";
import { getUserByUsername } from "../accounts/accounts";
import type { User } from "../accounts/model";
import type { Room } from "../rooms/model";
import { getRoomBySlug } from "../rooms/rooms";
import { required } from "./args";
import { CommandError } from "./command";

export function userFlag(db: Database, argv: readonly string[], name: string): User {
  const username = required(argv, name);
  const user = getUserByUsername(db, username);
  if (!user) throw new CommandError(`no user "${username}"`);
  return user;
}

export function roomBySlug(db: Database, slug: string): Room {
  const room = getRoomBySlug(db, slug);
  if (!room) throw new CommandError(`no room "${slug}"`);
  return room;
}

export function roomFlag(db: Database, argv: readonly string[], name = "--room"): Room {
  return roomBySlug(db, required(argv, name));
}
