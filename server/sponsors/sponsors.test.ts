// Sponsor rules on a real SQLite file and a controllable clock, with insights capture recording the facts:
// links are refused unless http(s); the schedule window, the frequency cap and the member exemption decide who
// sees a slot; an impression and a click count once per display; the report and its CSV are exact.
import { beforeEach, describe, expect, test } from "bun:test";
import { fixture, type Fixture } from "../classes/testing";
import { insertUser } from "../accounts/storage";
import { createCapture } from "../insights/capture";
import { createTier, joinMembership } from "../memberships/memberships";
import { PERIOD_MS } from "../memberships/model";
import { CAP_WINDOW_MS, safeLink, type SlotInput } from "./model";
import { createSlot, pickSlot, pruneDisplays, recordClick, recordImpression, reportCsv, slotReport, updateSlot, type SponsorEnv, type Viewer } from "./sponsors";

let f: Fixture;
let env: SponsorEnv;
let capture: ReturnType<typeof createCapture>;
const HOUR = 3_600_000;

function input(over: Partial<SlotInput> = {}): SlotInput {
  return {
    roomSlug: f.room.slug, instance: false, placement: "player", sponsor: "Acme", text: "Buy Acme", link: "https://acme.example/?a=1&b=<2>".replace("<2>", "2"),
    startsAt: f.clock.now, endsAt: f.clock.now + 10 * 24 * HOUR, capPerDay: 0, skipAfterSeconds: 5, exemptTierId: null, ...over,
  };
}

function slot(over: Partial<SlotInput> = {}) {
  const r = createSlot(env, f.teacher, input(over), null);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.slot;
}

const anon = (client: string): Viewer => ({ userId: null, client });
const user = (id: number): Viewer => ({ userId: id, client: "ip|ua" });

/** Shows the room's player slot to the viewer and reports it on screen; the slot id seen, or null. */
function view(v: Viewer): number | null {
  const s = pickSlot(env, "player", f.room, v);
  if (!s) return null;
  expect(recordImpression(env, s.displayId, v)).toBe(true);
  return s.slotId;
}

function events(type: string): number {
  capture.flush();
  return f.db.query<{ n: number }, [string]>("SELECT count(*) AS n FROM insights_events WHERE type = ?").get(type)!.n;
}

beforeEach(() => {
  f = fixture();
  env = { db: f.db, bus: f.bus, now: () => f.clock.now, dataDir: "/nonexistent" };
  capture = createCapture({ db: f.db, bus: f.bus, now: () => f.clock.now, log: () => {} });
});

describe("links", () => {
  test("only absolute http(s) links are accepted; the rest are refused with a clear error", () => {
    expect(safeLink("https://acme.example/x?y=1")).toBe("https://acme.example/x?y=1");
    expect(safeLink(" http://acme.example ")).toBe("http://acme.example/");
    for (const bad of ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<b>x</b>", "ftp://acme.example/", "/relative", "//acme.example/x", "https://u:p@acme.example/", "https://acme.example/\"onmouseover=x", "vbscript:x", ""]) {
      expect(safeLink(bad)).toBeNull();
      const r = createSlot(env, f.teacher, input({ link: bad }), null);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors).toContainEqual({ field: "link", message: "link must be an absolute http:// or https:// URL" });
    }
    expect(f.db.query("SELECT count(*) AS n FROM sponsor_slots").get()).toEqual({ n: 0 });
  });

  test("who may schedule: viewers no, instance-wide only admins, rooms and tiers only one's own", () => {
    const viewer = f.user("viewer");
    expect(createSlot(env, viewer, input(), null)).toMatchObject({ ok: false, status: 403 });
    expect(createSlot(env, f.teacher, input({ roomSlug: null, instance: true }), null)).toMatchObject({ ok: false, status: 403 });
    const other = insertUser(f.db, { username: "other", displayName: "Other", passwordHash: "x", role: "creator", now: 0 });
    expect(createSlot(env, other, input(), null)).toMatchObject({ ok: false, status: 422, errors: [{ field: "room" }] });
    const tier = createTier(f.db, other, { name: "Fan", priceMinor: 100, currency: "COIN", perks: "", badge: "" }, f.clock.now);
    if (!tier.ok) throw new Error(tier.message);
    expect(createSlot(env, f.teacher, input({ exemptTierId: tier.tier.id }), null)).toMatchObject({ ok: false, errors: [{ field: "exemptTierId" }] });
    expect(createSlot(env, f.teacher, input({ endsAt: f.clock.now }), null)).toMatchObject({ ok: false, errors: [{ field: "endsAt", message: "end must be after start" }] });
    expect(createSlot(env, f.teacher, input({ placement: "popup" }), null)).toMatchObject({ ok: false, errors: [{ field: "placement" }] });
    expect(createSlot(env, f.teacher, input({ text: "" }), null)).toMatchObject({ ok: false, errors: [{ field: "text", message: "a slot needs a text or an image" }] });
  });
});

describe("who sees a slot", () => {
  test("only inside its schedule window [start, end)", () => {
    const s = slot({ startsAt: f.clock.now + HOUR, endsAt: f.clock.now + 2 * HOUR });
    expect(pickSlot(env, "player", f.room, anon("a"))).toBeNull();
    f.clock.now += HOUR;
    expect(pickSlot(env, "player", f.room, anon("a"))?.slotId).toBe(s.id);
    expect(pickSlot(env, "banner", f.room, anon("a"))).toBeNull();
    f.clock.now += HOUR - 1;
    expect(pickSlot(env, "player", f.room, anon("a"))?.slotId).toBe(s.id);
    f.clock.now += 1;
    expect(pickSlot(env, "player", f.room, anon("a"))).toBeNull();
  });

  test("frequency cap: at most N impressions per viewer per day; unseen displays do not count", () => {
    const s = slot({ capPerDay: 2 });
    expect(pickSlot(env, "player", f.room, anon("a"))?.slotId).toBe(s.id); // shown, never on screen
    expect(view(anon("a"))).toBe(s.id);
    expect(view(anon("a"))).toBe(s.id);
    expect(pickSlot(env, "player", f.room, anon("a"))).toBeNull();
    expect(view(anon("b"))).toBe(s.id); // another viewer has their own cap
    expect(view(user(42))).toBe(s.id);
    expect(view(user(42))).toBe(s.id);
    expect(pickSlot(env, "player", f.room, { userId: 42, client: "another device" })).toBeNull(); // signed in: capped across devices
    f.clock.now += CAP_WINDOW_MS;
    expect(view(anon("a"))).toBe(s.id);
  });

  test("the cap holds for displays handed out before it was reached (two tabs open at once)", () => {
    slot({ capPerDay: 1 });
    const tab1 = pickSlot(env, "player", f.room, anon("a"))!;
    const tab2 = pickSlot(env, "player", f.room, anon("a"))!;
    expect(recordImpression(env, tab2.displayId, anon("a"))).toBe(true);
    expect(recordImpression(env, tab1.displayId, anon("a"))).toBe(false);
    expect(recordClick(env, tab1.slotId, tab1.displayId, anon("a"))).toBe("https://acme.example/?a=1&b=2"); // still goes through
    expect(events("sponsor_impression")).toBe(1);
    expect(events("sponsor_click")).toBe(0);
  });

  test("two running slots take turns for a viewer; a capped one gives way to the other", () => {
    const a = slot({ sponsor: "A", capPerDay: 1 });
    const b = slot({ sponsor: "B" });
    expect([view(anon("x")), view(anon("x")), view(anon("x"))]).toEqual([a.id, b.id, b.id]);
  });

  test("members of the exempt tier (or a higher one) see nothing; others and lapsed members do", () => {
    const fan = createTier(f.db, f.teacher, { name: "Fan", priceMinor: 100, currency: "COIN", perks: "", badge: "" }, f.clock.now);
    const vip = createTier(f.db, f.teacher, { name: "VIP", priceMinor: 500, currency: "COIN", perks: "", badge: "" }, f.clock.now);
    if (!fan.ok || !vip.ok) throw new Error("tier");
    const s = slot({ exemptTierId: fan.tier.id, endsAt: f.clock.now + 2 * PERIOD_MS });
    const member = f.user("member", 1000);
    const big = f.user("big", 1000);
    const stranger = f.user("stranger");
    expect(joinMembership(f.env, { creatorId: f.teacher.id, userId: member.id, tierId: fan.tier.id, provider: "wallet", idempotencyKey: "join-member-1", autoRenew: false }).ok).toBe(true);
    expect(joinMembership(f.env, { creatorId: f.teacher.id, userId: big.id, tierId: vip.tier.id, provider: "wallet", idempotencyKey: "join-big-1", autoRenew: false }).ok).toBe(true);
    expect(pickSlot(env, "player", f.room, user(member.id))).toBeNull();
    expect(pickSlot(env, "player", f.room, user(big.id))).toBeNull();
    expect(pickSlot(env, "player", f.room, user(stranger.id))?.slotId).toBe(s.id);
    expect(pickSlot(env, "player", f.room, anon("a"))?.slotId).toBe(s.id);
    // Exempting only VIPs: the Fan member sees it again.
    expect(updateSlot(env, f.teacher, s, input({ exemptTierId: vip.tier.id, endsAt: f.clock.now + 2 * PERIOD_MS }), null).ok).toBe(true);
    expect(pickSlot(env, "player", f.room, user(member.id))?.slotId).toBe(s.id);
    expect(pickSlot(env, "player", f.room, user(big.id))).toBeNull();
    f.clock.now += PERIOD_MS;
    expect(pickSlot(env, "player", f.room, user(big.id))?.slotId).toBe(s.id);
  });

  test("an instance-wide slot shows in every room; a creator's 'all my rooms' slot only in theirs", () => {
    const admin = insertUser(f.db, { username: "root", displayName: "Root", passwordHash: "x", role: "admin", now: 0 });
    const r = createSlot(env, admin, input({ roomSlug: null, instance: true, sponsor: "Site" }), null);
    expect(r.ok).toBe(true);
    const mine = slot({ roomSlug: null, placement: "banner" });
    const elsewhere = { id: 9999, ownerId: admin.id };
    expect(pickSlot(env, "player", elsewhere, anon("a"))?.sponsor).toBe("Site");
    expect(pickSlot(env, "banner", elsewhere, anon("a"))).toBeNull();
    expect(pickSlot(env, "banner", f.room, anon("a"))?.slotId).toBe(mine.id);
  });
});

describe("counting", () => {
  test("an impression counts once per viewer per slot display, however often it is reported", () => {
    slot();
    const d = pickSlot(env, "player", f.room, anon("a"))!;
    expect(recordImpression(env, d.displayId, anon("a"))).toBe(true);
    expect(recordImpression(env, d.displayId, anon("a"))).toBe(false);
    expect(recordImpression(env, "no-such-display-000000", anon("a"))).toBe(false);
    expect(events("sponsor_impression")).toBe(1);
    // A second display to the same viewer (a reload) is a second impression.
    const d2 = pickSlot(env, "player", f.room, anon("a"))!;
    expect(d2.displayId).not.toBe(d.displayId);
    expect(recordImpression(env, d2.displayId, anon("a"))).toBe(true);
    expect(events("sponsor_impression")).toBe(2);
  });

  test("a click counts once per display, implies the impression, and always finds the link", () => {
    const s = slot();
    const d = pickSlot(env, "player", f.room, anon("a"))!;
    expect(d.clickUrl).toBe(`/s/${s.id}/click?d=${d.displayId}`);
    expect(recordClick(env, s.id, d.displayId, anon("a"))).toBe("https://acme.example/?a=1&b=2");
    expect(recordClick(env, s.id, d.displayId, anon("a"))).toBe("https://acme.example/?a=1&b=2");
    expect(recordClick(env, s.id, null, anon("a"))).toBe("https://acme.example/?a=1&b=2");
    expect(recordClick(env, s.id + 1, d.displayId, anon("a"))).toBeNull();
    expect(events("sponsor_click")).toBe(1);
    expect(events("sponsor_impression")).toBe(1);
    expect(recordImpression(env, d.displayId, anon("a"))).toBe(false); // the click already counted it
  });
});

describe("housekeeping and rights", () => {
  test("displays older than two cap windows are pruned; newer ones still hold the cap", () => {
    slot({ capPerDay: 1 });
    view(anon("old"));
    f.clock.now += 2 * CAP_WINDOW_MS - 1;
    view(anon("new"));
    f.clock.now += 2; // "old" is now more than two windows old, "new" is not
    expect(pruneDisplays(env)).toBe(1);
    expect(f.db.query("SELECT count(*) AS n FROM sponsor_displays").get()).toEqual({ n: 1 });
    expect(pickSlot(env, "player", f.room, anon("new"))).toBeNull();
  });

  test("an admin edits a creator's slot within the creator's rights; another creator cannot", () => {
    const s = slot();
    const admin = insertUser(f.db, { username: "root", displayName: "Root", passwordHash: "x", role: "admin", now: 0 });
    const other = insertUser(f.db, { username: "other", displayName: "Other", passwordHash: "x", role: "creator", now: 0 });
    expect(updateSlot(env, other, s, input({ sponsor: "Hijack" }), null)).toMatchObject({ ok: false, status: 404 });
    expect(updateSlot(env, admin, s, input({ roomSlug: null, instance: true }), null)).toMatchObject({ ok: false, status: 403 });
    const r = updateSlot(env, admin, s, input({ sponsor: "Fixed typo" }), null);
    expect(r.ok && [r.slot.sponsor, r.slot.ownerId]).toEqual(["Fixed typo", f.teacher.id]);
  });
});

describe("report", () => {
  test("impressions, unique viewers, clicks and CTR per day and in total; the CSV exactly", () => {
    const s = slot({ sponsor: "=Acme" }); // a formula-looking name must not run in a spreadsheet
    const other = slot({ sponsor: "Other", placement: "banner" });
    const day1 = f.clock.now; // 2026-12-01T10:00Z
    // Day 1: ann sees it twice and clicks once; anonymous "c1" sees it once; bob is shown it but never sees it.
    const ann = user(1);
    view(ann);
    const d = pickSlot(env, "player", f.room, ann)!;
    recordImpression(env, d.displayId, ann);
    recordClick(env, s.id, d.displayId, ann);
    view(anon("c1"));
    pickSlot(env, "player", f.room, user(2));
    pickSlot(env, "banner", f.room, user(2)); // the other slot, not in this report
    // Day 2: ann once more; bob clicks straight away (his click counts the impression too).
    f.clock.now = day1 + 24 * HOUR;
    view(ann);
    const b = pickSlot(env, "player", f.room, user(2))!;
    recordClick(env, s.id, b.displayId, user(2));
    capture.flush();

    const r = slotReport(f.db, s);
    expect(r).toMatchObject({ impressions: 5, uniqueViewers: 3, clicks: 2, ctr: 0.4 });
    expect(r.days).toEqual([
      { day: "2026-12-01", impressions: 3, uniqueViewers: 2, clicks: 1, ctr: 0.3333 },
      { day: "2026-12-02", impressions: 2, uniqueViewers: 2, clicks: 1, ctr: 0.5 },
    ]);
    expect(reportCsv(r)).toBe(
      '"day_utc","sponsor","impressions","unique_viewers","clicks","ctr"\r\n' +
      '"2026-12-01","\'=Acme","3","2","1","0.3333"\r\n' +
      '"2026-12-02","\'=Acme","2","2","1","0.5"\r\n' +
      '"total","\'=Acme","5","3","2","0.4"\r\n',
    );
    expect(slotReport(f.db, other)).toMatchObject({ impressions: 0, uniqueViewers: 0, clicks: 0, ctr: null, days: [] });
  });
});
