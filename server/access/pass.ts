// A visitor's pass to a password room, for visitors without an account: an HttpOnly cookie per room,
//   lh_pass_<roomId> = <passwordVersion>.<expires unix s>.<base64url HMAC-SHA256(key, "pass:<room>:<version>:<expires>")>
// Bound to the room (its id is in the signed string and the cookie's name) and to the password's version, so a new
// password ends every pass at once, like a signed-in viewer's stored one. Stateless: nothing is written per visitor.
import { createHmac } from "node:crypto";
import { sameSecret } from "../lib/secrets";

export const PASS_TTL_S = 30 * 86_400;

export const passCookieName = (roomId: number): string => `lh_pass_${roomId}`;

function mac(key: string, roomId: number, version: number, expires: number): string {
  return createHmac("sha256", key).update(`pass:${roomId}:${version}:${expires}`).digest("base64url");
}

export function issuePass(key: string, roomId: number, version: number, nowMs: number): { value: string; maxAge: number } {
  const expires = Math.floor(nowMs / 1000) + PASS_TTL_S;
  return { value: `${version}.${expires}.${mac(key, roomId, version, expires)}`, maxAge: PASS_TTL_S };
}

/** The password version a valid, unexpired pass was issued for, or null. */
export function passVersionIn(key: string, roomId: number, value: string, nowMs: number): number | null {
  const m = /^(\d{1,9})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m) return null;
  const version = Number(m[1]);
  const expires = Number(m[2]);
  if (expires * 1000 <= nowMs) return null;
  return sameSecret(m[3]!, mac(key, roomId, version, expires)) ? version : null;
}

/** The pass cookie's value for the room from a request's Cookie header, if any. */
export function passFromCookies(cookieHeader: string | null, roomId: number): string | null {
  if (!cookieHeader) return null;
  const name = `${passCookieName(roomId)}=`;
  for (const part of cookieHeader.split(";")) {
    const p = part.trim();
    if (p.startsWith(name)) return p.slice(name.length);
  }
  return null;
}

export function passSetCookie(roomId: number, pass: { value: string; maxAge: number }, secure: boolean): string {
  return `${passCookieName(roomId)}=${pass.value}; Path=/; Max-Age=${pass.maxAge}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}
