// CLI: `sponsor create` schedules a text slot (images go through the Studio), `sponsor list`, `sponsor report`
// (the figures; the CSV is on the report link), `sponsor share` (a new secret report link; --revoke ends it).
import { flag, has, intFlag, required } from "../cli/args";
import { CommandError, type Command } from "../cli/command";
import { userFlag } from "../cli/lookup";
import { createBus } from "../events/bus";
import { parseUtc, reportJson, slotJson, type Slot } from "./model";
import { createSlot, getSlot, listInstanceSlots, listSlotsOf, revokeReport, shareReport, slotReport } from "./sponsors";

function slotFlag(db: Parameters<typeof getSlot>[0], argv: readonly string[]): Slot {
  const slot = getSlot(db, intFlag(argv, "--id"));
  if (!slot) throw new CommandError(`--id: no sponsor slot ${flag(argv, "--id")}`);
  return slot;
}

const optInt = (argv: readonly string[], name: string, dflt: number) => (flag(argv, name) === undefined ? dflt : intFlag(argv, name));

export const sponsorsCommands: Command[] = [
  {
    name: "sponsor create",
    usage: "sponsor create --owner U --sponsor NAME --text T --link URL --placement player|obs|preroll|banner --starts ISO --ends ISO [--room SLUG | --instance] [--cap N] [--skip S] [--exempt-tier ID]",
    run(argv, { config, db }) {
      const owner = userFlag(db, argv, "--owner");
      const tier = flag(argv, "--exempt-tier");
      const r = createSlot({ db, bus: createBus(), now: Date.now, dataDir: config.dataDir }, owner, {
        roomSlug: flag(argv, "--room") ?? null, instance: has(argv, "--instance"), placement: required(argv, "--placement"), sponsor: required(argv, "--sponsor"),
        text: flag(argv, "--text") ?? "", link: required(argv, "--link"), startsAt: parseUtc(required(argv, "--starts")), endsAt: parseUtc(required(argv, "--ends")),
        capPerDay: optInt(argv, "--cap", 0), skipAfterSeconds: optInt(argv, "--skip", 5), exemptTierId: tier === undefined ? null : intFlag(argv, "--exempt-tier"),
      }, null);
      if (!r.ok) throw new CommandError(r.errors.map((e) => e.message).join("; "));
      return slotJson(r.slot);
    },
  },
  {
    name: "sponsor list",
    usage: "sponsor list [--owner U]   (without --owner: the instance-wide slots)",
    run(argv, { db }) {
      const slots = flag(argv, "--owner") === undefined ? listInstanceSlots(db) : listSlotsOf(db, userFlag(db, argv, "--owner").id);
      return { slots: slots.map(slotJson) };
    },
  },
  {
    name: "sponsor report",
    usage: "sponsor report --id N",
    run(argv, { db }) {
      return reportJson(slotReport(db, slotFlag(db, argv)));
    },
  },
  {
    name: "sponsor share",
    usage: "sponsor share --id N [--revoke]",
    run(argv, { config, db }) {
      const slot = slotFlag(db, argv);
      if (has(argv, "--revoke")) {
        revokeReport(db, slot);
        return { id: slot.id, shared: false };
      }
      const token = shareReport(db, slot);
      return { id: slot.id, shared: true, url: `${config.publicUrl.replace(/\/$/, "")}/sponsor-report/${slot.id}/${token}` };
    },
  },
];
