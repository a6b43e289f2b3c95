// Test fixture for the auctions' own tests and workers: a migrated SQLite file with a seller, a room, products
// and bidders with coins, and an auction environment on a clock the test moves by hand.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getUserById, insertUser } from "../accounts/storage";
import type { User } from "../accounts/model";
import { migrate } from "../db/migrate";
import { openDb } from "../db/open";
import { SCHEMAS } from "../db/schema";
import type { MoneyDb } from "../deps";
import { createBus } from "../events/bus";
import { walletProvider } from "../payments/wallet-provider";
import { createRoom } from "../rooms/rooms";
import type { Room } from "../rooms/model";
import { createProduct } from "../shop/products";
import type { ProductInput } from "../shop/model";
import { creditCoins } from "../wallet/wallet";
import type { AuctionEnv } from "./auctions";
import type { AuctionEvent } from "./model";

export interface Fixture {
  db: MoneyDb;
  path: string;
  env: AuctionEnv;
  clock: { t: number };
  seller: User;
  room: Room;
  events: AuctionEvent[];
  bidder(name: string, coins: number): User;
  product(over?: Partial<ProductInput>): number;
}

/** Opens an environment on an existing fixture file (another process's view of the same database). */
export function envFor(db: MoneyDb, now: () => number, events: AuctionEvent[] = []): AuctionEnv {
  const bus = createBus((m) => console.error(m));
  bus.on("room.event", ({ event }) => {
    if (event.type === "auction") events.push(event);
  });
  const wallet = walletProvider();
  return {
    db, bus, now, shop: { db, bus, now, reservationMs: 15 * 60_000 },
    payment: (currency) => (currency === "COIN" ? { provider: "wallet", charge: wallet.charge } : { provider: "manual", charge: null }),
  };
}

export function auctionFixture(): Fixture {
  const path = join(mkdtempSync(join(tmpdir(), "lh-auction-")), "livehouse.db");
  const db = openDb(path, "money");
  migrate(db, SCHEMAS);
  const clock = { t: 1_000_000 };
  const events: AuctionEvent[] = [];
  const env = envFor(db, () => clock.t, events);
  const seller = insertUser(db, { username: "seller", displayName: "Seller", passwordHash: "x", role: "creator", now: 0 });
  const room = createRoom(db, seller, { title: "Auction room", description: "", category: "shopping", tags: "" }, 0);
  if (!room.ok) throw new Error("fixture: room");
  return {
    db, path, env, clock, seller, room: room.value, events,
    bidder(name, coins) {
      const u = insertUser(db, { username: name, displayName: name, passwordHash: "x", role: "viewer", now: 0 });
      if (coins > 0) creditCoins(db, { userId: u.id, coins, reason: "admin_credit", ref: "fixture" });
      return getUserById(db, u.id)!;
    },
    product(over = {}) {
      const p = createProduct(db, seller, { title: "Signed vinyl", description: "", priceMinor: 100, currency: "COIN", stock: 3, kind: "digital", variants: [], ...over }, 0);
      if (!p.ok) throw new Error("fixture: product");
      return p.value.id;
    },
  };
}
