import { userFlag } from "../cli/lookup";
import { flag, intFlag } from "../cli/args";
import { CommandError, type Command } from "../cli/command";
import { WalletError } from "./model";
import { checkLedger, creditCoins, getBalance, MAX_COINS } from "./wallet";

/** A reused --key with another amount is the operator's mistake: say so in one line. */
function credit<T>(fn: () => T, key: string | undefined): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof WalletError) throw new CommandError(`--key: "${key}" was already used for a credit with other content; pick a new key to credit again`);
    throw err;
  }
}

export const walletCommands: Command[] = [
  {
    name: "wallet credit",
    usage: "wallet credit --username U --coins N [--key IDEMPOTENCY_KEY]",
    run(argv, { db, moneyDb }) {
      const user = userFlag(db, argv, "--username");
      const coins = intFlag(argv, "--coins");
      if (coins < 1 || coins > MAX_COINS) throw new CommandError(`--coins must be between 1 and ${MAX_COINS}`);
      const key = flag(argv, "--key");
      const r = credit(() => creditCoins(moneyDb, { userId: user.id, coins, reason: "admin_credit", ref: "cli", idempotencyKey: key ? `cli:${key}` : undefined }), key);
      return { username: user.username, credited: r.replay ? 0 : coins, balance: r.balance, transaction: r.entryId, replay: r.replay };
    },
  },
  {
    name: "wallet balance",
    usage: "wallet balance --username U",
    run(argv, { db, moneyDb }) {
      const user = userFlag(db, argv, "--username");
      return { username: user.username, coins: getBalance(moneyDb, user.id) };
    },
  },
  {
    name: "wallet check",
    usage: "wallet check",
    run(_argv, { moneyDb }) {
      const r = checkLedger(moneyDb);
      if (!r.ok) throw new CommandError(`ledger does not hold:\n  ${r.problems.join("\n  ")}`);
      return r;
    },
  },
];
