// Admin subcommands of the media domain: the per-room ladder.
import { flag, has } from "../cli/args";
import { CommandError, type Command } from "../cli/command";
import { roomFlag } from "../cli/lookup";
import { parseLadder } from "../config";
import { getRoomLadder, setRoomLadder } from "./storage";

export const mediaCommands: Command[] = [
  {
    name: "room ladder",
    usage: "room ladder --room SLUG [--ladder 720,480,360 | --default]",
    run(argv, { db, config }) {
      const room = roomFlag(db, argv);
      const raw = flag(argv, "--ladder");
      if (raw !== undefined && has(argv, "--default")) throw new CommandError("give either --ladder or --default");
      if (raw !== undefined) {
        const heights = parseLadder(raw);
        if (!heights) throw new CommandError(`--ladder: "${raw}" must list rung heights like 720,480,360 (144-2160, even)`);
        setRoomLadder(db, room.id, heights.join(","));
      } else if (has(argv, "--default")) {
        setRoomLadder(db, room.id, null);
      }
      const own = getRoomLadder(db, room.id);
      return { slug: room.slug, ladder: (parseLadder(own ?? config.ladder) ?? []).map((h) => `${h}p`), default: own === null, appliesFrom: "the next publish" };
    },
  },
];
