// The only file of the classes domain with SQL: classes, seats, tickets, coupons, materials, attendance, Q&A,
// notices and pay-per-view replays.
import type { Database } from "bun:sqlite";
import type { Lang, MessageKey } from "../i18n";
import type { AttendanceRow, ClassInfo, ClassInput, Coupon, Material, Notice, Question, ReplayPrice, ReplayPurchase, RevenueRow, Ticket, TicketProvider, TicketStatus } from "./model";

interface ClassRow {
  id: number; teacher_id: number; teacher_name: string; teacher_username: string; room_id: number; room_slug: string; title: string;
  description: string; starts_at: number; minutes: number; price_minor: number; currency: string; capacity: number | null;
  seats_taken: number; replay_included: number; created_at: number;
}

const CLASS_SELECT = `SELECT c.*, u.display_name AS teacher_name, u.username AS teacher_username, r.slug AS room_slug
  FROM classes c JOIN users u ON u.id = c.teacher_id JOIN rooms r ON r.id = c.room_id`;

function toClass(r: ClassRow): ClassInfo {
  return {
    id: r.id, teacherId: r.teacher_id, teacherName: r.teacher_name, teacherUsername: r.teacher_username, roomId: r.room_id, roomSlug: r.room_slug,
    title: r.title, description: r.description, startsAt: r.starts_at, minutes: r.minutes, priceMinor: r.price_minor, currency: r.currency,
    capacity: r.capacity, seatsTaken: r.seats_taken, replayIncluded: r.replay_included === 1, createdAt: r.created_at,
  };
}

export function insertClass(db: Database, teacherId: number, roomId: number, c: ClassInput, now: number): number {
  return db.query<{ id: number }, (string | number | null)[]>(
    `INSERT INTO classes (teacher_id, room_id, title, description, starts_at, minutes, price_minor, currency, capacity, replay_included, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  ).get(teacherId, roomId, c.title, c.description, c.startsAt, c.minutes, c.priceMinor, c.currency, c.capacity, c.replayIncluded ? 1 : 0, now, now)!.id;
}

/** False when the new capacity is below the seats already taken (the CHECK refuses it). */
export function updateClass(db: Database, id: number, c: ClassInput, now: number): boolean {
  try {
    return db.query(
      `UPDATE classes SET title = ?, description = ?, starts_at = ?, minutes = ?, price_minor = ?, currency = ?, capacity = ?, replay_included = ?,
       reminded_at = CASE WHEN starts_at = ? THEN reminded_at ELSE NULL END, updated_at = ? WHERE id = ?`,
    ).run(c.title, c.description, c.startsAt, c.minutes, c.priceMinor, c.currency, c.capacity, c.replayIncluded ? 1 : 0, c.startsAt, now, id).changes === 1;
  } catch (err) {
    if (err instanceof Error && /CHECK constraint/.test(err.message)) return false;
    throw err;
  }
}

export function getClass(db: Database, id: number): ClassInfo | null {
  const r = db.query<ClassRow, [number]>(`${CLASS_SELECT} WHERE c.id = ?`).get(id);
  return r ? toClass(r) : null;
}

/** Classes that have not ended yet, soonest first. */
export function listUpcoming(db: Database, now: number, limit = 100): ClassInfo[] {
  return db.query<ClassRow, [number, number]>(`${CLASS_SELECT} WHERE c.starts_at + c.minutes * 60000 > ? ORDER BY c.starts_at, c.id LIMIT ?`).all(now, limit).map(toClass);
}

export function listByTeacher(db: Database, teacherId: number, limit = 200): ClassInfo[] {
  return db.query<ClassRow, [number, number]>(`${CLASS_SELECT} WHERE c.teacher_id = ? ORDER BY c.starts_at DESC LIMIT ?`).all(teacherId, limit).map(toClass);
}

/** Classes whose reminder is due (starting within `leadMs`) and not yet sent; marks nothing. */
export function dueReminders(db: Database, now: number, leadMs: number): ClassInfo[] {
  return db.query<ClassRow, [number, number]>(`${CLASS_SELECT} WHERE c.reminded_at IS NULL AND c.starts_at > ? AND c.starts_at <= ? ORDER BY c.starts_at`).all(now, now + leadMs).map(toClass);
}

/** Claims a class's reminder once (the conditional update is the guard against two sweeps). */
export function claimReminder(db: Database, id: number, now: number): boolean {
  return db.query("UPDATE classes SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL").run(now, id).changes === 1;
}

/** The seat: one conditional increment that cannot pass the capacity. */
export function takeSeat(db: Database, classId: number): boolean {
  return db.query("UPDATE classes SET seats_taken = seats_taken + 1 WHERE id = ? AND (capacity IS NULL OR seats_taken < capacity)").run(classId).changes === 1;
}

export function returnSeat(db: Database, classId: number): void {
  db.query("UPDATE classes SET seats_taken = seats_taken - 1 WHERE id = ? AND seats_taken > 0").run(classId);
}

interface TicketRow {
  id: number; class_id: number; user_id: number; username: string; status: TicketStatus; provider: TicketProvider; price_minor: number; currency: string;
  coupon_id: number | null; idempotency_key: string; request_hash: string; provider_ref: string | null; ledger_tx: number | null; email: string | null;
  reserved_until: number | null; created_at: number;
}

const TICKET_SELECT = "SELECT t.*, u.username FROM tickets t JOIN users u ON u.id = t.user_id";

function toTicket(r: TicketRow): Ticket {
  return {
    id: r.id, classId: r.class_id, userId: r.user_id, username: r.username, status: r.status, provider: r.provider, priceMinor: r.price_minor,
    currency: r.currency, couponId: r.coupon_id, idempotencyKey: r.idempotency_key, requestHash: r.request_hash, providerRef: r.provider_ref,
    ledgerTx: r.ledger_tx, email: r.email, reservedUntil: r.reserved_until, createdAt: r.created_at,
  };
}

export function insertTicket(
  db: Database,
  t: { classId: number; userId: number; status: TicketStatus; provider: TicketProvider; priceMinor: number; currency: string; couponId: number | null; key: string; hash: string; email: string | null; reservedUntil: number | null; now: number },
): number {
  return db.query<{ id: number }, (string | number | null)[]>(
    `INSERT INTO tickets (class_id, user_id, status, provider, price_minor, currency, coupon_id, idempotency_key, request_hash, email, reserved_until, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  ).get(t.classId, t.userId, t.status, t.provider, t.priceMinor, t.currency, t.couponId, t.key, t.hash, t.email, t.reservedUntil, t.now, t.now)!.id;
}

export function getTicket(db: Database, id: number): Ticket | null {
  const r = db.query<TicketRow, [number]>(`${TICKET_SELECT} WHERE t.id = ?`).get(id);
  return r ? toTicket(r) : null;
}

export function getTicketByKey(db: Database, userId: number, key: string): Ticket | null {
  const r = db.query<TicketRow, [number, string]>(`${TICKET_SELECT} WHERE t.user_id = ? AND t.idempotency_key = ?`).get(userId, key);
  return r ? toTicket(r) : null;
}

/** The user's pending or valid ticket to a class. */
export function heldTicket(db: Database, classId: number, userId: number): Ticket | null {
  const r = db.query<TicketRow, [number, number]>(`${TICKET_SELECT} WHERE t.class_id = ? AND t.user_id = ? AND t.status IN ('pending','valid')`).get(classId, userId);
  return r ? toTicket(r) : null;
}

export function listTicketsByClass(db: Database, classId: number): Ticket[] {
  return db.query<TicketRow, [number]>(`${TICKET_SELECT} WHERE t.class_id = ? ORDER BY t.id`).all(classId).map(toTicket);
}

export function listTicketsByUser(db: Database, userId: number, limit = 200): Ticket[] {
  return db.query<TicketRow, [number, number]>(`${TICKET_SELECT} WHERE t.user_id = ? ORDER BY t.id DESC LIMIT ?`).all(userId, limit).map(toTicket);
}

/** Pending tickets whose reservation ran out. */
export function expiredPendingTickets(db: Database, now: number): Ticket[] {
  return db.query<TicketRow, [number]>(`${TICKET_SELECT} WHERE t.status = 'pending' AND t.reserved_until IS NOT NULL AND t.reserved_until <= ? LIMIT 500`).all(now).map(toTicket);
}

/** The status move every ticket change goes through: conditional on the current status, so it happens once. */
export function moveTicket(db: Database, id: number, from: readonly TicketStatus[], to: TicketStatus, now: number, set: { ref?: string | null; ledgerTx?: number | null } = {}): boolean {
  return db.query(
    `UPDATE tickets SET status = ?, provider_ref = COALESCE(?, provider_ref), ledger_tx = COALESCE(?, ledger_tx), updated_at = ?
     WHERE id = ? AND status IN (${from.map(() => "?").join(",")})`,
  ).run(to, set.ref ?? null, set.ledgerTx ?? null, now, id, ...from).changes === 1;
}

/**
 * Whether the user holds a valid ticket to a class in the room whose access window contains now (the media hot
 * path of class rooms; `+?`: server/db/open.ts).
 */
export function validTicketInWindow(db: Database, userId: number, roomId: number, now: number, marginMs: number): boolean {
  return !!db.query(
    `SELECT 1 FROM tickets t JOIN classes c ON c.id = t.class_id
     WHERE t.user_id = +? AND t.status = 'valid' AND c.room_id = +? AND c.starts_at - +? <= +? AND c.starts_at + c.minutes * 60000 + +? >= +? LIMIT 1`,
  ).get(userId, roomId, marginMs, now, marginMs, now);
}

/** Valid tickets of a class with their e-mail and the language it comes in (the accounts domain's users.lang): reminders. */
export function ticketHolders(db: Database, classId: number): { userId: number; email: string | null; lang: Lang }[] {
  return db.query<{ userId: number; email: string | null; lang: Lang }, [number]>(
    "SELECT t.user_id AS userId, t.email, u.lang FROM tickets t JOIN users u ON u.id = t.user_id WHERE t.class_id = ? AND t.status = 'valid'",
  ).all(classId);
}

const COUPON_COLS = "id, class_id AS classId, code, kind, amount, max_uses AS maxUses, uses, expires_at AS expiresAt";

export function insertCoupon(db: Database, c: { classId: number; code: string; kind: "percent" | "fixed"; amount: number; maxUses: number; expiresAt: number | null; now: number }): Coupon | null {
  return db.query<Coupon, (string | number | null)[]>(
    `INSERT INTO class_coupons (class_id, code, kind, amount, max_uses, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (class_id, code) DO NOTHING RETURNING ${COUPON_COLS}`,
  ).get(c.classId, c.code, c.kind, c.amount, c.maxUses, c.expiresAt, c.now);
}

export function couponByCode(db: Database, classId: number, code: string): Coupon | null {
  return db.query<Coupon, [number, string]>(`SELECT ${COUPON_COLS} FROM class_coupons WHERE class_id = ? AND code = ?`).get(classId, code);
}

export function listCoupons(db: Database, classId: number): Coupon[] {
  return db.query<Coupon, [number]>(`SELECT ${COUPON_COLS} FROM class_coupons WHERE class_id = ? ORDER BY id`).all(classId);
}

/** Takes one use; false when the coupon is used up. */
export function takeCouponUse(db: Database, id: number): boolean {
  return db.query("UPDATE class_coupons SET uses = uses + 1 WHERE id = ? AND uses < max_uses").run(id).changes === 1;
}

export function returnCouponUse(db: Database, id: number): void {
  db.query("UPDATE class_coupons SET uses = uses - 1 WHERE id = ? AND uses > 0").run(id);
}

const MATERIAL_COLS = "id, class_id AS classId, name, file, bytes, created_at AS createdAt";

export function insertMaterial(db: Database, m: { classId: number; name: string; file: string; bytes: number; now: number }): Material {
  return db.query<Material, (string | number)[]>(`INSERT INTO class_materials (class_id, name, file, bytes, created_at) VALUES (?, ?, ?, ?, ?) RETURNING ${MATERIAL_COLS}`)
    .get(m.classId, m.name, m.file, m.bytes, m.now)!;
}

export function listMaterials(db: Database, classId: number): Material[] {
  return db.query<Material, [number]>(`SELECT ${MATERIAL_COLS} FROM class_materials WHERE class_id = ? ORDER BY id`).all(classId);
}

export function getMaterial(db: Database, id: number): Material | null {
  return db.query<Material, [number]>(`SELECT ${MATERIAL_COLS} FROM class_materials WHERE id = ?`).get(id);
}

/** Adds watched time: `seconds` is the gap since the last sighting, capped by the caller. */
export function recordAttendance(db: Database, classId: number, userId: number, now: number, seconds: number): void {
  db.query(
    `INSERT INTO class_attendance (class_id, user_id, joined_at, last_seen_at, seconds) VALUES (?1, ?2, ?3, ?3, 0)
     ON CONFLICT (class_id, user_id) DO UPDATE SET last_seen_at = ?3, seconds = seconds + ?4`,
  ).run(classId, userId, now, seconds);
}

export function lastSeen(db: Database, classId: number, userId: number): number | null {
  return db.query<{ t: number }, [number, number]>("SELECT last_seen_at AS t FROM class_attendance WHERE class_id = ? AND user_id = ?").get(classId, userId)?.t ?? null;
}

/** One row per ticket (valid or refunded) with its holder's attendance. */
export function attendance(db: Database, classId: number): AttendanceRow[] {
  return db.query<AttendanceRow, [number]>(
    `SELECT t.id AS ticketId, u.username, t.status, a.joined_at AS joinedAt, COALESCE(a.seconds, 0) AS seconds
     FROM tickets t JOIN users u ON u.id = t.user_id LEFT JOIN class_attendance a ON a.class_id = t.class_id AND a.user_id = t.user_id
     WHERE t.class_id = ? AND t.status IN ('valid','refunded') ORDER BY t.id`,
  ).all(classId);
}

/** The class held in a room at this moment (its window includes `now`), if any. */
export function classInRoomAt(db: Database, roomId: number, now: number, marginMs: number): ClassInfo | null {
  const r = db.query<ClassRow, [number, number, number, number, number]>(
    `${CLASS_SELECT} WHERE c.room_id = ? AND c.starts_at - ? <= ? AND c.starts_at + c.minutes * 60000 + ? >= ? ORDER BY c.starts_at LIMIT 1`,
  ).get(roomId, marginMs, now, marginMs, now);
  return r ? toClass(r) : null;
}

interface QuestionRow { id: number; room_id: number; author: string; text: string; votes: number; answered: number; pinned: number; created_at: number }
const Q_SELECT = "SELECT q.id, q.room_id, u.display_name AS author, q.text, q.votes, q.answered, q.pinned, q.created_at FROM questions q JOIN users u ON u.id = q.user_id";

function toQuestion(r: QuestionRow): Question {
  return { id: r.id, roomId: r.room_id, author: r.author, text: r.text, votes: r.votes, answered: r.answered === 1, pinned: r.pinned === 1, createdAt: r.created_at };
}

export function insertQuestion(db: Database, roomId: number, userId: number, text: string, now: number): number {
  return db.query<{ id: number }, [number, number, string, number]>("INSERT INTO questions (room_id, user_id, text, created_at) VALUES (?, ?, ?, ?) RETURNING id").get(roomId, userId, text, now)!.id;
}

export function getQuestion(db: Database, id: number): Question | null {
  const r = db.query<QuestionRow, [number]>(`${Q_SELECT} WHERE q.id = ?`).get(id);
  return r ? toQuestion(r) : null;
}

/** The queue: open questions by votes (then oldest first), answered ones after. */
export function listQuestions(db: Database, roomId: number, limit = 100): Question[] {
  return db.query<QuestionRow, [number, number]>(`${Q_SELECT} WHERE q.room_id = ? ORDER BY q.answered, q.votes DESC, q.id LIMIT ?`).all(roomId, limit).map(toQuestion);
}

/** One vote per user per question; false when the user already voted. */
export function addVote(db: Database, questionId: number, userId: number): boolean {
  if (db.query("INSERT OR IGNORE INTO question_votes (question_id, user_id) VALUES (?, ?)").run(questionId, userId).changes !== 1) return false;
  db.query("UPDATE questions SET votes = votes + 1 WHERE id = ?").run(questionId);
  return true;
}

export function markAnswered(db: Database, questionId: number): void {
  db.query("UPDATE questions SET answered = 1, pinned = 0 WHERE id = ?").run(questionId);
}

/** Pins one question in its room (unpinning the others); returns the ids that were unpinned. */
export function pinQuestion(db: Database, roomId: number, questionId: number | null): number[] {
  const was = db.query<{ id: number }, [number]>("SELECT id FROM questions WHERE room_id = ? AND pinned = 1").all(roomId).map((r) => r.id);
  db.query("UPDATE questions SET pinned = 0 WHERE room_id = ? AND pinned = 1").run(roomId);
  if (questionId !== null) db.query("UPDATE questions SET pinned = 1 WHERE id = ? AND room_id = ?").run(questionId, roomId);
  return was.filter((id) => id !== questionId);
}

/** Only notices.ts writes text_key, and only from a MessageKey. */
interface NoticeRow { id: number; kind: string; text_key: MessageKey; vars: string; url: string; created_at: number; read_at: number | null }

/** Adds a notice once per (user, kind, ref); false when it existed. */
export function insertNotice(db: Database, n: { userId: number; kind: string; ref: string; textKey: string; vars: Record<string, string | number>; url: string; now: number }): boolean {
  return db.query("INSERT OR IGNORE INTO notices (user_id, kind, ref, text_key, vars, url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .run(n.userId, n.kind, n.ref, n.textKey, JSON.stringify(n.vars), n.url, n.now).changes === 1;
}

export function listNotices(db: Database, userId: number, limit = 50): Notice[] {
  return db.query<NoticeRow, [number, number]>("SELECT id, kind, text_key, vars, url, created_at, read_at FROM notices WHERE user_id = ? ORDER BY id DESC LIMIT ?")
    .all(userId, limit)
    .map((r) => ({ id: r.id, kind: r.kind, textKey: r.text_key, vars: JSON.parse(r.vars) as Record<string, string | number>, url: r.url, createdAt: r.created_at, readAt: r.read_at }));
}

export function markNoticesRead(db: Database, userId: number, now: number): void {
  db.query("UPDATE notices SET read_at = ? WHERE user_id = ? AND read_at IS NULL").run(now, userId);
}

/** Marks one of the user's notices read; false when it is not theirs or was read already. */
export function markNoticeRead(db: Database, userId: number, id: number, now: number): boolean {
  return db.query("UPDATE notices SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL").run(now, id, userId).changes === 1;
}

export function countUnreadNotices(db: Database, userId: number): number {
  return db.query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM notices WHERE user_id = ? AND read_at IS NULL").get(userId)!.n;
}

export function setReplayPrice(db: Database, p: ReplayPrice | { broadcastId: number; priceMinor: 0 }, now: number): void {
  if (p.priceMinor === 0) {
    db.query("DELETE FROM replay_prices WHERE broadcast_id = ?").run(p.broadcastId);
    return;
  }
  const q = p as ReplayPrice;
  db.query(
    `INSERT INTO replay_prices (broadcast_id, owner_id, price_minor, currency, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (broadcast_id) DO UPDATE SET price_minor = excluded.price_minor, currency = excluded.currency, updated_at = excluded.updated_at`,
  ).run(q.broadcastId, q.ownerId, q.priceMinor, q.currency, now);
}

export function getReplayPrice(db: Database, broadcastId: number): ReplayPrice | null {
  return db.query<ReplayPrice, [number]>("SELECT broadcast_id AS broadcastId, owner_id AS ownerId, price_minor AS priceMinor, currency FROM replay_prices WHERE broadcast_id = ?").get(broadcastId);
}

/** The owner of a broadcast's room (through the media and rooms tables). */
export function broadcastOwner(db: Database, broadcastId: number): number | null {
  return db.query<{ o: number }, [number]>("SELECT r.owner_id AS o FROM broadcasts b JOIN rooms r ON r.id = b.room_id WHERE b.id = ?").get(broadcastId)?.o ?? null;
}

interface PurchaseRow {
  id: number; broadcast_id: number; user_id: number; seller_id: number; status: ReplayPurchase["status"]; provider: ReplayPurchase["provider"];
  price_minor: number; currency: string; idempotency_key: string; request_hash: string; provider_ref: string | null; ledger_tx: number | null; created_at: number;
}

function toPurchase(r: PurchaseRow): ReplayPurchase {
  return {
    id: r.id, broadcastId: r.broadcast_id, userId: r.user_id, sellerId: r.seller_id, status: r.status, provider: r.provider, priceMinor: r.price_minor,
    currency: r.currency, idempotencyKey: r.idempotency_key, requestHash: r.request_hash, providerRef: r.provider_ref, ledgerTx: r.ledger_tx, createdAt: r.created_at,
  };
}

export function insertPurchase(db: Database, p: { broadcastId: number; userId: number; sellerId: number; provider: ReplayPurchase["provider"]; priceMinor: number; currency: string; key: string; hash: string; now: number }): number {
  return db.query<{ id: number }, (string | number)[]>(
    `INSERT INTO replay_purchases (broadcast_id, user_id, seller_id, status, provider, price_minor, currency, idempotency_key, request_hash, created_at, updated_at)
     VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  ).get(p.broadcastId, p.userId, p.sellerId, p.provider, p.priceMinor, p.currency, p.key, p.hash, p.now, p.now)!.id;
}

export function getPurchase(db: Database, id: number): ReplayPurchase | null {
  const r = db.query<PurchaseRow, [number]>("SELECT * FROM replay_purchases WHERE id = ?").get(id);
  return r ? toPurchase(r) : null;
}

export function getPurchaseByKey(db: Database, userId: number, key: string): ReplayPurchase | null {
  const r = db.query<PurchaseRow, [number, string]>("SELECT * FROM replay_purchases WHERE user_id = ? AND idempotency_key = ?").get(userId, key);
  return r ? toPurchase(r) : null;
}

export function heldPurchase(db: Database, broadcastId: number, userId: number): ReplayPurchase | null {
  const r = db.query<PurchaseRow, [number, number]>("SELECT * FROM replay_purchases WHERE broadcast_id = ? AND user_id = ? AND status IN ('pending','paid')").get(broadcastId, userId);
  return r ? toPurchase(r) : null;
}

export function hasPaidPurchase(db: Database, userId: number, broadcastId: number): boolean {
  return !!db.query("SELECT 1 FROM replay_purchases WHERE broadcast_id = ? AND user_id = ? AND status = 'paid'").get(broadcastId, userId);
}

export function movePurchase(db: Database, id: number, from: ReplayPurchase["status"], to: ReplayPurchase["status"], now: number, set: { ref?: string | null; ledgerTx?: number | null } = {}): boolean {
  return db.query("UPDATE replay_purchases SET status = ?, provider_ref = COALESCE(?, provider_ref), ledger_tx = COALESCE(?, ledger_tx), updated_at = ? WHERE id = ? AND status = ?")
    .run(to, set.ref ?? null, set.ledgerTx ?? null, now, id, from).changes === 1;
}

/** Paid ticket and PPV revenue of a creator by currency (refunded ones excluded). */
export function revenue(db: Database, creatorId: number): RevenueRow[] {
  return db.query<RevenueRow, [number, number]>(
    `SELECT 'ticket' AS kind, t.currency, COUNT(*) AS count, SUM(t.price_minor) AS grossMinor FROM tickets t JOIN classes c ON c.id = t.class_id
       WHERE c.teacher_id = ? AND t.status = 'valid' AND t.price_minor > 0 GROUP BY t.currency
     UNION ALL
     SELECT 'ppv' AS kind, currency, COUNT(*) AS count, SUM(price_minor) AS grossMinor FROM replay_purchases WHERE seller_id = ? AND status = 'paid' GROUP BY currency`,
  ).all(creatorId, creatorId);
}
