// scripts/bench-golive: a creator with F followers (all with an address) goes live. Measures the broadcast.started
// listener (notices + mail queue, one transaction on a real SQLite file) and the queue drained into a real SMTP
// sink (Debian's python3-aiosmtpd) by sendQueuedMails, which sends each batch over one SMTP connection. Baseline in
// the same run: the same mails sent one connection each (Mailer.send, as class reminders do). Only 127.0.0.1.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertUser } from "../server/accounts/storage";
import { migrate } from "../server/db/migrate";
import { openDb } from "../server/db/open";
import { SCHEMAS } from "../server/db/schema";
import { createBus } from "../server/events/bus";
import { createSmtpMailer } from "../server/mail/smtp";
import { goLiveMail, MAIL_BATCH, onLive, sendQueuedMails, type GoLiveEnv } from "../server/notifications/golive";
import { setEmail } from "../server/notifications/storage";
import { createRoom } from "../server/rooms/rooms";
import { startSmtpSink } from "../test/helpers/smtp-sink";
import { deadline, opt } from "./bench-live-lib";

const FOLLOWERS = opt("followers", 10_000);
const MAILS = opt("mails", 500);
deadline(opt("max-seconds", 180) * 1000, () => sink.stop());

const sink = await startSmtpSink();
const db = openDb(join(mkdtempSync(join(tmpdir(), "lh-bench-golive-")), "livehouse.db"), "app");
migrate(db, SCHEMAS);
const host = insertUser(db, { username: "host", displayName: "Host", passwordHash: "x", role: "creator", now: 0 });
const made = createRoom(db, host, { title: "Bench live", description: "", category: "music", tags: "" }, 0);
if (!made.ok) throw new Error("room");
const room = made.value;
db.transaction(() => {
  for (let i = 0; i < FOLLOWERS; i++) {
    const u = insertUser(db, { username: `f${i}`, displayName: `f${i}`, passwordHash: "x", role: "viewer", now: 0 });
    db.query("INSERT INTO follows (follower_id, creator_id, created_at) VALUES (?, ?, 0)").run(u.id, host.id);
    if (i < MAILS) setEmail(db, u.id, `f${i}@example.test`, 0);
  }
})();
const mailer = createSmtpMailer(sink.url, "live@example.test");
const env: GoLiveEnv = { db, now: Date.now, mailer, baseUrl: "http://127.0.0.1", mailWindowMs: 0, bus: createBus(), log: (m) => console.error(m) };

const t0 = performance.now();
const r = onLive(env, { roomId: room.id, slug: room.slug, broadcastId: 1, at: Date.now() });
const listenerMs = performance.now() - t0;

const t1 = performance.now();
let sent = 0;
for (;;) {
  const b = await sendQueuedMails(env);
  sent += b.sent;
  if (b.sent + b.failed === 0) break;
}
const batchedMs = performance.now() - t1;

const t2 = performance.now();
for (let i = 0; i < MAILS; i++) await mailer.send(goLiveMail(room, `f${i}@example.test`, "http://127.0.0.1/unsubscribe/x", "http://127.0.0.1", "en"));
const singleMs = performance.now() - t2;
const received = sink.messages().length;
sink.stop();

const load = (await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ");
console.log(`bench-golive (load ${load})`);
console.log(`listener: ${FOLLOWERS} followers → ${r.notices} notices + ${r.queued} mails queued in ${listenerMs.toFixed(0)} ms`);
console.log(`batched (one connection per ${MAIL_BATCH} mails): ${sent} mails in ${batchedMs.toFixed(0)} ms = ${(sent / (batchedMs / 1000)).toFixed(0)} mails/s`);
console.log(`baseline (one connection per mail):        ${MAILS} mails in ${singleMs.toFixed(0)} ms = ${(MAILS / (singleMs / 1000)).toFixed(0)} mails/s`);
console.log(`sink received ${received} (expected ${sent + MAILS})`);
process.exit(received === sent + MAILS && sent === MAILS ? 0 : 1);
