// Sponsor and ad slots: the types every layer shares, the edge validation of a slot, and the report arithmetic.
// Contract of the URLs, JSON shapes and CLI: docs/sponsors.md.

declare module "../events/bus" {
  interface Facts {
    /** A slot's display was on a viewer's screen (once per display; insights counts it). */
    "sponsor.impression": { slotId: number; ownerId: number; roomId: number | null; userId: number | null; client: string | null; at: number };
    /** A viewer followed a slot's link through /s/<id>/click (once per display). */
    "sponsor.click": { slotId: number; ownerId: number; roomId: number | null; userId: number | null; client: string | null; at: number };
  }
}

/** player: over the room's player; obs: the OBS overlay page; preroll: before a replay plays; banner: on the room page. */
export const PLACEMENTS = ["player", "obs", "preroll", "banner"] as const;
export type Placement = (typeof PLACEMENTS)[number];

export const MAX_TEXT = 140;
export const MAX_SPONSOR = 80;
export const MAX_LINK = 500;
export const MAX_SKIP_SECONDS = 60;
export const MAX_CAP = 1000;
/** The frequency cap counts a viewer's impressions of a slot over this window. */
export const CAP_WINDOW_MS = 86_400_000;

export interface Slot {
  id: number;
  ownerId: number;
  ownerName: string;
  /** Instance-wide (set by an admin): shown in every room. */
  instance: boolean;
  /** One room; null: every room of the owner (or of the instance). */
  roomId: number | null;
  roomSlug: string | null;
  placement: Placement;
  sponsor: string;
  text: string;
  /** Stored file name under DATA/media/sponsors, served at /sponsors/images/<name>. */
  image: string | null;
  link: string;
  startsAt: number;
  endsAt: number;
  /** Impressions per viewer per CAP_WINDOW_MS; 0: no cap. */
  capPerDay: number;
  /** Pre-roll: the skip button works after this many seconds. */
  skipAfterSeconds: number;
  /** Members of this tier (of the owner, or any tier priced at least as high) do not see the slot. */
  exemptTierId: number | null;
  /** The secret of the sponsor's read-only report link; null: not shared (or revoked). */
  reportToken: string | null;
  createdAt: number;
}

/** What a form, the API or the CLI asks for; validated by validateSlot before anything is stored. */
export interface SlotInput {
  roomSlug: string | null;
  instance: boolean;
  placement: string;
  sponsor: string;
  text: string;
  link: string;
  startsAt: number | null;
  endsAt: number | null;
  capPerDay: number | null;
  skipAfterSeconds: number | null;
  exemptTierId: number | null;
}

export interface FieldError {
  field: string;
  message: string;
}

/** Only absolute http(s) URLs with a host; anything else (javascript:, data:, relative, credentials) is refused. */
export function safeLink(raw: string): string | null {
  const s = raw.trim();
  if (!s || s.length > MAX_LINK || /[\s<>"'`]/.test(s)) return null;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  if ((u.protocol !== "http:" && u.protocol !== "https:") || !u.hostname || u.username || u.password) return null;
  return u.href;
}

export function isPlacement(p: string): p is Placement {
  return (PLACEMENTS as readonly string[]).includes(p);
}

/** Field errors of a slot input (the image is checked separately: it arrives as bytes). */
export function validateSlot(i: SlotInput, hasImage: boolean): FieldError[] {
  const errors: FieldError[] = [];
  if (!isPlacement(i.placement)) errors.push({ field: "placement", message: `placement must be one of ${PLACEMENTS.join(", ")}` });
  if (i.sponsor.trim().length === 0 || i.sponsor.length > MAX_SPONSOR) errors.push({ field: "sponsor", message: `sponsor name: 1-${MAX_SPONSOR} characters` });
  if (i.text.length > MAX_TEXT) errors.push({ field: "text", message: `text: at most ${MAX_TEXT} characters` });
  if (!hasImage && i.text.trim().length === 0) errors.push({ field: "text", message: "a slot needs a text or an image" });
  if (!safeLink(i.link)) errors.push({ field: "link", message: "link must be an absolute http:// or https:// URL" });
  if (i.startsAt === null) errors.push({ field: "startsAt", message: "start: a UTC date and time is required" });
  if (i.endsAt === null) errors.push({ field: "endsAt", message: "end: a UTC date and time is required" });
  if (i.startsAt !== null && i.endsAt !== null && i.endsAt <= i.startsAt) errors.push({ field: "endsAt", message: "end must be after start" });
  if (i.capPerDay === null || i.capPerDay < 0 || i.capPerDay > MAX_CAP) errors.push({ field: "capPerDay", message: `frequency cap: 0 (none) to ${MAX_CAP} per viewer per day` });
  if (i.skipAfterSeconds === null || i.skipAfterSeconds < 0 || i.skipAfterSeconds > MAX_SKIP_SECONDS) errors.push({ field: "skipAfterSeconds", message: `skip after: 0 to ${MAX_SKIP_SECONDS} seconds` });
  if (i.instance && i.roomSlug) errors.push({ field: "room", message: "an instance-wide slot shows in every room: leave the room empty" });
  if (i.instance && i.exemptTierId !== null) errors.push({ field: "exemptTierId", message: "member exemption belongs to a creator's slot, not an instance-wide one" });
  return errors;
}

/** A date typed as "2026-12-01T10:00" (UTC, as the Studio form sends it) or any ISO string; null when not a date. */
export function parseUtc(raw: string | undefined | null): number | null {
  const s = raw?.trim() ?? "";
  if (!s) return null;
  const ms = Date.parse(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(s) ? s + "Z" : s);
  return Number.isFinite(ms) ? ms : null;
}

export function isActive(s: Pick<Slot, "startsAt" | "endsAt">, now: number): boolean {
  return s.startsAt <= now && now < s.endsAt;
}

/** What the report counts (from the insights event stream). */
export interface SlotTotals {
  impressions: number;
  uniqueViewers: number;
  clicks: number;
}

export interface ReportDay extends SlotTotals {
  day: string;
}

export interface Report extends SlotTotals {
  slotId: number;
  sponsor: string;
  placement: Placement;
  startsAt: number;
  endsAt: number;
  /** clicks / impressions (4 decimals), null with no impressions. */
  ctr: number | null;
  days: (ReportDay & { ctr: number | null })[];
}

export function ctr(clicks: number, impressions: number): number | null {
  return impressions === 0 ? null : Math.round((clicks / impressions) * 10_000) / 10_000;
}

/** What a page renders for one display: the slot's public face plus the display id its beacon and link carry. */
export interface Shown {
  slotId: number;
  displayId: string;
  placement: Placement;
  sponsor: string;
  text: string;
  imageUrl: string | null;
  /** The counting redirect, never the sponsor's URL itself. */
  clickUrl: string;
  skipAfterSeconds: number;
}

/** The JSON shape of a slot (API and CLI; docs/sponsors.md). */
export function slotJson(s: Slot) {
  return {
    id: s.id, owner: s.ownerName, instance: s.instance, room: s.roomSlug, placement: s.placement, sponsor: s.sponsor, text: s.text,
    image: s.image ? `/sponsors/images/${s.image}` : null, link: s.link, startsAt: new Date(s.startsAt).toISOString(), endsAt: new Date(s.endsAt).toISOString(),
    capPerDay: s.capPerDay, skipAfterSeconds: s.skipAfterSeconds, exemptTierId: s.exemptTierId, shared: s.reportToken !== null,
  };
}

export function reportJson(r: Report) {
  return {
    slotId: r.slotId, sponsor: r.sponsor, placement: r.placement, startsAt: new Date(r.startsAt).toISOString(), endsAt: new Date(r.endsAt).toISOString(),
    impressions: r.impressions, uniqueViewers: r.uniqueViewers, clicks: r.clicks, ctr: r.ctr, days: r.days,
  };
}
