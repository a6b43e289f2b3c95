// Class reminders go to each ticket holder in the language they last chose on the site (users.lang).
import { expect, test } from "bun:test";
import { setMailLang } from "../accounts/accounts";
import type { MailMessage } from "../mail/smtp";
import { sendDueReminders } from "./reminders";
import { fixture } from "./testing";
import { buyTicket } from "./tickets";

test("each holder's reminder comes in their language", async () => {
  const f = fixture();
  const c = f.klass({ title: "Algebra", startsAt: f.clock.now + 20 * 60_000 });
  const ann = f.user("ann", 1000);
  const bo = f.user("bo", 1000);
  setMailLang(f.db, bo.id, "zh");
  for (const [u, email] of [[ann, "ann@example.test"], [bo, "bo@example.test"]] as const) {
    const r = buyTicket(f.env, { classId: c.id, userId: u.id, provider: "wallet", idempotencyKey: `key-${u.id}-abcdef`, coupon: null, email });
    expect(r.ok).toBe(true);
  }
  const sent: MailMessage[] = [];
  const mailer = { enabled: true, send: async (m: MailMessage) => void sent.push(m), sendMany: async () => [] };
  const r = await sendDueReminders({ db: f.db, bus: f.bus, now: () => f.clock.now, leadMs: 30 * 60_000, mailer, baseUrl: "http://lh.test", log: () => {} });
  expect(r.mails).toBe(2);
  const byTo = new Map(sent.map((m) => [m.to, m]));
  expect(byTo.get("ann@example.test")!.subject).toBe("Reminder: Algebra starts soon");
  expect(byTo.get("bo@example.test")!.subject).toBe("提醒：Algebra 即将开始");
  expect(byTo.get("bo@example.test")!.text).toContain("http://lh.test/classes/");
});
