// The only file of the memberships domain with SQL.
import type { Database } from "bun:sqlite";
import type { Membership, MembershipPayment, MembershipStatus, Tier } from "./model";

interface TierRow { id: number; creator_id: number; creator_username: string; name: string; price_minor: number; currency: string; perks: string; badge: string; active: number }
const TIER_SELECT = "SELECT t.*, u.username AS creator_username FROM membership_tiers t JOIN users u ON u.id = t.creator_id";
const toTier = (r: TierRow): Tier => ({ id: r.id, creatorId: r.creator_id, creatorUsername: r.creator_username, name: r.name, priceMinor: r.price_minor, currency: r.currency, perks: r.perks, badge: r.badge, active: r.active === 1 });

export function insertTier(db: Database, t: { creatorId: number; name: string; priceMinor: number; currency: string; perks: string; badge: string; now: number }): number | null {
  return db.query<{ id: number }, (string | number)[]>(
    "INSERT INTO membership_tiers (creator_id, name, price_minor, currency, perks, badge, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (creator_id, name) DO NOTHING RETURNING id",
  ).get(t.creatorId, t.name, t.priceMinor, t.currency, t.perks, t.badge, t.now)?.id ?? null;
}

export function getTier(db: Database, id: number): Tier | null {
  const r = db.query<TierRow, [number]>(`${TIER_SELECT} WHERE t.id = ?`).get(id);
  return r ? toTier(r) : null;
}

export function listTiers(db: Database, creatorId: number): Tier[] {
  return db.query<TierRow, [number]>(`${TIER_SELECT} WHERE t.creator_id = ? AND t.active = 1 ORDER BY t.price_minor, t.id`).all(creatorId).map(toTier);
}

/** Every tier of a creator, archived ones last (the Studio). */
export function listAllTiers(db: Database, creatorId: number): Tier[] {
  return db.query<TierRow, [number]>(`${TIER_SELECT} WHERE t.creator_id = ? ORDER BY t.active DESC, t.price_minor, t.id`).all(creatorId).map(toTier);
}

/** False when another tier of the creator already has the name. */
export function updateTier(db: Database, id: number, t: { name: string; priceMinor: number; perks: string; badge: string }): boolean {
  const clash = db.query<{ id: number }, [number, string, number]>("SELECT o.id FROM membership_tiers o JOIN membership_tiers t ON t.creator_id = o.creator_id WHERE t.id = ? AND o.name = ? AND o.id <> ?").get(id, t.name, id);
  if (clash) return false;
  db.query("UPDATE membership_tiers SET name = ?, price_minor = ?, perks = ?, badge = ? WHERE id = ?").run(t.name, t.priceMinor, t.perks, t.badge, id);
  return true;
}

export function setTierActive(db: Database, id: number, active: boolean): void {
  db.query("UPDATE membership_tiers SET active = ? WHERE id = ?").run(active ? 1 : 0, id);
}

interface MemberRow { id: number; creator_id: number; user_id: number; username: string; tier_id: number; tier_name: string; badge: string; status: MembershipStatus; auto_renew: number; provider: string; period_end: number }
const MEMBER_SELECT = `SELECT m.*, u.username, t.name AS tier_name, t.badge FROM memberships m JOIN users u ON u.id = m.user_id JOIN membership_tiers t ON t.id = m.tier_id`;
const toMember = (r: MemberRow): Membership => ({
  id: r.id, creatorId: r.creator_id, userId: r.user_id, username: r.username, tierId: r.tier_id, tierName: r.tier_name, badge: r.badge, status: r.status,
  autoRenew: r.auto_renew === 1, provider: r.provider, periodEnd: r.period_end,
});

export function getMembership(db: Database, creatorId: number, userId: number): Membership | null {
  const r = db.query<MemberRow, [number, number]>(`${MEMBER_SELECT} WHERE m.creator_id = ? AND m.user_id = ?`).get(creatorId, userId);
  return r ? toMember(r) : null;
}

export function getMembershipById(db: Database, id: number): Membership | null {
  const r = db.query<MemberRow, [number]>(`${MEMBER_SELECT} WHERE m.id = ?`).get(id);
  return r ? toMember(r) : null;
}

export function listMembers(db: Database, creatorId: number): Membership[] {
  return db.query<MemberRow, [number]>(`${MEMBER_SELECT} WHERE m.creator_id = ? ORDER BY m.id`).all(creatorId).map(toMember);
}

export function listMembershipsOf(db: Database, userId: number): Membership[] {
  return db.query<MemberRow, [number]>(`${MEMBER_SELECT} WHERE m.user_id = ? ORDER BY m.id`).all(userId).map(toMember);
}

/** Starts or extends a membership to `periodEnd` on `tierId`, active. */
export function upsertMembership(db: Database, m: { creatorId: number; userId: number; tierId: number; autoRenew: boolean; provider: string; periodEnd: number; now: number }): void {
  db.query(
    `INSERT INTO memberships (creator_id, user_id, tier_id, status, auto_renew, provider, period_end, created_at, updated_at) VALUES (?1, ?2, ?3, 'active', ?4, ?5, ?6, ?7, ?7)
     ON CONFLICT (creator_id, user_id) DO UPDATE SET tier_id = ?3, status = 'active', auto_renew = ?4, provider = ?5, period_end = ?6, updated_at = ?7`,
  ).run(m.creatorId, m.userId, m.tierId, m.autoRenew ? 1 : 0, m.provider, m.periodEnd, m.now);
}

export function moveMembership(db: Database, id: number, from: readonly MembershipStatus[], to: MembershipStatus, now: number, set: { autoRenew?: boolean; periodEnd?: number } = {}): boolean {
  return db.query(
    `UPDATE memberships SET status = ?, auto_renew = COALESCE(?, auto_renew), period_end = COALESCE(?, period_end), updated_at = ? WHERE id = ? AND status IN (${from.map(() => "?").join(",")})`,
  ).run(to, set.autoRenew === undefined ? null : set.autoRenew ? 1 : 0, set.periodEnd ?? null, now, id, ...from).changes === 1;
}

/** Memberships whose period ended (active or cancelled): the scheduler renews or expires them. */
export function dueMemberships(db: Database, now: number): Membership[] {
  return db.query<MemberRow, [number]>(`${MEMBER_SELECT} WHERE m.status IN ('active','cancelled') AND m.period_end <= ? LIMIT 500`).all(now).map(toMember);
}

/** Active memberships ending within the window that will not renew by themselves. */
export function endingSoon(db: Database, now: number, windowMs: number): Membership[] {
  return db.query<MemberRow, [number, number]>(`${MEMBER_SELECT} WHERE m.status = 'active' AND m.period_end > ? AND m.period_end <= ? AND (m.auto_renew = 0 OR m.provider != 'wallet')`).all(now, now + windowMs).map(toMember);
}

/**
 * Whether the user's membership of the creator grants access now, at or above a tier (by price) when given (the
 * media hot path of members-only rooms; `+?`: server/db/open.ts).
 */
export function activeAtLeast(db: Database, userId: number, creatorId: number, minTierId: number | null, now: number): boolean {
  return !!db.query(
    `SELECT 1 FROM memberships m JOIN membership_tiers t ON t.id = m.tier_id
     WHERE m.user_id = +?1 AND m.creator_id = +?2 AND m.status IN ('active','cancelled') AND m.period_end > +?3
       AND (+?4 IS NULL OR m.tier_id = +?4 OR EXISTS (SELECT 1 FROM membership_tiers mt WHERE mt.id = +?4 AND mt.creator_id = +?2 AND mt.currency = t.currency AND t.price_minor >= mt.price_minor))`,
  ).get(userId, creatorId, now, minTierId);
}

/** The badge of a user's current membership of a creator ("" when none or the tier has none); every chat message (`+?`: server/db/open.ts). */
export function badgeOf(db: Database, userId: number, creatorId: number, now: number): string | null {
  return db.query<{ badge: string }, [number, number, number]>(
    "SELECT t.badge FROM memberships m JOIN membership_tiers t ON t.id = m.tier_id WHERE m.user_id = +? AND m.creator_id = +? AND m.status IN ('active','cancelled') AND m.period_end > +?",
  ).get(userId, creatorId, now)?.badge ?? null;
}

interface PayRow {
  id: number; user_id: number; creator_id: number; tier_id: number; provider: MembershipPayment["provider"]; status: MembershipPayment["status"]; price_minor: number;
  currency: string; auto_renew: number; idempotency_key: string; request_hash: string; provider_ref: string | null; ledger_tx: number | null; created_at: number;
}
const toPay = (r: PayRow): MembershipPayment => ({
  id: r.id, userId: r.user_id, creatorId: r.creator_id, tierId: r.tier_id, provider: r.provider, status: r.status, priceMinor: r.price_minor, currency: r.currency,
  autoRenew: r.auto_renew === 1, idempotencyKey: r.idempotency_key, requestHash: r.request_hash, providerRef: r.provider_ref, ledgerTx: r.ledger_tx, createdAt: r.created_at,
});

export function insertPayment(db: Database, p: { userId: number; creatorId: number; tierId: number; provider: string; priceMinor: number; currency: string; autoRenew: boolean; key: string; hash: string; now: number }): number {
  return db.query<{ id: number }, (string | number)[]>(
    `INSERT INTO membership_payments (user_id, creator_id, tier_id, provider, status, price_minor, currency, auto_renew, idempotency_key, request_hash, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  ).get(p.userId, p.creatorId, p.tierId, p.provider, p.priceMinor, p.currency, p.autoRenew ? 1 : 0, p.key, p.hash, p.now, p.now)!.id;
}

export function getPayment(db: Database, id: number): MembershipPayment | null {
  const r = db.query<PayRow, [number]>("SELECT * FROM membership_payments WHERE id = ?").get(id);
  return r ? toPay(r) : null;
}

export function getPaymentByKey(db: Database, userId: number, key: string): MembershipPayment | null {
  const r = db.query<PayRow, [number, string]>("SELECT * FROM membership_payments WHERE user_id = ? AND idempotency_key = ?").get(userId, key);
  return r ? toPay(r) : null;
}

export function movePayment(db: Database, id: number, from: MembershipPayment["status"], to: MembershipPayment["status"], now: number, set: { ref?: string | null; ledgerTx?: number | null } = {}): boolean {
  return db.query("UPDATE membership_payments SET status = ?, provider_ref = COALESCE(?, provider_ref), ledger_tx = COALESCE(?, ledger_tx), updated_at = ? WHERE id = ? AND status = ?")
    .run(to, set.ref ?? null, set.ledgerTx ?? null, now, id, from).changes === 1;
}

export function membershipRevenue(db: Database, creatorId: number): { currency: string; count: number; grossMinor: number }[] {
  return db.query<{ currency: string; count: number; grossMinor: number }, [number]>(
    "SELECT currency, COUNT(*) AS count, SUM(price_minor) AS grossMinor FROM membership_payments WHERE creator_id = ? AND status = 'paid' GROUP BY currency",
  ).all(creatorId);
}

export function setMembersOnlyChat(db: Database, roomId: number, on: boolean): void {
  if (on) db.query("INSERT OR IGNORE INTO members_only_chat (room_id) VALUES (?)").run(roomId);
  else db.query("DELETE FROM members_only_chat WHERE room_id = ?").run(roomId);
}

export function membersOnlyChat(db: Database, roomId: number): boolean {
  return !!db.query("SELECT 1 FROM members_only_chat WHERE room_id = ?").get(roomId);
}
