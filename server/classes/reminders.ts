// Class reminders: a sweep finds classes starting within the lead time whose reminder was not sent, claims each
// once (conditional update), adds an in-app notice for every ticket holder, puts a "class.reminder" event into
// the room, and — when SMTP is configured — e-mails holders who gave an address. A failed e-mail is logged and
// does not stop the others (the in-app notice is already there).
import type { Database } from "bun:sqlite";
import type { Bus } from "../events/bus";
import type { Mailer } from "../mail/smtp";
import { translator, type Lang } from "../i18n";
import type { ClassInfo } from "./model";
import { notify } from "./notices";
import * as store from "./storage";

export interface ReminderEnv {
  db: Database;
  bus: Bus;
  now: () => number;
  leadMs: number;
  mailer: Mailer;
  baseUrl: string;
  log(msg: string): void;
}

export async function sendDueReminders(env: ReminderEnv): Promise<{ classes: number; notices: number; mails: number }> {
  const now = env.now();
  let classes = 0, notices = 0, mails = 0;
  for (const c of store.dueReminders(env.db, now, env.leadMs)) {
    if (!store.claimReminder(env.db, c.id, now)) continue;
    classes++;
    const url = `/classes/${c.id}`;
    const minutes = Math.max(1, Math.round((c.startsAt - now) / 60_000));
    env.bus.emit("room.event", { roomId: c.roomId, event: { type: "class.reminder", classId: c.id, title: c.title, startsAt: c.startsAt, url } });
    for (const h of store.ticketHolders(env.db, c.id)) {
      if (notify(env.db, env.bus, { userId: h.userId, kind: "class.reminder", ref: String(c.id), textKey: "classes.notice.reminder", vars: { title: c.title, minutes }, url }, now)) notices++;
      if (env.mailer.enabled && h.email) {
        try {
          await env.mailer.send(reminderMail(c, h.email, minutes, env.baseUrl, h.lang));
          mails++;
        } catch (err) {
          env.log(`class ${c.id} reminder to a holder failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
  }
  return { classes, notices, mails };
}

export function reminderMail(c: ClassInfo, to: string, minutes: number, baseUrl: string, lang: Lang) {
  const t = translator(lang);
  return {
    to,
    subject: t("classes.mail.subject", { title: c.title }),
    text: t("classes.mail.body", { title: c.title, minutes, start: new Date(c.startsAt).toISOString(), url: `${baseUrl}/classes/${c.id}`, room: `${baseUrl}/r/${c.roomSlug}` }),
  };
}
