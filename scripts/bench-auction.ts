// scripts/bench-auction: one live auction through the whole server — N bidders (each with its own API token; a
// share of them bid over the room's WebSocket, the rest over HTTP) and extra viewer sockets, for a --seconds
// auction with anti-snipe extension. Bidders keep bidding the current minimum (plus a random step, some with a
// proxy maximum) until the original end, so last-second bids extend it. Measures accepted bids/s, bid → 201
// latency, and bid → every viewer socket having seen that bid's price (the event carrying its bid count).
// Afterwards the final state is checked against a replay of the stored bid log through the same applyBid: exactly
// one winner and one order, the highest maximum wins at the replayed price, the escrow is empty, every bidder's
// coins add up, and the wallet check holds. Baseline in the same run: the same bid transaction (placeBid) called
// in-process on its own synchronous=FULL file. Bounded by --max-seconds; only talks to 127.0.0.1.
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { placeBid, startAuction } from "../server/auctions/auctions";
import { applyBid, type BidState } from "../server/auctions/model";
import { escrowAccount, getAuction, listBids } from "../server/auctions/storage";
import { auctionFixture } from "../server/auctions/testing";
import { openDb } from "../server/db/open";
import { checkLedger, creditCoins, getBalance } from "../server/wallet/wallet";
import { startServer } from "../test/helpers/server";
import { WsClient } from "../test/realtime-client";
import { cliOk, seedBuyers } from "../test/shop-helpers";
import { deadline, opt, pct } from "./bench-live-lib";

const BIDDERS = opt("bidders", 1000);
const SECONDS = opt("seconds", 20);
const EXTEND = opt("extend", 2);
const SOCKET_SHARE = opt("socket-percent", 20) / 100;
const VIEWERS = opt("viewers", 50);
const PACE_MS = opt("pace-ms", 4000);
const MAX_SECONDS = opt("max-seconds", 120);
const COINS = 1_000_000;
const STEP = 5;
deadline(MAX_SECONDS * 1000, () => {});

const rand = (n: number) => Math.floor(Math.random() * n);
const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : "n/a");

/** The baseline: placeBid in-process, sequentially, every bid committed (each outbids the last). */
function rawBaseline(bids: number): { perSec: number; p50: number; p99: number } {
  const f = auctionFixture();
  const bidders = Array.from({ length: 50 }, (_, i) => f.bidder(`raw${i}`, COINS));
  f.clock.t = Date.now();
  const r = startAuction(f.env, f.room, { productId: f.product(), variantId: null, startMinor: 100, currency: "COIN", seconds: 3600, reserveMinor: null, extendSeconds: 0, increment: { kind: "fixed", minor: STEP }, suddenDeath: false });
  if (!r.ok) throw new Error(r.refusal.message);
  const lat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < bids; i++) {
    const s = performance.now();
    const b = placeBid(f.env, bidders[i % bidders.length]!, { auctionId: r.auction.id, amountMinor: 100 + i * STEP, maxMinor: null, idempotencyKey: `raw-bid-${i}`, shippingAddress: null });
    if (!b.ok) throw new Error(`baseline bid ${i}: ${b.refusal.message}`);
    lat.push(performance.now() - s);
  }
  const secs = (performance.now() - t0) / 1000;
  f.db.close();
  rmSync(join(f.path, ".."), { recursive: true, force: true });
  return { perSec: bids / secs, p50: pct(lat, 50), p99: pct(lat, 99) };
}

const srv = await startServer();
let failed = false;
try {
  console.log(`bench-auction: ${BIDDERS} bidders (${Math.round(SOCKET_SHARE * 100)} % over the socket) + ${VIEWERS} viewers, ${SECONDS} s auction, extend ${EXTEND} s; ${navigator.hardwareConcurrency} cores; Bun ${Bun.version}; load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  await cliOk(srv, ["user", "create", "--username", "host", "--password", "password1", "--role", "creator"]);
  const hostToken = (await cliOk(srv, ["token", "create", "--username", "host"])).token as string;
  const slug = (await cliOk(srv, ["room", "create", "--owner", "host", "--title", "Bench auction"])).slug as string;
  const productId = (await cliOk(srv, ["product", "create", "--owner", "host", "--title", "Bench lot", "--price", "100", "--currency", "COIN", "--stock", "1", "--kind", "digital"])).id as number;
  const buyers = await seedBuyers(srv.dataDir, BIDDERS, "bidder");
  const money = openDb(join(srv.dataDir, "livehouse.db"), "money");
  money.transaction(() => { for (const b of buyers) creditCoins(money, { userId: b.id, coins: COINS, reason: "admin_credit", ref: "bench" }); })();

  const wsBase = `${srv.url.replace("http", "ws")}/api/v1/rooms/${slug}/events`;
  const socketCount = Math.round(BIDDERS * SOCKET_SHARE);
  const sockets: WsClient[] = [];
  for (let i = 0; i < socketCount; i += 50) sockets.push(...await Promise.all(buyers.slice(i, Math.min(i + 50, socketCount)).map((b) => WsClient.open(`${wsBase}?token=${b.token}`))));
  for (let i = 0; i < VIEWERS; i += 50) sockets.push(...await Promise.all(Array.from({ length: Math.min(50, VIEWERS - i) }, () => WsClient.open(wsBase))));
  // Per viewer socket: when it saw each bid count (the event a bid made carries the auction's bid count after it).
  const seen = sockets.map(() => new Map<number, number>());
  let minNext = 100;
  let endedAt = 0;
  let auctionId = 0;
  sockets.forEach((c, i) => {
    c.ws.onmessage = (m) => {
      const at = performance.now();
      const s = String(m.data);
      if (!s.startsWith('{"type":"auction"') && !s.startsWith('{"type":"bid_result"')) return;
      const e = JSON.parse(s);
      if (e.type === "bid_result") return void c.frames.push(s);
      if (e.auction.id !== auctionId) return;
      if (e.action === "bid") seen[i]!.set(e.auction.bids, at);
      if (e.auction.minNextMinor > minNext) minNext = e.auction.minNextMinor;
      if (e.action === "ended") endedAt = at;
    };
  });

  const startRes = await fetch(`${srv.url}/api/v1/rooms/${slug}/auctions`, {
    method: "POST", headers: { authorization: `Bearer ${hostToken}`, "content-type": "application/json" },
    body: JSON.stringify({ productId, startMinor: 100, currency: "COIN", seconds: SECONDS, extendSeconds: EXTEND, incrementMinor: STEP }),
  });
  const auction = await startRes.json();
  if (startRes.status !== 201) throw new Error(`start: ${JSON.stringify(auction)}`);
  auctionId = auction.id;
  const stopAt = performance.now() + (auction.endsAt - auction.serverNow);
  const t0 = performance.now();

  interface Sent { at: number; bids: number | null; status: number; code: string }
  const sent: Sent[] = [];
  const ackLat: number[] = [];
  const pendingWs = new Map<string, number>();
  sockets.slice(0, socketCount).forEach((c) => {
    const prev = c.ws.onmessage!;
    c.ws.onmessage = (m) => {
      prev.call(c.ws, m);
      const s = String(m.data);
      if (!s.startsWith('{"type":"bid_result"')) return;
      const r = JSON.parse(s);
      const at = pendingWs.get(r.idempotencyKey);
      if (at === undefined) return;
      pendingWs.delete(r.idempotencyKey);
      ackLat.push(performance.now() - at);
      sent.push({ at, bids: r.status === 201 ? r.auction.bids : null, status: r.status, code: r.code });
    };
  });

  let errors = "";
  async function bidder(i: number): Promise<void> {
    const b = buyers[i]!;
    await Bun.sleep(rand(PACE_MS));
    while (performance.now() < stopAt) {
      const amount = minNext + rand(3) * STEP;
      const body = { amountMinor: amount, maxMinor: rand(10) === 0 ? amount + rand(40) * STEP : null, idempotencyKey: `b${i}-${crypto.randomUUID()}` };
      const at = performance.now();
      if (i < socketCount) {
        pendingWs.set(body.idempotencyKey, at);
        sockets[i]!.send({ type: "bid", auctionId, ...body });
      } else {
        const res = await fetch(`${srv.url}/api/v1/auctions/${auctionId}/bids`, { method: "POST", headers: { authorization: `Bearer ${b.token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
        const r = await res.json();
        if (res.status === 422 && !errors) errors = JSON.stringify(r);
        ackLat.push(performance.now() - at);
        sent.push({ at, bids: res.status === 201 ? r.bids : null, status: res.status, code: res.status === 201 ? "lead" : r.code });
      }
      await Bun.sleep(PACE_MS / 2 + rand(PACE_MS));
    }
  }
  await Promise.all(buyers.map((_, i) => bidder(i)));
  // Bidders stop at the original end: that is the bidding window the rates are per.
  const biddingSecs = (stopAt - t0) / 1000;
  if (errors) console.log(`  first 422: ${errors}`);
  const waitUntil = performance.now() + (EXTEND + 5) * 1000;
  while (!endedAt && performance.now() < waitUntil) await Bun.sleep(50);
  await Bun.sleep(200); // the last bid_result answers

  // Bid → every viewer socket saw it.
  const accepted = sent.filter((s) => s.bids !== null);
  const fanout: number[] = [];
  let missing = 0;
  for (const s of accepted) {
    let last = 0;
    for (const m of seen) {
      const t = m.get(s.bids!);
      if (t === undefined) missing++;
      else last = Math.max(last, t);
    }
    fanout.push(last - s.at);
  }
  const byStatus: Record<string, number> = {};
  for (const s of sent) byStatus[`${s.status} ${s.code}`] = (byStatus[`${s.status} ${s.code}`] ?? 0) + 1;

  // The final state against a replay of the bid log.
  const a = getAuction(money, auctionId)!;
  const log = listBids(money, auctionId);
  let st: BidState = { startMinor: a.startMinor, reserveMinor: a.reserveMinor, increment: a.increment, priceMinor: a.startMinor, leaderId: null, leaderMax: null };
  let replayOk = true;
  for (const b of log) {
    const out = applyBid(st, b.bidderId, b.amountMinor, b.maxMinor);
    if (!out.ok || out.priceMinor !== b.priceAfter || out.leaderId !== b.leaderAfter) replayOk = false;
    if (out.ok) st = { ...st, priceMinor: out.priceMinor, leaderId: out.leaderId, leaderMax: out.leaderMax };
  }
  const topMax = Math.max(...log.map((b) => b.maxMinor));
  const firstTop = log.find((b) => b.maxMinor === topMax);
  const orders = money.query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM orders WHERE product_id = ?").get(productId)!.n;
  const escrow = money.query<{ b: number }, [number]>("SELECT balance AS b FROM wallet_accounts WHERE id = ?").get(escrowAccount(money))!.b;
  const coins = buyers.reduce((n, b) => n + getBalance(money, b.id), 0);
  const ledger = checkLedger(money);
  money.close();

  const base = rawBaseline(2000);
  console.log("");
  console.log(`  bids sent ${sent.length} in ${fmt(biddingSecs)} s: ${JSON.stringify(byStatus)}`);
  console.log(`  accepted (stored) bids ${log.length}: ${fmt(log.length / biddingSecs)} bids/s accepted; ${accepted.length} answered 201 (${fmt(accepted.length / biddingSecs)}/s); ${fmt(sent.length / biddingSecs)} attempts/s`);
  console.log(`  bid → answer        p50 ${fmt(pct(ackLat, 50))} ms  p99 ${fmt(pct(ackLat, 99))} ms`);
  console.log(`  bid → all ${sockets.length} viewers  p50 ${fmt(pct(fanout, 50))} ms  p99 ${fmt(pct(fanout, 99))} ms  (missing deliveries: ${missing})`);
  console.log(`  baseline placeBid in-process (synchronous=FULL file): ${fmt(base.perSec, 0)} bids/s  p50 ${fmt(base.p50, 2)} ms  p99 ${fmt(base.p99, 2)} ms`);
  console.log(`  auction: ${a.status}/${a.outcome}, ends ${fmt((a.endsAt - auction.endsAt) / 1000)} s after the original end (extensions), hammer ${a.priceMinor}, winner ${a.winnerId}, order ${a.orderId}`);
  const checks = {
    replayMatches: replayOk && st.priceMinor === a.priceMinor && st.leaderId === a.leaderId,
    oneWinnerOneOrder: a.status === "ended" && a.outcome === "sold" && a.winnerId === st.leaderId && orders === 1,
    highestMaxWins: firstTop?.bidderId === a.winnerId,
    noHoldLeaked: escrow === 0 && coins === BIDDERS * COINS - a.priceMinor,
    ledgerBalanced: ledger.ok,
    everyViewerSawEveryBid: missing === 0,
  };
  console.log(`  checks: ${Object.entries(checks).map(([k, v]) => `${k} ${v ? "OK" : "WRONG"}`).join(", ")}`);
  console.log(`  load after: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  failed = !Object.values(checks).every(Boolean);
  for (const c of sockets) c.close();
} finally {
  await srv.stop();
  rmSync(srv.dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
