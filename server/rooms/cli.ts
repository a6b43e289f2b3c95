import { flag, has, required } from "../cli/args";
import { fieldErrors, type Command } from "../cli/command";
import { roomFlag, userFlag } from "../cli/lookup";
import { CATEGORIES } from "./model";
import * as rooms from "./rooms";

export const roomsCommands: Command[] = [
  {
    name: "room create",
    usage: "room create --owner U --title T [--description D] [--category C] [--tags a,b]",
    run(argv, { db }) {
      const owner = userFlag(db, argv, "--owner");
      const r = rooms.createRoom(db, owner, {
        title: required(argv, "--title"), description: flag(argv, "--description") ?? "",
        category: flag(argv, "--category") ?? "just-chatting", tags: flag(argv, "--tags") ?? "",
      });
      if (!r.ok) throw fieldErrors(r.errors, { category: `--category must be one of ${CATEGORIES.join(", ")}`, owner: `--owner: "${owner.username}" is a ${owner.role}; only creators and admins open rooms` });
      const { id, slug, title, streamKey } = r.value;
      return { id, slug, title, streamKey, url: `/r/${slug}` };
    },
  },
  {
    name: "room key",
    usage: "room key --room SLUG [--rotate]",
    run(argv, { db }) {
      const room = roomFlag(db, argv);
      const rotate = has(argv, "--rotate");
      const streamKey = rotate ? rooms.rotateStreamKey(db, room.id) : rooms.getStreamKey(db, room.id)!;
      return { slug: room.slug, streamKey, rotated: rotate };
    },
  },
];
