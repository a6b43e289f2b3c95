// Membership rules. A period is paid by a membership payment: coins settle inside the join transaction (split
// between creator and platform through the ledger); manual and Stripe payments stay pending until confirmed by
// the creator or the webhook, and only then start or extend the membership. Cancelling stops renewal and keeps
// access until the period's end. The scheduler (sweep) renews coin members who allowed it — one ledger movement
// per period, keyed by the membership and the period end so a repeated sweep cannot charge twice — and expires
// the rest; members who renew by hand get a reminder a few days before.
import type { Database } from "bun:sqlite";
import type { Service } from "../deps";
import { notify } from "../classes/notices";
import { payCoins, providerProblem, Refused, type PaidEnv } from "../classes/tickets";
import type { Refusal } from "../classes/model";
import type { FieldError } from "../accounts/model";
import { translator } from "../i18n";
import { CURRENCIES } from "../shop/model";
import { requestHash } from "../wallet/wallet";
import { PERIOD_MS, RENEW_REMINDER_MS, type Membership, type MembershipPayment, type Tier } from "./model";
import * as store from "./storage";

declare module "../events/bus" {
  interface Facts {
    /** A membership began (a first join, a re-join after it lapsed, or a change of tier), after its commit. */
    "membership.started": { membershipId: number; creatorId: number; userId: number; tierId: number; tierName: string; priceMinor: number; currency: string; periodEnd: number; at: number };
  }
}

export type JoinResult = { ok: true; payment: MembershipPayment; membership: Membership | null; replay: boolean } | { ok: false; refusal: Refusal };

export interface TierInput { name: string; priceMinor: number; currency: string; perks: string; badge: string }
type TierRefusal = { ok: false; status: 403 | 404 | 409 | 422; message: string; errors: FieldError[] };

/** Field errors as i18n keys (the Studio form shows each beside its field; the API and CLI join them in English). */
export function validateTier(input: TierInput): FieldError[] {
  const errors: FieldError[] = [];
  const name = input.name.trim();
  if (!name || name.length > 60) errors.push({ field: "name", message: "memberships.error.name" });
  if (!Number.isSafeInteger(input.priceMinor) || input.priceMinor < 1) errors.push({ field: "price", message: "memberships.error.price" });
  if (!Object.hasOwn(CURRENCIES, input.currency.trim().toUpperCase())) errors.push({ field: "currency", message: "memberships.error.currency" });
  if (input.perks.length > 2000) errors.push({ field: "perks", message: "memberships.error.perks" });
  if ([...input.badge.trim()].length > 8) errors.push({ field: "badge", message: "memberships.error.badge" });
  return errors;
}

const english = translator("en");
function refuse(status: TierRefusal["status"], errors: FieldError[]): TierRefusal {
  return { ok: false, status, message: errors.map((e) => english(e.message)).join("; "), errors };
}

const mayOffer = (u: { role: string }) => u.role === "creator" || u.role === "admin";

export function createTier(db: Database, creator: { id: number; role: string }, input: TierInput, now: number): { ok: true; tier: Tier } | TierRefusal {
  if (!mayOffer(creator)) return refuse(403, [{ field: "name", message: "memberships.error.notCreator" }]);
  const errors = validateTier(input);
  if (errors.length) return refuse(422, errors);
  const name = input.name.trim();
  const id = store.insertTier(db, { creatorId: creator.id, name, priceMinor: input.priceMinor, currency: input.currency.trim().toUpperCase(), perks: input.perks.trim(), badge: input.badge.trim(), now });
  return id === null ? refuse(409, [{ field: "name", message: "memberships.error.nameTaken" }]) : { ok: true, tier: store.getTier(db, id)! };
}

/**
 * The creator edits a tier's name, price, perks and badge; its currency stays (members paid in it). A new price
 * applies from the next period: periods already paid keep theirs.
 */
export function updateTier(db: Database, editor: { id: number; role: string }, tierId: number, input: Omit<TierInput, "currency">): { ok: true; tier: Tier } | TierRefusal {
  const tier = store.getTier(db, tierId);
  if (!tier || (tier.creatorId !== editor.id && editor.role !== "admin")) return refuse(404, [{ field: "name", message: "memberships.error.noTier" }]);
  const errors = validateTier({ ...input, currency: tier.currency });
  if (errors.length) return refuse(422, errors);
  const ok = store.updateTier(db, tierId, { name: input.name.trim(), priceMinor: input.priceMinor, perks: input.perks.trim(), badge: input.badge.trim() });
  return ok ? { ok: true, tier: store.getTier(db, tierId)! } : refuse(409, [{ field: "name", message: "memberships.error.nameTaken" }]);
}

/** Archived tiers take no new members and leave the creator's page; current members keep their period. */
export function setTierArchived(db: Database, editor: { id: number; role: string }, tierId: number, archived: boolean): Tier | null {
  const tier = store.getTier(db, tierId);
  if (!tier || (tier.creatorId !== editor.id && editor.role !== "admin")) return null;
  store.setTierActive(db, tierId, !archived);
  return store.getTier(db, tierId);
}

/** Starts or extends the membership for a paid payment (inside the caller's transaction); true when it starts. */
function applyPaid(db: Database, p: MembershipPayment, now: number): boolean {
  const cur = store.getMembership(db, p.creatorId, p.userId);
  // The same tier renewed early extends from the current end; a new or changed tier starts now.
  const extend = !!cur && cur.tierId === p.tierId && cur.periodEnd > now && cur.status !== "expired";
  store.upsertMembership(db, { creatorId: p.creatorId, userId: p.userId, tierId: p.tierId, autoRenew: p.autoRenew, provider: p.provider, periodEnd: (extend ? cur.periodEnd : now) + PERIOD_MS, now });
  return !extend;
}

/**
 * After the commit: a paid period is revenue of the creator (creator insights), and a membership that starts is
 * announced (the member.joined webhook).
 */
function announcePaid(env: PaidEnv, p: MembershipPayment, started: boolean): void {
  const at = env.now();
  if (p.priceMinor > 0) env.bus.emit("access.paid", { kind: "membership", ownerId: p.creatorId, roomId: null, userId: p.userId, amountMinor: p.priceMinor, currency: p.currency, at });
  const m = started ? store.getMembership(env.db, p.creatorId, p.userId) : null;
  if (m) env.bus.emit("membership.started", { membershipId: m.id, creatorId: m.creatorId, userId: m.userId, tierId: m.tierId, tierName: m.tierName, priceMinor: p.priceMinor, currency: p.currency, periodEnd: m.periodEnd, at });
}

export function joinMembership(env: PaidEnv, i: { creatorId: number; userId: number; tierId: number; provider: string; idempotencyKey: string; autoRenew: boolean }): JoinResult {
  if (!/^[A-Za-z0-9_.:-]{8,100}$/.test(i.idempotencyKey)) return { ok: false, refusal: { status: 422, message: "idempotencyKey must be 8-100 letters, digits or ._:-" } };
  const hash = requestHash(["membership", i.creatorId, i.tierId, i.provider, i.autoRenew]);
  const now = env.now();
  let started = false;
  const run = env.db.transaction(() => {
    const prior = store.getPaymentByKey(env.db, i.userId, i.idempotencyKey);
    if (prior) {
      if (prior.requestHash !== hash) throw new Refused({ status: 409, message: "idempotencyKey was already used for a different payment" });
      return { payment: prior, membership: store.getMembership(env.db, i.creatorId, i.userId), replay: true };
    }
    const tier = store.getTier(env.db, i.tierId);
    if (!tier || !tier.active || tier.creatorId !== i.creatorId) throw new Refused({ status: 404, message: `no membership tier ${i.tierId} for this creator` });
    if (i.userId === i.creatorId) throw new Refused({ status: 422, message: "you cannot join your own membership" });
    const problem = providerProblem(env, i.provider, tier.currency);
    if (problem) throw new Refused({ status: 422, message: problem });
    const id = store.insertPayment(env.db, { userId: i.userId, creatorId: i.creatorId, tierId: tier.id, provider: i.provider, priceMinor: tier.priceMinor, currency: tier.currency, autoRenew: i.autoRenew && i.provider === "wallet", key: i.idempotencyKey, hash, now });
    if (i.provider === "wallet") {
      const tx = payCoins(env, { payerId: i.userId, creatorId: i.creatorId, coins: tier.priceMinor, reason: "membership", ref: `membership-payment:${id}` });
      store.movePayment(env.db, id, "pending", "paid", now, { ledgerTx: tx });
      started = applyPaid(env.db, store.getPayment(env.db, id)!, now);
    }
    return { payment: store.getPayment(env.db, id)!, membership: store.getMembership(env.db, i.creatorId, i.userId), replay: false };
  });
  try {
    const r = run.immediate();
    if (!r.replay && r.payment.status === "paid") announcePaid(env, r.payment, started);
    return { ok: true, ...r };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, refusal: err.refusal };
    throw err;
  }
}

/** Manual confirmation by the creator or the Stripe webhook (amount and currency must match). */
export function settleMembershipPayment(env: PaidEnv, id: number, how: { ref: string; paid?: { amountMinor: number | null; currency: string } }): { ok: boolean; message: string } {
  const now = env.now();
  const r = env.db.transaction((): { ok: boolean; message: string; paid?: MembershipPayment; started?: boolean } => {
    const p = store.getPayment(env.db, id);
    if (!p) return { ok: false, message: `no membership payment ${id}` };
    if (how.paid && (how.paid.amountMinor !== p.priceMinor || how.paid.currency.toUpperCase() !== p.currency)) return { ok: false, message: `paid ${how.paid.amountMinor} ${how.paid.currency} but payment ${id} is ${p.priceMinor} ${p.currency}` };
    if (!store.movePayment(env.db, id, "pending", "paid", now, { ref: how.ref })) return { ok: true, message: "stale" };
    const started = applyPaid(env.db, p, now);
    return { ok: true, message: "membership paid", paid: p, started };
  }).immediate();
  if (r.paid) announcePaid(env, r.paid, r.started === true);
  return { ok: r.ok, message: r.message };
}

/** Stops renewal; access stays until the period's end. */
export function cancelMembership(db: Database, creatorId: number, userId: number, now: number): Membership | null {
  const m = store.getMembership(db, creatorId, userId);
  if (!m || !store.moveMembership(db, m.id, ["active"], "cancelled", now, { autoRenew: false })) return null;
  return store.getMembership(db, creatorId, userId);
}

/** Renews, expires and reminds; returns what it did (tests and logs). */
export function sweepMemberships(env: PaidEnv): { renewed: number; expired: number; reminded: number } {
  const now = env.now();
  let renewed = 0, expired = 0, reminded = 0;
  for (const m of store.dueMemberships(env.db, now)) {
    if (m.status === "active" && m.autoRenew && m.provider === "wallet" && renewFromWallet(env, m, now)) {
      renewed++;
      continue;
    }
    if (store.moveMembership(env.db, m.id, ["active", "cancelled"], "expired", now)) {
      expired++;
      notify(env.db, env.bus, { userId: m.userId, kind: "membership.expired", ref: `${m.id}:${m.periodEnd}`, textKey: "memberships.notice.expired", vars: { tier: m.tierName }, url: "/me/memberships" }, now);
    }
  }
  for (const m of store.endingSoon(env.db, now, RENEW_REMINDER_MS)) {
    if (notify(env.db, env.bus, { userId: m.userId, kind: "membership.renew", ref: `${m.id}:${m.periodEnd}`, textKey: "memberships.notice.renew", vars: { tier: m.tierName, date: new Date(m.periodEnd).toISOString().slice(0, 10) }, url: "/me/memberships" }, now)) reminded++;
  }
  return { renewed, expired, reminded };
}

/** One period's coins; false when the wallet is short (the membership then expires). */
function renewFromWallet(env: PaidEnv, m: Membership, now: number): boolean {
  const tier = store.getTier(env.db, m.tierId);
  if (!tier || !tier.active || tier.currency !== "COIN") return false;
  try {
    const paid = env.db.transaction(() => {
      const id = store.insertPayment(env.db, { userId: m.userId, creatorId: m.creatorId, tierId: tier.id, provider: "wallet", priceMinor: tier.priceMinor, currency: "COIN", autoRenew: true, key: `renew:${m.id}:${m.periodEnd}`, hash: "renew", now });
      const tx = payCoins(env, { payerId: m.userId, creatorId: m.creatorId, coins: tier.priceMinor, reason: "membership", ref: `membership-payment:${id}` });
      store.movePayment(env.db, id, "pending", "paid", now, { ledgerTx: tx });
      return store.moveMembership(env.db, m.id, ["active"], "active", now, { periodEnd: m.periodEnd + PERIOD_MS }) ? store.getPayment(env.db, id) : null;
    }).immediate();
    if (paid) announcePaid(env, paid, false);
    return paid !== null;
  } catch (err) {
    if (err instanceof Refused) return false;
    throw err;
  }
}

export function membershipScheduler(env: PaidEnv, everyMs: number, log: (msg: string) => void): Service {
  let timer: ReturnType<typeof setInterval> | null = null;
  return {
    name: "memberships.scheduler",
    start() {
      timer = setInterval(() => {
        try {
          sweepMemberships(env);
        } catch (err) {
          log(`memberships sweep: ${err instanceof Error ? err.message : String(err)}`);
        }
      }, everyMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

export const { getTier, listTiers, listAllTiers, getMembership, listMembers, listMembershipsOf, getPayment, membershipRevenue, setMembersOnlyChat, membersOnlyChat } = store;
