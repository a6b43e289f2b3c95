// The only file of the accounts domain with SQL.
import type { Database } from "bun:sqlite";
import type { Lang } from "../i18n";
import type { AccessToken, Role, Session, User } from "./model";

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  created_at: number;
  disabled: number;
}

const USER_COLS = "id, username, display_name, role, created_at, disabled";

function toUser(r: UserRow): User {
  return { id: r.id, username: r.username, displayName: r.display_name, role: r.role, createdAt: r.created_at, disabled: r.disabled === 1 };
}

export function countUsers(db: Database): number {
  return db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM users").get()!.n;
}

export function insertUser(db: Database, u: { username: string; displayName: string; passwordHash: string; role: Role; now: number }): User {
  const row = db
    .query<UserRow, [string, string, string, string, number]>(
      `INSERT INTO users (username, display_name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?) RETURNING ${USER_COLS}`,
    )
    .get(u.username, u.displayName, u.passwordHash, u.role, u.now)!;
  return toUser(row);
}

export function getUserById(db: Database, id: number): User | null {
  const r = db.query<UserRow, [number]>(`SELECT ${USER_COLS} FROM users WHERE id = ?`).get(id);
  return r ? toUser(r) : null;
}

export function getUserByUsername(db: Database, username: string): User | null {
  const r = db.query<UserRow, [string]>(`SELECT ${USER_COLS} FROM users WHERE username = ?`).get(username);
  return r ? toUser(r) : null;
}

export function getPasswordHash(db: Database, userId: number): string | null {
  return db.query<{ h: string }, [number]>("SELECT password_hash AS h FROM users WHERE id = ?").get(userId)?.h ?? null;
}

export function listUsers(db: Database, limit = 200): User[] {
  return db.query<UserRow, [number]>(`SELECT ${USER_COLS} FROM users ORDER BY id LIMIT ?`).all(limit).map(toUser);
}

export function setLang(db: Database, userId: number, lang: Lang): void {
  db.query("UPDATE users SET lang = ? WHERE id = ? AND lang != ?").run(lang, userId, lang);
}

export function setDisabled(db: Database, userId: number, disabled: boolean): boolean {
  return db.query("UPDATE users SET disabled = ? WHERE id = ?").run(disabled ? 1 : 0, userId).changes === 1;
}

export function setRole(db: Database, userId: number, role: Role): boolean {
  return db.query("UPDATE users SET role = ? WHERE id = ?").run(role, userId).changes === 1;
}

export function insertSession(db: Database, s: { idHash: string; userId: number; csrf: string; now: number; expiresAt: number }): void {
  db.query("INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)").run(
    s.idHash, s.userId, s.csrf, s.now, s.expiresAt,
  );
}

/** Every signed-in request (`+?`: server/db/open.ts). */
export function getSession(db: Database, idHash: string, now: number): (Session & { user: User }) | null {
  const r = db
    .query<UserRow & { s_csrf: string; s_created: number; s_expires: number; s_user: number }, [string, number]>(
      `SELECT s.csrf AS s_csrf, s.created_at AS s_created, s.expires_at AS s_expires, s.user_id AS s_user,
              u.id, u.username, u.display_name, u.role, u.created_at, u.disabled
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = +? AND s.expires_at > +?`,
    )
    .get(idHash, now);
  if (!r) return null;
  return { id: idHash, userId: r.s_user, csrf: r.s_csrf, createdAt: r.s_created, expiresAt: r.s_expires, user: toUser(r) };
}

export function deleteSession(db: Database, idHash: string): void {
  db.query("DELETE FROM sessions WHERE id_hash = ?").run(idHash);
}

export function deleteUserSessions(db: Database, userId: number): void {
  db.query("DELETE FROM sessions WHERE user_id = ?").run(userId);
}

export function deleteExpiredSessions(db: Database, now: number): number {
  return db.query("DELETE FROM sessions WHERE expires_at <= ?").run(now).changes;
}

export function insertToken(db: Database, t: { userId: number; name: string; tokenHash: string; now: number }): AccessToken {
  const r = db
    .query<{ id: number }, [number, string, string, number]>(
      "INSERT INTO access_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .get(t.userId, t.name, t.tokenHash, t.now)!;
  return { id: r.id, userId: t.userId, name: t.name, createdAt: t.now, lastUsedAt: null };
}

/** Every API request with a token (`+?`: server/db/open.ts). */
export function getUserByTokenHash(db: Database, tokenHash: string, now: number): User | null {
  const r = db
    .query<UserRow, [string]>(
      `SELECT u.id, u.username, u.display_name, u.role, u.created_at, u.disabled
       FROM access_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = +?`,
    )
    .get(tokenHash);
  if (!r) return null;
  db.query("UPDATE access_tokens SET last_used_at = ? WHERE token_hash = ?").run(now, tokenHash);
  return toUser(r);
}

export function listTokens(db: Database, userId: number): AccessToken[] {
  return db
    .query<{ id: number; user_id: number; name: string; created_at: number; last_used_at: number | null }, [number]>(
      "SELECT id, user_id, name, created_at, last_used_at FROM access_tokens WHERE user_id = ? ORDER BY id DESC",
    )
    .all(userId)
    .map((r) => ({ id: r.id, userId: r.user_id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

export function deleteToken(db: Database, userId: number, tokenId: number): boolean {
  return db.query("DELETE FROM access_tokens WHERE id = ? AND user_id = ?").run(tokenId, userId).changes === 1;
}
