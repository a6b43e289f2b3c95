// Class rules: validation, creating and editing a class (in one of the teacher's rooms, or a new room of its own),
// coupons, and the public catalogue.
import type { Database } from "bun:sqlite";
import type { User } from "../accounts/model";
import type { Room } from "../rooms/model";
import { canManage, createRoom, listRoomsByOwner } from "../rooms/rooms";
import { CURRENCIES } from "../shop/model";
import type { ClassInfo, ClassInput, Coupon } from "./model";
import * as store from "./storage";

export type Result<T> = { ok: true; value: T } | { ok: false; status: 403 | 404 | 409 | 422; message: string };

const fail = (message: string, status: 403 | 404 | 409 | 422 = 422) => ({ ok: false as const, status, message });

/** One problem per bad field, named as in the API (the CLI maps fields to its flags). */
export function validateClass(c: ClassInput): { field: string; message: string } | null {
  if (!c.title.trim() || c.title.length > 200) return { field: "title", message: "title must be 1-200 characters" };
  if (c.description.length > 5000) return { field: "description", message: "description must be at most 5,000 characters" };
  if (!Number.isSafeInteger(c.startsAt) || c.startsAt < 0) return { field: "starts", message: "the start must be an ISO 8601 time" };
  if (!Number.isInteger(c.minutes) || c.minutes < 1 || c.minutes > 1440) return { field: "minutes", message: "minutes must be a whole number from 1 to 1440" };
  if (!Number.isSafeInteger(c.priceMinor) || c.priceMinor < 0 || c.priceMinor > 100_000_000) return { field: "price", message: "price must be minor units (an integer 0 or more)" };
  if (!Object.hasOwn(CURRENCIES, c.currency)) return { field: "currency", message: `currency must be one of ${Object.keys(CURRENCIES).join(", ")}` };
  if (c.capacity !== null && (!Number.isInteger(c.capacity) || c.capacity < 1 || c.capacity > 1_000_000)) return { field: "capacity", message: "capacity must be a whole number from 1, or empty for no limit" };
  return null;
}

/** Parses an ISO 8601 time with a zone (Z or ±hh:mm); null for anything else. */
export function parseStart(raw: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw.trim())) return null;
  const t = Date.parse(raw.trim());
  return Number.isNaN(t) ? null : t;
}

export function normalize(c: ClassInput): ClassInput {
  return { ...c, title: c.title.trim(), description: c.description.trim(), currency: c.currency.trim().toUpperCase() };
}

/** Creates a class in `room` (which the teacher must manage) or, without one, in a new room named after the class. */
export function createClass(db: Database, teacher: User, room: Room | null, input: ClassInput, now: number): Result<ClassInfo> {
  if (teacher.role !== "creator" && teacher.role !== "admin") return fail("only creators and admins teach classes", 403);
  const c = normalize(input);
  const bad = validateClass(c);
  if (bad) return fail(bad.message);
  if (room && !canManage(teacher, room)) return fail(`you do not manage room "${room.slug}"`, 403);
  let target = room;
  if (!target) {
    const made = createRoom(db, teacher, { title: c.title, description: c.description, category: "education", tags: "class" }, now);
    if (!made.ok) return fail("could not create a room for this class");
    target = made.value;
  }
  const id = store.insertClass(db, teacher.id, target.id, c, now);
  return { ok: true, value: store.getClass(db, id)! };
}

export function editClass(db: Database, cls: ClassInfo, input: ClassInput, now: number): Result<ClassInfo> {
  const c = normalize(input);
  const bad = validateClass(c);
  if (bad) return fail(bad.message);
  if (c.currency !== cls.currency && cls.seatsTaken > 0) return fail("the currency cannot change once tickets are sold", 409);
  if (!store.updateClass(db, cls.id, c, now)) return fail(`capacity cannot go below the ${cls.seatsTaken} seats already taken`, 409);
  return { ok: true, value: store.getClass(db, cls.id)! };
}

export function addCoupon(db: Database, cls: ClassInfo, input: { code: string; kind: string; amount: number; maxUses: number; expiresAt: number | null }, now: number): Result<Coupon> {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(input.code)) return fail("code must be 1-40 letters, digits, _ or -");
  if (input.kind !== "percent" && input.kind !== "fixed") return fail("kind must be percent or fixed");
  if (!Number.isSafeInteger(input.amount) || input.amount < 1 || (input.kind === "percent" && input.amount > 100)) return fail("amount must be 1-100 (percent) or minor units from 1 (fixed)");
  if (!Number.isInteger(input.maxUses) || input.maxUses < 1 || input.maxUses > 1_000_000) return fail("maxUses must be a whole number from 1");
  const c = store.insertCoupon(db, { classId: cls.id, code: input.code, kind: input.kind, amount: input.amount, maxUses: input.maxUses, expiresAt: input.expiresAt, now });
  return c ? { ok: true, value: c } : fail(`coupon "${input.code}" exists for this class`, 409);
}

/** The teacher's rooms, for the class form's room choice. */
export function teacherRooms(db: Database, teacherId: number): Room[] {
  return listRoomsByOwner(db, teacherId);
}

export const { getClass, listUpcoming, listByTeacher, listCoupons, listMaterials, getMaterial, insertMaterial, revenue } = store;
