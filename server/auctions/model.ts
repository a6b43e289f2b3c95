// Live auctions: types and the pure bidding rules (docs/auctions.md). Money is integer minor units of the
// auction's currency; times are UTC ms on the server's clock. `applyBid` is the whole bidding rule — the storage
// transaction, the bench's replay and the hand-worked tests all run this one function in server arrival order.
import { formatMoney } from "../shop/model";

export type AuctionStatus = "running" | "ended";
/** Why an auction ended the way it did. "unavailable": the winner's order was refused (e.g. the item sold out meanwhile). */
export type AuctionOutcome = "sold" | "no_bids" | "reserve_not_met" | "cancelled" | "unavailable";

/** The next bid must beat the price by a fixed step, or by a percentage of the price (rounded up, at least 1). */
export type IncrementRule = { kind: "fixed"; minor: number } | { kind: "percent"; percent: number };

export const DEFAULT_INCREMENT: IncrementRule = { kind: "percent", percent: 5 };
export const MIN_SECONDS = 1;
export const MAX_SECONDS = 3600;
export const MAX_EXTEND_SECONDS = 120;
export const DEFAULT_EXTEND_SECONDS = 10;
/** Far inside JS's exact integers and any sane price; sums of holds stay exact. */
export const MAX_MINOR = 1_000_000_000;

export interface Auction {
  id: number;
  roomId: number;
  roomSlug: string;
  sellerId: number;
  productId: number;
  variantId: number | null;
  title: string;
  currency: string;
  startMinor: number;
  reserveMinor: number | null;
  increment: IncrementRule;
  extendMs: number;
  suddenDeath: boolean;
  status: AuctionStatus;
  priceMinor: number;
  leaderId: number | null;
  leaderName: string | null;
  leaderMax: number | null;
  /** The wallet transaction holding the leader's coins (coin auctions only). */
  holdTx: number | null;
  bids: number;
  version: number;
  startedAt: number;
  endsAt: number;
  endedAt: number | null;
  outcome: AuctionOutcome | null;
  winnerId: number | null;
  winnerName: string | null;
  orderId: number | null;
}

export interface AuctionInput {
  productId: number;
  variantId: number | null;
  startMinor: number;
  currency: string;
  seconds: number;
  reserveMinor: number | null;
  extendSeconds: number | null;
  increment: IncrementRule | null;
  suddenDeath: boolean;
}

export interface BidInput {
  auctionId: number;
  amountMinor: number;
  maxMinor: number | null;
  idempotencyKey: string;
  shippingAddress: string | null;
}

/** One valid bid in server arrival order (`id`), as stored: the log a replay runs through applyBid. */
export interface BidRecord {
  id: number;
  auctionId: number;
  bidderId: number;
  bidderName: string;
  amountMinor: number;
  maxMinor: number;
  outcome: "lead" | "outbid";
  priceAfter: number;
  leaderAfter: number;
  endsAtAfter: number;
  createdAt: number;
}

/** Why a bid or an auction request was refused; routes map `status` straight to HTTP. */
export interface AuctionRefusal {
  code: "auth" | "invalid" | "not_found" | "forbidden" | "too_low" | "outbid" | "leading" | "ended" | "running" | "sold_out" | "insufficient" | "conflict";
  status: 401 | 402 | 403 | 404 | 409 | 422;
  message: string;
  field?: string;
}

export function incrementOf(rule: IncrementRule, price: number): number {
  return rule.kind === "fixed" ? rule.minor : Math.max(1, Math.ceil((price * rule.percent) / 100));
}

/** The state applyBid reads and writes. */
export interface BidState {
  startMinor: number;
  reserveMinor: number | null;
  increment: IncrementRule;
  priceMinor: number;
  leaderId: number | null;
  leaderMax: number | null;
}

export function minNextBid(s: BidState): number {
  return s.leaderId === null ? s.startMinor : s.priceMinor + incrementOf(s.increment, s.priceMinor);
}

export type BidOutcome =
  | { ok: true; lead: boolean; priceMinor: number; leaderId: number; leaderMax: number }
  | { ok: false; code: "too_low"; minNextMinor: number }
  | { ok: false; code: "leading" };

/**
 * Proxy bidding, second-price style: every bidder names an amount and a maximum (the amount when no maximum is
 * given); the leader is whoever named the highest maximum, and the price is the lowest that beats the runner-up
 * by one increment (capped at the leader's maximum). Equal maximums go to the one that arrived first. A proxy
 * leader whose maximum reaches the reserve pays at least the reserve.
 */
export function applyBid(s: BidState, bidderId: number, amount: number, max: number): BidOutcome {
  if (s.leaderId === bidderId) return { ok: false, code: "leading" };
  const min = minNextBid(s);
  if (amount < min) return { ok: false, code: "too_low", minNextMinor: min };
  let out: { lead: boolean; priceMinor: number; leaderId: number; leaderMax: number };
  if (s.leaderId === null || s.leaderMax === null) out = { lead: true, priceMinor: amount, leaderId: bidderId, leaderMax: max };
  else if (max > s.leaderMax) out = { lead: true, priceMinor: Math.max(amount, Math.min(max, s.leaderMax + incrementOf(s.increment, s.leaderMax))), leaderId: bidderId, leaderMax: max };
  else out = { lead: false, priceMinor: Math.min(s.leaderMax, max + incrementOf(s.increment, max)), leaderId: s.leaderId, leaderMax: s.leaderMax };
  if (s.reserveMinor !== null && out.priceMinor < s.reserveMinor && out.leaderMax >= s.reserveMinor) out.priceMinor = s.reserveMinor;
  return { ok: true, ...out };
}

/** A bid in the last `extendMs` moves the end to now + extendMs (never earlier); sudden death never extends. */
export function extendedEnd(endsAt: number, now: number, extendMs: number, suddenDeath: boolean): number {
  if (suddenDeath || extendMs <= 0 || endsAt - now > extendMs) return endsAt;
  return Math.max(endsAt, now + extendMs);
}

export function reserveMet(a: Pick<Auction, "reserveMinor" | "priceMinor" | "leaderId">): boolean {
  return a.leaderId !== null && (a.reserveMinor === null || a.priceMinor >= a.reserveMinor);
}

/** What every viewer sees of an auction (room events, the API, the room page). The reserve itself stays secret. */
export interface AuctionView {
  id: number;
  /** The room's slug. */
  room: string;
  productId: number;
  variantId: number | null;
  title: string;
  status: AuctionStatus;
  currency: string;
  priceMinor: number;
  price: string;
  minNextMinor: number;
  startMinor: number;
  leader: string | null;
  bids: number;
  /** null: no reserve; false until the price reaches it. */
  reserveMet: boolean | null;
  endsAt: number;
  /** The server's clock when this view was made, so a client with a wrong clock still counts down right. */
  serverNow: number;
  extendSeconds: number;
  suddenDeath: boolean;
  outcome: AuctionOutcome | null;
  winner: string | null;
  orderId: number | null;
}

export function auctionView(a: Auction, now: number): AuctionView {
  return {
    id: a.id, room: a.roomSlug, productId: a.productId, variantId: a.variantId, title: a.title, status: a.status, currency: a.currency,
    priceMinor: a.priceMinor, price: formatMoney(a.priceMinor, a.currency), minNextMinor: minNextBid(a), startMinor: a.startMinor,
    leader: a.leaderName, bids: a.bids, reserveMet: a.reserveMinor === null ? null : reserveMet(a), endsAt: a.endsAt, serverNow: now,
    extendSeconds: Math.round(a.extendMs / 1000), suddenDeath: a.suddenDeath, outcome: a.outcome,
    winner: a.status === "ended" ? a.winnerName : null, orderId: a.status === "ended" ? a.orderId : null,
  };
}

/** Room event on the room's sockets: every change of a running auction, with the whole view (a late page needs nothing else). */
export interface AuctionEvent {
  type: "auction";
  action: "started" | "bid" | "extended" | "ended";
  auction: AuctionView;
}

/** The answer to a bid sent over a room socket, to the sender only (the HTTP API answers with its status instead). */
export interface BidResultEvent {
  type: "bid_result";
  auctionId: number | null;
  idempotencyKey: string | null;
  ok: boolean;
  status: number;
  code: string;
  message: string;
  auction: AuctionView | null;
}

declare module "../realtime/model" {
  interface RoomEvents {
    auction: AuctionEvent;
    bid_result: BidResultEvent;
  }
}
