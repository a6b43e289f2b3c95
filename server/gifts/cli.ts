import { flag, intFlag, required } from "../cli/args";
import { CommandError, type Command } from "../cli/command";
import { createGift } from "./gifts";

export const giftsCommands: Command[] = [
  {
    name: "gift create",
    usage: "gift create --name N --coins C [--tier 1-4]",
    run(argv, { moneyDb }) {
      const tier = flag(argv, "--tier");
      if (tier !== undefined && !/^[1-4]$/.test(tier)) throw new CommandError("--tier must be 1, 2, 3 or 4");
      const r = createGift(moneyDb, { name: required(argv, "--name"), coins: intFlag(argv, "--coins"), tier: tier ? Number(tier) : undefined });
      if (!r.ok) {
        const text: Record<string, string> = { name: "--name must be 1-40 characters", coins: "--coins must be an integer from 1 to 1000000", tier: "--tier must be 1-4" };
        throw new CommandError(r.errors.map((e) => text[e.field] ?? e.field).join("; "));
      }
      const { id, name, coins, tier: t, active } = r.value;
      return { id, name, coins, tier: t, active };
    },
  },
];
