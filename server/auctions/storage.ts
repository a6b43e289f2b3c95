// The only file of the auctions domain with SQL.
import type { Database } from "bun:sqlite";
import type { Auction, AuctionOutcome, BidRecord, IncrementRule } from "./model";

interface AuctionRow {
  id: number; room_id: number; seller_id: number; product_id: number; variant_id: number | null; title: string; currency: string;
  start_minor: number; reserve_minor: number | null; increment_kind: "fixed" | "percent"; increment_value: number; extend_ms: number;
  sudden_death: number; status: "running" | "ended"; price_minor: number; leader_id: number | null; leader_name: string | null;
  leader_max: number | null; hold_tx: number | null; bids: number; version: number; started_at: number; ends_at: number;
  ended_at: number | null; outcome: AuctionOutcome | null; winner_id: number | null; winner_name: string | null; order_id: number | null; room_slug: string;
}

const SELECT = `SELECT a.*, r.slug AS room_slug, l.display_name AS leader_name, w.display_name AS winner_name FROM auctions a
  JOIN rooms r ON r.id = a.room_id LEFT JOIN users l ON l.id = a.leader_id LEFT JOIN users w ON w.id = a.winner_id`;

function toAuction(r: AuctionRow): Auction {
  return {
    id: r.id, roomId: r.room_id, roomSlug: r.room_slug, sellerId: r.seller_id, productId: r.product_id, variantId: r.variant_id, title: r.title, currency: r.currency,
    startMinor: r.start_minor, reserveMinor: r.reserve_minor,
    increment: r.increment_kind === "fixed" ? { kind: "fixed", minor: r.increment_value } : { kind: "percent", percent: r.increment_value },
    extendMs: r.extend_ms, suddenDeath: r.sudden_death === 1, status: r.status, priceMinor: r.price_minor, leaderId: r.leader_id,
    leaderName: r.leader_name, leaderMax: r.leader_max, holdTx: r.hold_tx, bids: r.bids, version: r.version, startedAt: r.started_at,
    endsAt: r.ends_at, endedAt: r.ended_at, outcome: r.outcome, winnerId: r.winner_id, winnerName: r.winner_name, orderId: r.order_id,
  };
}

export function escrowAccount(db: Database): number {
  const r = db.query<{ a: number }, []>("SELECT account_id AS a FROM auction_escrow WHERE id = 1").get();
  if (!r) throw new Error("auctions: the escrow account is missing (migration not applied?)");
  return r.a;
}

export function getAuction(db: Database, id: number): Auction | null {
  const r = db.query<AuctionRow, [number]>(`${SELECT} WHERE a.id = ?`).get(id);
  return r ? toAuction(r) : null;
}

export function runningInRoom(db: Database, roomId: number): Auction | null {
  const r = db.query<AuctionRow, [number]>(`${SELECT} WHERE a.room_id = ? AND a.status = 'running'`).get(roomId);
  return r ? toAuction(r) : null;
}

/** The room's running auction, else its most recent one. */
export function latestInRoom(db: Database, roomId: number): Auction | null {
  const r = db.query<AuctionRow, [number]>(`${SELECT} WHERE a.room_id = ? ORDER BY a.status = 'running' DESC, a.id DESC LIMIT 1`).get(roomId);
  return r ? toAuction(r) : null;
}

export function listInRoom(db: Database, roomId: number, limit: number): Auction[] {
  return db.query<AuctionRow, [number, number]>(`${SELECT} WHERE a.room_id = ? ORDER BY a.id DESC LIMIT ?`).all(roomId, limit).map(toAuction);
}

export function listRunning(db: Database): Auction[] {
  return db.query<AuctionRow, []>(`${SELECT} WHERE a.status = 'running' ORDER BY a.ends_at`).all().map(toAuction);
}

function incrementCols(rule: IncrementRule): [string, number] {
  return rule.kind === "fixed" ? ["fixed", rule.minor] : ["percent", rule.percent];
}

export function insertAuction(db: Database, a: {
  roomId: number; sellerId: number; productId: number; variantId: number | null; title: string; currency: string; startMinor: number;
  reserveMinor: number | null; increment: IncrementRule; extendMs: number; suddenDeath: boolean; now: number; endsAt: number;
}): number {
  const [kind, value] = incrementCols(a.increment);
  return db.query<{ id: number }, (string | number | null)[]>(
    `INSERT INTO auctions (room_id, seller_id, product_id, variant_id, title, currency, start_minor, reserve_minor, increment_kind, increment_value,
       extend_ms, sudden_death, status, price_minor, started_at, ends_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?) RETURNING id`,
  ).get(a.roomId, a.sellerId, a.productId, a.variantId, a.title, a.currency, a.startMinor, a.reserveMinor, kind, value, a.extendMs, a.suddenDeath ? 1 : 0, a.startMinor, a.now, a.endsAt)!.id;
}

/**
 * Moves a running auction's state; conditional on the version read in the same transaction and on the clock, so
 * a bid computed from a stale state, or arriving after the end, changes nothing (returns false).
 */
export function moveAuction(db: Database, a: Auction, next: { priceMinor: number; leaderId: number; leaderMax: number; holdTx: number | null; endsAt: number }, now: number): boolean {
  return db.query(
    `UPDATE auctions SET price_minor = ?, leader_id = ?, leader_max = ?, hold_tx = ?, ends_at = ?, bids = bids + 1, version = version + 1
     WHERE id = ? AND version = ? AND status = 'running' AND ends_at > ?`,
  ).run(next.priceMinor, next.leaderId, next.leaderMax, next.holdTx, next.endsAt, a.id, a.version, now).changes === 1;
}

/** running → ended, once. */
export function finishAuction(db: Database, id: number, f: { outcome: AuctionOutcome; winnerId: number | null; orderId: number | null; note: string; now: number }): boolean {
  return db.query(
    "UPDATE auctions SET status = 'ended', outcome = ?, winner_id = ?, order_id = ?, note = ?, ended_at = ?, hold_tx = NULL, version = version + 1 WHERE id = ? AND status = 'running'",
  ).run(f.outcome, f.winnerId, f.orderId, f.note, f.now, id).changes === 1;
}

interface BidRow {
  id: number; auction_id: number; bidder_id: number; bidder_name: string; amount_minor: number; max_minor: number; outcome: "lead" | "outbid";
  price_after: number; leader_after: number; ends_at_after: number; created_at: number; request_hash: string; shipping_address: string | null;
}

function toBid(r: BidRow): BidRecord {
  return {
    id: r.id, auctionId: r.auction_id, bidderId: r.bidder_id, bidderName: r.bidder_name, amountMinor: r.amount_minor, maxMinor: r.max_minor,
    outcome: r.outcome, priceAfter: r.price_after, leaderAfter: r.leader_after, endsAtAfter: r.ends_at_after, createdAt: r.created_at,
  };
}

const BID_SELECT = "SELECT b.*, u.display_name AS bidder_name FROM auction_bids b JOIN users u ON u.id = b.bidder_id";

export function findBid(db: Database, auctionId: number, bidderId: number, key: string): (BidRecord & { requestHash: string }) | null {
  const r = db.query<BidRow, [number, number, string]>(`${BID_SELECT} WHERE b.auction_id = ? AND b.bidder_id = ? AND b.idempotency_key = ?`).get(auctionId, bidderId, key);
  return r ? { ...toBid(r), requestHash: r.request_hash } : null;
}

export function insertBid(db: Database, b: {
  auctionId: number; bidderId: number; amountMinor: number; maxMinor: number; outcome: "lead" | "outbid"; priceAfter: number; leaderAfter: number;
  endsAtAfter: number; key: string; requestHash: string; shippingAddress: string | null; now: number;
}): number {
  return db.query<{ id: number }, (string | number | null)[]>(
    `INSERT INTO auction_bids (auction_id, bidder_id, amount_minor, max_minor, outcome, price_after, leader_after, ends_at_after, idempotency_key,
       request_hash, shipping_address, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  ).get(b.auctionId, b.bidderId, b.amountMinor, b.maxMinor, b.outcome, b.priceAfter, b.leaderAfter, b.endsAtAfter, b.key, b.requestHash, b.shippingAddress, b.now)!.id;
}

/** Every valid bid of an auction in server arrival order. */
export function listBids(db: Database, auctionId: number): BidRecord[] {
  return db.query<BidRow, [number]>(`${BID_SELECT} WHERE b.auction_id = ? ORDER BY b.id`).all(auctionId).map(toBid);
}

/** The address the winner gave with their latest bid that carried one (physical items). */
export function lastAddress(db: Database, auctionId: number, bidderId: number): string | null {
  return db.query<{ a: string }, [number, number]>(
    "SELECT shipping_address AS a FROM auction_bids WHERE auction_id = ? AND bidder_id = ? AND shipping_address IS NOT NULL ORDER BY id DESC LIMIT 1",
  ).get(auctionId, bidderId)?.a ?? null;
}
