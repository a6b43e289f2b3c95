// The only file of the sponsors domain with SQL.
import type { Database } from "bun:sqlite";
import type { Placement, Slot } from "./model";

interface SlotRow {
  id: number; owner_id: number; owner_name: string; instance: number; room_id: number | null; room_slug: string | null;
  placement: Placement; sponsor: string; text: string; image: string | null; link: string; starts_at: number; ends_at: number;
  cap_per_day: number; skip_after_s: number; exempt_tier_id: number | null; report_token: string | null; created_at: number;
}

const SELECT = `SELECT s.id, s.owner_id, u.username AS owner_name, s.instance, s.room_id, r.slug AS room_slug, s.placement, s.sponsor,
  s.text, s.image, s.link, s.starts_at, s.ends_at, s.cap_per_day, s.skip_after_s, s.exempt_tier_id, s.report_token, s.created_at
  FROM sponsor_slots s JOIN users u ON u.id = s.owner_id LEFT JOIN rooms r ON r.id = s.room_id`;

function toSlot(r: SlotRow): Slot {
  return {
    id: r.id, ownerId: r.owner_id, ownerName: r.owner_name, instance: r.instance === 1, roomId: r.room_id, roomSlug: r.room_slug,
    placement: r.placement, sponsor: r.sponsor, text: r.text, image: r.image, link: r.link, startsAt: r.starts_at, endsAt: r.ends_at,
    capPerDay: r.cap_per_day, skipAfterSeconds: r.skip_after_s, exemptTierId: r.exempt_tier_id, reportToken: r.report_token, createdAt: r.created_at,
  };
}

export interface SlotFields {
  instance: boolean; roomId: number | null; placement: Placement; sponsor: string; text: string; image: string | null; link: string;
  startsAt: number; endsAt: number; capPerDay: number; skipAfterSeconds: number; exemptTierId: number | null;
}

export function insertSlot(db: Database, ownerId: number, f: SlotFields, now: number): number {
  return db.query<{ id: number }, (string | number | null)[]>(
    `INSERT INTO sponsor_slots (owner_id, instance, room_id, placement, sponsor, text, image, link, starts_at, ends_at, cap_per_day, skip_after_s, exempt_tier_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  ).get(ownerId, f.instance ? 1 : 0, f.roomId, f.placement, f.sponsor, f.text, f.image, f.link, f.startsAt, f.endsAt, f.capPerDay, f.skipAfterSeconds, f.exemptTierId, now, now)!.id;
}

export function updateSlot(db: Database, id: number, f: SlotFields, now: number): void {
  db.query(
    `UPDATE sponsor_slots SET instance = ?, room_id = ?, placement = ?, sponsor = ?, text = ?, image = ?, link = ?, starts_at = ?, ends_at = ?,
     cap_per_day = ?, skip_after_s = ?, exempt_tier_id = ?, updated_at = ? WHERE id = ?`,
  ).run(f.instance ? 1 : 0, f.roomId, f.placement, f.sponsor, f.text, f.image, f.link, f.startsAt, f.endsAt, f.capPerDay, f.skipAfterSeconds, f.exemptTierId, now, id);
}

export function deleteSlot(db: Database, id: number): boolean {
  return db.query("DELETE FROM sponsor_slots WHERE id = ?").run(id).changes === 1;
}

export function getSlot(db: Database, id: number): Slot | null {
  const r = db.query<SlotRow, [number]>(`${SELECT} WHERE s.id = ?`).get(id);
  return r ? toSlot(r) : null;
}

export function listSlotsOf(db: Database, ownerId: number): Slot[] {
  return db.query<SlotRow, [number]>(`${SELECT} WHERE s.owner_id = ? ORDER BY s.id DESC`).all(ownerId).map(toSlot);
}

export function listInstanceSlots(db: Database): Slot[] {
  return db.query<SlotRow, []>(`${SELECT} WHERE s.instance = 1 ORDER BY s.id DESC`).all().map(toSlot);
}

/** Slots of a placement running now for a room: its own, its owner's "every room" ones, and instance-wide ones. */
export function runningSlots(db: Database, placement: Placement, room: { id: number; ownerId: number }, now: number): Slot[] {
  return db.query<SlotRow, [string, number, number, number, number]>(
    `${SELECT} WHERE s.placement = ? AND s.starts_at <= ? AND s.ends_at > ?
       AND (s.room_id = ? OR (s.room_id IS NULL AND (s.instance = 1 OR s.owner_id = ?))) ORDER BY s.id`,
  ).all(placement, now, now, room.id, room.ownerId).map(toSlot);
}

export function setReportToken(db: Database, id: number, token: string | null): void {
  db.query("UPDATE sponsor_slots SET report_token = ? WHERE id = ?").run(token, id);
}

export function insertDisplay(db: Database, d: { id: string; slotId: number; roomId: number | null; viewer: string; userId: number | null; now: number }): void {
  db.query("INSERT INTO sponsor_displays (id, slot_id, room_id, viewer, user_id, shown_at) VALUES (?, ?, ?, ?, ?, ?)").run(d.id, d.slotId, d.roomId, d.viewer, d.userId, d.now);
}

export interface DisplayRow {
  id: string;
  slot_id: number;
  room_id: number | null;
  viewer: string;
  user_id: number | null;
}

/**
 * Stamps the display seen; the conditional update makes exactly one caller win, so it counts once. It also holds
 * the frequency cap (impressions since `since`) for displays handed out before the viewer reached it (two tabs).
 */
export function markSeen(db: Database, id: string, now: number, since: number): DisplayRow | null {
  return db.query<DisplayRow, [number, string, number]>(
    `UPDATE sponsor_displays AS d SET seen_at = ? WHERE d.id = ? AND d.seen_at IS NULL
       AND (SELECT s.cap_per_day FROM sponsor_slots s WHERE s.id = d.slot_id) > (
         CASE WHEN (SELECT s.cap_per_day FROM sponsor_slots s WHERE s.id = d.slot_id) = 0 THEN -1
         ELSE (SELECT count(*) FROM sponsor_displays o WHERE o.slot_id = d.slot_id AND o.viewer = d.viewer AND o.seen_at > ?) END)
     RETURNING id, slot_id, room_id, viewer, user_id`,
  ).get(now, id, since);
}

export function markClicked(db: Database, id: string, slotId: number, now: number): (DisplayRow & { seen_at: number | null }) | null {
  return db.query<DisplayRow & { seen_at: number | null }, [number, string, number]>(
    "UPDATE sponsor_displays SET clicked_at = ? WHERE id = ? AND slot_id = ? AND clicked_at IS NULL RETURNING id, slot_id, room_id, viewer, user_id, seen_at",
  ).get(now, id, slotId);
}

/** A viewer's impressions of each slot since `since` (for the frequency cap and the rotation). */
export function seenCounts(db: Database, slotIds: readonly number[], viewer: string, since: number): Map<number, number> {
  if (!slotIds.length) return new Map();
  const rows = db.query<{ slot_id: number; n: number }, (string | number)[]>(
    `SELECT slot_id, count(*) AS n FROM sponsor_displays WHERE viewer = ? AND seen_at > ? AND slot_id IN (${slotIds.map(() => "?").join(",")}) GROUP BY slot_id`,
  ).all(viewer, since, ...slotIds);
  return new Map(rows.map((r) => [r.slot_id, r.n]));
}

/** Displays never seen, and any older than the cap window, carry nothing the cap or the counts still need. */
export function pruneDisplays(db: Database, before: number): number {
  return db.query("DELETE FROM sponsor_displays WHERE shown_at < ?").run(before).changes;
}

/** The secret that keys anonymous viewers' pseudonyms, made once per database. */
export function viewerSecret(db: Database, fresh: () => string): string {
  const get = () => db.query<{ secret: string }, []>("SELECT secret FROM sponsor_keys WHERE id = 1").get()?.secret;
  const have = get();
  if (have) return have;
  db.query("INSERT OR IGNORE INTO sponsor_keys (id, secret) VALUES (1, ?)").run(fresh());
  return get()!;
}
