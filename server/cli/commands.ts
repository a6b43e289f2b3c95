// The table of admin subcommands; each domain contributes its own list.
import { accountsCommands } from "../accounts/cli";
import { chatCommands } from "../chat/cli";
import { backupTo } from "../db/backup";
import { roomsCommands } from "../rooms/cli";
import { mediaCommands } from "../media/cli";
import { shopCommands } from "../shop/cli";
import { walletCommands } from "../wallet/cli";
import { giftsCommands } from "../gifts/cli";
import { webhooksCommands } from "../webhooks/cli";
import { classesCommands } from "../classes/cli";
import { membershipsCommands } from "../memberships/cli";
import { accessCommands } from "../access/cli";
import { insightsCommands } from "../insights/cli";
import { sponsorsCommands } from "../sponsors/cli";
import { required } from "./args";
import { CommandError, type Command } from "./command";

const backupCommand: Command = {
  name: "backup",
  usage: "backup --to FILE",
  run(argv, { db }) {
    const to = required(argv, "--to");
    try {
      return backupTo(db, to);
    } catch (err) {
      // An existing file or a folder SQLite cannot write: the operator's to fix, so one line, not a stack.
      throw new CommandError(`--to: ${err instanceof Error ? err.message.replace(/^backup: /, "") : String(err)}`);
    }
  },
};

export const COMMANDS: readonly Command[] = [...accountsCommands, ...roomsCommands, ...mediaCommands, ...shopCommands, ...walletCommands, ...giftsCommands, ...chatCommands, ...webhooksCommands, ...classesCommands, ...membershipsCommands, ...accessCommands, ...insightsCommands, ...sponsorsCommands, backupCommand];
