// Attendance: presence sweeps add time only while a class is on in the room (gaps capped), the first sighting is
// "joined", and the CSV lists every ticket holder, formula-safe.
import { expect, test } from "bun:test";
import { attendance, attendanceCsv, recordPresence } from "./attendance";
import { grantTicket } from "./tickets";
import { fixture } from "./testing";

test("presence while the class is on becomes joined time and minutes watched; the CSV is formula-safe", () => {
  const f = fixture();
  const c = f.klass({ minutes: 60 });
  const ann = f.user("=cmd|calc");
  const bob = f.user("bob");
  grantTicket(f.env, c.id, ann.id);
  grantTicket(f.env, c.id, bob.id);
  const every = 10_000;
  expect(recordPresence(f.db, f.room.id, [ann.id], c.startsAt - 2 * 3_600_000, every)).toBe(0);
  let t = c.startsAt;
  for (let i = 0; i < 7; i++, t += every) recordPresence(f.db, f.room.id, [ann.id, ann.id], t, every);
  t += 10 * 60_000; // ann was away: the gap counts at most two sweeps
  recordPresence(f.db, f.room.id, [ann.id], t, every);
  const rows = attendance(f.db, c.id);
  expect(rows.map((r) => [r.username, r.joinedAt, r.seconds])).toEqual([["=cmd|calc", c.startsAt, 80], ["bob", null, 0]]);
  const csv = attendanceCsv(rows);
  expect(csv.split("\r\n")[0]).toBe('"ticket","username","status","joined_utc","minutes_watched"');
  expect(csv).toContain(`"'=cmd|calc","valid","${new Date(c.startsAt).toISOString()}","1"`);
  expect(csv.endsWith("\r\n")).toBe(true);
});
