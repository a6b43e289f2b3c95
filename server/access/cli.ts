// Admin subcommands of the access domain: a room's access mode, and the media-token secret for an nginx edge.
import { flag } from "../cli/args";
import { CommandError, fieldErrors, type Command, type CliDeps } from "../cli/command";
import { roomFlag } from "../cli/lookup";
import { createBus } from "../events/bus";
import { createAccess } from "./access";
import { NO_ENTITLEMENTS } from "./entitlements";
import { ACCESS_MODES, isReplayMode, REPLAY_MODES } from "./model";
import { accessByBroadcast } from "./storage";

function accessOf({ config, db, moneyDb }: CliDeps) {
  return createAccess({ config, db, moneyDb, bus: createBus(() => {}), now: Date.now, log: () => {} }, NO_ENTITLEMENTS);
}

export const accessCommands: Command[] = [
  {
    name: "room access",
    usage: "room access --room SLUG --mode public|password|members|ticket [--password P] [--min-tier ID] [--preview-minutes N]",
    async run(argv, deps) {
      const room = roomFlag(deps.db, argv);
      const mode = flag(argv, "--mode");
      if (mode === undefined) throw new CommandError(`--mode is required: one of ${ACCESS_MODES.join(", ")}`);
      const tier = flag(argv, "--min-tier");
      const preview = flag(argv, "--preview-minutes");
      const toInt = (s: string | undefined) => (s === undefined ? undefined : /^\d{1,9}$/.test(s) ? Number(s) : -1);
      const r = await accessOf(deps).setRoomAccess(room, { mode, password: flag(argv, "--password"), minTierId: toInt(tier) ?? null, previewMinutes: toInt(preview) });
      if (!r.ok) throw fieldErrors(r.errors, { mode: `--mode must be one of ${ACCESS_MODES.join(", ")}` });
      const { mode: m, passwordVersion, minTierId, previewMinutes } = r.value;
      return { slug: room.slug, mode: m, passwordVersion, minTierId, previewMinutes };
    },
  },
  {
    name: "replay access",
    usage: "replay access --replay ID --mode inherit|public|ppv",
    run(argv, deps) {
      const raw = flag(argv, "--replay") ?? "";
      const id = /^[1-9]\d{0,11}$/.test(raw) ? Number(raw) : 0;
      if (!id || !accessByBroadcast(deps.db, id)) throw new CommandError(`no replay "${raw}"`);
      const mode = flag(argv, "--mode") ?? "";
      if (!isReplayMode(mode)) throw new CommandError(`--mode must be one of ${REPLAY_MODES.join(", ")}`);
      accessOf(deps).setReplayMode(id, mode);
      return { replay: id, mode };
    },
  },
  {
    name: "access secret",
    usage: "access secret",
    run(_argv, deps) {
      return { secret: accessOf(deps).secret, ttlSeconds: deps.config.mediaTokenTtlSeconds };
    },
  },
];
