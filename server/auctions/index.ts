// The auctions domain's surface for server/app.tsx: the clock that ends auctions (a service), the routes, and the
// "bid" action of the room sockets. The shop is handed in (its order environment and payment providers), so the
// winner's order goes through the shop's own order flow.
import type { User } from "../accounts/model";
import type { Deps } from "../deps";
import type { Room } from "../rooms/model";
import type { Shop } from "../shop/service";
import { endAuction, placeBid, startAuction, type AuctionEnv } from "./auctions";
import { auctionClock } from "./clock";
import { auctionsRoutes, type AuctionsPort } from "./routes";

export function createAuctions(deps: Deps, parts: { shop: Shop; canWatch: (room: Room, user: User | null) => boolean }) {
  const { shop } = parts;
  const env: AuctionEnv = {
    db: deps.moneyDb, bus: deps.bus, now: deps.now, shop: shop.env,
    payment: (currency) => (currency === "COIN" ? { provider: "wallet", charge: shop.providers.wallet.charge } : { provider: "manual", charge: null }),
  };
  const clock = auctionClock(env, deps.log);
  const port: AuctionsPort = {
    start(room, input) {
      const r = startAuction(env, room, input);
      if (r.ok) clock.arm(r.auction);
      return r;
    },
    end: (id, how) => endAuction(env, id, how),
    bid: (user, input) => placeBid(env, user, input),
  };
  const { routes, bidAction } = auctionsRoutes({ ...deps, auctions: port, canWatch: parts.canWatch });
  return { services: [clock], routes: () => routes, actions: { bid: bidAction } };
}
