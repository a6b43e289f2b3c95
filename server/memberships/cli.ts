import { flag, intFlag, required } from "../cli/args";
import { CommandError, type Command } from "../cli/command";
import { userFlag } from "../cli/lookup";
import { createTier } from "./memberships";

export const membershipsCommands: Command[] = [
  {
    name: "membership tier create",
    usage: "membership tier create --owner U --name N --price MINOR --currency CUR [--perks TEXT] [--badge B]",
    run(argv, { moneyDb }) {
      const owner = userFlag(moneyDb, argv, "--owner");
      const r = createTier(moneyDb, owner, { name: required(argv, "--name"), priceMinor: intFlag(argv, "--price"), currency: required(argv, "--currency"), perks: flag(argv, "--perks") ?? "", badge: flag(argv, "--badge") ?? "" }, Date.now());
      if (!r.ok) throw new CommandError(r.message);
      const tr = r.tier;
      return { id: tr.id, owner: tr.creatorUsername, name: tr.name, price: { minor: tr.priceMinor, currency: tr.currency }, perks: tr.perks, badge: tr.badge, url: `/c/${tr.creatorUsername}/memberships` };
    },
  },
];
