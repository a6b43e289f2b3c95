// One of several processes hammering the same SQLite ledger file (spawned by wallet-ledger.test.ts).
// argv: dbPath seed ops userIds(comma). Prints one JSON line per operation.
import { openDb } from "../server/db/open";
import { creditCoins, requestHash, transferCoins } from "../server/wallet/wallet";

const [path, seedArg, opsArg, usersArg] = process.argv.slice(2);
const users = usersArg!.split(",").map(Number);
let seed = Number(seedArg);
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return (seed >>> 8) % n;
};
const db = openDb(path!, "money");
const out: string[] = [];
for (let i = 0; i < Number(opsArg); i++) {
  const payerId = users[rand(users.length)]!;
  if (rand(10) === 0) {
    const coins = 1 + rand(20);
    const r = creditCoins(db, { userId: payerId, coins, reason: "admin_credit", ref: "" });
    out.push(JSON.stringify({ op: "credit", userId: payerId, coins, replay: r.replay }));
    continue;
  }
  const to = users[rand(users.length)]!;
  const coins = 1 + rand(15);
  const creator = Math.floor((coins * 70) / 100);
  // A small key pool per payer makes replays and conflicts common, within and across processes.
  const key = `k${rand(60)}`;
  const content = { to, coins };
  const r = transferCoins(db, {
    payerId, legs: [{ userId: to, coins: creator }, { userId: "platform", coins: coins - creator }],
    reason: "gift", ref: "", idempotencyKey: key, requestHash: requestHash(content),
  });
  out.push(JSON.stringify({ op: "transfer", payerId, to, coins, creator, key, hash: requestHash(content), r }));
}
console.log(out.join("\n"));
