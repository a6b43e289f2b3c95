import { required, flag } from "../cli/args";
import { CommandError, fieldErrors, type Command } from "../cli/command";
import { userFlag } from "../cli/lookup";
import { createAccessToken, createUser } from "./accounts";
import { ROLES, type Role } from "./model";

export const accountsCommands: Command[] = [
  {
    name: "user create",
    usage: "user create --username U --password P --role admin|creator|viewer [--display-name N]",
    async run(argv, { db }) {
      const role = required(argv, "--role");
      if (!ROLES.includes(role as Role)) throw new CommandError(`--role must be one of ${ROLES.join(", ")}`);
      const r = await createUser(db, {
        username: required(argv, "--username"), password: required(argv, "--password"),
        displayName: flag(argv, "--display-name"), role: role as Role,
      });
      if (!r.ok) throw fieldErrors(r.errors);
      return { id: r.value.id, username: r.value.username, role: r.value.role };
    },
  },
  {
    name: "token create",
    usage: "token create --username U [--name N]",
    run(argv, { db }) {
      const user = userFlag(db, argv, "--username");
      const { token, id } = createAccessToken(db, user.id, flag(argv, "--name") ?? "cli");
      return { token, id, username: user.username };
    },
  },
];
