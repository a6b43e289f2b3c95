// OBS overlay access: one secret token per room in the overlay URLs (OBS browser sources cannot log in).
// Rotating replaces the token; lookups go by the stored token, so the old one stops working at once, and the
// routes close the sockets that were opened with it.
import type { Database } from "bun:sqlite";
import { randomToken } from "../accounts/secrets";
import * as store from "./storage";

const TOKEN = /^ov_[A-Za-z0-9_-]{24,64}$/;

function newToken(): string {
  return "ov_" + randomToken(24);
}

/** The room's token, created on first use; an existing token is only read (no write on every Studio visit). */
export function overlayToken(db: Database, roomId: number, now = Date.now()): string {
  const existing = store.tokenOf(db, roomId);
  if (existing) return existing;
  store.insertTokenIfMissing(db, roomId, newToken(), now);
  return store.tokenOf(db, roomId)!;
}

export function rotateOverlayToken(db: Database, roomId: number, now = Date.now()): string {
  const token = newToken();
  store.saveToken(db, roomId, token, now);
  return token;
}

export function roomForOverlayToken(db: Database, token: string): number | null {
  return TOKEN.test(token) ? store.roomIdForToken(db, token) : null;
}

export function maskToken(token: string): string {
  return token.slice(0, 5) + "•".repeat(10) + token.slice(-3);
}

/** Topic for events meant only for a room's overlays (the Studio's test alert). */
export function overlayTopic(roomId: number): string {
  return `overlay:${roomId}`;
}
