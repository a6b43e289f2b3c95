// Sponsor slot rules: who may schedule what, which slot a viewer sees (schedule window, member exemption,
// frequency cap), and counting: an impression or a click is a conditional stamp on the display row, so however
// often a beacon or a link is replayed it counts once per display; the winner emits the fact insights records.
import type { Database } from "bun:sqlite";
import { createHmac } from "node:crypto";
import { sameSecret } from "../lib/secrets";
import { join } from "node:path";
import type { User } from "../accounts/model";
import { randomToken } from "../accounts/secrets";
import type { Bus } from "../events/bus";
import { sponsorSlotCounts } from "../insights/sponsors";
import { checkImageUpload, storeImage } from "../lib/images";
import { hasMembership } from "../memberships/access";
import { getTier } from "../memberships/memberships";
import { getRoomBySlug } from "../rooms/rooms";
import { csvTable } from "../shop/csv";
import { CAP_WINDOW_MS, ctr, isPlacement, safeLink, validateSlot, type FieldError, type Placement, type Report, type Shown, type Slot, type SlotInput } from "./model";
import * as store from "./storage";

export interface SponsorEnv {
  db: Database;
  bus: Bus;
  now: () => number;
  dataDir: string;
}

/** Who is looking: a signed-in user, or an anonymous client (address + user agent; only a keyed hash is stored). */
export interface Viewer {
  userId: number | null;
  client: string | null;
}

export const SPONSOR_IMAGE_NAME = /^[0-9a-f]{16}\.(jpg|png|webp|gif)$/;
export const MAX_SPONSOR_IMAGE_BYTES = 1024 * 1024;
const IMAGE_RULES = {
  maxBytes: MAX_SPONSOR_IMAGE_BYTES, formats: ["jpg", "png", "webp", "gif"],
  messages: { type: "image: JPEG, PNG, WebP or GIF only", size: "image: at most 1 MB" },
} as const;

export function sponsorImagesDir(dataDir: string): string {
  return join(dataDir, "media", "sponsors");
}

/** Checks an uploaded image by its bytes and stores it; the stored name, or the field error. */
export async function saveSponsorImage(dataDir: string, file: Blob): Promise<{ ok: true; name: string } | { ok: false; error: FieldError }> {
  const img = await checkImageUpload(file, IMAGE_RULES);
  if (!img.ok) return { ok: false, error: { field: "image", message: img.message } };
  return { ok: true, name: await storeImage(sponsorImagesDir(dataDir), "", img) };
}

export type SlotResult = { ok: true; slot: Slot } | { ok: false; status: 403 | 404 | 422; errors: FieldError[] };

/** Owner or admin. */
export function canEdit(user: User | null, slot: Slot): boolean {
  return !!user && (user.role === "admin" || user.id === slot.ownerId);
}

/** The rights a slot is checked with: its owner's id, and whether that owner acts as an admin (any room, instance-wide). */
interface Owner {
  id: number;
  admin: boolean;
}

function resolve(db: Database, owner: Owner, i: SlotInput, hasImage: boolean): { ok: true; fields: Omit<store.SlotFields, "image"> } | { ok: false; status: 403 | 422; errors: FieldError[] } {
  if (i.instance && !owner.admin) return { ok: false, status: 403, errors: [{ field: "instance", message: "only an admin schedules instance-wide slots" }] };
  const errors = validateSlot(i, hasImage);
  let roomId: number | null = null;
  if (i.roomSlug) {
    const room = getRoomBySlug(db, i.roomSlug);
    if (!room || (room.ownerId !== owner.id && !owner.admin)) errors.push({ field: "room", message: `no room "${i.roomSlug}" of yours` });
    else roomId = room.id;
  }
  if (i.exemptTierId !== null) {
    const tier = getTier(db, i.exemptTierId);
    if (!tier || tier.creatorId !== owner.id) errors.push({ field: "exemptTierId", message: "exempt tier: pick one of your own membership tiers" });
  }
  if (errors.length || !isPlacement(i.placement)) return { ok: false, status: 422, errors };
  return {
    ok: true,
    fields: {
      instance: i.instance, roomId, placement: i.placement, sponsor: i.sponsor.trim(), text: i.text.trim(), link: safeLink(i.link)!,
      startsAt: i.startsAt!, endsAt: i.endsAt!, capPerDay: i.capPerDay!, skipAfterSeconds: i.skipAfterSeconds!, exemptTierId: i.exemptTierId,
    },
  };
}

export function createSlot(env: SponsorEnv, actor: User, i: SlotInput, image: string | null): SlotResult {
  if (actor.role !== "creator" && actor.role !== "admin") return { ok: false, status: 403, errors: [{ field: "", message: "only creators and admins schedule sponsor slots" }] };
  const r = resolve(env.db, { id: actor.id, admin: actor.role === "admin" }, i, image !== null);
  if (!r.ok) return r;
  const id = store.insertSlot(env.db, actor.id, { ...r.fields, image }, env.now());
  return { ok: true, slot: store.getSlot(env.db, id)! };
}

/** `image`: a newly stored image, null to keep the slot's, or "" to remove it. */
export function updateSlot(env: SponsorEnv, actor: User, slot: Slot, i: SlotInput, image: string | null): SlotResult {
  if (!canEdit(actor, slot)) return { ok: false, status: 404, errors: [{ field: "", message: "no such slot" }] };
  const next = image === "" ? null : image ?? slot.image;
  // An admin editing someone else's slot edits it within that slot's rights (a creator's rooms and tiers).
  const owner: Owner = { id: slot.ownerId, admin: actor.id === slot.ownerId ? actor.role === "admin" : slot.instance };
  const r = resolve(env.db, owner, i, next !== null);
  if (!r.ok) return r;
  store.updateSlot(env.db, slot.id, { ...r.fields, image: next }, env.now());
  return { ok: true, slot: store.getSlot(env.db, slot.id)! };
}

export function deleteSlot(db: Database, actor: User, slot: Slot): boolean {
  return canEdit(actor, slot) && store.deleteSlot(db, slot.id);
}

/** A new secret for the sponsor's read-only report link (the old link stops working at once). */
export function shareReport(db: Database, slot: Slot): string {
  const token = randomToken(24);
  store.setReportToken(db, slot.id, token);
  return token;
}

export function revokeReport(db: Database, slot: Slot): void {
  store.setReportToken(db, slot.id, null);
}

/** The slot whose report link this is, or null (wrong or revoked token, no such slot). */
export function slotBySecret(db: Database, id: number, token: string): Slot | null {
  const slot = store.getSlot(db, id);
  if (!slot?.reportToken) return null;
  return sameSecret(token, slot.reportToken) ? slot : null;
}

function viewerKey(db: Database, v: Viewer): string {
  if (v.userId !== null) return `u${v.userId}`;
  const secret = store.viewerSecret(db, () => randomToken(32));
  return "a" + createHmac("sha256", secret).update(v.client ?? "").digest("base64url").slice(0, 22);
}

function shown(slot: Slot, displayId: string): Shown {
  return {
    slotId: slot.id, displayId, placement: slot.placement, sponsor: slot.sponsor, text: slot.text,
    imageUrl: slot.image ? `/sponsors/images/${slot.image}` : null, clickUrl: `/s/${slot.id}/click?d=${displayId}`, skipAfterSeconds: slot.skipAfterSeconds,
  };
}

/**
 * The slot this viewer sees in this room's placement now, recorded as a display (not yet an impression: that
 * waits for the browser to report it on screen). Skipped: slots outside their window, slots the viewer's
 * membership exempts them from, slots at their frequency cap. Among the rest the one this viewer saw least
 * today, then the oldest, so slots take turns. `admit` is asked only when there is a slot to show (a rate limit
 * that pages without sponsors never spend).
 */
export function pickSlot(env: SponsorEnv, placement: Placement, room: { id: number; ownerId: number }, v: Viewer, admit: () => boolean = () => true): Shown | null {
  const now = env.now();
  const candidates = store.runningSlots(env.db, placement, room, now).filter((s) => !(v.userId !== null && s.exemptTierId !== null && hasMembership(env.db, v.userId, s.ownerId, s.exemptTierId, now)));
  if (!candidates.length || !admit()) return null;
  const viewer = viewerKey(env.db, v);
  const seen = store.seenCounts(env.db, candidates.map((s) => s.id), viewer, now - CAP_WINDOW_MS);
  let best: Slot | null = null;
  for (const s of candidates) {
    const n = seen.get(s.id) ?? 0;
    if (s.capPerDay > 0 && n >= s.capPerDay) continue;
    if (!best || n < (seen.get(best.id) ?? 0)) best = s;
  }
  if (!best) return null;
  const displayId = randomToken(16);
  store.insertDisplay(env.db, { id: displayId, slotId: best.id, roomId: room.id, viewer, userId: v.userId, now });
  return shown(best, displayId);
}

/** OBS overlay slots running now (burnt into the stream: no per-viewer display, cap or exemption applies). */
export function obsSlots(db: Database, room: { id: number; ownerId: number }, now: number): Slot[] {
  return store.runningSlots(db, "obs", room, now);
}

function emit(env: SponsorEnv, kind: "sponsor.impression" | "sponsor.click", slot: Slot, roomId: number | null, userId: number | null, v: Viewer): void {
  env.bus.emit(kind, { slotId: slot.id, ownerId: slot.ownerId, roomId, userId, client: userId === null ? v.client : null, at: env.now() });
}

/** The browser says the display is on screen: true when this call counted the impression (false: already counted or unknown). */
export function recordImpression(env: SponsorEnv, displayId: string, v: Viewer): boolean {
  const d = store.markSeen(env.db, displayId, env.now(), env.now() - CAP_WINDOW_MS);
  const slot = d ? store.getSlot(env.db, d.slot_id) : null;
  if (!d || !slot) return false;
  emit(env, "sponsor.impression", slot, d.room_id, d.user_id, v);
  return true;
}

/**
 * A click on a slot's link: the sponsor's URL to redirect to, or null for no such slot. Counted once per display;
 * a click on a display the browser had not yet reported seen counts its impression too (a click implies it was
 * on screen), so the CTR never exceeds 1. A click without a valid display still redirects, uncounted.
 * (A display whose viewer reached the cap in another tab counts neither.)
 */
export function recordClick(env: SponsorEnv, slotId: number, displayId: string | null, v: Viewer): string | null {
  const slot = store.getSlot(env.db, slotId);
  if (!slot) return null;
  const d = displayId ? store.markClicked(env.db, displayId, slotId, env.now()) : null;
  // A display past the viewer's cap (another tab used it up) counts neither.
  const counted = d !== null && (d.seen_at !== null || store.markSeen(env.db, d.id, env.now(), env.now() - CAP_WINDOW_MS) !== null);
  if (d && counted) {
    if (d.seen_at === null) emit(env, "sponsor.impression", slot, d.room_id, d.user_id, v);
    emit(env, "sponsor.click", slot, d.room_id, d.user_id, v);
  }
  return slot.link;
}

export function slotReport(db: Database, slot: Slot): Report {
  const c = sponsorSlotCounts(db, slot.ownerId, slot.id);
  return {
    slotId: slot.id, sponsor: slot.sponsor, placement: slot.placement, startsAt: slot.startsAt, endsAt: slot.endsAt,
    impressions: c.impressions, uniqueViewers: c.uniqueViewers, clicks: c.clicks, ctr: ctr(c.clicks, c.impressions),
    days: c.days.map((d) => ({ ...d, ctr: ctr(d.clicks, d.impressions) })),
  };
}

/** One row per UTC day and a total row; every cell formula-safe (server/shop/csv.ts). */
export function reportCsv(r: Report): string {
  return csvTable(
    ["day_utc", "sponsor", "impressions", "unique_viewers", "clicks", "ctr"],
    [...r.days.map((d) => [d.day, r.sponsor, d.impressions, d.uniqueViewers, d.clicks, d.ctr]), ["total", r.sponsor, r.impressions, r.uniqueViewers, r.clicks, r.ctr]],
  );
}

/** Displays older than twice the cap window count toward nothing any more. */
export function pruneDisplays(env: SponsorEnv): number {
  return store.pruneDisplays(env.db, env.now() - 2 * CAP_WINDOW_MS);
}

export const { getSlot, listSlotsOf, listInstanceSlots } = store;
