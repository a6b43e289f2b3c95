// Test fixture for the classes and memberships rules: a migrated SQLite file (money connection), a controllable
// clock, a teacher with a room, and a paid-access environment without Stripe.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertUser } from "../accounts/storage";
import type { User } from "../accounts/model";
import { migrate } from "../db/migrate";
import { openDb } from "../db/open";
import { SCHEMAS } from "../db/schema";
import type { MoneyDb } from "../deps";
import { createBus, type Bus } from "../events/bus";
import { createRoom } from "../rooms/rooms";
import type { Room } from "../rooms/model";
import { creditCoins } from "../wallet/wallet";
import { createClass } from "./classes";
import type { ClassInfo, ClassInput } from "./model";
import type { PaidEnv } from "./tickets";

export interface Fixture {
  db: MoneyDb;
  env: PaidEnv;
  bus: Bus;
  clock: { now: number };
  teacher: User;
  room: Room;
  user(name: string, coins?: number): User;
  klass(over?: Partial<ClassInput>): ClassInfo;
}

export function fixture(): Fixture {
  const db = openDb(join(mkdtempSync(join(tmpdir(), "lh-classes-")), "livehouse.db"), "money");
  migrate(db, SCHEMAS);
  const clock = { now: Date.parse("2026-12-01T10:00:00Z") };
  const bus = createBus(() => {});
  const env: PaidEnv = { db, bus, now: () => clock.now, sharePercent: 80, reservationMs: 15 * 60_000, stripe: { enabled: () => false, checkout: () => Promise.reject(new Error("no stripe")), refund: async () => "no stripe" } };
  const user = (name: string, coins = 0): User => {
    const u = insertUser(db, { username: name, displayName: name, passwordHash: "x", role: "viewer", now: 0 });
    if (coins > 0) creditCoins(db, { userId: u.id, coins, reason: "admin_credit", ref: "test" }, clock.now);
    return u;
  };
  const teacher = insertUser(db, { username: "teacher", displayName: "Teacher", passwordHash: "x", role: "creator", now: 0 });
  const made = createRoom(db, teacher, { title: "Classroom", description: "", category: "education", tags: "" }, 0);
  if (!made.ok) throw new Error("room");
  const room = made.value;
  const klass = (over: Partial<ClassInput> = {}): ClassInfo => {
    const r = createClass(db, teacher, room, { title: "Algebra", description: "", startsAt: clock.now + 3_600_000, minutes: 60, priceMinor: 100, currency: "COIN", capacity: 10, replayIncluded: true, ...over }, clock.now);
    if (!r.ok) throw new Error(r.message);
    return r.value;
  };
  return { db, env, bus, clock, teacher, room, user, klass };
}
