// Memberships domain types and pure helpers.

/** One paid period. */
export const PERIOD_MS = 30 * 86_400_000;
/** Members who renew by hand are reminded this long before their period ends. */
export const RENEW_REMINDER_MS = 3 * 86_400_000;

export interface Tier {
  id: number;
  creatorId: number;
  creatorUsername: string;
  name: string;
  priceMinor: number;
  currency: string;
  perks: string;
  badge: string;
  active: boolean;
}

export type MembershipStatus = "active" | "cancelled" | "expired";

export interface Membership {
  id: number;
  creatorId: number;
  userId: number;
  username: string;
  tierId: number;
  tierName: string;
  badge: string;
  status: MembershipStatus;
  autoRenew: boolean;
  provider: string;
  periodEnd: number;
}

export interface MembershipPayment {
  id: number;
  userId: number;
  creatorId: number;
  tierId: number;
  provider: "wallet" | "manual" | "stripe";
  status: "pending" | "paid" | "cancelled";
  priceMinor: number;
  currency: string;
  autoRenew: boolean;
  idempotencyKey: string;
  requestHash: string;
  providerRef: string | null;
  ledgerTx: number | null;
  createdAt: number;
}

/** Access lasts until the period's end, whether or not the member cancelled. */
export function grantsAccess(m: Pick<Membership, "status" | "periodEnd">, now: number): boolean {
  return (m.status === "active" || m.status === "cancelled") && m.periodEnd > now;
}
