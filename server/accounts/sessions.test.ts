// The expired-session sweeper over a real SQLite file: it deletes only expired rows, at start and on its timer,
// and stops for real.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "../db/migrate";
import { openDb } from "../db/open";
import { SCHEMAS } from "../db/schema";
import { loadSession, startSession } from "./accounts";
import { sessionSweeper } from "./sessions";
import { insertUser } from "./storage";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "lh-sessions-"));
  dirs.push(dir);
  const db = openDb(join(dir, "livehouse.db"));
  migrate(db, SCHEMAS);
  const user = insertUser(db, { username: "sam", displayName: "Sam", passwordHash: "x", role: "viewer", now: 0 });
  const rows = () => db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM sessions").get()!.n;
  return { db, user, rows };
}

test("expired sessions are deleted at start and on every tick; live ones stay", async () => {
  const { db, user, rows } = setup();
  let clock = 1_000_000;
  const old = startSession(db, user.id, null, clock);
  const fresh = startSession(db, user.id, null, clock + 40 * 86_400_000);
  clock += 31 * 86_400_000; // past the first session's 30-day life, within the second's
  const sweeper = sessionSweeper(db, { now: () => clock, log: () => {}, everyMs: 20 });
  expect(rows()).toBe(2);
  sweeper.start();
  expect(rows()).toBe(1);
  expect(loadSession(db, old, clock)).toBeNull();
  expect(loadSession(db, fresh, clock)?.user.id).toBe(user.id);

  clock += 40 * 86_400_000; // now the second one has expired too: the timer removes it
  for (let i = 0; i < 100 && rows() > 0; i++) await Bun.sleep(10);
  expect(rows()).toBe(0);

  sweeper.stop();
  startSession(db, user.id, null, 0); // expired at once, and no timer left to remove it
  await Bun.sleep(60);
  expect(rows()).toBe(1);
  db.close();
});

test("a failing sweep is logged and does not throw", () => {
  const { db } = setup();
  const logs: string[] = [];
  db.close();
  const sweeper = sessionSweeper(db, { now: () => 0, log: (m) => logs.push(m), everyMs: 60_000 });
  expect(() => sweeper.start()).not.toThrow();
  sweeper.stop();
  expect(logs.join("\n")).toContain("sessions: sweep failed");
});
