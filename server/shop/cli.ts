import { flag, intFlag, required } from "../cli/args";
import { CommandError, fieldErrors, type Command } from "../cli/command";
import { userFlag } from "../cli/lookup";
import { createProduct } from "./products";

export const shopCommands: Command[] = [
  {
    name: "product create",
    usage: "product create --owner U --title T --price MINOR --currency CUR --stock N [--kind physical|digital] [--description D]",
    run(argv, { moneyDb }) {
      const owner = userFlag(moneyDb, argv, "--owner");
      if (owner.role === "viewer") throw new CommandError(`--owner: "${owner.username}" is a ${owner.role}; only creators and admins sell`);
      const kind = flag(argv, "--kind") ?? "physical";
      if (kind !== "physical" && kind !== "digital") throw new CommandError("--kind must be physical or digital");
      const r = createProduct(moneyDb, owner, {
        title: required(argv, "--title"), description: flag(argv, "--description") ?? "", priceMinor: intFlag(argv, "--price"),
        currency: required(argv, "--currency"), stock: intFlag(argv, "--stock"), kind, variants: [],
      }, Date.now());
      if (!r.ok) throw fieldErrors(r.errors, { price: "--price: give the price in minor units (cents), an integer from 0", stock: "--stock: give a whole number, 0 or more" });
      const p = r.value;
      return { id: p.id, title: p.title, price: { minor: p.priceMinor, currency: p.currency }, stock: p.stock, kind: p.kind, owner: p.ownerUsername, url: `/shop/p/${p.id}` };
    },
  },
];
