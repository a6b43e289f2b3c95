// Account rules: sign-up, login, sessions, roles and API tokens. Plain functions over a Database.
import type { Database } from "bun:sqlite";
import type { Lang } from "../i18n";
import type { FieldError, Role, Session, User } from "./model";
import * as store from "./storage";
import { hashSecret, randomToken } from "./secrets";
import { validateDisplayName, validatePassword, validateUsername } from "./validate";

declare module "../events/bus" {
  interface Facts {
    /** An admin suspended the account: its sockets close everywhere. */
    "user.suspended": { userId: number };
  }
}

export const SESSION_TTL_MS = 30 * 24 * 3600_000;

export type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export async function createUser(
  db: Database,
  input: { username: string; password: string; displayName?: string; role: Role },
  now = Date.now(),
): Promise<Result<User>> {
  const username = input.username.trim();
  const displayName = (input.displayName ?? "").trim() || username;
  const errors = [validateUsername(username), validatePassword(input.password), validateDisplayName(displayName)].filter(
    (e): e is FieldError => e !== null,
  );
  if (errors.length) return { ok: false, errors };
  if (store.getUserByUsername(db, username)) return { ok: false, errors: [{ field: "username", message: "error.usernameTaken" }] };
  const passwordHash = await Bun.password.hash(input.password, { algorithm: "argon2id" });
  try {
    return { ok: true, value: store.insertUser(db, { username, displayName, passwordHash, role: input.role, now }) };
  } catch (err) {
    // Two sign-ups racing for one name: the UNIQUE constraint decides.
    if (String(err).includes("UNIQUE")) return { ok: false, errors: [{ field: "username", message: "error.usernameTaken" }] };
    throw err;
  }
}

/** First-run setup: creates the admin only while no user exists. */
export async function createFirstAdmin(db: Database, input: { username: string; password: string }): Promise<Result<User>> {
  if (store.countUsers(db) > 0) return { ok: false, errors: [{ field: "username", message: "error.setupDone" }] };
  return createUser(db, { ...input, role: "admin" });
}

// A fixed hash to compare against when the user does not exist, so timing does not reveal usernames.
let dummyHash: Promise<string> | null = null;

/**
 * The name as login matches it: trimmed, and case-folded the way the username column's COLLATE NOCASE folds
 * (ASCII only), so every spelling that reaches one account shares one rate-limit key.
 */
export function loginKey(username: string): string {
  return username.trim().replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export async function verifyLogin(db: Database, username: string, password: string): Promise<User | null> {
  const user = store.getUserByUsername(db, username.trim());
  const hash = user ? store.getPasswordHash(db, user.id) : null;
  if (!user || !hash) {
    dummyHash ??= Bun.password.hash("not-a-real-password", { algorithm: "argon2id" });
    await Bun.password.verify(password, await dummyHash);
    return null;
  }
  if (user.disabled) return null;
  return (await Bun.password.verify(password, hash)) ? user : null;
}

/** Starts a fresh session and returns its id; the previous one (if any) is killed so the id rotates on login. */
export function startSession(db: Database, userId: number, previousId: string | null, now = Date.now()): string {
  if (previousId) store.deleteSession(db, hashSecret(previousId));
  const id = randomToken();
  const csrf = randomToken(24);
  store.insertSession(db, { idHash: hashSecret(id), userId, csrf, now, expiresAt: now + SESSION_TTL_MS });
  return id;
}

/** The language the user's e-mail comes in: the one they last chose (or signed in with) on the site. */
export function setMailLang(db: Database, userId: number, lang: Lang): void {
  store.setLang(db, userId, lang);
}

export function loadSession(db: Database, id: string, now = Date.now()): (Session & { user: User }) | null {
  const s = store.getSession(db, hashSecret(id), now);
  if (!s || s.user.disabled) return null;
  return { ...s, id };
}

export function endSession(db: Database, id: string): void {
  store.deleteSession(db, hashSecret(id));
}

export function changeRole(db: Database, actor: User, targetId: number, role: Role): boolean {
  if (actor.role !== "admin") return false;
  if (actor.id === targetId && role !== "admin") return false; // never lock the last door from the inside
  return store.setRole(db, targetId, role);
}

/**
 * Site-wide suspension, an admin action (a room ban covers one room only): the account cannot sign in, its
 * sessions end and its tokens stop working (both check `disabled`). Admins cannot suspend themselves.
 */
export function setSuspended(db: Database, actor: User | null, targetId: number, suspended: boolean): boolean {
  if (actor !== null && (actor.role !== "admin" || actor.id === targetId)) return false;
  if (!store.setDisabled(db, targetId, suspended)) return false;
  if (suspended) store.deleteUserSessions(db, targetId);
  return true;
}

export function createAccessToken(db: Database, userId: number, name: string, now = Date.now()): { token: string; id: number } {
  const token = "lh_" + randomToken();
  const t = store.insertToken(db, { userId, name: name.trim().slice(0, 60) || "token", tokenHash: hashSecret(token), now });
  return { token, id: t.id };
}

export function userForToken(db: Database, token: string, now = Date.now()): User | null {
  const u = store.getUserByTokenHash(db, hashSecret(token), now);
  return u && !u.disabled ? u : null;
}

export { countUsers, deleteUserSessions, getUserById, getUserByUsername, listUsers, listTokens, deleteToken } from "./storage";
