// The go-live rules on a real SQLite file: who is told, the per-creator mail window, one-shot notify-me, opt-outs
// taking effect before a queued mail leaves, and a failing SMTP server (retried, never blocking the others).
// The end-to-end path with a real SMTP sink is test/notifications.test.ts.
import { describe, expect, test } from "bun:test";
import { fixture } from "../classes/testing";
import { countUnreadNotices } from "../classes/notices";
import { createSmtpMailer, formatMessage, type MailMessage, type Mailer } from "../mail/smtp";
import { MAIL_ATTEMPTS, onLive, sendQueuedMails, unsubscribe, type GoLiveEnv } from "./golive";
import { parseEmail, parseWhen } from "./model";
import * as store from "./storage";

function setup(opts: { failFor?: string } = {}) {
  const f = fixture();
  const sent: MailMessage[] = [];
  const pushed: number[] = [];
  // Stands in for the SMTP server (the real one, a sink, is in test/notifications.test.ts).
  const deliver = (m: MailMessage): Error | null => {
    if (m.to === opts.failFor) return new Error("smtp: expected 250, got \"451 try later\"");
    sent.push(m);
    return null;
  };
  const mailer: Mailer = {
    enabled: true,
    async send(m) {
      const err = deliver(m);
      if (err) throw err;
    },
    sendMany: async (msgs) => msgs.map(deliver),
  };
  const env: GoLiveEnv = { db: f.db, now: () => f.clock.now, mailer, baseUrl: "https://live.example", mailWindowMs: 30 * 60_000, bus: f.bus, log: () => {} };
  f.bus.on("notice.added", ({ userId }) => pushed.push(userId));
  const follow = (userId: number) => f.db.query("INSERT INTO follows (follower_id, creator_id, created_at) VALUES (?, ?, 0)").run(userId, f.teacher.id);
  const person = (name: string, o: { follows?: boolean; email?: boolean } = {}) => {
    const u = f.user(name);
    if (o.follows !== false) follow(u.id);
    if (o.email !== false) store.setEmail(f.db, u.id, `${name}@example.test`, 0);
    return u;
  };
  let broadcast = 0;
  const live = () => onLive(env, { roomId: f.room.id, slug: f.room.slug, broadcastId: ++broadcast, at: f.clock.now });
  return { f, env, sent, pushed, person, follow, live };
}

describe("onLive", () => {
  test("followers and notify-me users get a notice and a notice.added fact (the bell); mail only with an address; the creator and strangers nothing", async () => {
    const { f, env, sent, pushed, person, follow, live } = setup();
    const a = person("a"), b = person("b", { email: false }), stranger = person("stranger", { follows: false });
    const planner = person("planner", { follows: false });
    store.setNotifyMe(f.db, planner.id, "room", f.room.id, true, 0);
    follow(f.teacher.id); // following yourself tells you nothing
    expect(live()).toEqual({ notices: 3, queued: 2 });
    expect(pushed.sort()).toEqual([a.id, b.id, planner.id].sort());
    expect([countUnreadNotices(f.db, a.id), countUnreadNotices(f.db, b.id), countUnreadNotices(f.db, stranger.id), countUnreadNotices(f.db, f.teacher.id)]).toEqual([1, 1, 0, 0]);
    expect(await sendQueuedMails(env)).toEqual({ sent: 2, failed: 0 });
    expect(sent.map((m) => m.to).sort()).toEqual(["a@example.test", "planner@example.test"]);
    expect(await sendQueuedMails(env)).toEqual({ sent: 0, failed: 0 }); // sent once
    expect(store.wantsNotice(f.db, planner.id, "room", f.room.id)).toBe(false); // one-shot
  });

  test("one mail round per creator per window; in-app notices every time", async () => {
    const { f, env, sent, person, live } = setup();
    person("a");
    expect(live().queued).toBe(1);
    f.clock.now += 10 * 60_000;
    expect(live()).toEqual({ notices: 1, queued: 0 });
    f.clock.now += 21 * 60_000;
    expect(live().queued).toBe(1);
    await sendQueuedMails(env);
    expect(sent.length).toBe(2);
  });

  test("a class's notify-me fires when its room goes live from an hour before the start to its end", () => {
    const { f, person, live } = setup();
    const early = person("early", { follows: false }), late = person("late", { follows: false });
    const soon = f.klass({ startsAt: f.clock.now + 30 * 60_000 });
    const later = f.klass({ startsAt: f.clock.now + 5 * 3_600_000 });
    store.setNotifyMe(f.db, early.id, "class", soon.id, true, 0);
    store.setNotifyMe(f.db, late.id, "class", later.id, true, 0);
    expect(live().notices).toBe(1);
    expect([countUnreadNotices(f.db, early.id), countUnreadNotices(f.db, late.id)]).toEqual([1, 0]);
    expect(store.wantsNotice(f.db, late.id, "class", later.id)).toBe(true);
  });

  test("unsubscribing after the mail was queued still stops it; the token is per (user, creator)", async () => {
    const { f, env, sent, person, live } = setup();
    const a = person("a");
    person("b");
    live();
    await sendQueuedMails(env);
    const link = sent.find((m) => m.to === "a@example.test")!.headers!["List-Unsubscribe"]!;
    const token = /\/unsubscribe\/([A-Za-z0-9_-]+)>$/.exec(link)![1]!;
    f.clock.now += 60 * 60_000;
    live();
    expect(unsubscribe(f.db, token, f.clock.now)).toEqual({ creatorName: "Teacher" });
    expect(unsubscribe(f.db, "../../etc/passwd", f.clock.now)).toBeNull();
    await sendQueuedMails(env);
    expect(sent.map((m) => m.to)).toEqual(["a@example.test", "b@example.test", "b@example.test"]);
    expect(store.isOptedOut(f.db, a.id, f.teacher.id)).toBe(true);
  });

  test("a failing SMTP server: that mail is retried up to the limit, the others go out", async () => {
    const { env, sent, person, live } = setup({ failFor: "bad@example.test" });
    person("bad");
    person("good");
    live();
    expect(await sendQueuedMails(env)).toEqual({ sent: 1, failed: 1 });
    for (let i = 1; i < MAIL_ATTEMPTS; i++) expect(await sendQueuedMails(env)).toEqual({ sent: 0, failed: 1 });
    expect(await sendQueuedMails(env)).toEqual({ sent: 0, failed: 0 });
    expect(sent.map((m) => m.to)).toEqual(["good@example.test"]);
  });

  test("an unreachable SMTP server (the real client, a closed port): the whole batch waits for the next sweep, nothing lost", async () => {
    const { env, sent, person, live } = setup();
    person("a");
    person("b");
    live();
    const down = { ...env, mailer: createSmtpMailer("smtp://127.0.0.1:1", "live@example.test", { timeoutMs: 2_000 }) };
    expect(await sendQueuedMails(down)).toEqual({ sent: 0, failed: 2 });
    expect(await sendQueuedMails(env)).toEqual({ sent: 2, failed: 0 });
    expect(sent.length).toBe(2);
  });

  test("the mail: List-Unsubscribe headers on the wire; a header with a line break is refused", async () => {
    const { env, sent, person, live } = setup();
    person("a");
    live();
    await sendQueuedMails(env);
    const wire = formatMessage("live@example.test", sent[0]!, 0, "id@example.test");
    expect(wire).toMatch(/\r\nList-Unsubscribe: <https:\/\/live\.example\/unsubscribe\/[A-Za-z0-9_-]{32}>\r\n/);
    expect(wire).toContain("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
    expect(() => formatMessage("x@y.z", { to: "a@b.c", subject: "s", text: "t", headers: { "X-Evil": "a\r\nBcc: victim@example.test" } }, 0, "i")).toThrow(/single line/);
  });
});

describe("model", () => {
  test("parseEmail and parseWhen", () => {
    expect(parseEmail("  fan@example.test ")).toBe("fan@example.test");
    for (const bad of ["", "fan", "fan@", "a b@example.test", "fan@localhost", "<x>@example.test"]) expect(parseEmail(bad)).toBeNull();
    expect(parseWhen("2026-12-01T18:00")).toBe(Date.parse("2026-12-01T18:00:00Z"));
    expect(parseWhen("2026-12-01T18:00:00+08:00")).toBe(Date.parse("2026-12-01T10:00:00Z"));
    for (const bad of ["tomorrow", "2026-13-01T18:00", "2026-12-01", "1e12"]) expect(parseWhen(bad)).toBeNull();
  });
});
