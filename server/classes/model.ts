// Classes domain types: classes, tickets, coupons, Q&A, attendance, notices and pay-per-view replays, plus the
// pure helpers pages use (the access window, the coupon price). Room events of the Q&A live here too.
import type { MessageKey } from "../i18n";

/** A ticket opens its class's room this long before the start and keeps it open this long after the end. */
export const ACCESS_MARGIN_MS = 30 * 60_000;

export interface ClassInfo {
  id: number;
  teacherId: number;
  teacherName: string;
  teacherUsername: string;
  roomId: number;
  roomSlug: string;
  title: string;
  description: string;
  startsAt: number;
  minutes: number;
  priceMinor: number;
  currency: string;
  /** null: no limit. */
  capacity: number | null;
  seatsTaken: number;
  replayIncluded: boolean;
  createdAt: number;
}

/** What a teacher sets on a class. */
export type ClassInput = Pick<ClassInfo, "title" | "description" | "startsAt" | "minutes" | "priceMinor" | "currency" | "capacity" | "replayIncluded">;

export type TicketStatus = "pending" | "valid" | "refunded" | "cancelled";
export type TicketProvider = "wallet" | "manual" | "stripe" | "free";
export const TICKET_PROVIDERS = ["wallet", "manual", "stripe"] as const;
export type PayProvider = (typeof TICKET_PROVIDERS)[number];

export interface Ticket {
  id: number;
  classId: number;
  userId: number;
  username: string;
  status: TicketStatus;
  provider: TicketProvider;
  priceMinor: number;
  currency: string;
  couponId: number | null;
  idempotencyKey: string;
  requestHash: string;
  providerRef: string | null;
  ledgerTx: number | null;
  email: string | null;
  reservedUntil: number | null;
  createdAt: number;
}

export interface Coupon {
  id: number;
  classId: number;
  code: string;
  kind: "percent" | "fixed";
  amount: number;
  maxUses: number;
  uses: number;
  expiresAt: number | null;
}

export interface Material {
  id: number;
  classId: number;
  name: string;
  file: string;
  bytes: number;
  createdAt: number;
}

export interface AttendanceRow {
  ticketId: number;
  username: string;
  status: TicketStatus;
  joinedAt: number | null;
  seconds: number;
}

export interface Question {
  id: number;
  roomId: number;
  author: string;
  text: string;
  votes: number;
  answered: boolean;
  pinned: boolean;
  createdAt: number;
}

export interface Notice {
  id: number;
  kind: string;
  textKey: MessageKey;
  vars: Record<string, string | number>;
  url: string;
  createdAt: number;
  readAt: number | null;
}

export interface ReplayPrice {
  broadcastId: number;
  ownerId: number;
  priceMinor: number;
  currency: string;
}

export interface ReplayPurchase {
  id: number;
  broadcastId: number;
  userId: number;
  sellerId: number;
  status: "pending" | "paid" | "refunded" | "cancelled";
  provider: PayProvider;
  priceMinor: number;
  currency: string;
  idempotencyKey: string;
  requestHash: string;
  providerRef: string | null;
  ledgerTx: number | null;
  createdAt: number;
}

/** Gross paid revenue of one kind in one currency (the earnings page). */
export interface RevenueRow {
  kind: "ticket" | "membership" | "ppv";
  currency: string;
  count: number;
  grossMinor: number;
}

export type Refusal = { status: 402 | 404 | 409 | 422; message: string };

export function classEndsAt(c: Pick<ClassInfo, "startsAt" | "minutes">): number {
  return c.startsAt + c.minutes * 60_000;
}

/** Whether `now` falls in the window a ticket opens the room: [start − 30 min, end + 30 min]. */
export function inAccessWindow(c: Pick<ClassInfo, "startsAt" | "minutes">, now: number): boolean {
  return now >= c.startsAt - ACCESS_MARGIN_MS && now <= classEndsAt(c) + ACCESS_MARGIN_MS;
}

/** The price after a coupon, never below zero; percent coupons round the discount down (the buyer never pays less than stated). */
export function discounted(priceMinor: number, coupon: Pick<Coupon, "kind" | "amount"> | null): number {
  if (!coupon) return priceMinor;
  const off = coupon.kind === "percent" ? Math.floor((priceMinor * Math.min(coupon.amount, 100)) / 100) : coupon.amount;
  return Math.max(0, priceMinor - off);
}

/** The creator's part of a payment; the platform keeps the rest (same rounding rule as gifts). */
export function creatorPart(totalMinor: number, sharePercent: number): number {
  return Math.floor((totalMinor * sharePercent) / 100);
}

export function seatsLeft(c: Pick<ClassInfo, "capacity" | "seatsTaken">): number | null {
  return c.capacity === null ? null : Math.max(0, c.capacity - c.seatsTaken);
}

export type QuestionChange = "asked" | "voted" | "answered" | "pinned" | "unpinned";

declare module "../realtime/model" {
  interface RoomEvents {
    /** A question was asked, upvoted, answered or (un)pinned; `pinned` questions show on screen and on the OBS overlay. */
    question: { type: "question"; change: QuestionChange; room: string; id: number; text: string; author: string; votes: number; answered: boolean; pinned: boolean };
    /** A class in this room starts soon (in-app reminder for everyone in the room). */
    "class.reminder": { type: "class.reminder"; classId: number; title: string; startsAt: number; url: string };
  }
}
