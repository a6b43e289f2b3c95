// The server's clock ends auctions: one timer per running auction, armed at its end time. A late bid moves the
// end in the database only; when the timer fires early relative to the new end it simply re-arms, so extensions
// need no coordination. On start every running auction is re-armed (one whose end passed while the server was
// down ends at once), so a restart never loses or doubles an ending: endAuction's status move is the guard.
import type { Service } from "../deps";
import { endAuction, getAuction, listRunning, type AuctionEnv } from "./auctions";
import type { Auction } from "./model";

export interface AuctionClock extends Service {
  arm(a: Pick<Auction, "id" | "endsAt">): void;
}

export function auctionClock(env: AuctionEnv, log: (msg: string) => void): AuctionClock {
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let running = false;

  function arm(a: Pick<Auction, "id" | "endsAt">): void {
    if (!running) return;
    clearTimeout(timers.get(a.id));
    timers.set(a.id, setTimeout(() => fire(a.id), Math.max(0, a.endsAt - env.now())));
  }

  function fire(id: number): void {
    timers.delete(id);
    let retryMs = 1;
    try {
      if (endAuction(env, id, "timer")) return;
    } catch (err) {
      retryMs = 1000;
      log(`auctions: ending auction ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    // Not due yet (a late bid extended it), or a failed attempt: look again at its current end.
    const a = getAuction(env.db, id);
    if (a?.status === "running") arm({ id, endsAt: Math.max(a.endsAt, env.now() + retryMs) });
  }

  return {
    name: "auctions.clock",
    arm,
    start() {
      running = true;
      for (const a of listRunning(env.db)) arm(a);
    },
    stop() {
      running = false;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
