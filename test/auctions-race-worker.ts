// One of several processes bidding in the same auction on the same SQLite file (spawned by server/auctions/auctions.test.ts):
// each bid is the real placeBid transaction, so the processes contend for the write lock like servers would.
// argv: dbPath auctionId seed bids bidderIds(comma). Prints one JSON line per bid.
import { getUserById } from "../server/accounts/storage";
import { openDb } from "../server/db/open";
import { placeBid } from "../server/auctions/auctions";
import { getAuction } from "../server/auctions/storage";
import { minNextBid } from "../server/auctions/model";
import { envFor } from "../server/auctions/testing";

const [path, auctionArg, seedArg, bidsArg, usersArg] = process.argv.slice(2);
const db = openDb(path!, "money");
const env = envFor(db, Date.now);
const bidders = usersArg!.split(",").map((id) => getUserById(db, Number(id))!);
const auctionId = Number(auctionArg);
let seed = Number(seedArg);
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return (seed >>> 8) % n;
};
const out: string[] = [];
for (let i = 0; i < Number(bidsArg); i++) {
  const who = bidders[rand(bidders.length)]!;
  // Read the minimum outside the transaction: by the time the bid runs another process may have moved it.
  const min = minNextBid(getAuction(db, auctionId)!);
  const amount = min + rand(3) * 5;
  const max = rand(4) === 0 ? amount + rand(200) : null;
  const r = placeBid(env, who, { auctionId, amountMinor: amount, maxMinor: max, idempotencyKey: `w${seedArg}-${i}-bid`, shippingAddress: null });
  out.push(JSON.stringify({ ok: r.ok, code: r.ok ? (r.lead ? "lead" : "outbid") : r.refusal.code }));
}
console.log(out.join("\n"));
