import { flag, has, required } from "../cli/args";
import { CommandError, fieldErrors, type Command } from "../cli/command";
import { roomFlag, userFlag } from "../cli/lookup";
import { CATEGORIES, isLatencyMode, latencyOf } from "./model";
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
    name: "room latency",
    usage: "room latency --room SLUG [--mode standard|low | --default]",
    run(argv, { db, config }) {
      const room = roomFlag(db, argv);
      const mode = flag(argv, "--mode");
      if (mode !== undefined && has(argv, "--default")) throw new CommandError("give either --mode or --default");
      if (mode !== undefined && !isLatencyMode(mode)) throw new CommandError(`--mode: "${mode}" must be standard or low`);
      if (mode !== undefined || has(argv, "--default")) rooms.setLatencyMode(db, room.id, mode ?? null);
      const updated = rooms.getRoomById(db, room.id)!;
      return { slug: room.slug, mode: latencyOf(updated, config.latencyMode), default: updated.latency === null, appliesFrom: "the next publish" };
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
