// Auction rules (docs/auctions.md). Starting, bidding and ending are each one IMMEDIATE transaction on the money
// connection (synchronous=FULL): a bid reads the auction, runs applyBid, moves the coin holds (release the old
// leader's, take the new leader's maximum — a conditional debit that cannot go below zero) and writes the new
// state conditional on the version it read and on the clock; any refusal throws inside the transaction so nothing
// is written. Ending releases the last hold and, when there is a winner and the reserve is met, places the
// winner's order at the hammer price through the shop's own order flow, in the same transaction, so the coins go
// from held to paid without a moment where they could be spent elsewhere. Room events go out after the commit.
import type { MoneyDb } from "../deps";
import type { Bus } from "../events/bus";
import type { Room } from "../rooms/model";
import type { User } from "../accounts/model";
import { stockOf, type PlaceOrderInput, type ProviderName } from "../shop/model";
import { announcePlaced, placeOrderTx, type Charge, type PlaceResult, type ShopEnv } from "../shop/orders";
import { getProduct } from "../shop/products";
import { validateAddress, validateIdempotencyKey } from "../shop/validate";
import { holdCoins, releaseHold } from "../wallet/holds";
import { getBalance, requestHash } from "../wallet/wallet";
import {
  applyBid, auctionView, DEFAULT_EXTEND_SECONDS, minNextBid, DEFAULT_INCREMENT, extendedEnd, MAX_EXTEND_SECONDS, MAX_MINOR, MAX_SECONDS, MIN_SECONDS, reserveMet,
  type Auction, type AuctionEvent, type AuctionInput, type AuctionOutcome, type AuctionRefusal, type BidInput, type BidRecord, type IncrementRule,
} from "./model";
import * as store from "./storage";

export interface AuctionEnv {
  db: MoneyDb;
  bus: Bus;
  now: () => number;
  /** The shop's order environment: the winner's order goes through placeOrderTx like any order. */
  shop: ShopEnv;
  /** How the winner pays: COIN auctions with the wallet (from the released hold), others by a pending manual order. */
  payment(currency: string): { provider: ProviderName; charge: Charge | null };
}

class Refused extends Error {
  constructor(readonly refusal: AuctionRefusal) {
    super(refusal.message);
  }
}

const invalid = (field: string, message: string): AuctionRefusal => ({ code: "invalid", status: 422, field, message });
const isInt = (n: unknown, min: number, max: number): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= min && n <= max;

function checkIncrement(rule: IncrementRule | null): AuctionRefusal | null {
  if (!rule) return null;
  if (rule.kind === "fixed" && !isInt(rule.minor, 1, MAX_MINOR)) return invalid("incrementMinor", `incrementMinor must be a whole number from 1 to ${MAX_MINOR}`);
  if (rule.kind === "percent" && !isInt(rule.percent, 1, 100)) return invalid("incrementPercent", "incrementPercent must be a whole number from 1 to 100");
  return null;
}

/** Shape checks that need no database. */
export function checkAuctionInput(i: AuctionInput): AuctionRefusal | null {
  if (!isInt(i.seconds, MIN_SECONDS, MAX_SECONDS)) return invalid("seconds", `seconds must be a whole number from ${MIN_SECONDS} to ${MAX_SECONDS}`);
  if (!isInt(i.startMinor, 1, MAX_MINOR)) return invalid("startMinor", `startMinor must be a whole number from 1 to ${MAX_MINOR} (minor units)`);
  if (i.reserveMinor !== null && !isInt(i.reserveMinor, i.startMinor, MAX_MINOR)) return invalid("reserveMinor", "reserveMinor must be a whole number at least startMinor");
  if (i.extendSeconds !== null && !isInt(i.extendSeconds, 0, MAX_EXTEND_SECONDS)) return invalid("extendSeconds", `extendSeconds must be a whole number from 0 to ${MAX_EXTEND_SECONDS}`);
  if (!/^[A-Z]{3,4}$/.test(i.currency)) return invalid("currency", "currency must be an ISO code (e.g. USD) or COIN");
  return checkIncrement(i.increment);
}

export type StartResult = { ok: true; auction: Auction } | { ok: false; refusal: AuctionRefusal };

/** Starts an auction for a product (or a variant) of the room's shop bag; one running auction per room. */
export function startAuction(env: AuctionEnv, room: Room, i: AuctionInput): StartResult {
  const bad = checkAuctionInput(i);
  if (bad) return { ok: false, refusal: bad };
  const { db } = env;
  const now = env.now();
  try {
    const auction = db.transaction((): Auction => {
      const p = getProduct(db, i.productId);
      if (!p || !p.active || p.ownerId !== room.ownerId) throw new Refused({ code: "not_found", status: 404, message: `product ${i.productId} is not in the shop bag of room "${room.slug}"` });
      if (p.currency !== i.currency) throw new Refused(invalid("currency", `product ${p.id} is sold in ${p.currency}, not ${i.currency}`));
      if (p.variants.length && i.variantId === null) throw new Refused(invalid("variantId", `product ${p.id} has variants: choose one with variantId`));
      const variant = i.variantId === null ? null : p.variants.find((v) => v.id === i.variantId) ?? null;
      if (i.variantId !== null && !variant) throw new Refused(invalid("variantId", `product ${p.id} has no variant ${i.variantId}`));
      if ((variant ? variant.stock : stockOf(p)) < 1) throw new Refused({ code: "sold_out", status: 409, message: "this item is sold out" });
      if (store.runningInRoom(db, room.id)) throw new Refused({ code: "running", status: 409, message: "an auction is already running in this room; end it first" });
      const id = store.insertAuction(db, {
        roomId: room.id, sellerId: room.ownerId, productId: p.id, variantId: variant?.id ?? null, title: variant ? `${p.title} (${variant.label})` : p.title,
        currency: p.currency, startMinor: i.startMinor, reserveMinor: i.reserveMinor, increment: i.increment ?? DEFAULT_INCREMENT,
        extendMs: i.suddenDeath ? 0 : (i.extendSeconds ?? DEFAULT_EXTEND_SECONDS) * 1000, suddenDeath: i.suddenDeath, now, endsAt: now + i.seconds * 1000,
      });
      return store.getAuction(db, id)!;
    }).immediate();
    emit(env, auction, "started");
    return { ok: true, auction };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, refusal: err.refusal };
    throw err;
  }
}

export type BidResult =
  | { ok: true; lead: boolean; replay: boolean; auction: Auction; bid: BidRecord }
  | { ok: false; refusal: AuctionRefusal; auction: Auction | null };

function bidHash(i: BidInput): string {
  return requestHash([i.amountMinor, i.maxMinor, i.shippingAddress?.trim() ?? null]);
}

/** Shape checks that need no database. */
export function checkBidInput(i: BidInput): AuctionRefusal | null {
  if (!isInt(i.amountMinor, 1, MAX_MINOR)) return invalid("amountMinor", `amountMinor must be a whole number from 1 to ${MAX_MINOR}`);
  if (i.maxMinor !== null && !isInt(i.maxMinor, i.amountMinor, MAX_MINOR)) return invalid("maxMinor", "maxMinor must be a whole number at least amountMinor");
  if (validateIdempotencyKey(i.idempotencyKey)) return invalid("idempotencyKey", "idempotencyKey must be 8-100 letters, digits or ._:-");
  return null;
}

const ENDED: AuctionRefusal = { code: "ended", status: 409, message: "the auction has ended" };
const tooLow = (min: number): AuctionRefusal => ({ code: "too_low", status: 409, message: `too low: the next bid must be at least ${min}` });

/**
 * A read-only early answer for the bidding rush, where most bids arrive at a price that has already moved on. The
 * minimum next bid only ever rises and an ended auction stays ended, so "ended" and "too low" read without the
 * write lock are final. Everything else — and a repeated key, which must get its first answer — takes the transaction.
 */
function quickRefusal(db: MoneyDb, a: Auction | null, bidderId: number, i: BidInput, now: number): AuctionRefusal | null {
  if (!a || bidderId === a.sellerId || bidderId === a.leaderId || store.findBid(db, a.id, bidderId, i.idempotencyKey)) return null;
  if (a.status !== "running" || now >= a.endsAt) return ENDED;
  const min = minNextBid(a);
  return i.amountMinor < min ? tooLow(min) : null;
}

/**
 * One bid, ordered by server arrival (the IMMEDIATE transaction). 201-worthy when the bidder leads afterwards;
 * a valid bid that the leader's proxy maximum beats is stored (it raised the price) but answered "outbid".
 */
export function placeBid(env: AuctionEnv, bidder: User, i: BidInput): BidResult {
  const bad = checkBidInput(i);
  if (bad) return { ok: false, refusal: bad, auction: null };
  const { db } = env;
  const now = env.now();
  const hash = bidHash(i);
  const max = i.maxMinor ?? i.amountMinor;
  const seen = store.getAuction(db, i.auctionId);
  const early = quickRefusal(db, seen, bidder.id, i, now);
  if (early) return { ok: false, refusal: early, auction: seen };
  try {
    const r = db.transaction((): { lead: boolean; replay: boolean; auction: Auction; bid: BidRecord; extended: boolean } => {
      const prior = store.findBid(db, i.auctionId, bidder.id, i.idempotencyKey);
      if (prior) {
        if (prior.requestHash !== hash) throw new Refused({ code: "conflict", status: 409, message: "idempotencyKey was already used for a different bid" });
        return { lead: prior.outcome === "lead", replay: true, auction: store.getAuction(db, i.auctionId)!, bid: prior, extended: false };
      }
      const a = store.getAuction(db, i.auctionId);
      if (!a) throw new Refused({ code: "not_found", status: 404, message: `no auction ${i.auctionId}` });
      if (a.status !== "running" || now >= a.endsAt) throw new Refused(ENDED);
      if (bidder.id === a.sellerId) throw new Refused({ code: "forbidden", status: 403, message: "the seller cannot bid in their own auction" });
      const product = getProduct(db, a.productId);
      if (product?.kind === "physical" && validateAddress(i.shippingAddress)) throw new Refused(invalid("shippingAddress", "a shipping address (5-500 characters) is required to bid on a physical item"));
      const out = applyBid(a, bidder.id, i.amountMinor, max);
      if (!out.ok) {
        throw new Refused(out.code === "leading"
          ? { code: "leading", status: 409, message: "you already lead this auction; wait until someone outbids you" }
          : tooLow(out.minNextMinor));
      }
      const coins = a.currency === "COIN";
      // Buyer can pay: a bid that is beaten at once still moves the price, so it must be backed like a leading one.
      if (coins && getBalance(db, bidder.id) < max) throw new Refused({ code: "insufficient", status: 402, message: `not enough coins: this bid needs ${max} available` });
      let holdTx = a.holdTx;
      if (out.lead && coins) {
        if (a.holdTx !== null) releaseHold(db, a.holdTx, `auction:${a.id}/outbid`, now);
        const h = holdCoins(db, { payerId: bidder.id, escrowAccountId: store.escrowAccount(db), coins: max, ref: `auction:${a.id}/hold`, idempotencyKey: `auction:${a.id}:hold:${a.version}` }, now);
        if (!h.ok) throw new Refused({ code: "insufficient", status: 402, message: `not enough coins: this bid needs ${max} available` });
        holdTx = h.txId;
      }
      const endsAt = extendedEnd(a.endsAt, now, a.extendMs, a.suddenDeath);
      if (!store.moveAuction(db, a, { priceMinor: out.priceMinor, leaderId: out.leaderId, leaderMax: out.leaderMax, holdTx, endsAt }, now)) {
        throw new Refused(ENDED);
      }
      store.insertBid(db, {
        auctionId: a.id, bidderId: bidder.id, amountMinor: i.amountMinor, maxMinor: max, outcome: out.lead ? "lead" : "outbid", priceAfter: out.priceMinor,
        leaderAfter: out.leaderId, endsAtAfter: endsAt, key: i.idempotencyKey, requestHash: hash, shippingAddress: i.shippingAddress?.trim() || null, now,
      });
      return { lead: out.lead, replay: false, auction: store.getAuction(db, a.id)!, bid: store.findBid(db, a.id, bidder.id, i.idempotencyKey)!, extended: endsAt !== a.endsAt };
    }).immediate();
    if (!r.replay) {
      emit(env, r.auction, "bid");
      if (r.extended) emit(env, r.auction, "extended");
    }
    return { ok: true, lead: r.lead, replay: r.replay, auction: r.auction, bid: r.bid };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, refusal: err.refusal, auction: store.getAuction(db, i.auctionId) };
    throw err;
  }
}

/** timer: only once the end time has passed; host: now, selling to the leader if the reserve is met; cancel: now, no sale. */
export type EndHow = "timer" | "host" | "cancel";

/** Ends a running auction exactly once; null when it was not running (or, for the timer, is not due yet). */
export function endAuction(env: AuctionEnv, id: number, how: EndHow): Auction | null {
  const { db } = env;
  const now = env.now();
  const r = db.transaction((): { auction: Auction; placed: PlaceResult | null } | null => {
    const a = store.getAuction(db, id);
    if (!a || a.status !== "running") return null;
    if (how === "timer" && now < a.endsAt) return null;
    if (a.holdTx !== null) releaseHold(db, a.holdTx, `auction:${a.id}/end`, now);
    let outcome: AuctionOutcome = how === "cancel" ? "cancelled" : a.leaderId === null ? "no_bids" : reserveMet(a) ? "sold" : "reserve_not_met";
    let placed: PlaceResult | null = null;
    let note = "";
    if (outcome === "sold") {
      const pay = env.payment(a.currency);
      const input: PlaceOrderInput = {
        buyerId: a.leaderId!, productId: a.productId, variantId: a.variantId, quantity: 1, provider: pay.provider, idempotencyKey: `auction:${a.id}:win`,
        flashSaleId: null, expectedUnitPriceMinor: null, currency: a.currency, shippingAddress: store.lastAddress(db, a.id, a.leaderId!), roomId: a.roomId,
        agreedUnitPriceMinor: a.priceMinor,
      };
      placed = placeOrderTx(env.shop, input, pay.charge);
      if (!placed.ok) {
        outcome = "unavailable";
        note = placed.refusal.message;
      }
    }
    const orderId = placed?.ok ? placed.order.id : null;
    store.finishAuction(db, a.id, { outcome, winnerId: outcome === "sold" ? a.leaderId : null, orderId, note, now });
    return { auction: store.getAuction(db, a.id)!, placed };
  }).immediate();
  if (!r) return null;
  if (r.placed) announcePlaced(env.shop, r.placed);
  emit(env, r.auction, "ended");
  return r.auction;
}

function emit(env: AuctionEnv, a: Auction, action: AuctionEvent["action"]): void {
  env.bus.emit("room.event", { roomId: a.roomId, event: { type: "auction", action, auction: auctionView(a, env.now()) } });
}

export const { getAuction, latestInRoom, listInRoom, listRunning, listBids } = store;
