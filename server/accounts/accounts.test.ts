import { Database } from "bun:sqlite";
import { beforeEach, describe, expect, test } from "bun:test";
import { migrate } from "../db/migrate";
import { SCHEMAS } from "../db/schema";
import * as accounts from "./accounts";

let db: Database;
beforeEach(() => {
  db = new Database(":memory:");
  migrate(db, SCHEMAS);
});

describe("accounts", () => {
  test("first-run setup creates the admin once", async () => {
    const r = await accounts.createFirstAdmin(db, { username: "root", password: "correct horse" });
    expect(r.ok && r.value.role).toBe("admin");
    const again = await accounts.createFirstAdmin(db, { username: "other", password: "correct horse" });
    expect(again.ok).toBe(false);
    expect(accounts.countUsers(db)).toBe(1);
  });

  test("passwords are argon2id hashes and login verifies them", async () => {
    await accounts.createUser(db, { username: "alice", password: "wonderland", role: "viewer" });
    const hash = db.query<{ h: string }, []>("SELECT password_hash AS h FROM users").get()!.h;
    expect(hash.startsWith("$argon2id$")).toBe(true);
    expect((await accounts.verifyLogin(db, "alice", "wonderland"))?.username).toBe("alice");
    expect(await accounts.verifyLogin(db, "ALICE", "wonderland")).not.toBeNull();
    expect(await accounts.verifyLogin(db, "alice", "wrong-password")).toBeNull();
    expect(await accounts.verifyLogin(db, "nobody", "wonderland")).toBeNull();
  });

  test("bad sign-up input reports each field and writes nothing", async () => {
    const r = await accounts.createUser(db, { username: "a b", password: "short", displayName: "x".repeat(60), role: "viewer" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field).sort()).toEqual(["displayName", "password", "username"]);
    expect(accounts.countUsers(db)).toBe(0);
  });

  test("usernames are unique regardless of case, also when two sign-ups race", async () => {
    const [a, b] = await Promise.all([
      accounts.createUser(db, { username: "Bob", password: "password1", role: "viewer" }),
      accounts.createUser(db, { username: "bob", password: "password2", role: "viewer" }),
    ]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    expect(accounts.countUsers(db)).toBe(1);
  });

  test("login rotates the session id and kills the previous one; logout kills the session", async () => {
    const u = await accounts.createUser(db, { username: "carol", password: "password1", role: "viewer" });
    if (!u.ok) throw new Error("setup");
    const first = accounts.startSession(db, u.value.id, null);
    const second = accounts.startSession(db, u.value.id, first);
    expect(second).not.toBe(first);
    expect(accounts.loadSession(db, first)).toBeNull();
    expect(accounts.loadSession(db, second)?.user.username).toBe("carol");
    accounts.endSession(db, second);
    expect(accounts.loadSession(db, second)).toBeNull();
  });

  test("expired sessions do not load; ids are stored hashed", async () => {
    const u = await accounts.createUser(db, { username: "dave", password: "password1", role: "viewer" });
    if (!u.ok) throw new Error("setup");
    const s = accounts.startSession(db, u.value.id, null, 1_000);
    expect(db.query("SELECT 1 FROM sessions WHERE id_hash = ?").get(s)).toBeNull();
    expect(accounts.loadSession(db, s, 1_000 + accounts.SESSION_TTL_MS + 1)).toBeNull();
  });

  test("only an admin changes roles, and cannot demote themselves", async () => {
    const admin = await accounts.createFirstAdmin(db, { username: "root", password: "password1" });
    const viewer = await accounts.createUser(db, { username: "erin", password: "password1", role: "viewer" });
    if (!admin.ok || !viewer.ok) throw new Error("setup");
    expect(accounts.changeRole(db, viewer.value, viewer.value.id, "admin")).toBe(false);
    expect(accounts.changeRole(db, admin.value, viewer.value.id, "creator")).toBe(true);
    expect(accounts.getUserById(db, viewer.value.id)?.role).toBe("creator");
    expect(accounts.changeRole(db, admin.value, admin.value.id, "viewer")).toBe(false);
  });

  test("personal access tokens authenticate and can be revoked", async () => {
    const u = await accounts.createUser(db, { username: "frank", password: "password1", role: "viewer" });
    if (!u.ok) throw new Error("setup");
    const { token, id } = accounts.createAccessToken(db, u.value.id, "bot");
    expect(accounts.userForToken(db, token)?.username).toBe("frank");
    expect(accounts.userForToken(db, token + "x")).toBeNull();
    expect(accounts.listTokens(db, u.value.id)[0]?.lastUsedAt).not.toBeNull();
    expect(accounts.deleteToken(db, u.value.id, id)).toBe(true);
    expect(accounts.userForToken(db, token)).toBeNull();
  });
});
