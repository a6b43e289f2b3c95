// Ticket rules. Buying a ticket is one IMMEDIATE transaction on the money connection: idempotency lookup, the
// "already held" check, the coupon use (conditional), the seat (conditional increment that cannot pass the
// capacity), the ticket row and — for coins — the ledger movement, split between teacher and platform. Any
// refusal throws inside the transaction so nothing is written. Manual and Stripe tickets are created pending and
// hold their seat until `reservedUntil`; the sweeper releases it (and the coupon use) exactly once.
// Every later change goes through store.moveTicket (conditional on the current status).
import type { MoneyDb } from "../deps";
import type { Bus } from "../events/bus";
import { CURRENCIES } from "../shop/model";
import { reverseTransfer } from "../wallet/reverse";
import { requestHash, transferCoins } from "../wallet/wallet";
import { classEndsAt, creatorPart, discounted, type ClassInfo, type PayProvider, type Refusal, type Ticket, type TicketStatus } from "./model";
import * as store from "./storage";

declare module "../events/bus" {
  interface Facts {
    "ticket.changed": { ticketId: number; classId: number; userId: number; status: TicketStatus };
  }
}

/** What classes need from a card processor (Stripe, built by server/payments and handed over by app.tsx). */
export interface CheckoutGateway {
  enabled(): boolean;
  checkout(item: { kind: string; id: number; title: string; unitMinor: number; quantity: number; currency: string; backUrl: string }): Promise<string>;
  /** Refunds a captured payment; returns a problem or null. */
  refund(ref: string, idempotencyKey: string): Promise<string | null>;
}

export interface PaidEnv {
  /** The synchronous=FULL connection: seats and money. */
  db: MoneyDb;
  bus: Bus;
  now: () => number;
  /** The creator's share of ticket, membership and PPV revenue, in percent. */
  sharePercent: number;
  /** How long an unpaid (manual, Stripe) ticket holds its seat. */
  reservationMs: number;
  stripe: CheckoutGateway;
}

export interface BuyTicketInput {
  classId: number;
  userId: number;
  provider: string;
  idempotencyKey: string;
  coupon: string | null;
  email: string | null;
}

export type TicketResult = { ok: true; ticket: Ticket; replay: boolean } | { ok: false; refusal: Refusal };

/** Thrown inside a paying transaction to roll it back with a refusal (ppv and memberships share it). */
export class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

const KEY = /^[A-Za-z0-9_.:-]{8,100}$/;
const EMAIL = /^[^\s@<>,;"]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,}$/;

/** Which providers can take a price in this currency (wallet: coins only; manual and Stripe: real currencies). */
export function providerProblem(env: PaidEnv, provider: string, currency: string): string | null {
  if (provider === "wallet") return currency === "COIN" ? null : `wallet pays only for prices in COIN, not ${currency}`;
  if (provider === "manual") return currency !== "COIN" ? null : "prices in COIN are paid with provider \"wallet\"";
  if (provider === "stripe") {
    if (!env.stripe.enabled()) return "payment provider \"stripe\" is not enabled on this server";
    return currency !== "COIN" && currency in CURRENCIES ? null : `"stripe" cannot take ${currency}`;
  }
  return "provider must be wallet, manual or stripe";
}

/** Pays coins from payer to creator and platform inside the caller's transaction; a refusal throws. */
export function payCoins(env: PaidEnv, a: { payerId: number; creatorId: number; coins: number; reason: string; ref: string }): number {
  const mine = creatorPart(a.coins, env.sharePercent);
  const r = transferCoins(env.db, {
    payerId: a.payerId, legs: [{ userId: a.creatorId, coins: mine }, { userId: "platform", coins: a.coins - mine }], reason: a.reason, ref: a.ref,
    idempotencyKey: a.ref, requestHash: requestHash({ ref: a.ref, coins: a.coins, creator: a.creatorId }),
  }, env.now());
  if (!r.ok) throw new Refused(r.error === "insufficient" ? { status: 402, message: "not enough coins" } : { status: 409, message: "payment conflict" });
  return r.entryId;
}

function checkInput(env: PaidEnv, i: BuyTicketInput): Refusal | null {
  if (!KEY.test(i.idempotencyKey)) return { status: 422, message: "idempotencyKey must be 8-100 letters, digits or ._:-" };
  if (i.email !== null && !EMAIL.test(i.email)) return { status: 422, message: "email is not an e-mail address" };
  if (i.coupon !== null && !/^[A-Za-z0-9_-]{1,40}$/.test(i.coupon)) return { status: 422, message: "coupon must be 1-40 letters, digits, _ or -" };
  if (!["wallet", "manual", "stripe"].includes(i.provider)) return { status: 422, message: "provider must be wallet, manual or stripe" };
  void env;
  return null;
}

/** A read-only early "full" (no write lock) for the rush on a popular class; a repeated key always takes the full path. */
export function quickRefusal(env: PaidEnv, i: BuyTicketInput): Refusal | null {
  if (checkInput(env, i) || store.getTicketByKey(env.db, i.userId, i.idempotencyKey)) return null;
  const c = store.getClass(env.db, i.classId);
  if (c && c.capacity !== null && c.seatsTaken >= c.capacity) return { status: 409, message: "this class is full" };
  return null;
}

export function buyTicket(env: PaidEnv, i: BuyTicketInput): TicketResult {
  const bad = checkInput(env, i);
  if (bad) return { ok: false, refusal: bad };
  const hash = requestHash([i.classId, i.provider, i.coupon, i.email]);
  const { db } = env;
  const now = env.now();
  const run = db.transaction((): { ticket: Ticket; replay: boolean } => {
    const prior = store.getTicketByKey(db, i.userId, i.idempotencyKey);
    if (prior) {
      if (prior.requestHash !== hash) throw new Refused({ status: 409, message: "idempotencyKey was already used for a different purchase" });
      return { ticket: prior, replay: true };
    }
    const c = store.getClass(db, i.classId);
    if (!c) throw new Refused({ status: 404, message: `no class ${i.classId}` });
    if (classEndsAt(c) <= now) throw new Refused({ status: 409, message: "this class has ended" });
    if (c.teacherId === i.userId) throw new Refused({ status: 422, message: "you teach this class" });
    if (store.heldTicket(db, c.id, i.userId)) throw new Refused({ status: 409, message: "you already hold a ticket to this class" });
    let couponId: number | null = null;
    let price = c.priceMinor;
    if (i.coupon !== null) {
      const cp = store.couponByCode(db, c.id, i.coupon);
      if (!cp) throw new Refused({ status: 404, message: `no coupon "${i.coupon}" for this class` });
      if (cp.expiresAt !== null && cp.expiresAt <= now) throw new Refused({ status: 409, message: "this coupon has expired" });
      if (!store.takeCouponUse(db, cp.id)) throw new Refused({ status: 409, message: "this coupon is used up" });
      couponId = cp.id;
      price = discounted(price, cp);
    }
    const problem = price > 0 ? providerProblem(env, i.provider, c.currency) : null;
    if (problem) throw new Refused({ status: 422, message: problem });
    if (!store.takeSeat(db, c.id)) throw new Refused({ status: 409, message: "this class is full" });
    const free = price === 0;
    const settlesNow = free || i.provider === "wallet";
    const id = store.insertTicket(db, {
      classId: c.id, userId: i.userId, status: "pending", provider: free ? "free" : (i.provider as PayProvider), priceMinor: price, currency: c.currency,
      couponId, key: i.idempotencyKey, hash, email: i.email, reservedUntil: settlesNow ? null : now + env.reservationMs, now,
    });
    const ledgerTx = !free && i.provider === "wallet" ? payCoins(env, { payerId: i.userId, creatorId: c.teacherId, coins: price, reason: "ticket", ref: `ticket:${id}` }) : null;
    if (settlesNow) store.moveTicket(db, id, ["pending"], "valid", now, { ledgerTx });
    return { ticket: store.getTicket(db, id)!, replay: false };
  });
  try {
    const r = run.immediate();
    if (!r.replay) announce(env, r.ticket);
    return { ok: true, ...r };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, refusal: err.refusal };
    throw err;
  }
}

function announce(env: Pick<PaidEnv, "bus" | "db" | "now">, t: Ticket): void {
  env.bus.emit("ticket.changed", { ticketId: t.id, classId: t.classId, userId: t.userId, status: t.status });
  // A paid ticket is revenue of the class's room (creator insights).
  const c = t.status === "valid" && t.priceMinor > 0 ? store.getClass(env.db, t.classId) : null;
  if (c) env.bus.emit("access.paid", { kind: "ticket", ownerId: c.teacherId, roomId: c.roomId, userId: t.userId, amountMinor: t.priceMinor, currency: t.currency, at: env.now() });
}

/** A free ticket from the teacher or an admin; it still takes a seat (capacity holds for gifts too). */
export function grantTicket(env: Pick<PaidEnv, "db" | "bus" | "now">, classId: number, userId: number): TicketResult {
  const now = env.now();
  const run = env.db.transaction((): Ticket => {
    const c = store.getClass(env.db, classId);
    if (!c) throw new Refused({ status: 404, message: `no class ${classId}` });
    if (store.heldTicket(env.db, c.id, userId)) throw new Refused({ status: 409, message: "this user already holds a ticket to this class" });
    if (!store.takeSeat(env.db, c.id)) throw new Refused({ status: 409, message: "this class is full" });
    const id = store.insertTicket(env.db, {
      classId: c.id, userId, status: "valid", provider: "free", priceMinor: 0, currency: c.currency, couponId: null,
      key: `grant:${c.id}:${userId}:${now}`, hash: "grant", email: null, reservedUntil: null, now,
    });
    return store.getTicket(env.db, id)!;
  });
  try {
    const ticket = run.immediate();
    announce(env, ticket);
    return { ok: true, ticket, replay: false };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, refusal: err.refusal };
    throw err;
  }
}

/**
 * A payment arrived for a pending ticket (manual confirmation by the teacher, or the Stripe webhook). `paid`
 * carries what the processor says was paid; an amount or currency that differs from the ticket's is refused.
 */
export function settleTicket(env: PaidEnv, ticketId: number, how: { by: string; ref: string; paid?: { amountMinor: number | null; currency: string } }): { ok: boolean; message: string } {
  const now = env.now();
  const r = env.db.transaction((): { ok: boolean; message: string; ticket?: Ticket } => {
    const t = store.getTicket(env.db, ticketId);
    if (!t) return { ok: false, message: `no ticket ${ticketId}` };
    if (how.paid && (how.paid.amountMinor !== t.priceMinor || how.paid.currency.toUpperCase() !== t.currency)) {
      return { ok: false, message: `paid ${how.paid.amountMinor} ${how.paid.currency} but ticket ${t.id} costs ${t.priceMinor} ${t.currency}` };
    }
    if (store.moveTicket(env.db, t.id, ["pending"], "valid", now, { ref: how.ref })) return { ok: true, message: "ticket valid", ticket: store.getTicket(env.db, t.id)! };
    if (t.status === "cancelled") {
      // Paid after its reservation ran out: take the seat again if one is left, else it needs a refund.
      if (store.heldTicket(env.db, t.classId, t.userId) || !store.takeSeat(env.db, t.classId)) return { ok: false, message: "paid after release: refund needed" };
      store.moveTicket(env.db, t.id, ["cancelled"], "valid", now, { ref: how.ref });
      return { ok: true, message: "ticket valid (late)", ticket: store.getTicket(env.db, t.id)! };
    }
    return { ok: true, message: "stale" };
  }).immediate();
  if (r.ticket) announce(env, r.ticket);
  return { ok: r.ok, message: r.message };
}

/** pending → cancelled once its reservation ran out (or on request), returning the seat and the coupon use. */
export function releaseTicket(env: PaidEnv, ticketId: number, force = false): boolean {
  const now = env.now();
  const released = env.db.transaction((): Ticket | null => {
    const t = store.getTicket(env.db, ticketId);
    if (!t || (!force && (t.reservedUntil === null || t.reservedUntil > now))) return null;
    if (!store.moveTicket(env.db, t.id, ["pending"], "cancelled", now)) return null;
    store.returnSeat(env.db, t.classId);
    if (t.couponId !== null) store.returnCouponUse(env.db, t.couponId);
    return { ...t, status: "cancelled" };
  }).immediate();
  if (released) announce(env, released);
  return released !== null;
}

export function sweepExpiredTickets(env: PaidEnv): number {
  let n = 0;
  for (const t of store.expiredPendingTickets(env.db, env.now())) if (releaseTicket(env, t.id)) n++;
  return n;
}

/**
 * valid → refunded: frees the seat and gives the money back — coins through a ledger reversal in the same
 * transaction (teacher and platform return their parts), Stripe through the processor before, manual outside
 * Livehouse (recorded only).
 */
export async function refundTicket(env: PaidEnv, t: Ticket): Promise<{ ok: true; ticket: Ticket } | { ok: false; refusal: Refusal }> {
  if (t.status !== "valid") return { ok: false, refusal: { status: 409, message: `only a valid ticket can be refunded (this one is ${t.status})` } };
  if (t.provider === "stripe") {
    if (!t.providerRef) return { ok: false, refusal: { status: 409, message: "no Stripe payment is recorded for this ticket" } };
    const problem = await env.stripe.refund(t.providerRef, `refund-ticket-${t.id}`);
    if (problem) return { ok: false, refusal: { status: 409, message: problem } };
  }
  const now = env.now();
  const run = env.db.transaction((): Ticket => {
    if (!store.moveTicket(env.db, t.id, ["valid"], "refunded", now)) throw new Refused({ status: 409, message: "this ticket was already refunded" });
    store.returnSeat(env.db, t.classId);
    if (t.provider === "wallet" && t.ledgerTx !== null) {
      const r = reverseTransfer(env.db, t.ledgerTx, { reason: "refund", ref: `ticket:${t.id}` }, now);
      if (!r.ok) throw new Refused({ status: 409, message: r.error === "insufficient" ? "the teacher's wallet holds too few coins for this refund" : "the payment is missing from the ledger" });
    }
    return store.getTicket(env.db, t.id)!;
  });
  try {
    const ticket = run.immediate();
    announce(env, ticket);
    return { ok: true, ticket };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, refusal: err.refusal };
    throw err;
  }
}

/** Teacher of the class or an admin. */
export function canTeach(user: { id: number; role: string } | null, c: Pick<ClassInfo, "teacherId">): boolean {
  return !!user && (user.id === c.teacherId || user.role === "admin");
}

export const { getTicket, listTicketsByClass, listTicketsByUser, heldTicket } = store;
